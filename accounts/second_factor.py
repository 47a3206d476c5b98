"""The second factor: who needs it, enrolling an authenticator app, verifying a session, recovery codes.

A session signed in with a password alone is *pending* until a one-time code from the person's
authenticator (TOTP, RFC 6238) or one of their recovery codes passes. Supervisors, lead supervisors,
firm administrators and platform operators must have an authenticator; for everyone else it is optional,
but once enrolled it is asked for at every login.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import needs_second_factor
from audit.models import AuditEvent
from audit.recorder import record

# Set at login for people who enrolled voluntarily, so their sessions are held back like required roles'.
PENDING_SESSION_KEY = "second_factor_pending"
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
RECOVERY_CODE_COUNT = 10
ISSUER = "Backstop"


def is_required_for(user: User, memberships=None) -> bool:
    """Must this person pass a second factor? `memberships` (the request's, already loaded) saves a query."""
    if not user.is_authenticated:
        return False
    if memberships is None:
        memberships = user.memberships_list()
    return needs_second_factor((m.role for m in memberships), is_staff=user.is_staff)


def is_verified(request: HttpRequest) -> bool:
    """Did this session pass a second factor (django-otp's middleware resolves the device from the session)?"""
    return getattr(request.user, "otp_device", None) is not None


def session_is_pending(request: HttpRequest) -> bool:
    """A signed-in session that may not act yet: the person needs (or has) a second factor and has not passed it."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return False
    if request.session.get(PENDING_SESSION_KEY):
        return True
    return is_required_for(user, getattr(request, "memberships", None))


def mark_pending_at_login(request: HttpRequest, user: User) -> None:
    """Called on every password login: an earlier verification in the same browser does not carry over, and
    someone who enrolled voluntarily is held back until they pass their second factor."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    if user_has_device(user, confirmed=True):
        request.session[PENDING_SESSION_KEY] = True


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Enrolment -------------------------------------------------------------------------------------------


def pending_authenticator(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up: the same secret on every visit until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps take it when typed in; grouped by four for reading."""
    raw = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def provisioning_uri(device: TOTPDevice) -> str:
    secret = secret_text(device).replace(" ", "")
    label = quote(f"{ISSUER}:{device.user.email}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits={device.digits}&period={device.step}"


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG drawn here: the secret never goes to a third-party image service."""
    image = qrcode.make(provisioning_uri(device), image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@transaction.atomic
def confirm_authenticator(request: HttpRequest, *, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a pending authenticator with a first code. On success the session counts as verified and fresh
    recovery codes are returned (to be shown once); on a wrong code, None."""
    user = request.user
    if device.user_id != user.pk or device.confirmed:
        return None
    if not device.verify_token(_clean(code)):
        record(AuditEvent.Action.OTP_FAILED, actor=user, obj=user, changes={"step": "enrol"})
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    record(AuditEvent.Action.OTP_ENROLLED, actor=user, obj=user, changes={"device": device.persistent_id})
    return codes


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes (the old ones stop working); each new one works once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


# --- Verification ----------------------------------------------------------------------------------------


def check_code(user: User, code: str) -> Device | None:
    """The device that accepts this code, or None. Six digits go to the authenticator, anything else is taken as
    a recovery code (used up on success), so a mistyped code counts against one device's throttle only.
    django-otp slows a device down after failures and refuses an authenticator code that was already used."""
    code = _clean(code)
    if not code:
        return None
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def verify_session(request: HttpRequest, code: str) -> Device | None:
    """Let a pending session through with a code; audits failures and the use of a recovery code."""
    user = request.user
    device = check_code(user, code)
    if device is None:
        record(AuditEvent.Action.OTP_FAILED, actor=user, obj=user, changes={"step": "login"})
        return None
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    if isinstance(device, StaticDevice):
        record(
            AuditEvent.Action.RECOVERY_CODE_USED,
            actor=user,
            obj=user,
            changes={"recovery_codes_left": device.token_set.count()},
        )
    return device


def _clean(code: str) -> str:
    return "".join(str(code or "").split()).lower()
