"""Demo people whose role needs a second factor can log in with the published demo secret, never in production."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import demo_code_now, seed_second_factors
from tests.factories.accounts import PASSWORD


def test_demo_authenticators_are_made_for_the_roles_that_need_them_only(world):
    seeded = seed_second_factors([world.supervisor, world.a_admin, world.a_officer])
    assert seeded == [world.supervisor, world.a_admin]
    assert not TOTPDevice.objects.filter(user=world.a_officer).exists()
    seed_second_factors([world.supervisor])
    assert TOTPDevice.objects.filter(user=world.supervisor, confirmed=True).count() == 1


def test_a_demo_supervisor_logs_in_with_the_printed_code(world, client):
    seed_second_factors([world.supervisor])
    client.post("/accounts/login/", {"username": world.supervisor.email, "password": PASSWORD})
    code, _seconds = demo_code_now()
    assert client.post("/accounts/second-factor/", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200


def test_demo_second_factors_are_refused_in_production(world, settings):
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        seed_second_factors([world.supervisor])
    with pytest.raises(ImproperlyConfigured):
        demo_code_now()
    assert not TOTPDevice.objects.exists()
