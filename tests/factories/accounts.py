import itertools
from datetime import timedelta

from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import api_tokens
from accounts.invitations import hash_token
from accounts.models import ApiToken, Invitation, Membership, Organization, OrganizationKind, User
from accounts.roles import Role
from audit.models import AuditEvent
from audit.recorder import record

_seq = itertools.count(1)
PASSWORD = "test-password-123"


def make_org(name: str | None = None, kind: str = OrganizationKind.BANK) -> Organization:
    n = next(_seq)
    return Organization.objects.create(
        name=name or f"Firm {n}",
        name_ko=f"회사 {n}",
        kind=kind,
        business_registration_number=f"{100 + n % 800:03d}-{n % 100:02d}-{n:05d}",
    )


def make_user(email: str | None = None, **extra) -> User:
    return User.objects.create_user(email=email or f"user{next(_seq)}@example.test", password=PASSWORD, **extra)


def make_member(org: Organization, role: str, email: str | None = None) -> User:
    user = make_user(email)
    Membership.objects.create(organization=org, user=user, role=role)
    return user


def make_authenticator(user: User) -> TOTPDevice:
    """A confirmed authenticator app for the user (created once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's phone shows now (or `steps_ahead` periods later, to get a fresh one)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def next_code(device: TOTPDevice) -> str:
    """A code the device will still accept: authenticator codes are single-use, so a second login within the
    same 30 seconds takes the next period's code (within django-otp's one-step tolerance)."""
    import time

    device.refresh_from_db()
    now_t = int((time.time() - device.t0) // device.step)
    return current_code(device, steps_ahead=max(0, device.last_t + 1 - now_t))


def pass_second_factor(client, user: User) -> None:
    """Mark a force-logged-in test client's session as having passed its second factor, as the login's
    verify step does. Tests of the step itself go through the real page (tests/accounts/test_second_factor.py)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = make_authenticator(user).persistent_id
    session.save()


def membership_for(org: Organization) -> Membership:
    return Membership.objects.create(organization=org, user=make_user(), role=Role.VIEWER)


def audit_event_for(org: Organization) -> AuditEvent:
    return record(
        AuditEvent.Action.EXPORT, organization=org, object_type="test", object_id="1", object_repr="B-SECRET export"
    )


def make_api_token(user: User, name: str = "script", **extra) -> tuple[ApiToken, str]:
    """A token for someone whose role needs no code (tests of required roles pass otp_code themselves)."""
    return api_tokens.issue_token(user=user, name=name, **extra)


def api_token_for(_created: dict) -> ApiToken:
    # Tokens belong to a person, not a firm: the route matrix's 404 test for them lives in test_api_tokens.py.
    return make_api_token(make_user())[0]


def invitation_for(org: Organization) -> Invitation:
    n = next(_seq)
    return Invitation.objects.create(
        organization=org,
        email=f"B-SECRET-invitee{n}@example.test",
        role=Role.VIEWER,
        token_hash=hash_token(f"token-{n}"),
        expires_at=timezone.now() + timedelta(days=7),
    )


FACTORIES = {Membership: membership_for, AuditEvent: audit_event_for, Invitation: invitation_for}
GLOBAL_FACTORIES = {ApiToken: api_token_for}
