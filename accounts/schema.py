"""How the OpenAPI schema describes Backstop's own authentication classes (loaded by AccountsConfig.ready)."""

from drf_spectacular.authentication import SessionScheme, TokenScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "accounts.authentication.VerifiedSessionAuthentication"
    priority = 0


class ApiTokenScheme(TokenScheme):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    priority = 0
