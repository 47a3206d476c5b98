def active_organization(request) -> dict:
    return {
        "active_organization": getattr(request, "organization", None),
        "active_role": getattr(request, "membership", None),
        "user_memberships": getattr(request, "memberships", ()),
    }
