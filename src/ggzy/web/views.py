from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from ggzy.accounts.models import Organisation, User
from ggzy.catalogue.selectors import workspace_context as catalogue_workspace
from ggzy.core.models import Checkpoint, LedgerEntry, LedgerHead
from ggzy.disclosure.selectors import latest_by_category
from ggzy.entities.selectors import public_stats
from ggzy.entities.selectors import workspace_context as entities_workspace
from ggzy.experts.selectors.pool import workspace_context as experts_workspace

from .selectors import todos_for

HOME_TTL = 60  # seconds: a new ledger entry refreshes the page at once, anything else in a minute


def home(request: HttpRequest) -> HttpResponse:
    """The public home page. Its content is the same for every visitor and changes with the
    ledger (every notice and every registration appends to it), so it is rendered once per
    ledger head and language and kept in the cache."""
    head = LedgerHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, "")
    key = f"web.home.{get_language()}.{head[0]}.{head[1][:16]}"
    content = cache.get(key)
    if content is None:
        centres = Organisation.objects.filter(kind=Organisation.Kind.CENTRE, is_active=True)
        context = {
            "centres": centres.select_related("region").order_by("region_id"),
            "stats": public_stats(),
            "latest_entries": LedgerEntry.objects.order_by("-seq")[:8],
            "latest_notices": latest_by_category(),
        }
        content = render_to_string("web/_home_content.html", context)
        cache.set(key, content, HOME_TTL)
    return render(request, "web/home.html", {"content": content})


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """The user's to-dos first (待办事项), then the panels of links (常用入口)."""
    user: User = request.user  # type: ignore[assignment]
    context = {
        "todos": todos_for(user),
        **entities_workspace(user),
        **catalogue_workspace(user),
        **experts_workspace(user),
    }
    return render(request, "web/workspace.html", context)


def ledger(request: HttpRequest) -> HttpResponse:
    """The public ledger: latest entries, daily checkpoints, and a receipt lookup."""
    lookup = None
    seq_text = request.GET.get("seq", "").strip()
    hash_text = request.GET.get("hash", "").strip().lower()
    if seq_text:
        entry = (
            LedgerEntry.objects.filter(seq=int(seq_text)).first() if seq_text.isdigit() else None
        )
        lookup = {
            "seq": seq_text,
            "entry": entry,
            "matches": entry is not None and (not hash_text or entry.hash == hash_text),
        }
    context = {
        "head": LedgerHead.objects.filter(id=1).first(),
        "entries": LedgerEntry.objects.order_by("-seq")[:50],
        "checkpoints": Checkpoint.objects.order_by("-day")[:30],
        "lookup": lookup,
        "hash_text": hash_text,
    }
    return render(request, "web/ledger.html", context)
