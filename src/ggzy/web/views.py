from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ggzy.accounts.models import Organisation, User
from ggzy.catalogue.selectors import workspace_context as catalogue_workspace
from ggzy.core.models import Checkpoint, LedgerEntry, LedgerHead
from ggzy.disclosure.selectors import latest_by_category
from ggzy.entities.selectors import public_stats
from ggzy.entities.selectors import workspace_context as entities_workspace
from ggzy.experts.selectors.pool import workspace_context as experts_workspace


def home(request: HttpRequest) -> HttpResponse:
    centres = Organisation.objects.filter(kind=Organisation.Kind.CENTRE, is_active=True)
    context = {
        "centres": centres.select_related("region").order_by("region_id"),
        "stats": public_stats(),
        "latest_entries": LedgerEntry.objects.order_by("-seq")[:8],
        "latest_notices": latest_by_category(),
    }
    return render(request, "web/home.html", context)


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context = {
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
