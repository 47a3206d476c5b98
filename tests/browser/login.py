"""Logging in through the real pages, second factor included."""

import base64

from django_otp.oath import totp

from accounts.models import User
from tests.factories.accounts import PASSWORD, TOTPDevice, next_code


def log_in(page, base: str, email: str) -> None:
    """Log in through the real pages: the password, then the second-factor step where the person has (or their
    role needs) one — a code from their authenticator, or on first login enrolment from the secret shown."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    if "/accounts/second-factor/enrol/" in page.url:
        secret = page.inner_text('[data-testid="secret"]').replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.fill("#id_code", f"{totp(key):06d}")
        with page.expect_navigation():
            page.click('[data-testid="confirm"]')
        assert page.locator('[data-testid="recovery-codes"] li').count() == 10
        with page.expect_navigation():
            page.click('[data-testid="continue"]')
    elif "/accounts/second-factor/" in page.url:
        device = TOTPDevice.objects.get(user=User.objects.get(email=email), confirmed=True)
        page.fill("#id_code", next_code(device))
        with page.expect_navigation():
            page.click('[data-testid="verify"]')
    assert "/accounts/" not in page.url, f"still signing in at {page.url}"
