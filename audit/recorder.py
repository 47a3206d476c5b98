"""Writes audit events: one function to append, and the signal wiring that calls it.

Model changes are captured by signals rather than by each service, so that a write
path nobody thought of (admin, a shell, a data fix) is still recorded.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.contrib.auth import signals as auth_signals
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from accounts import rls
from audit.context import current
from audit.models import GENESIS_HASH, AuditEvent
from audit.values import field_values

# pg_advisory_xact_lock(class, key): one lock per chain, keyed on the organisation (0: the platform
# chain). Keys wrap at 2**31 (the lock's int4); two firms sharing a key only wait for each other.
_CHAIN_LOCK_CLASS = 7_241_001
_PLATFORM_CHAIN_KEY = 0

_batch: contextvars.ContextVar[list[AuditEvent] | None] = contextvars.ContextVar("audit_batch", default=None)


def record(
    action: str,
    *,
    obj: models.Model | None = None,
    organization=None,
    changes: dict | None = None,
    actor=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event to the chain. Explicit arguments win over the request context."""
    ctx = current()
    actor = actor if actor is not None else ctx.actor
    organization_id = getattr(organization, "pk", None)
    if organization_id is None and obj is not None:
        # The id, not the object: reading obj.organization would cost a query per event.
        is_org = obj._meta.label == "accounts.Organization"
        organization_id = obj.pk if is_org else getattr(obj, "organization_id", None)
    if organization_id is None:
        organization_id = getattr(ctx.organization, "pk", None)
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_email=getattr(actor, "email", "") or "",
        organization_id=organization_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        changes=changes or {},
        ip_address=ctx.ip_address,
    )
    pending = _batch.get()
    if pending is not None:
        pending.append(event)
        return event
    _append([event])
    return event


def _append(events: list[AuditEvent]) -> None:
    """Chain and insert events in order, each after the last event of its own organisation's chain.

    Each chain is locked while its head is read and extended, so no two events share a predecessor
    or a position; other firms' chains are not held up. On PostgreSQL that is an advisory lock per
    organisation, taken in organisation order (no deadlock between two batches); on SQLite the
    IMMEDIATE transaction already holds the database's one write lock. The unique (organisation,
    position) constraint refuses a fork should a writer ever slip past the lock.

    The platform chain's events (sign-ins) are readable only across firms, which the head's read and
    the INSERT ... RETURNING need. Writes stay checked: an event of another firm than the
    connection's is still refused by the database.
    """
    chains: dict[int | None, list[AuditEvent]] = {}
    for event in events:
        chains.setdefault(event.organization_id, []).append(event)
    with rls.widened(cross_firm=True), transaction.atomic():
        for organization_id in sorted(chains, key=lambda org: (org is not None, org or 0)):
            _lock_chain(organization_id)
            head = (
                AuditEvent.objects.chain_of(organization_id).order_by("-seq").values_list("seq", "hash").first()
            )
            seq, last = head or (0, GENESIS_HASH)
            for event in chains[organization_id]:
                seq += 1
                event.seq = seq
                event.prev_hash = last
                event.hash = event.compute_hash()
                last = event.hash
        if len(events) == 1:
            events[0].save()
        else:
            AuditEvent.objects.bulk_create(events, batch_size=500)


def _lock_chain(organization_id: int | None) -> None:
    if connection.vendor != "postgresql":
        return
    key = _PLATFORM_CHAIN_KEY if organization_id is None else organization_id % 2**31
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)", [_CHAIN_LOCK_CLASS, key])


@contextmanager
def batched():
    """Collect the events of one large write (an import) and chain them in one go at the end.

    Use it inside the write's transaction: the events commit or roll back with the rows they
    describe. If the block raises, nothing is appended.
    """
    if _batch.get() is not None:
        yield
        return
    pending: list[AuditEvent] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    if pending:
        _append(pending)


class UnrecordedWrite(RuntimeError):
    """A bulk write of audited data that could not be recorded, refused instead."""


def record_created(objs: list[models.Model]) -> None:
    """A ``create`` event per row of a ``bulk_create`` (which sends no post_save), chained in one go."""
    if any(obj.pk is None for obj in objs):
        raise UnrecordedWrite("bulk_create() without the rows' ids (ignore_conflicts?) cannot be audited.")
    with batched():
        for obj in objs:
            after = field_values(obj)
            record(AuditEvent.Action.CREATE, obj=obj, changes={"after": after})
            obj._audit_loaded = after


def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = field_values(instance)
    if created:
        record(AuditEvent.Action.CREATE, obj=instance, changes={"after": after})
    else:
        before = getattr(instance, "_audit_loaded", None) or {}
        changed = {k for k in after if before.get(k) != after[k]} if before else set(after)
        if not changed:
            return
        action = AuditEvent.Action.UPDATE
        if sender._meta.label == "accounts.Membership" and "role" in changed:
            action = AuditEvent.Action.ROLE_CHANGE
        record(
            action,
            obj=instance,
            changes={
                "before": {k: before.get(k) for k in sorted(changed)},
                "after": {k: after[k] for k in sorted(changed)},
            },
        )
    instance._audit_loaded = after


def _on_delete(sender, instance, **kwargs):
    record(AuditEvent.Action.DELETE, obj=instance, changes={"before": field_values(instance)})


def is_audited(model: type[models.Model]) -> bool:
    """Firm data, organisations, users, and models that opt in; derived rows can opt out (audited = False)."""
    from accounts.tenancy import TenantModel

    flag = getattr(model, "audited", None)
    if model is AuditEvent or flag is False:
        return False
    core = {"accounts.Organization", "accounts.User"}
    return bool(flag) or issubclass(model, TenantModel) or model._meta.label in core


def _on_login(sender, request, user, **kwargs):
    record(
        AuditEvent.Action.LOGIN, actor=user, object_type="accounts.User", object_id=str(user.pk), object_repr=user.email
    )


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(
            AuditEvent.Action.LOGOUT,
            actor=user,
            object_type="accounts.User",
            object_id=str(user.pk),
            object_repr=user.email,
        )


def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or credentials.get("email") or "")[:254]
    record(AuditEvent.Action.LOGIN_FAILED, object_type="accounts.User", object_repr=username)


def connect() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if is_audited(model):
            post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}")
            post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}")
    auth_signals.user_logged_in.connect(_on_login, dispatch_uid="audit-login")
    auth_signals.user_logged_out.connect(_on_logout, dispatch_uid="audit-logout")
    auth_signals.user_login_failed.connect(_on_login_failed, dispatch_uid="audit-login-failed")
