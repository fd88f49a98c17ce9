"""Open data in OCDS 1.1 (Open Contracting Data Standard): releases and records per trade.

One project (进场登记) is one contracting process; its ocid is
``f"{settings.GGZY_OCID_PREFIX}-{project.code}"``. Every notice the project publishes is one
release, in publication order, with a stable id (``{ocid}-{notice kind}-{notice id}``) and the
notice's publication time as its date. A release is a snapshot of what was public *when that
notice appeared*: bids only from the lot's opening record on, bid statuses only once the
candidates or the result are published, awards from the result notice, contracts from the
contract notice, implementation from each performance notice. An earlier release therefore
never changes when later steps happen. A record is the releases plus the compiled release
(``merge``, the OCDS merge rules, see below).

Nothing here reads the committee, the experts, the tender documents, deposits paid or any
notice body: documents are links to the public notice pages. Natural persons are never
identified by their resident ID (see ``person_id``). ``docs/open-data.md`` gives the mapping
field by field and what is not mapped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from ggzy.accounts.models import Organisation
from ggzy.awards.models import Award, Contract, Performance
from ggzy.entities.models import EntityKind, MarketEntity
from ggzy.evaluation.method import METHOD_NAMES
from ggzy.evaluation.models import Evaluation, Rejection
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import DomainError, InvalidInput
from ggzy.kernel.money import format_cny, yuan
from ggzy.tendering import procedures
from ggzy.tendering.models import Bid, Document, Lot, Notice, Project, Sector

from .models import Category
from .search import Filters

OCDS_VERSION = "1.1"
# Bids are not in core OCDS 1.1 (bids extension); lots are not either (lots extension).
BID_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "v1.1.5/extension.json"
)
LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
    "v1.1.5/extension.json"
)
EXTENSIONS = (BID_EXTENSION, LOTS_EXTENSION)
CURRENCY = "CNY"
LANGUAGE = "zh"
# GB 32100-2015 unified social credit code: one national code for every registered
# organisation (companies, public institutions, social organisations, government bodies).
USCC_SCHEME = "CN-USCC"
PERSON_PREFIX = "ggzy-person-"
ORGANISATION_PREFIX = "ggzy-organisation-"
# Where ``ggzy.api`` mounts ``ocds_api.router``.
API_PATH = "api/v1/ocds/"

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
# The order in which a party's roles are listed.
ROLE_ORDER = ("buyer", "procuringEntity", "reviewBody", "tenderer", "supplier", "payer", "payee")

_OPENED = (Bid.Status.DECRYPTED, Bid.Status.REVOKED, Bid.Status.WITHDRAWN_AT_OPENING)
_TENDER_KINDS = (Notice.Kind.TENDER, Notice.Kind.INVITATION, Notice.Kind.PREQUALIFICATION)
_TAGS: Mapping[str, list[str]] = {
    **{kind: ["tender"] for kind in _TENDER_KINDS},
    Notice.Kind.TERMINATION: ["tenderCancellation"],
    Notice.Kind.FAILURE: ["tenderUpdate"],
    Notice.Kind.OPENING_RECORD: ["tenderUpdate"],
    Notice.Kind.BIDDER_LIST: ["tenderUpdate"],
    Notice.Kind.CANDIDATES: ["tenderUpdate"],
    Notice.Kind.RESULT: ["award"],
    Notice.Kind.CONTRACT: ["contract"],
}
_DOCUMENT_TYPES: Mapping[str, str] = {
    **dict.fromkeys(_TENDER_KINDS, "tenderNotice"),
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
        *_TENDER_KINDS,
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
_DURATION_DAYS = re.compile(r"^\s*(\d{1,5})\s*(?:个)?(?:日历天|日历日|天|日)\s*$")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")


# --- identifiers ---------------------------------------------------------------------------


def ocid_of(project: Project) -> str:
    return f"{settings.GGZY_OCID_PREFIX}-{project.code}"


def code_of(ocid: str) -> str | None:
    """The project code inside one of our ocids, or None if ``ocid`` is not one."""
    prefix = f"{settings.GGZY_OCID_PREFIX}-"
    if not ocid.startswith(prefix) or not _CODE.fullmatch(ocid[len(prefix) :]):
        return None
    return ocid[len(prefix) :]


def person_id(entity: MarketEntity) -> str:
    """A pseudonym for a natural person: HMAC-SHA256 of the entity's internal number under a
    key derived from the platform secret (HKDF, info ``ggzy-ocds-person/1``), 20 hex digits.
    Stable for as long as the secret is, the same in every trade, and not computable from the
    resident ID by anyone without the secret."""
    key = HKDF(hashes.SHA256(), 32, salt=None, info=b"ggzy-ocds-person/1").derive(
        settings.SECRET_KEY.encode()
    )
    digest = hmac.new(key, f"market-entity:{entity.pk}".encode(), hashlib.sha256).hexdigest()
    return f"{PERSON_PREFIX}{digest[:20]}"


def entity_id(entity: MarketEntity) -> str:
    if entity.kind == EntityKind.PERSON or not entity.uscc:
        return person_id(entity)
    return f"{USCC_SCHEME}-{entity.uscc}"


def organisation_id(org: Organisation) -> str:
    return f"{USCC_SCHEME}-{org.uscc}" if org.uscc else f"{ORGANISATION_PREFIX}{org.pk}"


# --- values --------------------------------------------------------------------------------


def instant(at: datetime) -> str:
    """RFC 3339 in Beijing time."""
    return at.astimezone(clock.SHANGHAI).isoformat()


def day_start_at(day: date) -> datetime:
    """Local (China) midnight starting ``day``."""
    return datetime.combine(day, time(0), tzinfo=clock.SHANGHAI)


def day_start(day: date) -> str:
    """A date the platform keeps without a time (signing, report dates): local midnight."""
    return instant(day_start_at(day))


def money(amount: Decimal) -> dict[str, Any]:
    return {"amount": amount, "currency": CURRENCY}


def dumps(data: Any) -> str:
    """JSON with every ``Decimal`` written as the exact number it is (``8400000.00``), never
    through a float; everything else as ``json.dumps`` writes it (UTF-8, not escaped)."""
    parts: list[str] = []
    _write(data, parts.append)
    return "".join(parts)


def _write(value: Any, out: Callable[[str], object]) -> None:
    if isinstance(value, Mapping):
        out("{")
        for n, (key, item) in enumerate(value.items()):
            out("," if n else "")
            out(json.dumps(str(key), ensure_ascii=False) + ":")
            _write(item, out)
        out("}")
    elif isinstance(value, list | tuple):
        out("[")
        for n, item in enumerate(value):
            out("," if n else "")
            _write(item, out)
        out("]")
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite amount: {value}")
        out(format(value, "f"))
    else:
        out(json.dumps(value, ensure_ascii=False))


# --- reading a trade -----------------------------------------------------------------------


def published_projects() -> QuerySet[Project]:
    """Projects with at least one published notice, in ocid order (by code)."""
    return (
        Project.objects.filter(Exists(Notice.objects.filter(project=OuterRef("pk"))))
        .select_related(
            "initiator__region",
            "agent__region",
            "supervisor__region",
            "centre",
            "retender_of",
        )
        .order_by("code")
    )


@dataclass
class Trade:
    """Everything one project has published, loaded once."""

    project: Project
    lots: list[Lot]
    notices: list[Notice]  # in publication order
    bids: dict[int, list[Bid]]  # lot id → the bids its opening record lists
    evaluations: dict[int, Evaluation]  # lot id →
    rejected: set[int]  # bid ids the committee rejected
    awards: dict[int, Award]  # lot id →
    contracts: dict[int, Contract]  # lot id →
    performances: dict[int, list[Performance]]  # contract id → in report order
    amendments: set[int] = field(default_factory=set)  # change notices issuing an amendment


def load_trade(project: Project) -> Trade:
    lots = list(project.lots.order_by("number"))
    bids: dict[int, list[Bid]] = {lot.pk: [] for lot in lots}
    for bid in (
        Bid.objects.filter(lot__project=project, status__in=_OPENED)
        .select_related("entity__region")
        .order_by("received_at", "pk")
    ):
        bids[bid.lot_id].append(bid)
    performances: dict[int, list[Performance]] = {}
    for performance in (
        Performance.objects.filter(contract__lot__project=project)
        .select_related("notice")
        .order_by("reported_on", "pk")
    ):
        performances.setdefault(performance.contract_id, []).append(performance)
    notices = list(
        Notice.objects.filter(project=project)
        .select_related("publication")
        .prefetch_related("publication__attachments")
        .order_by("published_at", "pk")
    )
    return Trade(
        project=project,
        lots=lots,
        notices=notices,
        bids=bids,
        evaluations={e.lot_id: e for e in Evaluation.objects.filter(lot__project=project)},
        rejected=set(
            Rejection.objects.filter(evaluation__lot__project=project).values_list(
                "bid_id", flat=True
            )
        ),
        awards={
            a.lot_id: a
            for a in Award.objects.filter(lot__project=project).select_related(
                "bid__entity__region", "result_notice"
            )
        },
        contracts={
            c.lot_id: c
            for c in Contract.objects.filter(lot__project=project).select_related("notice")
        },
        performances=performances,
        amendments=_amendment_notices(project, notices),
    )


def _amendment_notices(project: Project, notices: list[Notice]) -> set[int]:
    """The change notices that issued a modification (修改) rather than a clarification (澄清):
    each change notice issues the latest document issued up to its publication."""
    issued = list(
        Document.objects.filter(
            project=project,
            kind__in=[Document.Kind.CLARIFICATION, Document.Kind.AMENDMENT],
            issued_at__isnull=False,
        ).order_by("issued_at", "pk")
    )
    found = set()
    for notice in notices:
        if notice.kind != Notice.Kind.CHANGE:
            continue
        before = [d for d in issued if d.issued_at and d.issued_at <= notice.published_at]
        if before and before[-1].kind == Document.Kind.AMENDMENT:
            found.add(notice.pk)
    return found


def trade_for(ocid: str) -> Trade | None:
    code = code_of(ocid)
    if code is None:
        return None
    project = published_projects().filter(code=code).first()
    return load_trade(project) if project else None


def _filtered(projects: QuerySet[Project], filters: Filters) -> QuerySet[Project]:
    """``filters`` as the portal reads them: category (tendering trades are works or
    procurement), region code prefix, centre, and a notice published within the dates."""
    if filters.category is not None:
        if filters.category not in (Category.WORKS, Category.PROCUREMENT):
            return projects.none()
        works = Q(sector=Sector.CONSTRUCTION)
        projects = projects.filter(works if filters.category == Category.WORKS else ~works)
    if filters.region is not None:
        projects = projects.filter(
            region_id__gte=filters.region.ljust(6, "0"), region_id__lte=filters.region.ljust(6, "9")
        )
    if filters.centre is not None:
        projects = projects.filter(centre_id=filters.centre)
    if filters.date_from is not None or filters.date_to is not None:
        notices = Notice.objects.filter(project=OuterRef("pk"))
        if filters.date_from is not None:
            notices = notices.filter(published_at__gte=day_start_at(filters.date_from))
        if filters.date_to is not None:
            notices = notices.filter(
                published_at__lt=day_start_at(filters.date_to + timedelta(days=1))
            )
        projects = projects.filter(Exists(notices))
    return projects


def page_of_trades(
    after: str | None, limit: int, filters: Filters | None = None
) -> tuple[list[Trade], bool]:
    """Up to ``limit`` trades meeting ``filters`` whose ocid sorts after ``after`` (a key, so
    pages never skip or repeat a trade present on both reads), and whether more follow.
    ``after`` must be one of our ocids."""
    projects = _filtered(published_projects(), filters or Filters())
    if after is not None:
        code = code_of(after)
        if code is None:
            raise InvalidInput(
                f"分页键无效：{after}"
                f"（应为本平台的 ocid，形如 {settings.GGZY_OCID_PREFIX}-项目编号）",
                f"bad page key {after!r}: expected one of our ocids "
                f"({settings.GGZY_OCID_PREFIX}-<project code>)",
                code="bad_page_key",
                field="after",
            )
        projects = projects.filter(code__gt=code)
    page = list(projects[: limit + 1])
    return [load_trade(p) for p in page[:limit]], len(page) > limit


# --- one snapshot per notice ---------------------------------------------------------------


class _Seen:
    """What was public once the first ``upto`` notices of a trade were out."""

    def __init__(self, trade: Trade, upto: int, base_url: str) -> None:
        self.trade = trade
        self.notices = trade.notices[:upto]
        self.ids = {n.pk for n in self.notices}
        self.base_url = base_url

    def has(self, kind: str, lot: Lot | None = None) -> bool:
        return any(n.kind == kind and (lot is None or n.lot_id == lot.pk) for n in self.notices)

    def shows(self, notice: Notice | None) -> bool:
        return notice is not None and notice.pk in self.ids

    def lot_status(self, lot: Lot) -> str:
        if self.has(Notice.Kind.TERMINATION):
            return "cancelled"
        if self.has(Notice.Kind.FAILURE, lot):
            return "unsuccessful"
        if self.shows(_award_notice(self.trade, lot)):
            return "complete"
        return "active"

    def evaluation_public(self, lot: Lot) -> bool:
        """Bid statuses follow the committee's result once it is published: the candidates
        (works), the result (procurement), or the failure after a reject-all."""
        if lot.pk not in self.trade.evaluations:
            return False
        return any(
            self.has(kind, lot)
            for kind in (Notice.Kind.CANDIDATES, Notice.Kind.RESULT, Notice.Kind.FAILURE)
        )

    def awarded(self) -> list[Award]:
        return [
            award
            for lot in self.trade.lots
            if (award := self.trade.awards.get(lot.pk)) and self.shows(award.result_notice)
        ]

    def contracted(self) -> list[Contract]:
        return [
            contract
            for lot in self.trade.lots
            if (contract := self.trade.contracts.get(lot.pk)) and self.shows(contract.notice)
        ]

    def performance(self, contract_id: int) -> list[Performance]:
        return [p for p in self.trade.performances.get(contract_id, []) if self.shows(p.notice)]


def _award_notice(trade: Trade, lot: Lot) -> Notice | None:
    award = trade.awards.get(lot.pk)
    return award.result_notice if award else None


def build_releases(trade: Trade, base_url: str) -> list[dict[str, Any]]:
    """One release per published notice, oldest first."""
    releases: list[dict[str, Any]] = []
    for n, notice in enumerate(trade.notices):
        seen = _Seen(trade, n + 1, base_url)
        previous = releases[-1]["id"] if releases else None
        releases.append(_release(seen, notice, previous))
    return releases


def release_id(trade: Trade, notice: Notice) -> str:
    return f"{ocid_of(trade.project)}-{notice.kind}-{notice.pk}"


def _release(seen: _Seen, notice: Notice, previous: str | None) -> dict[str, Any]:
    trade, project = seen.trade, seen.trade.project
    release: dict[str, Any] = {
        "ocid": ocid_of(project),
        "id": release_id(trade, notice),
        "date": instant(notice.published_at),
        "tag": _tags(seen, notice),
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": _parties(seen),
        "buyer": _entity_ref(project.initiator),
        "tender": _tender(seen, notice, previous),
    }
    if bids := _bids(seen):
        release["bids"] = {"details": bids}
    if awards := [_award(seen, award) for award in seen.awarded()]:
        release["awards"] = awards
    if contracts := [_contract(seen, contract) for contract in seen.contracted()]:
        release["contracts"] = contracts
    if project.retender_of is not None:
        release["relatedProcesses"] = [_retender_of(seen, project.retender_of)]
    return release


def _tags(seen: _Seen, notice: Notice) -> list[str]:
    if notice.kind == Notice.Kind.CHANGE:
        return ["tenderAmendment" if notice.pk in seen.trade.amendments else "tenderUpdate"]
    if notice.kind == Notice.Kind.PERFORMANCE:
        performance = _performance_of(seen.trade, notice)
        earlier = performance is not None and any(
            p.pk != performance.pk for p in seen.performance(performance.contract_id)
        )
        tags = ["implementationUpdate" if earlier else "implementation"]
        if performance is not None and performance.completed:
            tags.append("contractTermination")
        return tags
    return list(_TAGS[notice.kind])


def _performance_of(trade: Trade, notice: Notice) -> Performance | None:
    for performances in trade.performances.values():
        for performance in performances:
            if performance.notice_id == notice.pk:
                return performance
    return None


# --- parties -------------------------------------------------------------------------------


def _entity_ref(entity: MarketEntity) -> dict[str, Any]:
    return {"id": entity_id(entity), "name": entity.name}


def entity_party(entity: MarketEntity) -> dict[str, Any]:
    """A market entity as an OCDS party. Organisations by their USCC (public by law) and
    registered address; natural persons by name and a pseudonym only."""
    party = _entity_ref(entity)
    if entity.kind == EntityKind.LEGAL and entity.uscc:
        party["identifier"] = {"scheme": USCC_SCHEME, "id": entity.uscc, "legalName": entity.name}
        address: dict[str, str] = {"countryName": "中国"}
        if entity.address:
            address["streetAddress"] = entity.address
        if entity.region is not None:
            address["region"] = entity.region.name
        party["address"] = address
    return party


def organisation_party(org: Organisation) -> dict[str, Any]:
    party: dict[str, Any] = {"id": organisation_id(org), "name": org.name}
    if org.uscc:
        party["identifier"] = {"scheme": USCC_SCHEME, "id": org.uscc, "legalName": org.name}
    party["address"] = {"region": org.region.name, "countryName": "中国"}
    return party


def _parties(seen: _Seen) -> list[dict[str, Any]]:
    project = seen.trade.project
    found: dict[str, dict[str, Any]] = {}
    roles: dict[str, set[str]] = {}

    def add(party: dict[str, Any], role: str) -> None:
        found.setdefault(party["id"], party)
        roles.setdefault(party["id"], set()).add(role)

    add(entity_party(project.initiator), "buyer")
    procuring = project.agent or project.initiator
    add(entity_party(procuring), "procuringEntity")
    add(organisation_party(project.supervisor), "reviewBody")
    for lot in seen.trade.lots:
        if seen.has(Notice.Kind.OPENING_RECORD, lot):
            for bid in seen.trade.bids[lot.pk]:
                add(entity_party(bid.entity), "tenderer")
    for award in seen.awarded():
        add(entity_party(award.bid.entity), "supplier")
    for contract in seen.contracted():
        if _transactions(seen, contract):
            add(entity_party(project.initiator), "payer")
            add(entity_party(seen.trade.awards[contract.lot_id].bid.entity), "payee")
    return [
        found[key] | {"roles": sorted(roles[key], key=ROLE_ORDER.index)} for key in sorted(found)
    ]


# --- tender --------------------------------------------------------------------------------


def _tender(seen: _Seen, notice: Notice, previous: str | None) -> dict[str, Any]:
    trade, project = seen.trade, seen.trade.project
    procedure = procedures.get(project.procedure)
    tender: dict[str, Any] = {
        "id": project.code,
        "title": project.name,
        "status": _tender_status(seen),
        "procuringEntity": _entity_ref(project.agent or project.initiator),
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
        _document(seen, n, relates=True) for n in seen.notices if n.kind in _TENDER_DOCUMENTS
    ]:
        tender["documents"] = documents
    if amendments := _amendments(seen, notice, previous):
        tender["amendments"] = amendments
    tender["lots"] = [_lot(seen, lot) for lot in trade.lots]
    return tender


def _tender_status(seen: _Seen) -> str:
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


def _deadline(seen: _Seen) -> datetime | None:
    """The bid deadline as the latest tender or change notice out stated it (so an earlier
    release keeps the deadline of its time); the project's current deadline otherwise."""
    stated = None
    for notice in seen.notices:
        if notice.kind in (*_TENDER_KINDS, Notice.Kind.CHANGE):
            matches = _DEADLINE.findall(notice.body)
            if matches:
                y, mo, d, h, mi, s = (int(x) for x in matches[-1])
                stated = datetime(y, mo, d, h, mi, s, tzinfo=clock.SHANGHAI)
    if stated is None and any(n.kind in _TENDER_KINDS for n in seen.notices):
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


def _tenderers(seen: _Seen) -> list[dict[str, Any]]:
    refs: dict[str, dict[str, Any]] = {}
    for lot in seen.trade.lots:
        if seen.has(Notice.Kind.OPENING_RECORD, lot):
            for bid in seen.trade.bids[lot.pk]:
                refs.setdefault(entity_id(bid.entity), _entity_ref(bid.entity))
    return list(refs.values())


def _lot(seen: _Seen, lot: Lot) -> dict[str, Any]:
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


def _document(seen: _Seen, notice: Notice, *, relates: bool = False) -> dict[str, Any]:
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
        document["relatedLots"] = [_lot_code(seen.trade, notice.lot_id)]
    return document


def _attachments(seen: _Seen, notice: Notice) -> list[dict[str, Any]]:
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


def _lot_code(trade: Trade, lot_id: int) -> str:
    return next(lot.code for lot in trade.lots if lot.pk == lot_id)


def _amendments(seen: _Seen, notice: Notice, previous: str | None) -> list[dict[str, Any]]:
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


# --- bids, awards, contracts ---------------------------------------------------------------


def _bids(seen: _Seen) -> list[dict[str, Any]]:
    details = []
    for lot in seen.trade.lots:
        if not seen.has(Notice.Kind.OPENING_RECORD, lot):
            continue  # sealed, or never opened: nothing about the bids is public
        evaluated = seen.evaluation_public(lot)
        evaluation = seen.trade.evaluations.get(lot.pk)
        failed = bool(evaluation and evaluation.result and evaluation.result.get("failed"))
        for bid in seen.trade.bids[lot.pk]:
            detail: dict[str, Any] = {
                "id": f"bid-{bid.pk}",
                "date": instant(bid.received_at),
                "status": _bid_status(bid, evaluated, failed, seen.trade.rejected),
                "tenderers": [_entity_ref(bid.entity)],
            }
            if (price := _price(bid)) is not None:
                detail["value"] = money(price)
            detail["relatedLots"] = [lot.code]
            details.append(detail)
    return details


def _bid_status(bid: Bid, evaluated: bool, failed: bool, rejected: set[int]) -> str:
    if bid.status != Bid.Status.DECRYPTED:
        return "withdrawn"  # not decrypted at the opening: deemed withdrawn or revoked (Art 31)
    if not evaluated:
        return "pending"
    return "disqualified" if failed or bid.pk in rejected else "valid"


def _price(bid: Bid) -> Decimal | None:
    """The price read out at the opening (唱标), when the price sheet has a valid one."""
    if bid.status != Bid.Status.DECRYPTED or not isinstance(bid.price_sheet, dict):
        return None
    try:
        return yuan(str(bid.price_sheet.get("price", "")))
    except DomainError:
        return None


def award_id(award: Award) -> str:
    return f"award-{award.pk}"


def _award(seen: _Seen, award: Award) -> dict[str, Any]:
    notice = award.result_notice
    return {
        "id": award_id(award),
        "title": notice.title,
        "status": "active",
        "date": instant(award.decided_at),
        "value": money(award.amount),
        "suppliers": [_entity_ref(award.bid.entity)],
        "documents": [_document(seen, notice), *_attachments(seen, notice)],
        "relatedLots": [_lot_code(seen.trade, award.lot_id)],
    }


def duration_days(text: str) -> int | None:
    """Days in a duration written as days (``365日历天``, ``30日``, ``90 天``); else None."""
    match = _DURATION_DAYS.match(text)
    return int(match[1]) if match else None


def _contract(seen: _Seen, contract: Contract) -> dict[str, Any]:
    award = seen.trade.awards[contract.lot_id]
    performances = seen.performance(contract.pk)
    completed = any(p.completed for p in performances)
    data: dict[str, Any] = {
        "id": f"contract-{contract.pk}",
        "awardID": award_id(award),
        "title": f"合同 {contract.number}",
        "description": f"合同编号 {contract.number}；履行期限 {contract.duration}",
        "status": "terminated" if completed else "active",
        "value": money(contract.amount),
        "dateSigned": day_start(contract.signed_on),
    }
    if (days := duration_days(contract.duration)) is not None:
        data["period"] = {"durationInDays": days}
    if contract.notice is not None:
        data["documents"] = [_document(seen, contract.notice)]
    if performances:
        data["implementation"] = _implementation(seen, contract, performances)
    return data


def _transactions(seen: _Seen, contract: Contract) -> list[dict[str, Any]]:
    """Payments between reports: each rise of the cumulative amount paid (累计支付) is one
    transaction dated on its report. A fall (a correction) is no transaction; later rises
    count from the highest amount reported."""
    award = seen.trade.awards[contract.lot_id]
    transactions = []
    highest = Decimal("0.00")
    for performance in seen.performance(contract.pk):
        if performance.paid > highest:
            transactions.append(
                {
                    "id": f"payment-{performance.pk}",
                    "date": day_start(performance.reported_on),
                    "value": money(performance.paid - highest),
                    "payer": _entity_ref(seen.trade.project.initiator),
                    "payee": _entity_ref(award.bid.entity),
                    "uri": notice_url(seen.base_url, performance.notice_id),
                }
            )
            highest = performance.paid
    return transactions


def _implementation(
    seen: _Seen, contract: Contract, performances: list[Performance]
) -> dict[str, Any]:
    milestones: list[dict[str, Any]] = [
        {
            "id": f"performance-{p.pk}",
            "title": f"履约情况报告（{p.reported_on:%Y-%m-%d}）",
            "type": "reporting",
            "status": "met",
            "dateMet": day_start(p.reported_on),
        }
        for p in performances
    ]
    done = next((p for p in performances if p.completed), None)
    if done is not None:
        milestones.append(
            {
                "id": f"completion-{contract.pk}",
                "title": "履约完毕",
                "type": "delivery",
                "status": "met",
                "dateMet": day_start(done.reported_on),
            }
        )
    implementation: dict[str, Any] = {}
    if transactions := _transactions(seen, contract):
        implementation["transactions"] = transactions
    implementation["milestones"] = milestones
    implementation["documents"] = [_document(seen, p.notice) for p in performances]
    return implementation


def _retender_of(seen: _Seen, old: Project) -> dict[str, Any]:
    ocid = ocid_of(old)
    return {
        "id": "retender-of",
        "relationship": ["unsuccessfulProcess"],
        "title": old.name,
        "scheme": "ocid",
        "identifier": ocid,
        "uri": urljoin(seen.base_url, f"{API_PATH}records/{ocid}"),
    }


# --- records and the merge -----------------------------------------------------------------

# Arrays the schema marks ``wholeListMerge`` (replaced, even though their items have ids).
_WHOLE_LIST = frozenset({"additionalIdentifiers", "additionalClassifications"})


def merge(releases: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The compiled release, by the OCDS 1.1 merge rules as far as these releases need them:
    releases in date order; objects merged field by field; a null removes the field; arrays
    of objects that all have an ``id`` are merged item by item by ``id`` (new ids appended in
    order), other arrays and ``wholeListMerge`` arrays replaced whole; ``tag`` is omitted
    and the result is tagged ``compiled``, dated by the last release and identified
    ``{ocid}-{date}`` (as ocdsmerge does). No versioned release is produced."""
    ordered = sorted(releases, key=lambda r: datetime.fromisoformat(r["date"]))
    compiled: dict[str, Any] = {}
    for release in ordered:
        _merge_object(compiled, {k: v for k, v in release.items() if k != "tag"})
    last = ordered[-1]
    compiled["id"] = f"{last['ocid']}-{last['date']}"
    compiled["date"] = last["date"]
    compiled["tag"] = ["compiled"]
    return compiled


def _merge_object(target: dict[str, Any], source: Mapping[str, Any]) -> None:
    for key, value in source.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, Mapping):
            current = target.get(key)
            merged: dict[str, Any] = current if isinstance(current, dict) else {}
            _merge_object(merged, value)
            target[key] = merged
        elif isinstance(value, list) and key not in _WHOLE_LIST and _identified(value):
            current_list = target.get(key)
            target[key] = _merge_identified(
                current_list if isinstance(current_list, list) else [], value
            )
        else:
            target[key] = deepcopy(value)


def _identified(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, Mapping) and "id" in i for i in items)


def _merge_identified(current: list[Any], incoming: list[Any]) -> list[Any]:
    result = [deepcopy(item) for item in current]
    index = {item.get("id"): item for item in result if isinstance(item, dict)}
    for item in incoming:
        target = index.get(item["id"])
        if target is None:
            target = {}
            result.append(target)
            index[item["id"]] = target
        _merge_object(target, item)
    return result


def build_record(trade: Trade, base_url: str) -> dict[str, Any]:
    releases = build_releases(trade, base_url)
    return {
        "ocid": ocid_of(trade.project),
        "releases": releases,
        "compiledRelease": merge(releases),
    }


# --- packages ------------------------------------------------------------------------------


def _package(uri: str, base_url: str) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": instant(clock.now()),
        "publisher": {"name": settings.GGZY_PLATFORM_NAME, "uri": base_url},
    }


def release_package(trades: Iterable[Trade], *, uri: str, base_url: str) -> dict[str, Any]:
    """A release package of the trades' releases (an empty list when there are none)."""
    releases = [r for trade in trades for r in build_releases(trade, base_url)]
    return _package(uri, base_url) | {"releases": releases}


def record_package(trades: Iterable[Trade], *, uri: str, base_url: str) -> dict[str, Any]:
    records = [build_record(trade, base_url) for trade in trades]
    packages = [urljoin(base_url, f"{API_PATH}releases/{record['ocid']}") for record in records]
    return _package(uri, base_url) | {"packages": packages, "records": records}
