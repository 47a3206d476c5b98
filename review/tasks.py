from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from accounts import rls
from review.models import Notification


@shared_task(name="review.send_notification_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(organization_id: int, notification_id: int) -> bool:
    """Email one notification once; a redelivered task finds emailed_at set and does nothing."""
    with rls.firm(organization_id):
        return _send(organization_id, notification_id)


def _send(organization_id: int, notification_id: int) -> bool:
    note = (
        Notification.objects.filter(organization_id=organization_id, pk=notification_id, emailed_at__isnull=True)
        .select_related("recipient")
        .first()
    )
    if note is None:
        return False
    send_mail("[Backstop] " + note.message[:70], f"{note.message}\n\n{note.url}", None, [note.recipient.email])
    Notification.objects.filter(organization_id=organization_id, pk=note.pk).update(emailed_at=timezone.now())
    return True


@shared_task(name="review.resend_notification_emails")
def resend_notification_emails() -> int:
    from review.notifications import resend_unsent_emails

    return resend_unsent_emails()


@shared_task(name="review.send_reminders")
def send_reminders() -> dict:
    from review.reminders import run_all

    return run_all()
