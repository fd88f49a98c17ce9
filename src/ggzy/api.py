"""The REST API at /api/v1 (OpenAPI at /api/v1/openapi.json).

Every error is JSON ``{code, message_zh, message_en, field}``; domain errors are mapped
here, in one place.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from ggzy.accounts.api import router as accounts_router
from ggzy.accounts.auth import api_auth
from ggzy.auctions.api import router as auctions_router
from ggzy.awards.api import router as awards_router
from ggzy.catalogue.api import router as catalogue_router
from ggzy.core.api import router as ledger_router
from ggzy.core.http import error_body
from ggzy.deposits.api import router as deposits_router
from ggzy.disclosure.notices_api import router as notices_router
from ggzy.entities.api import router as entities_router
from ggzy.evaluation.api import router as evaluation_router
from ggzy.experts.api import router as experts_router
from ggzy.kernel.errors import DomainError
from ggzy.portal.dataspec_api import router as dataspec_router
from ggzy.portal.ocds_api import router as ocds_router
from ggzy.tendering.api import router as tendering_router
from ggzy.web.api import router as workspace_router

api = NinjaAPI(
    title="ggzy API",
    version="1",
    description="统一的公共资源交易平台 API / unified public resource trading platform API",
    urls_namespace="api",
    auth=api_auth,
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field_of(loc: list[object]) -> str | None:
    names = [str(part) for part in loc if part not in {"body", "payload", "query", "path", "form"}]
    return ".".join(names) or None


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    field = _field_of(list(first.get("loc", [])))
    message = str(first.get("msg", "invalid input"))
    body = error_body(
        "invalid",
        f"输入有误：{field or '请求'} — {message}",
        f"invalid input: {field or 'request'} — {message}",
        field,
    )
    body["errors"] = exc.errors
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = error_body(
        "unauthenticated",
        "未登录或令牌无效（员工账号须完成双因素认证）",
        "not logged in, or the token is invalid, expired or lacks the scope "
        "(staff sessions need two-factor authentication)",
    )
    return api.create_response(request, body, status=401)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    body = error_body("forbidden", "无权执行此操作", "you may not do this")
    return api.create_response(request, body, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("not_found", "未找到", "not found"), status=404)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    zh = "请求体不是有效的 JSON" if "parse" in message.lower() else f"请求有误：{message}"
    return api.create_response(
        request, error_body("bad_request", zh, message), status=exc.status_code
    )


api.add_router("/ledger", ledger_router)
api.add_router("/accounts", accounts_router)
api.add_router("/entities", entities_router)
api.add_router("/catalogue", catalogue_router)
api.add_router("/experts", experts_router)
api.add_router("/tendering", tendering_router)
api.add_router("/deposits", deposits_router)
api.add_router("/evaluation", evaluation_router)
api.add_router("/awards", awards_router)
api.add_router("/dataspec", dataspec_router)
api.add_router("/ocds", ocds_router)
api.add_router("/notices", notices_router)
api.add_router("/auctions", auctions_router)
api.add_router("/workspace", workspace_router)
