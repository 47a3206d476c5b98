import datetime

from django.utils import timezone

from review import services
from review.models import Notification, ReminderLog, Submission
from review.reminders import run_all


def test_an_overdue_review_is_reminded_once_not_on_every_beat(world, ready_assessment):
    services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    Submission.objects.for_org(world.firm_a).update(review_deadline=timezone.localdate() - datetime.timedelta(days=1))
    first, second = run_all(), run_all()
    assert first["review"] == 1 and second["review"] == 0
    assert ReminderLog.objects.filter(kind="review_overdue").count() == 1
    assert Notification.objects.for_org(world.regulator).filter(kind="review_overdue").count() == 2  # two staff


def test_a_contract_ending_soon_is_reminded_once(world):
    from tests.factories.vendors import FACTORIES
    from vendors.models import Vendor

    vendor = FACTORIES[Vendor](world.firm_a)
    Vendor.objects.for_org(world.firm_a).filter(pk=vendor.pk).update(
        contract_end=timezone.localdate() + datetime.timedelta(days=30)
    )
    assert run_all()["contracts"] == 1
    assert run_all()["contracts"] == 0
    assert Notification.objects.for_org(world.firm_a).filter(kind="contract_ending").count() == 3
