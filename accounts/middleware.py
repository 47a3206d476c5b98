from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import active, rls, second_factor


class ActiveOrganizationMiddleware:
    """Sets request.organization and request.role from the session's chosen organisation, and lets the
    database show that firm's rows only, for the whole request (restored after the response)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        requested = request.session.get(active.SESSION_KEY) if hasattr(request, "session") else None
        active.attach(request, active.resolve(request.user, requested))
        with rls.firm(request.organization, request.user):
            return self.get_response(request)


# Pages a session may reach before its second factor has passed: the steps themselves and the way out.
SECOND_FACTOR_OPEN_ROUTES = frozenset(
    {"login", "logout", "second_factor_verify", "second_factor_enrol", "set_language", "healthz"}
)


class SecondFactorMiddleware:
    """Holds a password-only session back from every page until its second factor passes.

    The API is guarded in accounts.authentication instead (a session there is refused, a token is not),
    so that an API caller gets 401 rather than a redirect to a web form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.url_name in SECOND_FACTOR_OPEN_ROUTES or match.route.startswith("api/"):
            return None
        if not second_factor.session_is_pending(request):
            return None
        target = f"{reverse('second_factor_verify')}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
