"""API tokens: made with a name and an expiry, shown once, kept only as a digest, revocable by their owner.

A token reads ``bst_<prefix>_<secret>``. The prefix (public) finds the row; the SHA-256 digest of the whole
token is compared in constant time. The secret has 256 bits of randomness, so a fast hash is enough: there is
nothing to guess as there is with a password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import second_factor
from accounts.models import ApiToken, User
from audit.models import AuditEvent
from audit.recorder import record

SCHEME = "bst"
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
# Writing last_used_at on every call would make each API read a write; a few minutes' precision is enough.
LAST_USED_PRECISION = timedelta(minutes=5)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _new_raw_token() -> tuple[str, str]:
    prefix = secrets.token_hex(6)
    return prefix, f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"


def _prefix_of(raw: str) -> str | None:
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != SCHEME or not parts[1] or not parts[2]:
        return None
    return parts[1]


@transaction.atomic
def issue_token(
    *, user: User, name: str, expires_in_days: int = DEFAULT_LIFETIME_DAYS, otp_code: str = ""
) -> tuple[ApiToken, str]:
    """Make a token for the person; returns it with the raw token, which is never available again.

    People whose role needs a second factor give a current code (or a recovery code) with the request: a token
    outlives the session, so making one is a step that must not rest on a password or a stolen session alone.
    """
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the token a name, so you can tell it apart later.")
    if not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= MAX_LIFETIME_DAYS:
        errors["expires_in_days"] = _("A token lives between 1 and %(max)d days.") % {"max": MAX_LIFETIME_DAYS}
    if not errors and second_factor.is_required_for(user):
        if second_factor.check_code(user, otp_code) is None:
            record(AuditEvent.Action.OTP_FAILED, actor=user, obj=user, changes={"step": "api token"})
            errors["otp_code"] = _("Your role needs a valid code from your authenticator app to make a token.")
    if errors:
        raise ValidationError(errors)
    prefix, raw = _new_raw_token()
    token = ApiToken(
        user=user, name=name, prefix=prefix, digest=digest_of(raw),
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    token.full_clean()
    token.save()
    record(
        AuditEvent.Action.TOKEN_CREATED,
        actor=user,
        obj=user,
        changes={"token": token.name, "prefix": prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def revoke_token(*, token: ApiToken, revoked_by: User) -> ApiToken:
    """Stop a token working at once. Revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            AuditEvent.Action.TOKEN_REVOKED,
            actor=revoked_by,
            obj=token.user,
            changes={"token": token.name, "prefix": token.prefix},
        )
    return token


def user_for_token(raw: str) -> tuple[User, ApiToken] | None:
    """The person a raw token stands for, if it is well formed, known, unexpired, unrevoked and theirs is active."""
    prefix = _prefix_of(raw or "")
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, digest_of(raw)):
        return None
    now = timezone.now()
    if not token.is_active(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
