"""Notices as open data, mounted at /api/v1/notices: public, read-only.

- ``GET /?q=&category=&kind=&region=&centre=&from=&to=&after=&limit=`` — notices newest
  first, with the portal's filters and, with ``q``, its full-text search (every word
  required); ``next`` is the key of the next page (also ``links.next``), null on the last.
- ``GET /{uid}`` — one notice with its body, plain text and attachments.

Every notice keeps its ``uid`` for ever; a correction is another notice whose ``previous``
is the uid it corrects. A filter value that is not understood, a bad ``limit`` or a page
key that was tampered with is a 400 with ``{code, message_zh, message_en, field}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router

from ggzy.kernel.errors import InvalidInput

from . import search, selectors
from .models import Publication
from .selectors import parse_limit

router = Router(tags=["open data 开放数据 (notices 公告)"])


def _notice(request: HttpRequest, p: Publication, previous: str | None) -> dict[str, Any]:
    return {
        "uid": p.uid,
        "url": request.build_absolute_uri(reverse("disclosure:notice", args=[p.uid])),
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "category": p.category,
        "category_label": p.get_category_display(),
        "region": {"code": p.region_id, "name": p.region.name},
        "centre": {"id": p.centre_id, "name": p.centre.name},
        "trade": {
            "code": p.trade_code,
            "title": p.trade_title,
            "url": request.build_absolute_uri(reverse("disclosure:trade", args=[p.trade_code])),
        },
        "lot_code": p.lot_code,
        "title": p.title,
        "version": p.version,
        "previous": previous,
        "published_at": p.published_at.isoformat(),
        "digest": p.digest,
        "ledger_seq": p.ledger_seq,
    }


@router.get("", auth=None)
def notices(request: HttpRequest) -> dict[str, Any]:
    """Notices newest first, filtered and searched as on the portal, a page at a time."""
    filters, notes = selectors.filters_from(request.GET)
    if notes:
        raise InvalidInput("；".join(notes), "; ".join(notes), code="invalid_filter")
    limit = parse_limit(request.GET.get("limit"))
    after = request.GET.get("after") or None
    q = (request.GET.get("q") or "").strip()
    page = (
        search.search(q, filters=filters, after=after, limit=limit)
        if q
        else search.listing(filters, after=after, limit=limit)
    )
    previous: dict[int | None, str] = dict(
        Publication.objects.filter(
            pk__in=[h.publication.previous_id for h in page.items if h.publication.previous_id]
        ).values_list("pk", "uid")
    )
    items = [
        _notice(request, hit.publication, previous.get(hit.publication.previous_id))
        | ({"title_html": str(hit.title), "snippet_html": str(hit.snippet)} if q else {})
        for hit in page.items
    ]
    data: dict[str, Any] = {"items": items, "next": page.next}
    if q:
        data["terms"] = list(page.terms)
    if page.next:
        query = request.GET.copy()
        query["after"] = page.next
        data["links"] = {"next": request.build_absolute_uri(f"{request.path}?{query.urlencode()}")}
    return data


@router.get("/{uid}", auth=None)
def notice(request: HttpRequest, uid: str) -> dict[str, Any]:
    """One notice: body (sanitised HTML), plain text and attachments."""
    p = selectors.get(uid)
    attachments = [
        {
            "name": a.name,
            "content_type": a.content_type,
            "size": a.size,
            "sha256": a.sha256,
            "url": request.build_absolute_uri(reverse("disclosure:file", args=[p.uid, a.position])),
        }
        for a in p.attachments.all()
    ]
    earlier = p.previous.uid if p.previous else None
    return _notice(request, p, earlier) | {
        "body_html": p.body,
        "text": p.text,
        "attachments": attachments,
    }
