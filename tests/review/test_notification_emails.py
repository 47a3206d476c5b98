"""Notification emails are sent at least once: a broker that is down when the change commits does not fail
the change, and the beat sweep queues the unsent ones again (issue 13)."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from review import notifications
from review.models import Notification
from review.tasks import send_notification_email

pytestmark = pytest.mark.django_db


def _notify(world, django_capture_on_commit_callbacks, message="Your submission was accepted."):
    with django_capture_on_commit_callbacks(execute=True):
        return notifications.notify(world.a_officer, organization=world.firm_a, kind="test", message=message)


def _age(note, minutes):
    Notification.objects.for_org(note.organization).filter(pk=note.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes))


def test_a_notification_is_emailed_after_the_commit(world, django_capture_on_commit_callbacks):
    note = _notify(world, django_capture_on_commit_callbacks)
    note.refresh_from_db()
    assert note.emailed_at is not None and len(mail.outbox) == 1


def test_with_the_broker_down_the_change_still_succeeds_and_the_sweep_sends_the_email_later(
    world, django_capture_on_commit_callbacks
):
    with mock.patch.object(send_notification_email, "apply_async", side_effect=OperationalError("refused")):
        note = _notify(world, django_capture_on_commit_callbacks)  # before: the OperationalError reached the user
    note.refresh_from_db()
    assert note.emailed_at is None and mail.outbox == []

    assert notifications.resend_unsent_emails() == 0  # too early: its task may still be on its way
    _age(note, settings.NOTIFICATION_EMAIL_RETRY_MINUTES + 1)
    assert notifications.resend_unsent_emails() == 1
    note.refresh_from_db()
    assert note.emailed_at is not None and len(mail.outbox) == 1
    assert notifications.resend_unsent_emails() == 0  # sent once, never again


def test_the_sweep_leaves_notifications_older_than_the_maximum_age(world, django_capture_on_commit_callbacks):
    with mock.patch.object(send_notification_email, "apply_async", side_effect=OperationalError("refused")):
        note = _notify(world, django_capture_on_commit_callbacks)
    _age(note, settings.NOTIFICATION_EMAIL_MAX_AGE_HOURS * 60 + 1)
    assert notifications.resend_unsent_emails() == 0
