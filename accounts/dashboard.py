"""The dashboard panel that shows a person the invitations waiting for their answer."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Invitation
from core import dashboard


@dashboard.register
def invitation_panels(request) -> list[dict]:
    if not request.user.is_authenticated:
        return []
    waiting = list(Invitation.objects.addressed_to(request.user).open().select_related("organization"))
    if not waiting:
        return []
    rows = [
        {
            "label": str(invitation.organization),
            "url": reverse("invitation_detail", kwargs={"pk": invitation.pk}),
            "detail": invitation.get_role_display(),
        }
        for invitation in waiting
    ]
    return [
        {
            "key": "invitations",
            "title": _("Invitations waiting for your answer"),
            "count": len(waiting),
            "rows": rows,
            "empty": "",
            "tone": "warn",
        }
    ]
