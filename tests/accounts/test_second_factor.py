"""The login's second step: supervisors and firm admins pass a second factor before any page or API call."""

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from audit.models import AuditEvent
from tests.factories.accounts import PASSWORD, current_code, make_authenticator


def _password_login(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _events(action):
    return AuditEvent.objects.for_chain_verification().filter(action=action)


def test_a_supervisor_signed_in_with_a_password_only_reaches_no_page(world, client):
    make_authenticator(world.supervisor)
    _password_login(client, world.supervisor)
    for url in ("/", "/review/queue/", "/market/concentration/", "/accounts/security/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/second-factor/?next="), url


def test_a_password_only_session_is_refused_by_the_api(world, client):
    make_authenticator(world.a_admin)
    _password_login(client, world.a_admin)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/members/").status_code == 401


def test_a_supervisor_with_a_valid_code_reaches_the_pages_and_the_api(world, client):
    device = make_authenticator(world.supervisor)
    _password_login(client, world.supervisor)
    response = client.post("/accounts/second-factor/", {"code": current_code(device), "next": "/review/queue/"})
    assert response.status_code == 302 and response["Location"] == "/review/queue/"
    assert client.get("/review/queue/").status_code == 200
    assert client.get("/api/v1/me").json()["email"] == world.supervisor.email


def test_a_wrong_code_is_refused_with_a_field_error_and_audited(world, client):
    device = make_authenticator(world.lead)
    _password_login(client, world.lead)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/second-factor/", {"code": wrong})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert client.get("/").status_code == 302
    failed = _events(AuditEvent.Action.OTP_FAILED).get()
    assert failed.actor == world.lead and failed.changes == {"step": "login"}


def test_a_code_cannot_be_used_twice(world, client):
    device = make_authenticator(world.supervisor)
    code = current_code(device)
    assert second_factor.check_code(world.supervisor, code) is not None
    assert second_factor.check_code(world.supervisor, code) is None


def test_the_second_factor_is_optional_for_an_officer(world, client):
    _password_login(client, world.a_officer)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_an_officer_who_enrolled_is_asked_for_the_code_at_login(world, client):
    device = make_authenticator(world.a_officer)
    _password_login(client, world.a_officer)
    assert client.get("/").status_code == 302
    client.post("/accounts/second-factor/", {"code": current_code(device)})
    assert client.get("/").status_code == 200


def test_a_required_role_without_an_authenticator_is_sent_to_enrol(world, client):
    _password_login(client, world.a_admin)
    verify = client.get("/accounts/second-factor/?next=/vendors/")
    assert verify.status_code == 302 and verify["Location"].startswith("/accounts/second-factor/enrol/")
    page = client.get(verify["Location"]).content.decode()
    assert "<svg" in page and "<img" not in page  # drawn here, no external QR image service
    device = TOTPDevice.objects.get(user=world.a_admin, confirmed=False)
    assert second_factor.secret_text(device) in page


def test_enrolment_confirms_the_authenticator_shows_recovery_codes_once_and_is_audited(world, client):
    _password_login(client, world.a_admin)
    client.get("/accounts/second-factor/enrol/")
    device = TOTPDevice.objects.get(user=world.a_admin, confirmed=False)
    response = client.post("/accounts/second-factor/enrol/", {"code": current_code(device)})
    assert response.status_code == 200
    codes = [token.token for token in StaticToken.objects.filter(device__user=world.a_admin)]
    assert len(codes) == second_factor.RECOVERY_CODE_COUNT
    body = response.content.decode()
    assert all(code in body for code in codes)
    assert client.get("/").status_code == 200
    assert not any(code in client.get("/accounts/security/").content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert _events(AuditEvent.Action.OTP_ENROLLED).get().actor == world.a_admin


def test_a_password_only_session_cannot_replace_an_enrolled_authenticator(world, client):
    make_authenticator(world.a_admin)
    _password_login(client, world.a_admin)
    response = client.get("/accounts/second-factor/enrol/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/?")
    assert not TOTPDevice.objects.filter(user=world.a_admin, confirmed=False).exists()


def test_a_recovery_code_works_once_and_its_use_is_audited(world, client):
    make_authenticator(world.supervisor)
    code = second_factor.new_recovery_codes(world.supervisor)[0]
    _password_login(client, world.supervisor)
    assert client.post("/accounts/second-factor/", {"code": code.upper()}).status_code == 302
    assert client.get("/").status_code == 200
    used = _events(AuditEvent.Action.RECOVERY_CODE_USED).get()
    assert used.actor == world.supervisor and used.changes == {"recovery_codes_left": 9}

    client.post("/accounts/logout/")
    _password_login(client, world.supervisor)
    assert client.post("/accounts/second-factor/", {"code": code}).status_code == 400
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("role", ["supervisor", "lead", "a_admin"])
def test_second_factor_is_required_for_supervisors_leads_and_firm_admins(world, role):
    assert second_factor.is_required_for(getattr(world, role))


@pytest.mark.parametrize("role", ["a_officer", "a_viewer", "stranger"])
def test_second_factor_is_optional_for_officers_viewers_and_people_without_a_role(world, role):
    assert not second_factor.is_required_for(getattr(world, role))
