from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.dashboard import charts_for, panels_for


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"panels": panels_for(request), "charts": charts_for(request)})
