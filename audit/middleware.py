from audit.context import AuditContext, _current


def client_ip(request) -> str | None:
    # Behind a trusted proxy the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or None) if forwarded else request.META.get("REMOTE_ADDR")


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        token = _current.set(
            AuditContext(actor=user, organization=getattr(request, "organization", None), ip_address=client_ip(request))
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
