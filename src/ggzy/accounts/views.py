from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from ggzy.core.http import flash_error, form_error
from ggzy.kernel.errors import DomainError

from . import lockout, otp, selectors, services
from .forms import LoginForm, OtpForm, TokenForm
from .models import ApiToken, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        limits = lockout.limits()
        return super().get_context_data(
            account_limit=limits[lockout.ACCOUNT],
            address_limit=limits[lockout.ADDRESS],
            cool_off_minutes=int(lockout.cool_off().total_seconds() // 60),
            **kwargs,
        )

    def get_success_url(self) -> str:
        user = self.request.user
        if getattr(user, "needs_second_factor", False):
            return reverse("accounts:otp")
        return super().get_success_url()


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The page for a refused login (axes' ``AXES_LOCKOUT_CALLABLE``): what is locked, when
    the lock ends by itself, and that an administrator can release it sooner."""
    if credentials is None and isinstance(original_response, Mapping):
        credentials = original_response  # axes' asynchronous middleware passes it second
    context = {"locks": lockout.locks_for(request, credentials)}
    return render(request, "accounts/locked.html", context, status=429)


@login_required
def otp_view(request: HttpRequest) -> HttpResponse:
    """Verify the TOTP code; enrol a device first when the user has none (绑定认证器)."""
    user: User = request.user  # type: ignore[assignment]
    if user.is_verified():
        return redirect("web:workspace")
    device = otp.device_for(user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect("web:workspace")
        form.add_error("token", _("验证码不正确或已过期；多次输错后须稍候再试。"))
    context = {"form": form, "device": device}
    if not device.confirmed:
        context["secret"] = otp.secret_base32(device)
        context["qr_svg"] = otp.provisioning_qr_svg(device, user)
    return render(request, "accounts/otp.html", context)


@login_required
def tokens_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        scopes = [ApiToken.Scope.READ] + (
            [ApiToken.Scope.WRITE] if form.cleaned_data["write"] else []
        )
        try:
            _token, new_secret = services.create_token(
                user=user,
                name=form.cleaned_data["name"],
                scopes=scopes,
                days=form.cleaned_data["days"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            form = TokenForm()
    tokens = selectors.tokens_of(user)
    return render(
        request, "accounts/tokens.html", {"form": form, "tokens": tokens, "new_secret": new_secret}
    )


@login_required
@require_POST
def revoke_token_view(request: HttpRequest, prefix: str) -> HttpResponse:
    try:
        services.revoke_token(user=request.user, prefix=prefix)  # type: ignore[arg-type]
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("令牌已撤销。"))
    return redirect("accounts:tokens")
