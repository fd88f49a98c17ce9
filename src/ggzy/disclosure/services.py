"""The one publication service every trading app calls (信息发布).

Publishing sanitises the body, masks personal data (``policy``), stores the result, indexes
it for search and appends a ledger entry with the digest of exactly what was published, in
the caller's transaction. A correction is a new version linked to the one it corrects.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ggzy.accounts.models import Organisation, Region
from ggzy.core.services import record
from ggzy.disclosure import events
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, InvalidInput
from ggzy.kernel.ledger import canonical_json

from . import attachments, policy, search
from .models import Attachment, Category, Kind, Publication


@dataclass(frozen=True)
class Notice:
    """What a trading app hands over. ``body`` is plain text unless ``html`` is true."""

    kind: str
    category: str
    region: Region
    centre: Organisation
    trade_code: str
    trade_title: str
    title: str
    body: str
    html: bool = False
    lot_code: str = ""
    attachments: tuple[attachments.File, ...] = ()


def _check(notice: Notice) -> None:
    if notice.kind not in Kind.values:
        raise InvalidInput(f"未知的公告类型：{notice.kind}", f"unknown kind {notice.kind!r}")
    if notice.category not in Category.values:
        raise InvalidInput(
            f"未知的交易分类：{notice.category}", f"unknown category {notice.category!r}"
        )
    if not notice.title.strip():
        raise InvalidInput("公告标题不能为空", "the title is empty", field="title")


def _uid() -> str:
    return f"{clock.local_now():%Y%m%d}{secrets.token_hex(6).upper()}"


def digest_of(publication: Publication, files: Sequence[attachments.Stored] = ()) -> str:
    """SHA-256 over what the public sees: anyone can recompute it from the notice page.
    Attachments are named by name, size and SHA-256 (the key is left out when there are none,
    so notices without attachments keep the digest they were published with)."""
    content: dict[str, Any] = {
        "uid": publication.uid,
        "kind": publication.kind,
        "category": publication.category,
        "trade": publication.trade_code,
        "title": publication.title,
        "body": publication.body,
        "version": publication.version,
        "previous": publication.previous.uid if publication.previous else None,
    }
    if files:
        content["attachments"] = [
            {"name": f.name, "size": f.size, "sha256": f.sha256} for f in files
        ]
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


@transaction.atomic
def publish(
    notice: Notice, *, actor: str, ip: str | None = None, corrects: Publication | None = None
) -> Publication:
    """Publish ``notice`` (or a correction of ``corrects``) and witness it in the ledger."""
    _check(notice)
    attachments.check(notice.attachments)
    if corrects is not None and Publication.objects.filter(previous=corrects).exists():
        raise Conflict(
            "该公告已有更正版本，请更正最新版本",
            "the notice was already corrected: correct its latest version",
            code="already_corrected",
        )
    markup = policy.sanitise(notice.body if notice.html else policy.plain_to_html(notice.body))
    body = policy.mask(markup)
    publication = Publication(
        uid=_uid(),
        kind=notice.kind,
        category=notice.category,
        region=notice.region,
        centre=notice.centre,
        trade_code=notice.trade_code,
        trade_title=notice.trade_title,
        lot_code=notice.lot_code,
        title=policy.mask(notice.title.strip()),
        body=body,
        text=policy.text_of(body),
        version=corrects.version + 1 if corrects else 1,
        previous=corrects,
        published_at=clock.now(),
        ledger_seq=0,
    )
    files = attachments.store(notice.attachments)
    publication.digest = digest_of(publication, files)
    entry = record(
        events.DISCLOSURE_PUBLISHED,
        subject=f"trade:{notice.trade_code}",
        actor=actor,
        ip=ip,
        payload={
            "uid": publication.uid,
            "kind": publication.kind,
            "version": publication.version,
            "previous": corrects.uid if corrects else None,
            "digest": publication.digest,
            **({"attachments": [f.sha256 for f in files]} if files else {}),
        },
    )
    publication.ledger_seq = entry.seq
    publication.save()
    Attachment.objects.bulk_create(
        Attachment(
            publication=publication,
            position=n,
            name=f.name,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            file=f.path,
        )
        for n, f in enumerate(files, start=1)
    )
    search.index(publication)
    return publication
