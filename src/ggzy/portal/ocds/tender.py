"""The release's tender: procedure, value, periods, tenderers, documents, amendments, lots."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin

from django.urls import reverse

from ggzy.evaluation.method import METHOD_NAMES
from ggzy.kernel import clock, rules
from ggzy.kernel.money import format_cny
from ggzy.tendering import procedures
from ggzy.tendering.models import Lot, Notice, Project, Sector

from .identifiers import entity_id, entity_ref
from .snapshot import Seen, release_id
from .trades import Trade
from .values import LANGUAGE, instant, money

# The ten procedures of ``tendering.procedures`` → OCDS procurementMethod (closed codelist).
METHODS: Mapping[str, str] = {
    "works_open_post": "open",  # 公开招标（资格后审）: anyone may bid
    "works_open_pre": "selective",  # 公开招标（资格预审）: only the prequalified bid
    "works_invite_post": "limited",  # 邀请招标: invitations to bidders of its choice (Law Art 17)
    "works_invite_pre": "limited",
    "gp_open": "open",
    "gp_invite": "selective",  # drawn at random among qualified suppliers (GP Law Art 34)
    "gp_consultation": "open",  # by public notice in this platform's procedure matrix
    "gp_negotiation": "open",
    "gp_inquiry": "open",
    "gp_single_source": "direct",
}
# Evaluation method kinds → awardCriteria (open codelist; current, non-deprecated codes).
AWARD_CRITERIA: Mapping[str, str] = {
    procedures.COMPREHENSIVE: "ratedCriteria",
    # The platform ranks the valid bids of these methods by price alone.
    procedures.LOWEST_EVALUATED: "priceOnly",
    procedures.LOWEST_PRICE: "priceOnly",
}
TENDER_KINDS = (Notice.Kind.TENDER, Notice.Kind.INVITATION, Notice.Kind.PREQUALIFICATION)
_DOCUMENT_TYPES: Mapping[str, str] = {
    **dict.fromkeys(TENDER_KINDS, "tenderNotice"),
    Notice.Kind.CHANGE: "tenderNotice",
    Notice.Kind.TERMINATION: "cancellationDetails",
    Notice.Kind.FAILURE: "cancellationDetails",
    Notice.Kind.OPENING_RECORD: "bidders",
    Notice.Kind.BIDDER_LIST: "bidders",
    Notice.Kind.CANDIDATES: "evaluationReports",
    Notice.Kind.RESULT: "awardNotice",
    Notice.Kind.CONTRACT: "contractNotice",
    Notice.Kind.PERFORMANCE: "physicalProgressReport",
}
_TENDER_DOCUMENTS = frozenset(
    {
        *TENDER_KINDS,
        Notice.Kind.CHANGE,
        Notice.Kind.TERMINATION,
        Notice.Kind.FAILURE,
        Notice.Kind.OPENING_RECORD,
        Notice.Kind.BIDDER_LIST,
        Notice.Kind.CANDIDATES,
    }
)
# The schedule line the tendering services append to tender and change notices.
_DEADLINE = re.compile(
    r"投标截止及开标时间(?:：|顺延至|不变：)(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})"
)


def tender_object(seen: Seen, notice: Notice, previous: str | None) -> dict[str, Any]:
    trade, project = seen.trade, seen.trade.project
    procedure = procedures.get(project.procedure)
    tender: dict[str, Any] = {
        "id": project.code,
        "title": project.name,
        "status": _tender_status(seen),
        "procuringEntity": entity_ref(project.agent or project.initiator),
    }
    if (value := _tender_value(trade)) is not None:
        tender["value"] = money(value)
    tender |= {
        "procurementMethod": METHODS[procedure.code],
        "procurementMethodDetails": procedure.label,
        "mainProcurementCategory": project.category,
    }
    tender |= _award_criteria(trade)
    tender |= {
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": (
            f"通过{project.centre.name}电子交易系统递交加密投标文件，网上不见面开标"
        ),
    }
    deadline = _deadline(seen)
    if deadline is not None:
        period: dict[str, str] = {"endDate": instant(deadline)}
        if project.documents_issued_at is not None:
            period = {"startDate": instant(project.documents_issued_at), **period}
        tender["tenderPeriod"] = period
        if (enquiry := _enquiry_period(project, procedure, deadline)) is not None:
            tender["enquiryPeriod"] = enquiry
    tenderers = _tenderers(seen)
    if tenderers:
        tender["numberOfTenderers"] = len(tenderers)
        tender["tenderers"] = tenderers
    if documents := [
        notice_document(seen, n, relates=True) for n in seen.notices if n.kind in _TENDER_DOCUMENTS
    ]:
        tender["documents"] = documents
    if amendments := _amendments(seen, notice, previous):
        tender["amendments"] = amendments
    tender["lots"] = [_lot(seen, lot) for lot in trade.lots]
    return tender


def _tender_status(seen: Seen) -> str:
    if seen.has(Notice.Kind.TERMINATION):
        return "cancelled"
    statuses = {seen.lot_status(lot) for lot in seen.trade.lots}
    if statuses and statuses <= {"complete", "unsuccessful", "cancelled"}:
        return "complete" if "complete" in statuses else "unsuccessful"
    return "active"


def _public_value(lot: Lot, gp: bool) -> Decimal | None:
    """The lot's published upper value: the ceiling price (最高投标限价, on the notice), or a
    procurement budget (预算金额, published with every procurement notice). A works
    estimate (估算价) is not published, so it is not exported either."""
    if lot.ceiling_price is not None:
        return lot.ceiling_price
    return lot.estimate if gp else None


def _tender_value(trade: Trade) -> Decimal | None:
    gp = trade.project.sector == Sector.PROCUREMENT
    if gp:
        return trade.project.estimate
    values = [_public_value(lot, gp) for lot in trade.lots]
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal("0.00"))


def _award_criteria(trade: Trade) -> dict[str, Any]:
    kinds = {
        lot.code: str(lot.evaluation_method.get("kind"))
        for lot in trade.lots
        if isinstance(lot.evaluation_method, dict)
        and lot.evaluation_method.get("kind") in AWARD_CRITERIA
    }
    if not kinds:
        return {}
    result: dict[str, Any] = {}
    if len(set(kinds.values())) == 1 and len(kinds) == len(trade.lots):
        result["awardCriteria"] = AWARD_CRITERIA[next(iter(kinds.values()))]
    result["awardCriteriaDetails"] = "；".join(
        f"{code}：{METHOD_NAMES[kind][0]}" for code, kind in kinds.items()
    )
    return result


def _deadline(seen: Seen) -> datetime | None:
    """The bid deadline as the latest tender or change notice out stated it (so an earlier
    release keeps the deadline of its time); the project's current deadline otherwise."""
    stated = None
    for notice in seen.notices:
        if notice.kind in (*TENDER_KINDS, Notice.Kind.CHANGE):
            matches = _DEADLINE.findall(notice.body)
            if matches:
                y, mo, d, h, mi, s = (int(x) for x in matches[-1])
                stated = datetime(y, mo, d, h, mi, s, tzinfo=clock.SHANGHAI)
    if stated is None and any(n.kind in TENDER_KINDS for n in seen.notices):
        return seen.trade.project.bid_deadline
    return stated


def _enquiry_period(
    project: Project, procedure: procedures.Procedure, deadline: datetime
) -> dict[str, str] | None:
    """The window for objections to the documents (异议, Reg. Art 22): until the last day at
    least the rule's days before the deadline. The platform has no other enquiry channel."""
    if procedure.objection_rule is None or project.documents_issued_at is None:
        return None
    last_day = deadline.astimezone(clock.SHANGHAI).date() - timedelta(
        days=rules.int_value(procedure.objection_rule)
    )
    end = datetime.combine(last_day, time(23, 59, 59), tzinfo=clock.SHANGHAI)
    if end < project.documents_issued_at:
        return None
    return {"startDate": instant(project.documents_issued_at), "endDate": instant(end)}


def _tenderers(seen: Seen) -> list[dict[str, Any]]:
    refs: dict[str, dict[str, Any]] = {}
    for lot in seen.trade.lots:
        if seen.has(Notice.Kind.OPENING_RECORD, lot):
            for bid in seen.trade.bids[lot.pk]:
                refs.setdefault(entity_id(bid.entity), entity_ref(bid.entity))
    return list(refs.values())


def _lot(seen: Seen, lot: Lot) -> dict[str, Any]:
    gp = seen.trade.project.sector == Sector.PROCUREMENT
    notes = []
    if lot.ceiling_price is not None:
        notes.append(f"最高投标限价 {format_cny(lot.ceiling_price)}")
    notes.append(f"投标保证金 {format_cny(lot.deposit_amount)}")
    data: dict[str, Any] = {
        "id": lot.code,
        "title": lot.name,
        "description": "；".join(notes),
        "status": seen.lot_status(lot),
    }
    if (value := _public_value(lot, gp)) is not None:
        data["value"] = money(value)
    return data


def notice_document(seen: Seen, notice: Notice, *, relates: bool = False) -> dict[str, Any]:
    kind = _DOCUMENT_TYPES[notice.kind]
    if notice.kind == Notice.Kind.CHANGE and notice.pk not in seen.trade.amendments:
        kind = "clarifications"
    document: dict[str, Any] = {
        "id": f"notice-{notice.pk}",
        "documentType": kind,
        "title": notice.title,
        "url": notice_url(seen.base_url, notice.pk),
        "datePublished": instant(notice.published_at),
        "format": "text/html",
        "language": LANGUAGE,
    }
    if relates and notice.lot_id is not None:
        document["relatedLots"] = [lot_code(seen.trade, notice.lot_id)]
    return document


def notice_attachments(seen: Seen, notice: Notice) -> list[dict[str, Any]]:
    """The files published with ``notice`` (a GP result carries the tender documents). No
    ``documentType``: the codelist has no type for an attachment as such."""
    publication = notice.publication
    if publication is None:
        return []
    return [
        {
            "id": f"attachment-{attachment.pk}",
            "title": attachment.name,
            "url": urljoin(
                seen.base_url,
                reverse("disclosure:file", args=[publication.uid, attachment.position]),
            ),
            "datePublished": instant(publication.published_at),
            "format": attachment.content_type,
            "language": LANGUAGE,
        }
        for attachment in publication.attachments.all()
    ]


def notice_url(base_url: str, notice_id: int) -> str:
    """The public page of a notice (the one place that says where notices are shown)."""
    return urljoin(base_url, reverse("tendering:notice", args=[notice_id]))


def lot_code(trade: Trade, lot_id: int) -> str:
    return next(lot.code for lot in trade.lots if lot.pk == lot_id)


def _amendments(seen: Seen, notice: Notice, previous: str | None) -> list[dict[str, Any]]:
    """Every modification (修改) published so far; this release's own one says which release
    it amends."""
    result = []
    for change in seen.notices:
        if change.pk not in seen.trade.amendments:
            continue
        amendment: dict[str, Any] = {
            "id": f"change-{change.pk}",
            "date": instant(change.published_at),
            "description": change.title,
            "releaseID": release_id(seen.trade, change),
        }
        if change.pk == notice.pk and previous is not None:
            amendment["amendsReleaseID"] = previous
        result.append(amendment)
    return result
