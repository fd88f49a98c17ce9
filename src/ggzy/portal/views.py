"""The public portal (信息公开): list, search, notice pages, feeds, sitemap. No login, and
every page reads without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from ggzy.core.http import bilingual
from ggzy.disclosure import search, selectors, verification
from ggzy.disclosure.models import Publication
from ggzy.kernel.errors import DomainError

from . import results

PAGE = 20


def _page(request: HttpRequest, query: str) -> dict[str, Any]:
    filters, notes = selectors.filters_from(request.GET)
    after = request.GET.get("after") or None
    try:
        if query:
            page = search.search(query, filters=filters, after=after, limit=PAGE)
        else:
            page = search.listing(filters, after=after, limit=PAGE)
    except DomainError as exc:  # a tampered page key: say so, show the first page
        notes.append(bilingual(exc))
        page = (
            search.search(query, filters=filters, after=None, limit=PAGE)
            if query
            else search.listing(filters, after=None, limit=PAGE)
        )
    params = request.GET.copy()
    params.pop("after", None)
    next_url = None
    if page.next:
        params["after"] = page.next
        next_url = f"?{params.urlencode()}"
    return {
        "page": page,
        "notes": notes,
        "q": query,
        "selected": request.GET,
        "next_url": next_url,
        **selectors.filter_options(),
    }


def notice_list(request: HttpRequest) -> HttpResponse:
    return render(request, "disclosure/list.html", _page(request, ""))


def search_page(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()
    return render(request, "disclosure/search.html", _page(request, query))


def notice_detail(request: HttpRequest, uid: str) -> HttpResponse:
    publication = selectors.get(uid)
    latest = selectors.latest_version(publication)
    context = {
        "notice": publication,
        "latest": latest if latest.pk != publication.pk else None,
        "diff": selectors.diff(publication),
        "timeline": selectors.trade_notices(publication.trade_code),
    }
    return render(request, "disclosure/detail.html", context)


def trade_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A trade's public page: its result (lots, bids read out, awards, contracts) and every
    notice it published."""
    notices = selectors.trade_notices(code)
    if not notices:
        raise Http404("没有该项目的公告 / no notices for this trade")
    context = {
        "code": code,
        "latest": notices[-1],
        "notices": notices,
        "result": results.of_trade(code, request.build_absolute_uri("/")),
    }
    return render(request, "disclosure/trade.html", context)


def notice_file(request: HttpRequest, uid: str, position: int) -> FileResponse:
    """An attachment, always as a download: never rendered by the browser."""
    try:
        attachment = selectors.attachment(uid, position)
        stream = attachment.file.open("rb")
    except (DomainError, OSError) as exc:
        raise Http404("附件不存在 / no such attachment") from exc
    response = FileResponse(
        stream, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["Content-Security-Policy"] = "sandbox"
    return response


class LatestFeed(Feed):
    """RSS 2.0 of the newest notices; the list page's filters apply (per-filter feeds)."""

    description = "公共资源交易公告 / public resource trading notices"

    def get_object(self, request: HttpRequest) -> Any:
        return selectors.filters_from(request.GET)[0]

    def title(self, obj: search.Filters) -> str:
        return "公共资源交易公告"

    def link(self, obj: search.Filters) -> str:
        return reverse("disclosure:list")

    def items(self, obj: search.Filters) -> list[Publication]:
        ids = [hit.publication.pk for hit in search.listing(obj, after=None, limit=50).items]
        found = Publication.objects.defer("body").in_bulk(ids)  # with the text, for items
        return [found[pk] for pk in ids]

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_description(self, item: Publication) -> str:
        return item.text[:500]

    def item_link(self, item: Publication) -> str:
        return reverse("disclosure:notice", args=[item.uid])

    def item_pubdate(self, item: Publication) -> Any:
        return item.published_at

    def item_guid(self, item: Publication) -> str:
        return item.uid


class LatestAtom(LatestFeed):
    feed_type = Atom1Feed
    subtitle = LatestFeed.description


SITEMAP_SIZE = 50_000  # the sitemap protocol's limit of URLs per file
_SITEMAP = '<?xml version="1.0" encoding="UTF-8"?><{tag} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</{tag}>'


def _xml(tag: str, body: str) -> HttpResponse:
    return HttpResponse(_SITEMAP.format(tag=tag, body=body), content_type="application/xml")


def sitemap(request: HttpRequest) -> HttpResponse:
    """A sitemap index: one sitemap per block of ``SITEMAP_SIZE`` notice ids. Notices are
    never deleted, so a full block never changes."""
    last = Publication.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    base = request.build_absolute_uri("/").rstrip("/")
    body = "".join(
        f"<sitemap><loc>{base}{reverse('disclosure:sitemap_block', args=[n])}</loc></sitemap>"
        for n in range(last // SITEMAP_SIZE + 1)
    )
    return _xml("sitemapindex", body)


def sitemap_block(request: HttpRequest, block: int) -> HttpResponse:
    rows = Publication.objects.filter(
        pk__gte=block * SITEMAP_SIZE, pk__lt=(block + 1) * SITEMAP_SIZE
    ).values_list("uid", "published_at")
    base = request.build_absolute_uri("/").rstrip("/")
    body = "".join(
        f"<url><loc>{base}{reverse('disclosure:notice', args=[uid])}</loc>"
        f"<lastmod>{at.date().isoformat()}</lastmod></url>"
        for uid, at in rows.order_by("pk").iterator(chunk_size=5000)
    )
    return _xml("urlset", body)


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a receipt or a notice reference against the ledger."""
    reference = (request.POST.get("reference") or request.GET.get("reference") or "")[
        : verification.MAX_INPUT + 1
    ]
    verdict = verification.verify(reference) if reference.strip() else None
    return render(request, "disclosure/verify.html", {"verdict": verdict, "reference": reference})
