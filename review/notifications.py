"""In-app notifications, each also emailed by a Celery task after the transaction commits.

The row is the record; the email is sent at least once. A broker that is down when the row
commits (or that loses its queue when restarted) leaves ``emailed_at`` empty, and the beat task
``review.resend_notification_emails`` queues those rows again.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts import rls
from accounts.models import Membership, Organization, User
from accounts.roles import FIRM_ROLES, REGULATOR_ROLES
from review.models import Notification

logger = logging.getLogger(__name__)
_BROKER_ERRORS = (OperationalError, ConnectionError, OSError)


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
    transaction.on_commit(lambda: queue_email(note))
    return note


def queue_email(note: Notification) -> bool:
    """Send the email task; with the broker down, log and leave the row to the beat sweep."""
    from review.tasks import send_notification_email

    try:
        # ignore_result: asking for a result makes Celery wait on the result backend, which with Redis
        # down blocks ~40 s and then raises after the commit, turning a saved change into an error page.
        send_notification_email.apply_async(args=[note.organization_id, note.pk], retry=False, ignore_result=True)
    except _BROKER_ERRORS as exc:
        logger.warning("notification %s kept for the sweep: broker unavailable (%s)", note.pk, exc)
        return False
    return True


def resend_unsent_emails(now: datetime.datetime | None = None) -> int:
    """Queue again the emails of notifications older than the retry delay that were never emailed.

    Only the last NOTIFICATION_EMAIL_MAX_AGE_HOURS are swept, so an address that never works is not
    retried forever; a redelivered task finds ``emailed_at`` set and sends nothing twice.
    """
    now = now or timezone.now()
    newest = now - datetime.timedelta(minutes=settings.NOTIFICATION_EMAIL_RETRY_MINUTES)
    oldest = now - datetime.timedelta(hours=settings.NOTIFICATION_EMAIL_MAX_AGE_HOURS)
    sent = 0
    for org_id in Organization.objects.values_list("pk", flat=True):
        with rls.firm(org_id):
            unsent = Notification.objects.filter(
                organization_id=org_id, emailed_at__isnull=True, created_at__lte=newest, created_at__gte=oldest
            ).only("pk", "organization_id")
            sent += sum(queue_email(note) for note in unsent)
    return sent


def to_supervisors(*, kind: str, message: str, url: str = "") -> list[Notification]:
    staff = Membership.objects.regulator_staff().filter(role__in=REGULATOR_ROLES).select_related("user", "organization")
    return [notify(m.user, organization=m.organization, kind=kind, message=message, url=url) for m in staff]


def to_firm(
    organization: Organization, *, kind: str, message: str, url: str = "", roles=FIRM_ROLES
) -> list[Notification]:
    with rls.on_behalf_of(organization):
        members = list(Membership.objects.for_org(organization).filter(role__in=roles).select_related("user"))
    return [notify(m.user, organization=organization, kind=kind, message=message, url=url) for m in members]
