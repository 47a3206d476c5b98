"""Account security pages: the login's second-factor step, enrolling an authenticator, recovery codes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from accounts import second_factor
from accounts.forms import OneTimeCodeForm


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
