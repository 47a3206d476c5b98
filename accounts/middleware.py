from accounts import active, rls


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
