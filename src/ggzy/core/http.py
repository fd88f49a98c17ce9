"""One error path, and the request facts every view needs.

A ``DomainError`` that leaves a view becomes one page here (``web/refused.html``) and, for
machines, one JSON body ``{code, message_zh, message_en, field}``; both always carry both
languages. The API (``ggzy.api``), the WebSocket consumers and the streaming upload build
their bodies with :func:`error_body` too. Views only catch a domain error to keep a bound
form's input on the page (:func:`form_error`) or to come back to the page they were posted
from (:func:`flash_error`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language

from ggzy.kernel.errors import DomainError, Forbidden, NotFound

if TYPE_CHECKING:
    from ggzy.accounts.models import User

View = Callable[..., HttpResponse]


def acting_user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def error_body(
    code: str, message_zh: str, message_en: str, field: str | None = None
) -> dict[str, Any]:
    return {"code": code, "message_zh": message_zh, "message_en": message_en, "field": field}


def bilingual(exc: DomainError) -> str:
    """Both languages, the page's own first."""
    if (get_language() or "").startswith("en"):
        return f"{exc.message_en} / {exc.message_zh}"
    return f"{exc.message_zh} / {exc.message_en}"


def form_error(
    form: forms.BaseForm, exc: DomainError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's error on its form field (``aliases`` maps service field names to the
    form's), or above the form when the form has no such field."""
    field = (aliases or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, bilingual(exc))


def flash_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, bilingual(exc))


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """The one refusal response: JSON for machines, the refusal page for people."""
    if wants_json(request):
        return JsonResponse(
            exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False}
        )
    status = exc.status if exc.status in (403, 404, 409, 422) else 400
    return render(request, "web/refused.html", {"error": exc}, status=status)


class DomainErrorMiddleware:
    """Turns a domain error raised by any view into :func:`refused`."""

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return refused(request, exception)
        return None


def requires(
    allowed: Callable[[User], bool], message_zh: str, message_en: str, code: str
) -> Callable[[View], View]:
    """A page for signed-in users that ``allowed`` admits; anyone else gets the refusal
    page (403) naming ``code``."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(acting_user(request)):
                raise Forbidden(message_zh, message_en, code=code)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler404``: the same page as any other refusal."""
    return refused(request, NotFound("未找到该页面或记录", "no such page or record"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: the same page as any other refusal."""
    return refused(request, Forbidden("无权执行此操作", "you may not do this"))


__all__ = [
    "DomainErrorMiddleware",
    "acting_user",
    "bilingual",
    "client_ip",
    "error_body",
    "flash_error",
    "form_error",
    "not_found",
    "permission_denied",
    "refused",
    "requires",
]
