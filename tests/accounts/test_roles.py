"""Role permissions on the foundation's own pages; later apps test their own."""

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import Membership
from accounts.roles import Role


def test_a_viewer_cannot_invite(world, as_user):
    response = as_user(world.a_viewer).post("/accounts/members/invite/", {"email": "x@a.test", "role": "viewer"})
    assert response.status_code == 403
    assert not Membership.objects.for_org(world.firm_a).filter(user__email="x@a.test").exists()


def test_an_officer_cannot_manage_users(world, as_user):
    target = Membership.objects.for_org(world.firm_a).get(user=world.a_viewer)
    client = as_user(world.a_officer)
    assert client.post("/accounts/members/invite/", {"email": "y@a.test", "role": "viewer"}).status_code == 403
    assert client.post(f"/accounts/members/{target.pk}/", {"role": "officer"}).status_code == 403
    target.refresh_from_db()
    assert target.role == Role.VIEWER


def test_a_firm_admin_invites_a_new_person_who_gets_an_email(
    world, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.a_admin).post(
            "/accounts/members/invite/", {"email": "New@A.test", "role": "officer", "full_name": "New Person"}
        )
    assert response.status_code == 302
    membership = Membership.objects.for_org(world.firm_a).get(user__email="new@a.test")
    assert membership.role == Role.OFFICER
    assert len(mailoutbox) == 1 and "/accounts/password/reset/" in mailoutbox[0].body


def test_a_firm_admin_changes_a_role_and_it_is_audited_as_a_role_change(world, as_user):
    from audit.models import AuditEvent

    target = Membership.objects.for_org(world.firm_a).get(user=world.a_viewer)
    response = as_user(world.a_admin).post(f"/accounts/members/{target.pk}/", {"role": "officer"})
    assert response.status_code == 302
    event = AuditEvent.objects.for_org(world.firm_a).filter(action="role_change").get()
    assert event.changes == {"before": {"role": "viewer"}, "after": {"role": "officer"}}
    assert event.actor == world.a_admin


def test_a_firm_cannot_be_given_a_regulator_role(world):
    with pytest.raises(ValidationError):
        services.invite_member(organization=world.firm_a, email="z@a.test", role=Role.SUPERVISOR)


def test_a_firm_admin_cannot_change_their_own_role(world):
    own = Membership.objects.for_org(world.firm_a).get(user=world.a_admin)
    with pytest.raises(ValidationError):
        services.change_role(membership=own, role=Role.VIEWER, changed_by=world.a_admin)


def test_inviting_someone_twice_is_a_field_error(world, as_user):
    client = as_user(world.a_admin)
    response = client.post("/accounts/members/invite/", {"email": "viewer@a.test", "role": "viewer"})
    assert response.status_code == 400
    assert "already a member" in response.content.decode()


def test_the_supervisor_dashboard_is_not_a_firm_dashboard(world, as_user):
    body = as_user(world.supervisor).get("/").content.decode()
    assert "Supervisory Service" in body or "회사" in body
