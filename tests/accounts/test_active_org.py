"""Naming a firm you do not belong to is refused, never quietly replaced by your first firm: a person in
several firms must not write into the wrong one."""

from accounts import active
from accounts.models import Membership
from accounts.roles import Role
from vendors.models import Vendor


def test_the_api_refuses_an_x_organization_you_do_not_belong_to(world, api_for):
    response = api_for(world.a_officer).get("/api/v1/me", HTTP_X_ORGANIZATION=str(world.firm_b.pk))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "organization_not_yours"
    assert "X-Organization" in error["message"]


def test_a_write_naming_another_firm_writes_nothing_anywhere(world, api_for):
    response = api_for(world.a_officer).post(
        "/api/v1/vendors/", {"name": "Mistaken Vendor"}, HTTP_X_ORGANIZATION=str(world.firm_b.pk)
    )
    assert response.status_code == 403
    for firm in (world.firm_a, world.firm_b):
        assert not Vendor.objects.for_org(firm).filter(name="Mistaken Vendor").exists()


def test_a_nonsense_x_organization_is_refused_too(world, api_for):
    response = api_for(world.a_officer).get("/api/v1/me", HTTP_X_ORGANIZATION="not-a-number")
    assert response.status_code == 403


def test_a_person_in_two_firms_picks_either_with_the_header(world, api_for):
    Membership.objects.create(organization=world.firm_b, user=world.a_officer, role=Role.VIEWER)
    api = api_for(world.a_officer)
    for firm in (world.firm_a, world.firm_b):
        me = api.get("/api/v1/me", HTTP_X_ORGANIZATION=str(firm.pk)).json()
        assert me["active_organization"]["id"] == firm.pk


def test_without_the_header_the_default_firm_is_used(world, api_for):
    me = api_for(world.a_officer).get("/api/v1/me").json()
    assert me["active_organization"]["id"] == world.firm_a.pk


def _switch_then_lose(world, as_user):
    """a_officer also works for firm B, switches to it, then is removed from it."""
    extra = Membership.objects.create(organization=world.firm_b, user=world.a_officer, role=Role.OFFICER)
    client = as_user(world.a_officer)
    client.post("/accounts/organization/switch/", {"organization": world.firm_b.pk})
    Membership.objects.for_org(world.firm_b).filter(pk=extra.pk).delete()
    return client


def test_a_web_write_after_losing_the_chosen_firm_is_refused(world, as_user):
    client = _switch_then_lose(world, as_user)
    response = client.post("/vendors/new/", {"name": "Written Into The Wrong Firm"})
    assert response.status_code == 403
    assert not Vendor.objects.for_org(world.firm_a).filter(name="Written Into The Wrong Firm").exists()


def test_a_web_page_after_losing_the_chosen_firm_forgets_it_and_says_so(world, as_user):
    client = _switch_then_lose(world, as_user)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert active.SESSION_KEY not in client.session
    assert "no longer a member" in response.content.decode()
    # ...and the next write is no longer refused: it goes to the firm now shown (here, a form error).
    assert client.post("/vendors/new/", {"name": "Now In A"}).status_code == 400
