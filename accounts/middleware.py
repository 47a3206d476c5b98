from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts import active

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ActiveOrganizationMiddleware:
    """Sets request.organization and request.role from the session's chosen organisation.

    If the chosen organisation is no longer one of the user's (they were removed from it), a write is refused
    (the form was filled in for that firm) and a page view forgets the choice and says so.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        requested = session.get(active.SESSION_KEY) if session is not None else None
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
        return self.get_response(request)
