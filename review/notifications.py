"""In-app notifications, each also emailed by a Celery task after the transaction commits."""

from __future__ import annotations

from django.db import transaction

from accounts import rls
from accounts.models import Membership, Organization, User
from accounts.roles import FIRM_ROLES, REGULATOR_ROLES
from review.models import Notification


def notify(
    recipient: User, *, organization: Organization | None, kind: str, message: str, url: str = ""
) -> Notification:
    if organization is None:
        membership = Membership.objects.of_user(recipient).select_related("organization").first()
        organization = membership.organization
    # The notification belongs to the recipient's organisation, which may not be the sender's.
    with rls.on_behalf_of(organization):
        note = Notification.objects.create(
            organization=organization, recipient=recipient, kind=kind, message=message, url=url
        )
    from review.tasks import send_notification_email

    transaction.on_commit(lambda: send_notification_email.delay(organization.pk, note.pk))
    return note


def to_supervisors(*, kind: str, message: str, url: str = "") -> list[Notification]:
    staff = Membership.objects.regulator_staff().filter(role__in=REGULATOR_ROLES).select_related("user", "organization")
    return [notify(m.user, organization=m.organization, kind=kind, message=message, url=url) for m in staff]


def to_firm(
    organization: Organization, *, kind: str, message: str, url: str = "", roles=FIRM_ROLES
) -> list[Notification]:
    with rls.on_behalf_of(organization):
        members = list(Membership.objects.for_org(organization).filter(role__in=roles).select_related("user"))
    return [notify(m.user, organization=organization, kind=kind, message=message, url=url) for m in members]
