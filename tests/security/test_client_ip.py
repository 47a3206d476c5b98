"""The client address recorded in the audit log, used by the login lockout and by the API throttles.

X-Forwarded-For is written by whoever sends the request; only the hops added by our own proxies can be
believed. With TRUSTED_PROXY_COUNT = 0 (the default) the header is ignored.
"""

import pytest
from django.test import RequestFactory

from audit.middleware import client_ip


def _request(xff: str | None = None, remote: str = "203.0.113.9"):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


def test_a_spoofed_forwarded_for_is_ignored_by_default():
    assert client_ip(_request("1.2.3.4")) == "203.0.113.9"


def test_behind_one_trusted_proxy_the_hop_it_added_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged "1.2.3.4"; our proxy appended the address it saw.
    assert client_ip(_request("1.2.3.4, 198.51.100.7", remote="10.0.0.2")) == "198.51.100.7"


def test_behind_two_trusted_proxies_the_second_hop_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("1.2.3.4, 198.51.100.7, 10.0.0.5", remote="10.0.0.2")) == "198.51.100.7"


def test_a_proxy_count_with_no_header_falls_back_to_the_socket_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(None)) == "203.0.113.9"


def test_the_audit_log_records_the_socket_address_not_the_spoofed_header(world, as_user):
    from accounts.models import Membership
    from audit.models import AuditEvent

    target = Membership.objects.for_org(world.firm_a).get(user=world.a_viewer)
    as_user(world.a_admin).post(
        f"/accounts/members/{target.pk}/", {"role": "officer"}, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6"
    )
    event = AuditEvent.objects.for_org(world.firm_a).filter(action="role_change").get()
    assert event.ip_address == "10.1.2.3"


def test_the_login_lockout_and_the_throttles_read_the_same_setting():
    from django.conf import settings

    assert settings.AXES_CLIENT_IP_CALLABLE == "audit.middleware.client_ip"
    assert settings.AXES_IPWARE_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT


@pytest.mark.django_db
def test_the_login_lockout_counts_failures_by_the_socket_address(client, settings):
    from axes.helpers import get_client_ip_address

    assert get_client_ip_address(_request("1.2.3.4")) == "203.0.113.9"
