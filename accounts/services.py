"""Writes to accounts: inviting people, changing roles, switching organisation."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import invitations
from accounts.models import Invitation, Membership, Organization, User
from accounts.roles import FIRM_ROLES, REGULATOR_ROLES


@transaction.atomic
def invite_member(
    *,
    organization: Organization,
    email: str,
    role: str,
    full_name: str = "",
    invited_by: User | None = None,
    request=None,
) -> Membership | Invitation:
    """Offer a person a role in a firm.

    A new person gets an account, the membership and a set-your-password email (nobody else's consent is
    at stake). An existing account gets an :class:`Invitation` it must accept: no membership until then.
    """
    email = email.strip().lower()
    allowed = REGULATOR_ROLES if organization.is_regulator else FIRM_ROLES
    if role not in allowed:
        raise ValidationError({"role": _("This role does not exist in this kind of organisation.")})
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return invitations.invite_existing_account(
            organization=organization, user=user, role=role, invited_by=invited_by, request=request
        )
    user = User.objects.create_user(email=email, full_name=full_name)
    membership = Membership(organization=organization, user=user, role=role)
    membership.full_clean()
    membership.save()
    transaction.on_commit(lambda: send_invitation(user=user, request=request))
    return membership


@transaction.atomic
def change_role(*, membership: Membership, role: str, changed_by: User) -> Membership:
    if membership.user_id == changed_by.pk:
        raise ValidationError({"role": _("You cannot change your own role.")})
    membership.role = role
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, removed_by: User) -> None:
    if membership.user_id == removed_by.pk:
        raise ValidationError(_("You cannot remove yourself."))
    membership.delete()


def send_invitation(*, user: User, request=None) -> None:
    """Email a set-your-password link (the password-reset flow, which works for unusable passwords)."""
    context = {
        "protocol": "https" if request is not None and request.is_secure() else "http",
        "domain": request.get_host() if request is not None else "localhost:8000",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = render_to_string("registration/invite_subject.txt", context).strip()
    body = render_to_string("registration/invite_email.txt", context)
    send_mail(subject, body, None, [user.email])
