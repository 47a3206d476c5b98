import itertools
from datetime import timedelta

from django.utils import timezone

from accounts.invitations import hash_token
from accounts.models import Invitation, Membership, Organization, OrganizationKind, User
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


def membership_for(org: Organization) -> Membership:
    return Membership.objects.create(organization=org, user=make_user(), role=Role.VIEWER)


def audit_event_for(org: Organization) -> AuditEvent:
    return record(
        AuditEvent.Action.EXPORT, organization=org, object_type="test", object_id="1", object_repr="B-SECRET export"
    )


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
