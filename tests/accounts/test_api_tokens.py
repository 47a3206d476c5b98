"""API tokens: kept only as a digest, shown once, named, expiring, listed and revoked by their owner only."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import api_tokens
from accounts.models import ApiToken
from audit.models import AuditEvent
from tests.factories.accounts import PASSWORD, make_api_token, make_authenticator, next_code


def _me(client, raw):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {raw}")


def test_the_stored_value_is_not_the_token(world):
    token, raw = make_api_token(world.a_officer)
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert raw not in {str(value) for value in stored.values()}
    assert stored["digest"] == api_tokens.digest_of(raw) and raw.startswith(f"bst_{token.prefix}_")


def test_a_token_authenticates_its_owner(world, client):
    _token, raw = make_api_token(world.a_officer)
    assert _me(client, raw).json()["email"] == world.a_officer.email


def test_an_expired_token_gets_401(world, client):
    token, raw = make_api_token(world.a_officer)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _me(client, raw)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_gets_401(world, client):
    token, raw = make_api_token(world.a_officer)
    api_tokens.revoke_token(token=token, revoked_by=world.a_officer)
    assert _me(client, raw).status_code == 401


def test_a_forged_token_with_a_real_prefix_gets_401(world, client):
    token, _raw = make_api_token(world.a_officer)
    assert _me(client, f"bst_{token.prefix}_{'x' * 43}").status_code == 401
    assert _me(client, "not-a-token").status_code == 401


def test_the_owner_lists_their_tokens_without_the_secret(world, api_for):
    make_api_token(world.a_officer, name="nightly export")
    make_api_token(world.b_officer, name="someone else's")
    body = api_for(world.a_officer).get("/api/v1/auth/tokens/").json()
    assert [row["name"] for row in body] == ["nightly export"]
    assert "token" not in body[0] and "digest" not in body[0]


def test_the_owner_revokes_their_token_and_it_is_audited(world, api_for, client):
    token, raw = make_api_token(world.a_officer)
    assert api_for(world.a_officer).delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 204
    assert _me(client, raw).status_code == 401
    event = AuditEvent.objects.for_chain_verification().get(action=AuditEvent.Action.TOKEN_REVOKED)
    assert event.actor == world.a_officer and event.changes["prefix"] == token.prefix


def test_another_users_token_cannot_be_revoked(world, api_for, as_user, client):
    token, raw = make_api_token(world.a_officer)
    assert api_for(world.a_admin).delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 404
    assert as_user(world.a_admin).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert _me(client, raw).status_code == 200


def test_a_token_is_made_over_the_api_with_a_password_and_shown_once(world, client):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": world.a_officer.email, "password": PASSWORD, "name": "ci", "expires_in_days": 30},
    )
    assert response.status_code == 201
    body = response.json()
    assert _me(client, body["token"]).json()["email"] == world.a_officer.email
    token = ApiToken.objects.get(pk=body["id"])
    assert token.name == "ci" and (token.expires_at - timezone.now()).days in (29, 30)
    assert "token" not in client.get("/api/v1/auth/tokens/", HTTP_AUTHORIZATION=f"Token {body['token']}").json()[0]


def test_a_supervisor_needs_a_second_factor_code_to_make_a_token(world, client):
    device = make_authenticator(world.supervisor)
    without = client.post("/api/v1/auth/token/", {"username": world.supervisor.email, "password": PASSWORD})
    assert without.status_code == 400 and "otp_code" in without.json()["error"]["fields"]
    assert not ApiToken.objects.exists()
    with_code = client.post(
        "/api/v1/auth/token/",
        {"username": world.supervisor.email, "password": PASSWORD, "otp_code": next_code(device)},
    )
    assert with_code.status_code == 201


def test_a_verified_firm_admin_still_gives_a_code_to_make_a_token_on_the_page(world, as_user):
    client = as_user(world.a_admin)
    refused = client.post("/accounts/tokens/", {"name": "script", "expires_in_days": 30})
    assert refused.status_code == 400 and not ApiToken.objects.exists()
    device = make_authenticator(world.a_admin)
    made = client.post("/accounts/tokens/", {"name": "script", "expires_in_days": 30, "otp_code": next_code(device)})
    assert made.status_code == 200
    token = ApiToken.objects.get()
    assert f"bst_{token.prefix}_" in made.content.decode()
    assert f"bst_{token.prefix}_" not in client.get("/accounts/tokens/").content.decode().replace(
        f"bst_{token.prefix}_…", ""
    )


def test_the_password_exchange_refuses_bad_credentials(world, client):
    response = client.post("/api/v1/auth/token/", {"username": world.a_officer.email, "password": "nope"})
    assert response.status_code == 400 and not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [0, api_tokens.MAX_LIFETIME_DAYS + 1])
def test_a_token_must_expire_within_a_year(world, days):
    with pytest.raises(ValidationError) as caught:
        api_tokens.issue_token(user=world.a_officer, name="x", expires_in_days=days)
    assert "expires_in_days" in caught.value.message_dict


def test_a_token_needs_a_name(world):
    with pytest.raises(ValidationError) as caught:
        api_tokens.issue_token(user=world.a_officer, name="  ")
    assert "name" in caught.value.message_dict


def test_making_a_token_is_audited_without_the_secret(world):
    token, raw = make_api_token(world.a_officer)
    event = AuditEvent.objects.for_chain_verification().get(action=AuditEvent.Action.TOKEN_CREATED)
    assert event.actor == world.a_officer and event.changes["prefix"] == token.prefix
    assert raw not in str(event.changes)
