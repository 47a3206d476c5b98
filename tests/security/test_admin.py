"""The Django admin: platform superusers read firm rows (through the cross-firm door); nobody else does,
and nobody writes firm rows there (firms use the web pages, where the rules and the audit context apply)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import Role
from tests.conftest import client_for
from tests.factories import GLOBAL_FACTORIES, TENANT_FACTORIES
from tests.factories.accounts import make_user
from tests.routes import is_tenant_model

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
TENANT_ADMINS = [(model, model_admin) for model, model_admin in REGISTRY if is_tenant_model(model)]


def _label(item) -> str:
    return item[0]._meta.label


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _other_rows(world) -> dict:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    common = {"user_agent": "pytest", "ip_address": "10.0.0.1", "username": "x@a.test", "path_info": "/"}
    return {
        Group: lambda: Group.objects.create(name="operators"),
        StaticDevice: lambda: StaticDevice.objects.create(user=world.b_admin, name="recovery"),
        StaticToken: lambda: StaticToken.objects.create(
            device=StaticDevice.objects.create(user=world.b_admin, name="recovery"), token="abcdefgh"
        ),
        TOTPDevice: lambda: TOTPDevice.objects.create(user=world.b_admin, name="phone"),
        AccessAttempt: lambda: AccessAttempt.objects.create(
            get_data="", post_data="", failures_since_start=1, **common
        ),
        AccessLog: lambda: AccessLog.objects.create(**common),
        AccessFailureLog: lambda: AccessFailureLog.objects.create(**common),
    }


def _row_of(model, world):
    """A row of ``model``: firm B's, from the route-matrix factories, or a shared one."""
    if model in TENANT_FACTORIES:
        return TENANT_FACTORIES[model](world.firm_b)
    if model in GLOBAL_FACTORIES:
        return GLOBAL_FACTORIES[model]({})
    concrete = model._meta.concrete_model
    makers = _other_rows(world)
    if concrete in makers:
        makers[concrete]()
    return model._base_manager.order_by("pk").first()


def _superuser():
    return make_user("root@platform.test", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("item", REGISTRY, ids=_label)
def test_a_superuser_opens_every_changelist_and_change_page(world, item):
    model, _ = item
    row = _row_of(model, world)
    assert row is not None, f"No {model._meta.label} row: add a maker to _other_rows"
    client = client_for(_superuser())
    response = client.get(_url(model, "changelist"))
    assert response.status_code == 200, f"{model._meta.label} changelist → {response.status_code}"
    response = client.get(_url(model, "change", row.pk))
    assert response.status_code == 200, f"{model._meta.label} change page → {response.status_code}"


def _staff_with_every_permission(email: str):
    user = make_user(email, is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.mark.parametrize("item", TENANT_ADMINS, ids=_label)
def test_staff_who_are_not_superusers_never_see_firm_rows(world, item):
    model, _ = item
    row = _row_of(model, world)
    regulator_staff = _staff_with_every_permission("staff-supervisor@reg.test")
    Membership.objects.create(organization=world.regulator, user=regulator_staff, role=Role.SUPERVISOR)
    firm_staff = _staff_with_every_permission("staff-officer@a.test")
    Membership.objects.create(organization=world.firm_a, user=firm_staff, role=Role.OFFICER)
    for user in (regulator_staff, firm_staff):
        client = client_for(user)
        for url in (_url(model, "changelist"), _url(model, "change", row.pk)):
            response = client.get(url)
            assert response.status_code in (302, 403), f"{user} GET {url} → {response.status_code}"
            assert b"B-SECRET" not in response.content


@pytest.mark.parametrize("item", TENANT_ADMINS, ids=_label)
def test_firm_rows_cannot_be_added_changed_or_deleted_in_the_admin(world, item):
    model, model_admin = item
    row = _row_of(model, world)
    superuser = _superuser()
    before = model._base_manager.filter(pk=row.pk).values().get()

    class _Request:
        user = superuser

    assert not model_admin.has_add_permission(_Request())
    assert not model_admin.has_change_permission(_Request(), row)
    assert not model_admin.has_delete_permission(_Request(), row)
    client = client_for(superuser)
    assert client.get(_url(model, "add")).status_code == 403
    assert client.post(_url(model, "change", row.pk), {}).status_code == 403
    assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model._base_manager.filter(pk=row.pk).values().get() == before


def test_the_change_page_shows_foreign_keys_read_only(world):
    from vendors.models import Dependency

    dependency = _row_of(Dependency, world)
    body = client_for(_superuser()).get(_url(Dependency, "change", dependency.pk)).content.decode()
    assert "B-SECRET service" in body
    assert '<select name="service"' not in body and 'name="service"' not in body
