"""How the API knows who is calling: a browser session that passed its second factor, or an API token."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header

from accounts import api_tokens, second_factor


class VerifiedSessionAuthentication(SessionAuthentication):
    """A web session counts for the API only once its second factor has passed (if the person needs one):
    otherwise the API would be a side door around the login's verify step."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None or second_factor.session_is_pending(request._request):
            return None
        return result


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token bst_…``: a token made on the API tokens page or at /api/v1/auth/token/.
    An unknown, expired or revoked token is refused outright (401), not treated as anonymous."""

    keyword = "Token"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        found = api_tokens.user_for_token(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(_("This token is unknown, expired or revoked."))
        return found

    def authenticate_header(self, request) -> str:
        return self.keyword
