"""The tenant wall: everything about keeping one firm's data away from another.

Rules, in one place:

* Every firm-owned model inherits :class:`TenantModel`, which carries its organisation.
* Its default manager returns a :class:`TenantQuerySet` that *refuses to run* until it
  has been narrowed to one organisation (``for_org``) or reached through an object
  that was (a related manager). A forgotten filter raises :class:`UnscopedQueryError`
  instead of returning every firm's rows.
* The few cross-firm reads that supervisor pages need go through
  :meth:`TenantQuerySet.across_firms`, which checks the reader is regulator staff.
* Views and API viewsets get their scope from :class:`TenantObjectMixin` and
  :class:`TenantViewSetMixin`; another firm's object is a 404, before any method or
  permission check can hint that it exists.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldError, PermissionDenied
from django.db import models
from django.http import Http404

from audit.values import AuditedModelMixin

if TYPE_CHECKING:
    from accounts.models import Organization, User

_SCOPE_KEYS = frozenset({"organization", "organization_id", "organization__pk", "organization__id"})


class UnscopedQueryError(RuntimeError):
    """Raised when firm data is read without naming the firm."""


class _GuardedQuerySet(models.QuerySet):
    """Checks the scope before any SQL runs, and runs it with the database door the scope names.

    A named door (``across_firms``, ``of_user``) widens the database scope of the connection
    (``accounts.rls``) only while this queryset's own SQL runs, prefetches included.
    """

    _tenant_scope: str | None = None
    _db_door: tuple[tuple[str, Any], ...] = ()

    def _clone(self):
        clone = super()._clone()
        clone._tenant_scope = self._tenant_scope
        clone._db_door = self._db_door
        return clone

    def _open_door(self, scope: str, **db_changes: Any):
        qs = self._chain()
        qs._tenant_scope = scope
        qs._db_door = tuple(sorted(db_changes.items()))
        return qs

    def _require_scope(self) -> None:
        raise NotImplementedError

    def _in_scope(self):
        from accounts import rls

        return rls.widened(**dict(self._db_door)) if self._db_door else nullcontext()

    @contextmanager
    def as_raw_sql(self):
        """``(sql, params)`` of this queryset, for hand-written SQL wrapped around it (analytics).

        Checked like an evaluation, and the block runs behind the same database door: an
        ``across_firms`` queryset's SQL sees every firm inside the block, and only there.
        """
        self._require_scope()
        with self._in_scope():
            yield self.query.sql_with_params()

    def _fetch_all(self):
        fresh = self._result_cache is None
        if not fresh and (self._prefetch_done or not self._prefetch_related_lookups):
            # Nothing left to read: no SQL will run, so no door to open. ``list(qs)`` calls this twice
            # (``__len__``, then ``__iter__``), and each door costs two round trips to set and restore.
            return
        if fresh:
            self._require_scope()
        with self._in_scope():
            super()._fetch_all()
        if fresh and self._db_door:
            for row in self._result_cache:
                _remember_door(row, self._db_door)

    def count(self):
        self._require_scope()
        with self._in_scope():
            return super().count()

    def exists(self):
        self._require_scope()
        with self._in_scope():
            return super().exists()

    def aggregate(self, *args, **kwargs):
        self._require_scope()
        with self._in_scope():
            return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size=None):
        self._require_scope()
        rows = super().iterator(chunk_size=chunk_size)
        return self._iterate_in_scope(rows) if self._db_door else rows

    def _iterate_in_scope(self, rows):
        with self._in_scope():
            for row in rows:
                _remember_door(row, self._db_door)
                yield row

    def update(self, **kwargs):
        self._require_scope()
        with self._in_scope():
            return super().update(**kwargs)

    def delete(self):
        self._require_scope()
        with self._in_scope():
            return super().delete()

    def in_bulk(self, *args, **kwargs):
        self._require_scope()
        with self._in_scope():
            return super().in_bulk(*args, **kwargs)

    def contains(self, obj):
        self._require_scope()
        with self._in_scope():
            return super().contains(obj)


def _remember_door(row: Any, door: tuple, depth: int = 2) -> None:
    """A row read through a door (a supervisor's across_firms) passes it on to its related managers,
    and so do the rows select_related brought with it: ``submission.comments`` on a supervisor's page."""
    if not isinstance(row, models.Model):
        return
    row._tenant_db_door = door
    if depth:
        for related in row._state.fields_cache.values():
            _remember_door(related, door, depth - 1)


def _may_read_across_firms(reader: User) -> None:
    if not (getattr(reader, "is_superuser", False) or reader.is_regulator_staff()):
        raise PermissionDenied("Cross-firm reads are for supervisors only.")


class TenantQuerySet(_GuardedQuerySet):
    # --- the ways in -------------------------------------------------------------
    def for_org(self, organization: Organization | None) -> TenantQuerySet:
        """Rows of one firm. ``None`` (no active firm) yields no rows, never all rows."""
        if organization is None:
            qs = self.none()
            qs._tenant_scope = "none"
            return qs
        return self.filter(organization=organization)

    def across_firms(self, reader: User) -> TenantQuerySet:
        """The named cross-firm path: regulator staff and platform operators only.

        Callers still decide *which* rows a supervisor may see (submitted, never drafts);
        this door only proves that the reader is entitled to look across firms. It is also the only
        code that lets the database show every firm's rows (read-only), while its own SQL runs.
        """
        _may_read_across_firms(reader)
        return self._open_door("across-firms", cross_firm=True)

    # --- bulk writes of audited firm data (no save(), so no signal would record them) ------------
    def bulk_create(self, objs, *args, **kwargs):
        """Records a ``create`` event per row, in the same transaction as the rows."""
        from django.db import transaction

        from audit import recorder

        if not recorder.is_audited(self.model):
            return super().bulk_create(objs, *args, **kwargs)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            recorder.record_created(created)
        return created

    def bulk_update(self, objs, fields, batch_size=None):
        """Refused for audited firm data: the rows' previous values are unknown here, so the change
        could not be recorded with its before and after. Save each row (or write derived data with a
        reviewed ``update()``, tests/audit/test_unrecorded_writes.py)."""
        from audit import recorder

        if recorder.is_audited(self.model):
            raise recorder.UnrecordedWrite(f"bulk_update() of {self.model.__name__} would not be audited.")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    # --- the guard ---------------------------------------------------------------
    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        if not negate and any(key in _SCOPE_KEYS and kwargs[key] is not None for key in kwargs):
            clone._tenant_scope = "org"
        return clone

    def _require_scope(self) -> None:
        if self._tenant_scope is None:
            raise UnscopedQueryError(
                f"{self.model.__name__} is firm data: scope it with .for_org(organization) "
                "or read it through .across_firms(supervisor)."
            )


def is_firm_owned(model: type[models.Model]) -> bool:
    """Rows of this model belong to one firm each (its default manager is the tenant wall)."""
    return isinstance(model._default_manager, TenantManager)


def _firm_of(instance: models.Model | None) -> int | None:
    """The firm a related manager may inherit: only a firm-owned row passes its firm on."""
    if instance is None or not is_firm_owned(type(instance)):
        return None
    return getattr(instance, "organization_id", None)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    def get_queryset(self) -> TenantQuerySet:
        qs = super().get_queryset()
        # A related manager inherits a scope only from a firm-owned row (vendor.dependencies), and
        # stays inside that row's firm. One reached from a shared row (provider.vendors,
        # requirement.answers) has no firm to inherit, so it stays unscoped and fails closed.
        instance = getattr(self, "instance", None)
        organization_id = _firm_of(instance)
        if organization_id is not None:
            qs = qs.filter(organization_id=organization_id)
            qs._tenant_scope = "related"
            qs._db_door = getattr(instance, "_tenant_db_door", ())
        return qs

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_prefetch_querysets" in cls.__dict__:
            cls.get_prefetch_querysets = _prefetch_within_the_parents_firms(cls.__dict__["get_prefetch_querysets"])


def _prefetch_within_the_parents_firms(prefetch):
    """Django builds a related manager class per relation; its prefetch reads the base queryset of the
    *first* instance only. Scope it to the firms of all the instances instead (one firm normally,
    several for a supervisor's cross-firm list), and to none when the parents are shared rows."""

    def get_prefetch_querysets(self, instances, querysets=None):
        if not querysets:
            qs = super(TenantManager, self).get_queryset()
            firms = {_firm_of(instance) for instance in instances}
            if None not in firms:
                qs = qs.filter(organization_id__in=sorted(firms))
                qs._tenant_scope = "related"
                doors = {getattr(instance, "_tenant_db_door", ()) for instance in instances}
                qs._db_door = doors.pop() if len(doors) == 1 else ()
            querysets = [qs]
        return prefetch(self, instances, querysets)

    return get_prefetch_querysets


class SharedQuerySet(_GuardedQuerySet):
    """Rows every firm shares (the provider catalog, checklists) that firm rows point at.

    Reading them is free; reaching *firm* rows from them (a join in ``values``/``filter``, an
    annotation, a subquery) needs those rows narrowed to one firm in the same query, or the named
    cross-firm door, else it raises :class:`UnscopedQueryError` like an unscoped firm query.
    """

    _tenant_exempt: frozenset[str] = frozenset()

    def across_firms(self, reader: User) -> SharedQuerySet:
        _may_read_across_firms(reader)
        return self._open_door("across-firms", cross_firm=True)

    def _clone(self):
        clone = super()._clone()
        clone._tenant_exempt = self._tenant_exempt
        return clone

    def _require_scope(self) -> None:
        if self._tenant_scope == "across-firms":
            return
        from accounts.firm_joins import unscoped_firm_tables

        reached = unscoped_firm_tables(self.query, self._tenant_exempt)
        if reached:
            raise UnscopedQueryError(
                f"This {self.model.__name__} query reaches firm data ({', '.join(sorted(reached))}) without "
                "narrowing it to one firm: filter the firm rows on their organisation, "
                "or use .across_firms(supervisor)."
            )

    def aggregate(self, *args, **kwargs):
        # The joins of an aggregate are only made inside aggregate(): check them as annotations first.
        named = {**{arg.default_alias: arg for arg in args if hasattr(arg, "default_alias")}, **kwargs}
        try:
            probe = self.annotate(**{f"_firm_probe_{name}": agg for name, agg in named.items()})
        except FieldError:  # an aggregate over annotations: its joins are already in the query
            probe = self
        probe._require_scope()
        return super().aggregate(*args, **kwargs)


class SharedManager(models.Manager.from_queryset(SharedQuerySet)):
    def get_queryset(self) -> SharedQuerySet:
        qs = super().get_queryset()
        # vendor.subcontractors: the link table is read for one firm-owned row, so it is in scope.
        instance = getattr(self, "instance", None)
        through = getattr(self, "through", None)
        if through is not None and _firm_of(instance) is not None:
            qs._tenant_exempt = frozenset({through._meta.db_table})
        return qs


class TenantModel(AuditedModelMixin, models.Model):
    """Base of every firm-owned row: the organisation, timestamps and an edit version.

    ``version`` is bumped on every save through :func:`core.concurrency.save_versioned`,
    which is how concurrent edits are detected instead of silently overwritten.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TenantManager()

    class Meta:
        abstract = True


def tenant_models() -> list[type[models.Model]]:
    """Every concrete model whose rows belong to one firm (used by the route matrix)."""
    from django.apps import apps

    return [m for m in apps.get_models() if isinstance(m._default_manager, TenantManager) and not m._meta.abstract]


def get_for_org_or_404(model: type[models.Model], organization: Organization | None, **lookup: Any):
    """Load one firm object or answer 404: the single helper views use by hand."""
    try:
        return model.objects.for_org(organization).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"No {model._meta.verbose_name} here.") from exc


class TenantObjectMixin:
    """For class-based views of one firm object.

    The object is resolved in ``dispatch``, before the HTTP method is looked at, so
    another firm's object is a 404 for every method (never a 405 or 403 that would
    confirm it exists). Write methods then need a role that may edit.
    """

    model: type[models.Model]
    pk_url_kwarg = "pk"
    write_methods = frozenset({"post", "put", "patch", "delete"})
    object: models.Model

    def get_queryset(self):
        return self.model.objects.for_org(self.request.organization)

    def get_object(self, queryset=None):
        queryset = queryset if queryset is not None else self.get_queryset()
        try:
            return queryset.get(pk=self.kwargs[self.pk_url_kwarg])
        except (self.model.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404 from exc

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.kwargs = kwargs
        self.object = self.get_object()
        if request.method.lower() in self.write_methods and not request.can_edit:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TenantViewSetMixin:
    """For DRF viewsets over firm data: scoped queryset, and 404 before 405/403."""

    def get_queryset(self):
        model = self.queryset.model
        qs = model.objects.for_org(getattr(self.request, "organization", None))
        return self.optimize_queryset(qs)

    def optimize_queryset(self, queryset):
        return queryset

    def check_permissions(self, request):
        lookup = self.lookup_url_kwarg or self.lookup_field
        if lookup in self.kwargs and request.user.is_authenticated:
            # Resolve the object before any permission or method check, so another firm's object
            # answers 404 for every method and role (never a 403 or 405 that confirms it exists).
            self.get_object()
        super().check_permissions(request)

    def perform_create(self, serializer):
        serializer.save(organization=self.request.organization)


def view_of(model: type[models.Model]):
    """Marks a function view as showing one ``model`` object (its ``pk`` URL kwarg).

    Put it outermost. The route matrix reads ``view.model`` to build another firm's object.
    """

    def mark(view):
        view.model = model
        return view

    return mark


def supervisor_view(view):
    """The door of a supervisor page: regulator staff only; anyone else gets 404, never a hint.

    Marks the view ``audience = "supervisor"`` so the route matrix checks it from that side:
    a supervisor reaches firm B's submitted object, every firm user gets 404.
    """
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(request, "is_supervisor", False):
            raise Http404
        return view(request, *args, **kwargs)

    guarded.audience = "supervisor"
    return guarded
