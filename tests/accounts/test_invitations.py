"""Joining a firm needs the person's consent: an existing account is invited, and only it can accept."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import active, invitations, services
from accounts.models import Invitation, InvitationState, Membership
from accounts.roles import Role
from audit.models import AuditEvent


def _invite(world, as_user, email, role="officer", mailoutbox=None, capture=None):
    client = as_user(world.a_admin)
    if capture is not None:
        with capture(execute=True):
            return client.post("/accounts/members/invite/", {"email": email, "role": role})
    return client.post("/accounts/members/invite/", {"email": email, "role": role})


def _link_token(mail) -> str:
    return re.search(r"/accounts/invitations/open/([^/\s]+)/", mail.body).group(1)


def test_inviting_an_existing_account_adds_nobody_until_they_accept(
    world, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    response = _invite(world, as_user, "viewer@b.test", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert not Membership.objects.for_org(world.firm_a).filter(user=world.b_viewer).exists()
    invitation = Invitation.objects.for_org(world.firm_a).get(email="viewer@b.test")
    assert invitation.state == InvitationState.PENDING and invitation.invited_by == world.a_admin
    assert len(mailoutbox) == 1 and "/accounts/invitations/open/" in mailoutbox[0].body
    # The person still works where they did.
    assert active.resolve(world.b_viewer, None).organization == world.firm_b


def test_only_a_hash_of_the_emailed_token_is_stored(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.VIEWER)
    token = _link_token(mailoutbox[0])
    assert token not in invitation.token_hash
    assert invitation.token_hash == invitations.hash_token(token)


def test_the_invitee_sees_the_invitation_after_logging_in(world, as_user):
    services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.VIEWER)
    client = as_user(world.b_viewer)
    dashboard = client.get("/").content.decode()
    assert 'data-testid="panel-invitations"' in dashboard and world.firm_a.name in dashboard
    assert world.firm_a.name in client.get("/accounts/invitations/").content.decode()


def test_a_person_with_no_firm_yet_sees_the_invitation_too(world, as_user):
    services.invite_member(organization=world.firm_a, email="stranger@nowhere.test", role=Role.VIEWER)
    assert 'data-testid="panel-invitations"' in as_user(world.stranger).get("/").content.decode()


def test_accepting_creates_the_membership_and_keeps_the_default_firm(world, as_user):
    invitation = services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.OFFICER)
    client = as_user(world.b_viewer)
    response = client.post(f"/accounts/invitations/{invitation.pk}/", {"decision": "accept"})
    assert response.status_code == 302
    membership = Membership.objects.for_org(world.firm_a).get(user=world.b_viewer)
    assert membership.role == Role.OFFICER
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED and invitation.responded_at
    world.b_viewer.refresh_from_db()
    assert active.resolve(world.b_viewer, None).organization == world.firm_b


def test_accepting_is_audited_as_the_invitees_act(world, as_user):
    invitation = services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.OFFICER)
    as_user(world.b_viewer).post(f"/accounts/invitations/{invitation.pk}/", {"decision": "accept"})
    events = AuditEvent.objects.for_org(world.firm_a).filter(actor=world.b_viewer)
    state_change = events.get(object_type="accounts.Invitation", action="update")
    assert state_change.changes["after"]["state"] == "accepted"
    assert state_change.changes["before"]["state"] == "pending"
    assert events.filter(object_type="accounts.Membership", action="create").exists()


def test_the_invitee_may_choose_to_make_the_new_firm_their_default(world, as_user):
    invitation = services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.VIEWER)
    as_user(world.b_viewer).post(
        f"/accounts/invitations/{invitation.pk}/", {"decision": "accept", "make_default": "on"}
    )
    world.b_viewer.refresh_from_db()
    assert world.b_viewer.default_organization == world.firm_a
    assert active.resolve(world.b_viewer, None).organization == world.firm_a


def test_declining_adds_nothing(world, as_user):
    invitation = services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.VIEWER)
    response = as_user(world.b_viewer).post(f"/accounts/invitations/{invitation.pk}/", {"decision": "decline"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED
    assert not Membership.objects.for_org(world.firm_a).filter(user=world.b_viewer).exists()
    with pytest.raises(ValidationError):
        invitations.accept_invitation(invitation=invitation, user=world.b_viewer)


@pytest.mark.parametrize("who", ["b_officer", "a_officer", "stranger", "supervisor"])
def test_nobody_but_the_invitee_can_answer(world, as_user, who):
    invitation = services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.VIEWER)
    client = as_user(getattr(world, who))
    assert client.get(f"/accounts/invitations/{invitation.pk}/").status_code == 404
    assert client.post(f"/accounts/invitations/{invitation.pk}/", {"decision": "accept"}).status_code == 404
    with pytest.raises(ValidationError):
        invitations.accept_invitation(invitation=invitation, user=getattr(world, who))
    assert not Membership.objects.for_org(world.firm_a).exclude(
        user__in=[world.a_admin, world.a_officer, world.a_viewer]
    ).exists()


def test_the_invitee_cannot_withdraw_and_the_admin_cannot_accept(world, as_user):
    invitation = services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.VIEWER)
    assert as_user(world.b_viewer).post(
        f"/accounts/invitations/{invitation.pk}/", {"decision": "revoke"}
    ).status_code == 400
    assert as_user(world.a_admin).post(
        f"/accounts/invitations/{invitation.pk}/", {"decision": "accept"}
    ).status_code == 400
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


def test_the_firm_admin_withdraws_an_invitation(world, as_user):
    invitation = services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.VIEWER)
    assert "viewer@b.test" in as_user(world.a_admin).get("/accounts/members/").content.decode()
    response = as_user(world.a_admin).post(f"/accounts/invitations/{invitation.pk}/", {"decision": "revoke"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.REVOKED
    response = as_user(world.b_viewer).post(f"/accounts/invitations/{invitation.pk}/", {"decision": "accept"})
    assert response.status_code == 400
    assert not Membership.objects.for_org(world.firm_a).filter(user=world.b_viewer).exists()


def test_an_expired_invitation_cannot_be_accepted_and_may_be_sent_again(world):
    invitation = services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.VIEWER)
    Invitation.objects.for_org(world.firm_a).filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    invitation.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer open"):
        invitations.accept_invitation(invitation=invitation, user=world.b_viewer)
    again = services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.VIEWER)
    assert again.pk != invitation.pk
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.EXPIRED
    [expiry] = AuditEvent.objects.for_org(world.firm_a).filter(
        object_type="accounts.Invitation", object_id=str(invitation.pk), action=AuditEvent.Action.UPDATE
    )
    assert expiry.changes == {"before": {"state": "pending"}, "after": {"state": "expired"}}


def test_inviting_twice_while_one_waits_is_a_field_error(world):
    services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.VIEWER)
    with pytest.raises(ValidationError) as exc:
        services.invite_member(organization=world.firm_a, email="Viewer@B.test", role=Role.OFFICER)
    assert "email" in exc.value.message_dict


@pytest.mark.parametrize("email", ["supervisor@reg.test", "lead@reg.test"])
def test_regulator_staff_cannot_be_invited_into_a_firm(world, as_user, email):
    response = as_user(world.a_admin).post("/accounts/members/invite/", {"email": email, "role": "viewer"})
    assert response.status_code == 400
    assert "Regulator staff cannot be members of a firm." in response.content.decode()
    assert not Invitation.objects.for_org(world.firm_a).exists()
    with pytest.raises(ValidationError) as exc:
        services.invite_member(organization=world.firm_a, email=email, role=Role.VIEWER)
    assert "email" in exc.value.message_dict


def test_a_membership_of_regulator_staff_in_a_firm_never_validates(world):
    membership = Membership(organization=world.firm_a, user=world.supervisor, role=Role.VIEWER)
    with pytest.raises(ValidationError) as exc:
        membership.full_clean()
    assert "user" in exc.value.message_dict


def test_an_invitation_accepted_after_the_invitee_joined_the_regulator_is_refused(world):
    invitation = services.invite_member(organization=world.firm_a, email="stranger@nowhere.test", role=Role.VIEWER)
    Membership.objects.create(organization=world.regulator, user=world.stranger, role=Role.SUPERVISOR)
    with pytest.raises(ValidationError, match="Regulator staff"):
        invitations.accept_invitation(invitation=invitation, user=world.stranger)
    assert not Membership.objects.for_org(world.firm_a).filter(user=world.stranger).exists()


def test_the_emailed_link_opens_the_invitation_only_for_the_invitee(
    world, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(organization=world.firm_a, email="viewer@b.test", role=Role.VIEWER)
    url = f"/accounts/invitations/open/{_link_token(mailoutbox[0])}/"
    response = as_user(world.b_viewer).get(url)
    assert response.status_code == 302 and response["Location"] == f"/accounts/invitations/{invitation.pk}/"
    assert as_user(world.b_officer).get(url).status_code == 404
    assert as_user(None).get(url)["Location"].startswith("/accounts/login/")
    assert as_user(world.b_viewer).get("/accounts/invitations/open/not-the-token/").status_code == 404


def test_a_new_person_still_joins_at_once_with_a_set_password_email(world):
    membership = services.invite_member(organization=world.firm_a, email="fresh@a.test", role=Role.VIEWER)
    assert isinstance(membership, Membership)
    assert not Invitation.objects.for_org(world.firm_a).exists()
