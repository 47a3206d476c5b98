"""Domain errors that mean "not now" rather than "bad input", mapped to HTTP in one place (core.drf)."""


class DomainConflict(Exception):
    """The request is well formed but the object's state does not allow it: 409."""

    status_code = 409
    code = "conflict"
