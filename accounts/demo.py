"""Demo-only second factors, so that `make run` logs supervisors and firm admins in with a known secret.

One fixed secret for every demo person: add it to an authenticator app once (or read the current code that
seed_demo prints). It is public, in this file: the command refuses to set it up when BACKSTOP_PRODUCTION=1.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.second_factor import AUTHENTICATOR_NAME, is_required_for, secret_text

DEMO_TOTP_KEY = "4261636b73746f702064656d6f206f6e6c792121"  # b"Backstop demo only!!": demo data, never real users


def seed_second_factors(users: list[User]) -> list[User]:
    """Give each demo person whose role needs a second factor an authenticator with the demo secret."""
    _refuse_in_production()
    seeded = []
    for user in users:
        if not is_required_for(user):
            continue
        TOTPDevice.objects.update_or_create(
            user=user, name=AUTHENTICATOR_NAME, defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
        )
        seeded.append(user)
    return seeded


def _refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo second factors use a published secret and are never set up in production.")


def demo_secret() -> str:
    _refuse_in_production()
    return secret_text(TOTPDevice(key=DEMO_TOTP_KEY))


def demo_code_now() -> tuple[str, int]:
    """The demo authenticator's current code and the seconds it stays valid."""
    _refuse_in_production()
    totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY))
    totp.time = time.time()
    return f"{totp.token():06d}", 30 - int(totp.time) % 30
