"""The EFSR Art. 73 reportability rule, as a plain function (thresholds per /work/shared/regulation.md §6)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from vendors import reporting

START = datetime.datetime(2025, 11, 18, 11, 20, tzinfo=datetime.UTC)


def check(users, minutes, detected=None):
    return reporting.reportability(service_users=users, started_at=START, detected_at=detected,
                                   duration_minutes=minutes)


def test_thirty_minutes_is_reportable_whatever_the_number_of_users():
    found = check(50, 30)
    assert found.reportable and found.reason == "30_minutes"
    assert not check(50, 29).reportable


def test_ten_minutes_is_reportable_for_a_service_with_ten_thousand_users():
    assert check(10_000, 10).reportable and check(10_000, 10).reason == "10_minutes_10000_users"
    assert not check(9_999, 10).reportable
    assert not check(10_000, 9).reportable
    assert check(10_000, 9).reason == "below_threshold"


def test_the_initial_report_is_due_one_day_after_detection():
    detected = START + datetime.timedelta(minutes=25)
    assert check(0, 174, detected).deadline == detected + datetime.timedelta(days=1)


def test_without_a_detection_time_the_clock_runs_from_the_start():
    assert check(0, 174).deadline == START + datetime.timedelta(days=1)


def test_a_disruption_below_the_thresholds_has_no_deadline():
    assert check(100, 5).deadline is None


def test_an_unknown_duration_is_not_called_reportable_but_says_why():
    found = check(10_000, None)
    assert not found.reportable and found.reason == "unknown_duration"


def test_the_thresholds_are_marked_unverified_as_regulation_md_marks_them():
    assert check(0, 60).verified is False


def test_unknown_users_count_as_fewer_than_ten_thousand():
    assert not check(None, 15).reportable


@given(st.integers(0, 10**7), st.integers(0, 10**4))
def test_more_users_or_a_longer_disruption_never_makes_it_less_reportable(users, minutes):
    if check(users, minutes).reportable:
        assert check(users + 1, minutes).reportable and check(users, minutes + 1).reportable


def test_a_report_is_overdue_only_when_reportable_unreported_and_past_its_deadline():
    found = check(0, 60)
    day_after = START + datetime.timedelta(days=1, minutes=1)
    assert reporting.report_overdue(found, None, day_after)
    assert not reporting.report_overdue(found, None, START + datetime.timedelta(hours=3))
    assert not reporting.report_overdue(found, START + datetime.timedelta(hours=2), day_after)
    assert not reporting.report_overdue(check(0, 5), None, day_after)
