"""Account pages: switching organisation, the firm admin's member management, answering invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import active, invitations, services
from accounts.forms import InvitationAnswerForm, InviteForm, RoleForm
from accounts.models import Invitation, Membership
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


def _member_page(request, form, status=200):
    members = Membership.objects.for_org(request.organization).select_related("user")
    waiting = Invitation.objects.for_org(request.organization).open() if request.can_manage_users else ()
    context = {"members": members, "form": form, "waiting_invitations": waiting}
    return render(request, "accounts/member_list.html", context, status=status)


@login_required
def member_list(request):
    form = InviteForm(organization=request.organization) if request.can_manage_users and request.organization else None
    return _member_page(request, form)


@login_required
@require_POST
def member_invite(request):
    _require_user_manager(request)
    form = InviteForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            result = services.invite_member(
                organization=request.organization, invited_by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            email = form.cleaned_data["email"]
            if isinstance(result, Invitation):
                messages.success(
                    request,
                    _("Invitation sent to %(email)s. They become a member when they accept it.") % {"email": email},
                )
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
            return redirect("member_list")
    return _member_page(request, form, status=400)


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


def _invitation_for(request, pk) -> tuple[Invitation, bool]:
    """The invitation and whether the caller is its invitee; else it must be their firm's and they its
    user manager. Anyone else gets 404, for every method."""
    addressed = Invitation.objects.addressed_to(request.user).select_related("organization").filter(pk=pk).first()
    if addressed is not None:
        return addressed, True
    if not request.can_manage_users:
        raise Http404
    return get_for_org_or_404(Invitation, request.organization, pk=pk), False


@login_required
def invitation_list(request):
    """The invitations waiting for the signed-in person's answer."""
    waiting = Invitation.objects.addressed_to(request.user).open().select_related("organization", "invited_by")
    return render(request, "accounts/invitation_list.html", {"invitations": waiting})


@view_of(Invitation)
@login_required
def invitation_detail(request, pk):
    invitation, is_invitee = _invitation_for(request, pk)
    if request.method not in ("GET", "HEAD", "POST"):
        return render(request, "405.html", status=405)
    form = InvitationAnswerForm(request.POST or None, is_invitee=is_invitee)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if decision == "accept":
                membership = invitations.accept_invitation(
                    invitation=invitation, user=request.user, make_default=form.cleaned_data["make_default"]
                )
                if form.cleaned_data["switch_now"] or form.cleaned_data["make_default"]:
                    request.session[active.SESSION_KEY] = membership.organization_id
                messages.success(request, _("You are now a member of %(org)s.") % {"org": membership.organization})
                return redirect("dashboard")
            if decision == "decline":
                invitations.decline_invitation(invitation=invitation, user=request.user)
                messages.success(request, _("Invitation declined."))
                return redirect("invitation_list")
            invitations.revoke_invitation(invitation=invitation)
            messages.success(request, _("Invitation withdrawn."))
            return redirect("member_list")
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
    status = 400 if request.method == "POST" else 200
    context = {"invitation": invitation, "is_invitee": is_invitee, "form": form}
    return render(request, "accounts/invitation_detail.html", context, status=status)


@login_required
def invitation_link(request, token):
    """The link in the invitation email: opens the invitation if it is addressed to the signed-in person."""
    invitation = invitations.find_by_token(request.user, token)
    if invitation is None:
        raise Http404
    return redirect("invitation_detail", pk=invitation.pk)
