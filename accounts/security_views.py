"""Account security pages: the login's second-factor step, enrolling an authenticator, recovery codes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from accounts import api_tokens, second_factor
from accounts.forms import ApiTokenForm, OneTimeCodeForm
from accounts.models import ApiToken
from accounts.tenancy import view_of


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


@login_required
def second_factor_verify(request):
    """The login's second step: a code from the authenticator app or a recovery code."""
    if second_factor.is_verified(request) or not second_factor.session_is_pending(request):
        return redirect(_next_url(request))
    if not user_has_device(request.user, confirmed=True):
        # A required role with nothing enrolled yet sets an authenticator up first.
        return redirect(f"{reverse('second_factor_enrol')}?{request.GET.urlencode()}")
    form = OneTimeCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        device = second_factor.verify_session(request, form.cleaned_data["code"])
        if device is not None:
            if second_factor.recovery_codes_left(request.user) <= 2:
                messages.warning(
                    request, _("You have few recovery codes left: make new ones on the account security page.")
                )
            return redirect(_next_url(request))
        form.add_error("code", _("This code is not valid. Wait a few seconds if you tried several times."))
        status = 400
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/second_factor_verify.html", context, status=status)


@login_required
def second_factor_enrol(request):
    """Set up an authenticator app: scan the QR code (or type the secret), then confirm with a first code.
    Replacing an existing authenticator needs a session that already passed its second factor."""
    if user_has_device(request.user, confirmed=True) and not second_factor.is_verified(request):
        return redirect(f"{reverse('second_factor_verify')}?{request.GET.urlencode()}")
    device = second_factor.pending_authenticator(request.user)
    form = OneTimeCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_authenticator(request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("code", _("This code is not valid. Check the time on your phone and try the next code."))
        status = 400
    context = {
        "form": form,
        "qr_svg": second_factor.qr_svg(device),
        "secret": second_factor.secret_text(device),
        "required": second_factor.is_required_for(request.user, request.memberships),
        "next": _next_url(request),
    }
    return render(request, "registration/second_factor_enrol.html", context, status=status)


@login_required
def account_security(request):
    """Where a person sees their second factor and recovery codes, and reaches their API tokens."""
    context = {
        "has_authenticator": second_factor.has_authenticator(request.user),
        "recovery_codes_left": second_factor.recovery_codes_left(request.user),
        "required": second_factor.is_required_for(request.user, request.memberships),
        "verified": second_factor.is_verified(request),
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def recovery_codes_renew(request):
    if not second_factor.is_verified(request):
        raise PermissionDenied
    codes = second_factor.new_recovery_codes(request.user)
    messages.success(request, _("New recovery codes made: the old ones no longer work."))
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("account_security")})


@login_required
def api_token_list(request):
    """The person's API tokens; a new one is shown once, in the response that made it."""
    needs_code = second_factor.is_required_for(request.user, request.memberships)
    form = ApiTokenForm(request.POST or None, needs_code=needs_code)
    issued, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            issued, raw = api_tokens.issue_token(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
                otp_code=form.cleaned_data.get("otp_code", ""),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            status = 400
        else:
            issued.raw = raw
            form = ApiTokenForm(needs_code=needs_code)
    elif request.method == "POST":
        status = 400
    tokens = ApiToken.objects.of_user(request.user)
    context = {"tokens": tokens, "form": form, "issued": issued, "now": timezone.now()}
    return render(request, "accounts/api_tokens.html", context, status=status)


@view_of(ApiToken)
@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.of_user(request.user), pk=pk)
    api_tokens.revoke_token(token=token, revoked_by=request.user)
    messages.success(request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name})
    return redirect("api_token_list")
