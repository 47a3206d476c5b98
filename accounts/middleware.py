from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import active, rls, second_factor

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ActiveOrganizationMiddleware:
    """Sets request.organization and request.role from the session's chosen organisation.

    If the chosen organisation is no longer one of the user's (they were removed from it), a write is refused
    (the form was filled in for that firm) and a page view forgets the choice and says so.
    The database shows that firm's rows only, for the whole request (restored after the response).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        requested = session.get(active.SESSION_KEY) if session is not None else None
        # Until the firm is known, the scope is the person's own memberships: what their door
        # (Membership.objects.of_user) shows, so it has nothing to widen and costs no round trips of its own.
        with rls.scoped(rls.for_firm(None, request.user)):
            resolved = active.resolve(request.user, requested)
            if resolved.refused is not None:
                if request.method not in SAFE_METHODS:
                    raise PermissionDenied(_("You are no longer a member of the organisation you chose."))
                session.pop(active.SESSION_KEY, None)
                resolved = active.resolve(request.user, None)
                messages.warning(
                    request, _("You are no longer a member of the organisation you chose; showing your default one.")
                )
            active.attach(request, resolved)
            rls.enter(rls.for_firm(request.organization, request.user))
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
