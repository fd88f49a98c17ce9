from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Paths a staff user may reach between the password and the second factor.
OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class RequireSecondFactorMiddleware:
    """Centre staff, supervisors and admins must pass TOTP before anything else (双因素认证)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "needs_second_factor", False)
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            return redirect("accounts:otp")
        return self.get_response(request)
