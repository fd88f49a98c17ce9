"""The only write path of the ledger: append an entry, close daily checkpoints."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from ggzy.kernel import clock
from ggzy.kernel import ledger as chain

from . import events
from .bulk import insert_all
from .models import Checkpoint, LedgerEntry, LedgerHead

SUITE_HASH = {"gm": "sm3", "intl": "sha256"}

SYSTEM_ACTOR = "system"


def ledger_alg() -> str:
    return SUITE_HASH[settings.GGZY_CRYPTO_SUITE]


@dataclass(frozen=True)
class Pending:
    """An entry to append: what ``record`` takes, for ``record_all``."""

    kind: str
    subject: str
    payload: Mapping[str, Any]
    actor: str = SYSTEM_ACTOR
    ip: str | None = None
    objects: Mapping[str, Any] | None = None


def record(
    kind: str,
    *,
    subject: str,
    payload: Mapping[str, Any],
    actor: str = SYSTEM_ACTOR,
    ip: str | None = None,
    objects: Mapping[str, Any] | None = None,
) -> LedgerEntry:
    """Append one entry to the ledger, inside the caller's transaction.

    Call it from a service function in the same ``transaction.atomic`` block as the data it
    witnesses: if the data is rolled back, so is the entry. The apps subscribed to ``kind``
    (``core.events``) react in the same transaction, given ``objects``: the records acted on.
    """
    (entry,) = record_all([Pending(kind, subject, payload, actor, ip, objects)])
    return entry


def record_all(pending: Sequence[Pending]) -> list[LedgerEntry]:
    """Append several entries in order under one lock of the head (a batch of bids), inside
    the caller's transaction; each is chained to the one before exactly as ``record`` would."""
    if not pending:
        return []
    with transaction.atomic():
        head, _ = LedgerHead.objects.select_for_update().get_or_create(id=1)
        # Timestamps never run backwards along the chain, whatever the clock does.
        at = clock.now()
        if head.at is not None and at < head.at:
            at = head.at
        alg = ledger_alg()
        seq, previous = head.seq, head.hash
        entries = []
        for item in pending:
            seq += 1
            body = chain.canonical_json(dict(item.payload))
            content = chain.content(
                seq, chain.format_instant(at), item.kind, item.actor, item.subject, body
            )
            digest = chain.chain_hash(alg, previous, content)
            entries.append(
                LedgerEntry(
                    seq=seq,
                    at=at,
                    kind=item.kind,
                    actor=item.actor,
                    subject=item.subject,
                    body=body,
                    alg=alg,
                    prev_hash=previous,
                    hash=digest,
                    ip=item.ip,
                )
            )
            previous = digest
        insert_all(entries)
        head.seq, head.hash, head.at = seq, previous, at
        head.save(update_fields=["seq", "hash", "at"])
        for entry, item in zip(entries, pending, strict=True):
            events.publish(entry, item.objects)
    return entries


def receipt(entry: LedgerEntry) -> dict[str, Any]:
    """What a user keeps to prove an event is in the ledger (回执)."""
    return {
        "ledger_seq": entry.seq,
        "ledger_hash": entry.hash,
        "alg": entry.alg,
        "at": chain.format_instant(entry.at),
        "kind": entry.kind,
        "subject": entry.subject,
    }


def _day_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=clock.SHANGHAI)


def write_checkpoints() -> list[Checkpoint]:
    """Close every finished local day that has entries and no checkpoint yet.

    Each checkpoint covers the entries after the previous checkpoint up to the end of its
    day, and is itself witnessed by a ``ledger.checkpoint`` entry (which falls into the next
    day's range).
    """
    written: list[Checkpoint] = []
    today = clock.today()
    while True:
        with transaction.atomic():
            last = Checkpoint.objects.order_by("-last_seq").first()
            start_seq = last.last_seq + 1 if last else 1
            first = LedgerEntry.objects.filter(seq__gte=start_seq).order_by("seq").first()
            if first is None:
                return written
            # Entry times never run backwards, so a day's entries are a contiguous range.
            day = first.at.astimezone(clock.SHANGHAI).date()
            if day >= today:
                return written
            hashes = list(
                LedgerEntry.objects.filter(seq__gte=start_seq, at__lt=_day_end(day))
                .order_by("seq")
                .values_list("hash", flat=True)
            )
            alg = ledger_alg()
            checkpoint = Checkpoint(
                day=day,
                first_seq=start_seq,
                last_seq=start_seq + len(hashes) - 1,
                alg=alg,
                root=chain.merkle_root(alg, hashes),
                created_at=clock.now(),
            )
            checkpoint.save()
            record(
                events.LEDGER_CHECKPOINT,
                subject=f"checkpoint:{day.isoformat()}",
                payload={
                    "day": day,
                    "first_seq": checkpoint.first_seq,
                    "last_seq": checkpoint.last_seq,
                    "alg": alg,
                    "root": checkpoint.root,
                },
            )
            written.append(checkpoint)
