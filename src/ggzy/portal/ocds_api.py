"""Open data API in OCDS 1.1, mounted at /api/v1/ocds: public, read-only.

- ``GET /releases?after=<ocid>&limit=N`` — a release package of every published trade, in
  ocid order, ``limit`` trades a page (1–100, default 20); ``links.next`` (and an HTTP
  ``Link: rel="next"`` header) give the next page while more trades follow. The portal's
  filters narrow it: ``category``, ``region`` (code prefix), ``centre``, ``from``/``to`` (a
  notice published within those dates).
- ``GET /releases/{ocid}`` — the release package of one trade.
- ``GET /records/{ocid}`` — the record package of one trade (releases embedded, compiled
  release).

Errors are JSON ``{code, message_zh, message_en, field}``: an unknown ocid is 404, a bad page
key or limit 400, answered by the API's one error path. Amounts are exact JSON numbers
(``ocds.dumps``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from ggzy.disclosure import selectors
from ggzy.disclosure.selectors import parse_limit
from ggzy.kernel.errors import InvalidInput, NotFound

from . import ocds

router = Router(tags=["open data 开放数据 (OCDS 1.1)"])

CONTENT_TYPE = "application/json; charset=utf-8"


def _json(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(ocds.dumps(data), content_type=CONTENT_TYPE, status=status)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _trade(ocid: str) -> ocds.Trade:
    trade = ocds.trade_for(ocid)
    if trade is None:
        raise NotFound(
            f"没有已公开的交易：{ocid}",
            f"no published trade {ocid!r}",
            code="ocid_not_found",
            field="ocid",
        )
    return trade


@router.get("/releases", auth=None)
def list_releases(
    request: HttpRequest, after: str | None = None, limit: str | None = None
) -> HttpResponse:
    """Release package of all published trades, a page at a time (key: the last ocid),
    filtered like the portal's lists: ``category``, ``region``, ``centre``, ``from``, ``to``."""
    filters, notes = selectors.filters_from(request.GET)
    if notes:
        raise InvalidInput("；".join(notes), "; ".join(notes), code="invalid_filter")
    size = parse_limit(limit)
    trades, more = ocds.page_of_trades(after or None, size, filters)
    package = ocds.release_package(
        trades, uri=request.build_absolute_uri(), base_url=_base_url(request)
    )
    response_links: dict[str, str] = {}
    if more and trades:
        query = request.GET.copy()
        query["after"] = ocds.ocid_of(trades[-1].project)
        query["limit"] = str(size)
        response_links["next"] = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        package["links"] = response_links
    response = _json(package)
    if "next" in response_links:
        response["Link"] = f'<{response_links["next"]}>; rel="next"'
    return response


@router.get("/releases/{ocid}", auth=None)
def trade_releases(request: HttpRequest, ocid: str) -> HttpResponse:
    """Release package of one trade: one release per published notice."""
    trade = _trade(ocid)
    return _json(
        ocds.release_package([trade], uri=request.build_absolute_uri(), base_url=_base_url(request))
    )


@router.get("/records/{ocid}", auth=None)
def trade_record(request: HttpRequest, ocid: str) -> HttpResponse:
    """Record package of one trade: its releases and the compiled release."""
    trade = _trade(ocid)
    return _json(
        ocds.record_package([trade], uri=request.build_absolute_uri(), base_url=_base_url(request))
    )
