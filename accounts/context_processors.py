from accounts import second_factor


def active_organization(request) -> dict:
    return {
        "active_organization": getattr(request, "organization", None),
        "active_role": getattr(request, "membership", None),
        "user_memberships": getattr(request, "memberships", ()),
        # A session waiting for its second factor sees no navigation: none of it would open yet.
        "second_factor_pending": hasattr(request, "session") and second_factor.session_is_pending(request),
    }
