"""The national data specification export, mounted at /api/v1/dataspec (thin).

Anyone may call it: without a token or session the caller is the public and gets the public
datasets; admin, supervisor and oversight users (token, or session with the second factor)
also get the exchange datasets of their region. See ``dataspec`` and docs/data-spec.md.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import AuthenticationError

from ggzy.accounts.auth import api_auth

from . import dataspec

router = Router(tags=["dataspec 公共资源交易平台系统数据规范"])


class _Public:
    """Stands for an anonymous caller (Ninja needs a true value to let the request in)."""


PUBLIC = _Public()


def _public(request: HttpRequest) -> _Public:
    return PUBLIC


# A valid token or verified session identifies the caller; anything else is the public.
AUTH = [*api_auth, _public]


@router.get("/datasets", auth=AUTH)
def datasets(request: HttpRequest) -> dict[str, Any]:
    """The datasets, whether each is public, and where every field's value comes from."""
    return {
        "specification": "公共资源交易平台系统数据规范 V2.0（发改办法规〔2018〕1156号）",
        "unified_deal_code": {
            "format": "行政区划(6)+年度(4)+交易分类 JG/ZC(2)+项目序号(8)+标段/包号(3)+校验码(1)",
            "check": "ISO/IEC 7064 MOD 37,36",
            "verified": False,
            "note": "平台格式，未经官方编码规则核实 / platform format, not verified against "
            "the official coding rule",
        },
        "datasets": dataspec.catalogue(),
    }


@router.get("/{dataset}", auth=AUTH)
def records(
    request: HttpRequest,
    dataset: str,
    project: str | None = None,
    lot: str | None = None,
    after: str | None = None,
    limit: str | None = None,
) -> dict[str, Any]:
    """Records keyed by the specification's field codes, ``limit`` at a time; pass the
    page's ``next_after`` as ``after`` for the next page."""
    found = dataspec.get_dataset(dataset)
    query = dataspec.parse_query(project=project, lot=lot, after=after, limit=limit)
    if not found.public and request.auth is PUBLIC:  # type: ignore[attr-defined]
        raise AuthenticationError
    viewer = dataspec.viewer_for(
        request.auth,  # type: ignore[attr-defined]
        base_url=request.build_absolute_uri("/"),
    )
    return dataspec.export(found, viewer, query).as_dict()
