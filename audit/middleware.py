from django.conf import settings

from audit.context import AuditContext, _current


def client_ip(request) -> str | None:
    """The caller's address, as recorded in the audit log and used by the login lockout and throttles.

    Anyone can send X-Forwarded-For, so only the hops our own proxies appended are believed: with
    ``TRUSTED_PROXY_COUNT`` = N, the client is the N-th address from the right (what the outermost trusted
    proxy saw). With 0, the default, the header is ignored and the socket address is the client.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-min(trusted, len(hops))]


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
