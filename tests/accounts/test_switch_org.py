from accounts.models import Membership
from accounts.roles import Role


def test_a_person_in_two_firms_switches_the_active_one(world, as_user, api_for):
    Membership.objects.create(organization=world.firm_b, user=world.a_viewer, role=Role.VIEWER)
    client = as_user(world.a_viewer)
    response = client.post("/accounts/organization/switch/", {"organization": world.firm_b.pk, "next": "/"})
    assert response.status_code == 302
    me = client.get("/api/v1/me").json()
    assert me["active_organization"]["id"] == world.firm_b.pk
    assert {m["organization"]["id"] for m in me["memberships"]} == {world.firm_a.pk, world.firm_b.pk}


def test_switching_to_a_firm_you_do_not_belong_to_is_a_404(world, as_user):
    response = as_user(world.a_viewer).post("/accounts/organization/switch/", {"organization": world.firm_b.pk})
    assert response.status_code == 404


def test_the_active_organisation_is_shown_on_every_page(world, as_user):
    body = as_user(world.a_officer).get("/").content.decode()
    assert 'data-testid="active-org"' in body
    assert world.firm_a.name in body


def test_an_open_redirect_after_switching_is_refused(world, as_user):
    response = as_user(world.a_viewer).post(
        "/accounts/organization/switch/", {"organization": world.firm_a.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
