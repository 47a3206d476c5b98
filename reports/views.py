"""Excel pages: the register import (upload → preview → confirm) and its template download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.concurrency import ConcurrentEditError
from reports.forms import RegisterImportForm
from reports.imports import storage
from reports.imports.register import ImportInvalid, ImportRefused, apply_plan, build_template, parse_register

SESSION_KEY = "register_imports"
MAX_ERRORS_SHOWN = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_editor(request) -> None:
    # Officers and firm admins of the active firm only; viewers and supervisors get 403.
    if request.organization is None or not request.can_edit:
        raise PermissionDenied


def _pending(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _remember(request, token: str, filename: str) -> None:
    pending = {k: v for k, v in _pending(request).items() if v.get("org") == request.organization.pk}
    # A few uploads at most per session; older ones are forgotten and their files removed.
    for old in list(pending)[:-4]:
        storage.discard(request.organization.pk, old)
        pending.pop(old)
    pending[token] = {"org": request.organization.pk, "name": filename[:200]}
    request.session[SESSION_KEY] = pending


def _forget(request, token: str) -> None:
    pending = _pending(request)
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    storage.discard(request.organization.pk, token)


def _preview(request, plan, token: str | None, filename: str, status: int = 200):
    return render(
        request,
        "reports/register_import_preview.html",
        {"plan": plan, "token": token, "filename": filename, "summary": plan.summary(), "totals": plan.totals(),
         # A page stays readable: the first errors are listed, the rest counted (the API returns all).
         "errors": plan.errors[:MAX_ERRORS_SHOWN], "hidden_errors": max(len(plan.errors) - MAX_ERRORS_SHOWN, 0)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_import(request):
    _require_editor(request)
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            plan = parse_register(upload, request.organization)
        except ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            token = None
            if plan.is_valid:
                token = storage.keep(upload, request.organization.pk)
                _remember(request, token, upload.name)
            # An invalid preview is a 400, as the API answers it: the request could not be carried out.
            return _preview(request, plan, token, upload.name, status=200 if plan.is_valid else 400)
    return render(request, "reports/register_import.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def register_import_confirm(request):
    _require_editor(request)
    token = request.POST.get("token", "")
    entry = _pending(request).get(token)
    mine = bool(entry) and entry.get("org") == request.organization.pk
    path = storage.path_for(request.organization.pk, token) if mine else None
    if path is None:
        messages.error(request, _("This upload has expired or belongs to another session; upload the file again."))
        return redirect("reports:register_import")
    filename = entry["name"]
    try:
        with open(path, "rb") as file:
            # Re-read and re-plan: the register may have changed since the preview.
            plan = parse_register(file, request.organization)
            applied = apply_plan(plan, request.organization, request.user, filename=filename)
    except ImportInvalid as exc:
        return _preview(request, exc.plan, None, filename, status=400)
    except ImportRefused as exc:
        _forget(request, token)
        messages.error(request, exc.message)
        return redirect("reports:register_import")
    except ConcurrentEditError:
        messages.error(request, _("Someone changed the register while you were importing; nothing was saved. "
                                  "Check the preview again."))
        return redirect("reports:register_import")
    _forget(request, token)
    totals = applied.totals()
    done = _("Import done: %(create)s created, %(update)s updated, %(unchanged)s unchanged.")
    messages.success(request, done % totals)
    return redirect("reports:register_import")


@login_required
@require_GET
def register_template(request):
    _require_editor(request)
    language = (get_language() or "ko")[:2]
    response = HttpResponse(build_template(language), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="backstop-register-template-{language}.xlsx"'
    return response
