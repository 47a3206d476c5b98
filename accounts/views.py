"""Account pages: switching organisation, and the firm admin's member management."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import active, services
from accounts.forms import InviteForm, RoleForm
from accounts.models import Membership
from accounts.tenancy import get_for_org_or_404, view_of


def _require_user_manager(request) -> None:
    if not request.can_manage_users:
        raise PermissionDenied


@login_required
@require_POST
def switch_organization(request):
    """Choose the organisation to act for: only one of the user's own, else 404."""
    requested = request.POST.get("organization")
    membership = next((m for m in request.memberships if str(m.organization_id) == str(requested)), None)
    if membership is None:
        raise Http404
    request.session[active.SESSION_KEY] = membership.organization_id
    messages.success(request, _("You are now working as %(org)s.") % {"org": membership.organization})
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@login_required
def member_list(request):
    members = Membership.objects.for_org(request.organization).select_related("user")
    form = InviteForm(organization=request.organization) if request.can_manage_users and request.organization else None
    return render(request, "accounts/member_list.html", {"members": members, "form": form})


@login_required
@require_POST
def member_invite(request):
    _require_user_manager(request)
    form = InviteForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            services.invite_member(organization=request.organization, request=request, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("member_list")
    members = Membership.objects.for_org(request.organization).select_related("user")
    return render(request, "accounts/member_list.html", {"members": members, "form": form}, status=400)


@view_of(Membership)
@login_required
def member_edit(request, pk):
    membership = get_for_org_or_404(Membership, request.organization, pk=pk)
    if request.method not in ("GET", "HEAD", "POST"):
        return render(request, "405.html", status=405)
    _require_user_manager(request)
    form = RoleForm(request.POST or None, organization=request.organization, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("remove"):
                services.remove_member(membership=membership, removed_by=request.user)
                messages.success(request, _("Member removed."))
            else:
                services.change_role(membership=membership, role=form.cleaned_data["role"], changed_by=request.user)
                messages.success(request, _("Role changed."))
            return redirect("member_list")
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
    return render(request, "accounts/member_edit.html", {"membership": membership, "form": form})
