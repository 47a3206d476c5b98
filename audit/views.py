from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from audit.models import AuditEvent


@login_required
def audit_log(request):
    events = AuditEvent.objects.for_org(request.organization)
    if request.GET.get("action"):
        events = events.filter(action=request.GET["action"])
    if request.GET.get("q"):
        events = events.filter(object_repr__icontains=request.GET["q"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/audit_log.html", {"page": page, "actions": AuditEvent.Action.choices})
