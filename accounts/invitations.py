"""Invitations of existing accounts: a firm offers a role, only the invitee can accept it.

A firm admin may not add an existing account to their firm directly: that would hand the person's name to
the firm and move their working organisation without their say. The firm sends an invitation; the invitee
sees it after logging in (dashboard, ``/accounts/invitations/``) and accepts or declines. Every step is an
audited change of the invitation (and, on acceptance, the creation of the membership).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import rls
from accounts.models import (
    REGULATOR_STAFF_IN_FIRM,
    Invitation,
    InvitationState,
    Membership,
    Organization,
    User,
)

NOT_OPEN = gettext_lazy("This invitation is no longer open.")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expire_stale(organization: Organization, email: str) -> None:
    # Saved one by one, not with a queryset update: each expiry is an audited change of its invitation.
    stale = Invitation.objects.for_org(organization).filter(
        email__iexact=email, state=InvitationState.PENDING, expires_at__lte=timezone.now()
    )
    for invitation in stale:
        invitation.state = InvitationState.EXPIRED
        invitation.save(update_fields=["state"])


@transaction.atomic
def invite_existing_account(
    *, organization: Organization, user: User, role: str, invited_by: User | None, request=None
) -> Invitation:
    """Offer ``user`` a role in ``organization``; nothing changes for them until they accept."""
    if not organization.is_regulator and user.is_regulator_staff():
        raise ValidationError({"email": REGULATOR_STAFF_IN_FIRM})
    if Membership.objects.for_org(organization).filter(user=user).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    _expire_stale(organization, user.email)
    if Invitation.objects.for_org(organization).open().filter(email__iexact=user.email).exists():
        raise ValidationError({"email": _("This person already has an invitation waiting.")})
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=organization,
        email=user.email,
        role=role,
        invited_by=invited_by,
        token_hash=hash_token(token),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: send_invitation_to_account(invitation=invitation, token=token, request=request))
    return invitation


def _lock_addressed(invitation: Invitation, user: User) -> Invitation:
    # Called inside rls.on_behalf_of(the inviting firm): the invitee answers in that firm's rows.
    """Re-read the invitation under a row lock, only if it is addressed to ``user``."""
    try:
        return Invitation.objects.addressed_to(user).select_for_update().select_related("organization").get(
            pk=invitation.pk
        )
    except Invitation.DoesNotExist as exc:
        raise ValidationError(NOT_OPEN) from exc


def accept_invitation(*, invitation: Invitation, user: User, make_default: bool = False) -> Membership:
    """The invitee joins the firm with the offered role; their default firm moves only if they ask."""
    with transaction.atomic():
        # The invitation is the inviting firm's row: answering it writes there, and only there.
        with rls.on_behalf_of(invitation.organization_id):
            invitation = _lock_addressed(invitation, user)
            if not invitation.is_open:
                raise ValidationError(NOT_OPEN)
            if Membership.objects.for_org(invitation.organization).filter(user=user).exists():
                raise ValidationError(_("You are already a member of this organisation."))
            membership = Membership(organization=invitation.organization, user=user, role=invitation.role)
            try:
                membership.full_clean()
            except ValidationError as exc:
                # Shown to the invitee on the invitation page: there is no "user" field there.
                raise ValidationError(exc.messages) from exc
            membership.save()
            invitation.state = InvitationState.ACCEPTED
            invitation.responded_at = timezone.now()
            invitation.save(update_fields=["state", "responded_at", "updated_at"])
        if make_default:
            # The person's own record, audited where they act from, not in the inviting firm.
            user.default_organization = invitation.organization
            user.save(update_fields=["default_organization"])
    return membership


def decline_invitation(*, invitation: Invitation, user: User) -> Invitation:
    # The invitation is the inviting firm's row: answering it writes there, and only there.
    with rls.on_behalf_of(invitation.organization_id), transaction.atomic():
        invitation = _lock_addressed(invitation, user)
        if not invitation.is_open:
            raise ValidationError(NOT_OPEN)
        invitation.state = InvitationState.DECLINED
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["state", "responded_at", "updated_at"])
        return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation) -> Invitation:
    """The firm withdraws an invitation not yet answered (the caller checked the firm and the role)."""
    invitation = Invitation.objects.for_org(invitation.organization).select_for_update().get(pk=invitation.pk)
    if invitation.state != InvitationState.PENDING:
        raise ValidationError(NOT_OPEN)
    invitation.state = InvitationState.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["state", "responded_at", "updated_at"])
    return invitation


def find_by_token(user: User, token: str) -> Invitation | None:
    """The invitation an emailed link names, if it is addressed to the signed-in person."""
    return Invitation.objects.addressed_to(user).filter(token_hash=hash_token(token)).first()


def send_invitation_to_account(*, invitation: Invitation, token: str, request=None) -> None:
    path = reverse("invitation_link", kwargs={"token": token})
    context = {
        "link": request.build_absolute_uri(path) if request is not None else f"http://localhost:8000{path}",
        "organization": invitation.organization,
        "role": invitation.get_role_display(),
        "invited_by": invitation.invited_by,
        "expires_at": invitation.expires_at,
    }
    subject = render_to_string("registration/invitation_subject.txt", context).strip()
    body = render_to_string("registration/invitation_email.txt", context)
    send_mail(subject, body, None, [invitation.email])
