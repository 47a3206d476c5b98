"""How the API knows who is calling: a browser session that passed its second factor, or an API token."""

from __future__ import annotations

from rest_framework.authentication import SessionAuthentication

from accounts import second_factor


class VerifiedSessionAuthentication(SessionAuthentication):
    """A web session counts for the API only once its second factor has passed (if the person needs one):
    otherwise the API would be a side door around the login's verify step."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None or second_factor.session_is_pending(request._request):
            return None
        return result
