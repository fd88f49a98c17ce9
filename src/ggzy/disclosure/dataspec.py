"""The national data specification export (公共资源交易平台系统数据规范 V2.0, 发改办法规
〔2018〕1156号): trade datasets 500–513 and 519 as JSON, with the unified transaction
identifier (统一交易标识码). See docs/data-spec.md.

The specification's field lists (codes, Chinese names, required marks, code domains) are read
once from ``data/data-spec-fields.txt``, a verbatim copy of the reference file. Where each
value comes from is the declarative table ``DATASETS`` below: for every field a path on the
record's context (``"project.code"``), a computed value with a note, a constant, or ``Absent``
with the reason the platform has no such data. A test checks that every dataset maps exactly
the specification's fields.

Who sees what: the public datasets carry only what the platform publishes (records appear
once their notice is out; natural persons' ID numbers and mobile numbers are masked by the
disclosure policy). The exchange datasets — 507 (operators' IDs), 508 (experts' names and ID
numbers), 509 (the evaluation report, which goes to the tenderer and the supervisors, not the
public) and 519 (machine fingerprints) — are served only to admin, supervisor and oversight
users, within their region, and only once the bidders' or experts' identities are no longer
sealed; experts' ID numbers only once the evaluation is complete.

Procurement (政府采购) lots are exported through the same 50x datasets; the specification's
separate procurement datasets (55x) are not produced.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from ggzy.accounts.models import Role, User
from ggzy.accounts.selectors import region_prefix
from ggzy.catalogue.models import Procedure as CatalogueProcedure
from ggzy.deposits.models import Deposit
from ggzy.entities.models import EntityKind, MarketEntity
from ggzy.evaluation.method import METHOD_NAMES
from ggzy.evaluation.models import Evaluation, Member
from ggzy.kernel import clock
from ggzy.kernel.errors import Forbidden, InvalidInput, NotFound
from ggzy.tendering.models import Bid, Document, Lot, Notice, Project, Sector
from ggzy.tendering.procedures import PROCEDURES

from .policy import mask

SPEC_FILE = Path(__file__).resolve().parent / "data" / "data-spec-fields.txt"
EXCHANGE_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.OVERSIGHT})
DEFAULT_LIMIT = 100
MAX_LIMIT = 500


# --- The specification's field lists ------------------------------------------------------


@dataclass(frozen=True)
class SpecField:
    code: str
    name_zh: str
    required: bool
    domain: str | None  # the specification's code domain ([dom:N]), if any


@dataclass(frozen=True)
class SpecTable:
    number: int
    table: str
    name_zh: str
    fields: tuple[SpecField, ...]


_FIELD_START = re.compile(r", (?=[A-Z][A-Z0-9_]*\()")
_FIELD = re.compile(r"^([A-Z][A-Z0-9_]*)\((.*)\)(\*)?(?:\[dom:(\d+)\])?$")


def parse_spec(text: str) -> dict[int, SpecTable]:
    """``number TABLE 中文名: CODE(中文名)*[dom:N], …`` per line; ``#`` starts a comment."""
    tables: dict[int, SpecTable] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        head, _, rest = line.partition(": ")
        number, table, name = head.split(" ", 2)
        fields = []
        for part in _FIELD_START.split(rest.strip()):
            found = _FIELD.match(part.strip())
            if found is None:
                raise ValueError(f"dataset {number}: cannot read field {part!r}")
            code, name_zh, star, domain = found.groups()
            fields.append(SpecField(code, name_zh, star == "*", domain))
        tables[int(number)] = SpecTable(int(number), table, name, tuple(fields))
    return tables


@cache
def spec_tables() -> dict[int, SpecTable]:
    return parse_spec(SPEC_FILE.read_text(encoding="utf-8"))


# --- The unified transaction identifier (统一交易标识码) ----------------------------------
#
# [R] NOT VERIFIED against the official coding rule. The specification gives every lot a
# 统一交易标识码 (the 2016 announcement calls it each trade's "identity number"), but its
# coding rule was not found in any source available to us. Until it is, the platform issues
# its own code, in this one function, documented in docs/data-spec.md:
#
#   region (6) + year (4) + trade (2) + project (8) + lot (3) + check (1) = 24 characters
#
#   region   GB/T 2260 code of the project's region (项目所在地, as in the project code)
#   year     the project's registration year (``Project.fiscal_year``)
#   trade    JG 工程建设 / ZC 政府采购 — the platform's own prefixes, as in project codes
#   project  the project's database key, zero-padded: never reused, never changed
#   lot      the lot's number within the project (标段/包号)
#   check    ISO/IEC 7064 MOD 37,36 check character over the first 23 characters
#
# Nothing in it can change once the lot exists, so it is stable without being stored (a
# stored field would need a tendering migration).

UDC_TRADES: Mapping[str, str] = {Sector.CONSTRUCTION: "JG", Sector.PROCUREMENT: "ZC"}
UDC_PATTERN = re.compile(r"^(\d{6})(\d{4})(JG|ZC)(\d{8})(\d{3})([0-9A-Z])$")
_ALPHANUMERIC = string.digits + string.ascii_uppercase


def check_character(body: str) -> str:
    """ISO/IEC 7064 hybrid MOD 37,36 check character for digits and upper-case letters."""
    product = 36
    for char in body:
        total = (product + _ALPHANUMERIC.index(char)) % 36 or 36
        product = total * 2 % 37
    return _ALPHANUMERIC[(37 - product) % 36]


def unified_deal_code(lot: Lot) -> str:
    """The lot's 统一交易标识码 (platform format, see above)."""
    project = lot.project
    body = (
        f"{project.region_id}{project.fiscal_year:04d}{UDC_TRADES[project.sector]}"
        f"{project.pk:08d}{lot.number:03d}"
    )
    return body + check_character(body)


def is_unified_deal_code(text: str) -> bool:
    return UDC_PATTERN.match(text) is not None and check_character(text[:-1]) == text[-1]


# --- Who is asking -------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """The caller: ``exchange`` callers may read the exchange datasets within ``prefix``."""

    user: User | None
    exchange: bool
    prefix: str | None  # region-code prefix of an exchange caller; None for the public
    base_url: str = ""

    @property
    def public(self) -> bool:
        return not self.exchange


def viewer_for(user: Any, *, base_url: str = "") -> Viewer:
    """The public unless ``user`` is an admin, supervisor or oversight user."""
    if isinstance(user, User) and (user.role in EXCHANGE_ROLES or user.is_superuser):
        prefix = region_prefix(user)
        if prefix is not None:
            return Viewer(user, True, prefix, base_url.rstrip("/"))
    return Viewer(user if isinstance(user, User) else None, False, None, base_url.rstrip("/"))


# --- The context of one record and the sources of its values --------------------------------


@dataclass
class Row:
    """What one record is made from; the field table reads it by attribute paths."""

    viewer: Viewer
    project: Project
    lot: Lot | None = None
    lots: list[Lot] = field(default_factory=list)  # the lots a project-level record covers
    notice: Notice | None = None
    document: Document | None = None
    bid: Bid | None = None
    deposit: Deposit | None = None
    member: Member | None = None
    evaluation: Evaluation | None = None
    result_row: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tenderer(self) -> MarketEntity:
        return self.project.initiator

    @property
    def agent(self) -> MarketEntity | None:
        return self.project.agent

    @property
    def udc(self) -> str:
        assert self.lot is not None
        return unified_deal_code(self.lot)

    @property
    def udcs(self) -> str:
        return ",".join(unified_deal_code(lot) for lot in self.covered)

    @property
    def lot_codes(self) -> str:
        return ",".join(lot.code for lot in self.covered)

    @property
    def covered(self) -> list[Lot]:
        return self.lots or ([self.lot] if self.lot else [])

    @property
    def title(self) -> str:
        """Project name + lot name, as the platform titles a lot's notices."""
        return self.project.name + (self.lot.name if self.lot else "")

    @property
    def result(self) -> dict[str, Any]:
        return (self.evaluation.result if self.evaluation else None) or {}

    @property
    def evaluation_id(self) -> int | None:
        return self.evaluation.pk if self.evaluation else None

    @property
    def construction(self) -> bool:
        return self.project.sector == Sector.CONSTRUCTION

    def personal(self, value: str | None) -> str | None:
        """A personal number (ID, mobile): masked for the public."""
        return mask(value) if value and self.viewer.public else value

    def code_of(self, entity: MarketEntity | None) -> str | None:
        """An entity's code: the USCC (public by law), or a person's resident ID (masked)."""
        if entity is None:
            return None
        if entity.kind == EntityKind.LEGAL:
            return entity.uscc
        return self.personal(entity.resident_id)

    def url(self, name: str, *args: object) -> str | None:
        try:
            return self.viewer.base_url + reverse(name, args=args)
        except NoReverseMatch:
            return None

    def notice_url(self, notice: Notice | None) -> str | None:
        """The public page of a notice (the disclosure portal; the trade's page before)."""
        if notice is None:
            return None
        publication = _one(notice, "publication")
        if publication is not None:
            return self.url("disclosure:notice", publication.uid) or self.url(
                "tendering:notice", notice.pk
            )
        return self.url("tendering:notice", notice.pk)


@dataclass(frozen=True)
class Computed:
    fn: Callable[[Row], object]
    note: str  # where the value comes from, for people


@dataclass(frozen=True)
class Const:
    value: object
    note: str = ""


@dataclass(frozen=True)
class Absent:
    """The platform genuinely has no such data; ``why`` says so in docs and the API."""

    why: str


Source = str | Computed | Const | Absent


def resolve(source: Source, row: Row) -> object:
    if isinstance(source, str):
        value: object = row
        for name in source.split("."):
            if value is None:
                return None
            value = value.get(name) if isinstance(value, Mapping) else getattr(value, name)
        return value
    if isinstance(source, Computed):
        return source.fn(row)
    if isinstance(source, Const):
        return source.value
    return None


def describe(source: Source) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, Computed):
        return source.note
    if isinstance(source, Const):
        return f"固定值「{source.value}」" + (f"：{source.note}" if source.note else "")
    return f"无：{source.why}"


def render(value: object) -> object:
    """JSON values: times in Asia/Shanghai ISO 8601, money as exact strings, "" as null."""
    if isinstance(value, datetime):
        return value.astimezone(clock.SHANGHAI).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    text = str(value)
    return text or None


# --- Helpers the field table uses -----------------------------------------------------------


def _one(instance: Model, name: str) -> Any:
    """A reverse one-to-one relation, or None."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _platform() -> str:
    return str(settings.GGZY_PLATFORM_NAME)


def _code_type(entity: MarketEntity | None) -> str | None:
    if entity is None:
        return None
    return "统一社会信用代码" if entity.kind == EntityKind.LEGAL else "公民身份号码"


def _tenderer_role(row: Row) -> str:
    return "招标人" if row.construction else "采购人"


def _agent_role(row: Row) -> str | None:
    if row.agent is None:
        return None
    return "招标代理机构" if row.construction else "采购代理机构"


def _bidder_role(row: Row) -> str:
    return "投标人" if row.construction else "供应商"


def _tender_mode(row: Row) -> str:
    procedure = PROCEDURES[row.project.procedure]
    return str(dict(CatalogueProcedure.choices).get(procedure.catalogue_family, procedure.name_zh))


def _qualification_mode(row: Row) -> str:
    return "资格预审" if PROCEDURES[row.project.procedure].prequalification else "资格后审"


def _tender_content(row: Row) -> str:
    project = row.project
    lots = "、".join(lot.name for lot in project.lots.order_by("number"))
    procedure = PROCEDURES[project.procedure]
    return f"{project.catalogue_item.name}；{procedure.name_zh}；标段/包：{lots}"


def _qualification(lots: Iterable[Lot]) -> str | None:
    """The qualification checks of the lots' evaluation methods (资格审查项)."""
    names: list[str] = []
    for lot in lots:
        for check in (lot.evaluation_method or {}).get("checks", []):
            if check.get("stage") == "qualification" and check.get("name") not in names:
                names.append(str(check.get("name")))
    return "；".join(names) or None


def _method_name(lot: Lot | None) -> str | None:
    method = lot.evaluation_method if lot else None
    if not method or method.get("kind") not in METHOD_NAMES:
        return None
    return METHOD_NAMES[method["kind"]][0]


def _tender_count(project: Project) -> int:
    """How many times this has been tendered: 1 + the projects it re-tenders."""
    count, node = 1, project.retender_of
    while node is not None:
        count, node = count + 1, node.retender_of
    return count


def _published(notice: Notice | None) -> str | None:
    """The text the public saw: the disclosure service's masked text, else the body masked."""
    if notice is None:
        return None
    publication = _one(notice, "publication")
    return publication.text if publication is not None else mask(notice.body)


def _sheet(row: Row, key: str) -> object:
    sheet = row.bid.price_sheet if row.bid is not None else None
    return (sheet or {}).get(key)


def _duration(row: Row) -> object:
    return _sheet(row, "duration_days") or _sheet(row, "delivery_days")


def _bid_price(row: Row) -> object:
    return _sheet(row, "price")


def _when_price(value: str) -> Computed:
    return Computed(
        lambda r: value if _bid_price(r) is not None else None, f"「{value}」（有报价时）"
    )


def _opening_actors(row: Row) -> str | None:
    record = row.extra["opening"].record
    names = record.get("sign_ins") or [line["bidder"] for line in record.get("bids", [])]
    return "、".join(names) or None


def _deposit_time(row: Row) -> datetime | None:
    if row.deposit is None:
        return None
    return row.deposit.paid_at or row.deposit.recorded_at


def _make_tool_xml(fingerprint: Mapping[str, Any]) -> str:
    root = ElementTree.Element("MAKE_TOOL")
    for key in ("creator_id", "hostname", "os"):
        ElementTree.SubElement(root, key.upper()).text = str(fingerprint.get(key) or "")
    return ElementTree.tostring(root, encoding="unicode")


def _fingerprint(key: str) -> Computed:
    return Computed(
        lambda r: (r.bid.fingerprint or {}).get(key) if r.bid else None,
        f"Bid.fingerprint[{key}]（投标人制作机器，见 tendering.fingerprint）",
    )


def _expert_id(row: Row) -> str | None:
    """Only once the evaluation is complete (identities stay sealed during it)."""
    member, evaluation = row.member, row.evaluation
    if member is None or evaluation is None or evaluation.completed_at is None:
        return None
    if member.invitation is not None:
        return member.invitation.expert.resident_id
    return member.user.resident_id or None


def _report_content(row: Row) -> str | None:
    evaluation = row.evaluation
    if evaluation is None or not evaluation.result:
        return None
    result = evaluation.result
    lines = [f"评标结果：{'否决全部投标' if result.get('failed') else '推荐中标候选人'}"]
    if result.get("failed"):
        lines.append(f"理由：{result.get('ground', '')}")
    lines.append(f"有效投标：{result.get('valid', 0)} 家")
    for line in result.get("rows", []):
        total = f"，得分 {line['total']}" if line.get("total") is not None else ""
        lines.append(f"{line['rank']}. {line['entity']}，评标价 {line['price']} 元{total}")
    for rejected in result.get("rejected", []):
        lines.append(
            f"否决：{rejected['entity']}（{rejected['reason_text']}：{rejected['ground']}）"
        )
    lines.append(f"评标报告 SHA-256：{evaluation.report_digest}")
    return "\n".join(lines)


DECIDED_BY = {"score": "综合得分", "price": "评标价", "technical": "技术得分", "lot": "抽签"}


def _candidate_score(row: Row) -> object:
    """The total score; for the public only where the publicity shows scores."""
    line = row.result_row or {}
    if row.viewer.public and not row.extra.get("shows_scores"):
        return None
    return line.get("total")


def _candidate_status(row: Row) -> str:
    line = row.result_row or {}
    decided = DECIDED_BY.get(str(line.get("decided_by")), str(line.get("decided_by")))
    return f"有效投标，排名第{line.get('rank')}（名次由{decided}决定）"


def _nth_candidate(n: int, key: str) -> Computed:
    def value(row: Row) -> object:
        candidates = row.extra.get("candidates", [])
        if len(candidates) < n:
            return None
        return candidates[n - 1][key]

    label = "名称" if key == "name" else "统一社会信用代码"
    return Computed(value, f"评标结果第{n}名中标候选人的{label}")


# --- Which records each dataset has ---------------------------------------------------------

Records = Iterator[tuple[int, Row]]


def _project_record(project: Project, viewer: Viewer) -> Records:
    yield 0, Row(viewer, project, lots=list(project.lots.order_by("number")))


def _lot_record(lot: Lot, viewer: Viewer) -> Records:
    yield 0, Row(viewer, lot.project, lot=lot)


FOLLOW_UPS = (Notice.Kind.CHANGE, Notice.Kind.TERMINATION)
TENDER_NOTICES = (Notice.Kind.TENDER, Notice.Kind.PREQUALIFICATION, *FOLLOW_UPS)


def _public_notice(project: Project) -> bool:
    """Whether the procedure publishes a tender notice, or invites named bidders instead."""
    return PROCEDURES[project.procedure].public_notice


def _tender_notices(project: Project, viewer: Viewer) -> Records:
    """The notices of a procedure with a public notice, and their changes (invitation
    procedures: 505)."""
    if not _public_notice(project):
        return
    lots = list(project.lots.order_by("number"))
    for notice in project.notices.filter(kind__in=TENDER_NOTICES).order_by("pk"):
        covered = [lot for lot in lots if lot.pk == notice.lot_id] if notice.lot_id else lots
        yield notice.pk, Row(viewer, project, lots=covered, notice=notice)


def _documents(lot: Lot, viewer: Viewer) -> Records:
    evaluation = _one(lot, "evaluation")
    for document in lot.project.documents.filter(issued_at__isnull=False).order_by("pk"):
        yield (
            document.pk,
            Row(viewer, lot.project, lot=lot, document=document, evaluation=evaluation),
        )


def _invitations(lot: Lot, viewer: Viewer) -> Records:
    """The invitation and its changes (投标邀请内容及变更内容), for invitation procedures."""
    if _public_notice(lot.project):
        return
    notices = lot.project.notices.filter(kind__in=(Notice.Kind.INVITATION, *FOLLOW_UPS))
    for notice in notices.filter(Q(lot__isnull=True) | Q(lot=lot)).order_by("pk"):
        yield notice.pk, Row(viewer, lot.project, lot=lot, notice=notice)


def _opening_record(lot: Lot, viewer: Viewer) -> Records:
    opening = _one(lot, "opening")
    if opening is None or not opening.record:
        return
    notice = lot.notices.filter(kind=Notice.Kind.OPENING_RECORD).order_by("pk").first()
    yield 0, Row(viewer, lot.project, lot=lot, notice=notice, extra={"opening": opening})


NOT_LISTED = (Bid.Status.WITHDRAWN, Bid.Status.REPLACED, Bid.Status.RETURNED)


def _bidders(lot: Lot, viewer: Viewer) -> Records:
    """Bidders stay anonymous until the opening (Law Art 22), for supervisors too."""
    if _one(lot, "opening") is None:
        return
    first: dict[int, Deposit] = {}
    for deposit in Deposit.objects.filter(lot=lot).order_by("recorded_at", "pk"):
        first.setdefault(deposit.entity_id, deposit)
    bids = lot.bids.exclude(status__in=NOT_LISTED).select_related("entity", "submitted_by")
    for bid in bids.order_by("pk"):
        yield bid.pk, Row(viewer, lot.project, lot=lot, bid=bid, deposit=first.get(bid.entity_id))


def _experts(lot: Lot, viewer: Viewer) -> Records:
    """The committee exists once the evaluation starts; identities were sealed till then."""
    evaluation = _one(lot, "evaluation")
    if evaluation is None:
        return
    members = evaluation.members.filter(replaced_at__isnull=True).select_related(
        "invitation__expert", "user"
    )
    for member in members.order_by("pk"):
        yield member.pk, Row(viewer, lot.project, lot=lot, member=member, evaluation=evaluation)


def _report(lot: Lot, viewer: Viewer) -> Records:
    evaluation = _one(lot, "evaluation")
    if evaluation is None or evaluation.reported_at is None:
        return
    yield 0, Row(viewer, lot.project, lot=lot, evaluation=evaluation)


def _ranked(evaluation: Evaluation) -> list[dict[str, Any]]:
    result = evaluation.result or {}
    rows = {line["bid"]: line for line in result.get("rows", [])}
    return [rows[bid] for bid in result.get("candidates", []) if bid in rows]


def _candidates(lot: Lot, viewer: Viewer) -> Records:
    """Public once the candidates' publicity is out (works); exchange callers once the
    evaluation is complete (procurement candidates are not published on their own)."""
    evaluation = _one(lot, "evaluation")
    publicity = _one(lot, "publicity")
    if evaluation is None or not evaluation.result:
        return
    if publicity is None and (viewer.public or evaluation.completed_at is None):
        return
    bids = {b.pk: b for b in Bid.objects.filter(lot=lot).select_related("entity")}
    shows = publicity is not None and publicity.shows_scores
    for line in _ranked(evaluation):
        bid = bids[line["bid"]]
        yield (
            int(line["rank"]),
            Row(
                viewer,
                lot.project,
                lot=lot,
                bid=bid,
                evaluation=evaluation,
                result_row=line,
                extra={"shows_scores": shows},
            ),
        )


def _publicity(lot: Lot, viewer: Viewer) -> Records:
    publicity = _one(lot, "publicity")
    if publicity is None:
        return
    evaluation = _one(lot, "evaluation")
    bids = {b.pk: b for b in Bid.objects.filter(lot=lot).select_related("entity")}
    row = Row(viewer, lot.project, lot=lot, notice=publicity.notice, evaluation=evaluation)
    candidates = [
        {"name": bids[line["bid"]].entity.name, "code": row.code_of(bids[line["bid"]].entity)}
        for line in (_ranked(evaluation) if evaluation else [])
    ]
    row.extra = {"publicity": publicity, "candidates": candidates}
    yield 0, row


def _contract(lot: Lot, viewer: Viewer) -> Records:
    contract = _one(lot, "contract")
    if contract is None or contract.notice is None:
        return
    row = Row(viewer, lot.project, lot=lot, bid=contract.award.bid, notice=contract.notice)
    row.extra = {"contract": contract}
    yield 0, row


def _result(lot: Lot, viewer: Viewer) -> Records:
    award = _one(lot, "award")
    if award is None:
        return
    row = Row(viewer, lot.project, lot=lot, bid=award.bid, notice=award.result_notice)
    row.extra = {"award": award}
    yield 0, row


def _fingerprints(lot: Lot, viewer: Viewer) -> Records:
    """Every bid file received for the lot, withdrawn ones too, once the opening began."""
    if _one(lot, "opening") is None:
        return
    for bid in lot.bids.select_related("entity").order_by("pk"):
        yield bid.pk, Row(viewer, lot.project, lot=lot, bid=bid)


# --- The field table -------------------------------------------------------------------------

CNY = Const("CNY", "ISO 4217 币种代码（人民币）")
YUAN = Const("元", "平台金额均以元计")
TOTAL_PRICE = Const("总价", "开标一览表为总价报价；价款形式代码域未编码，输出中文")
NOT_CODED = "代码域未核实，输出中文标签"
NO_ENTERPRISE_NATURE = Absent("平台不登记企业性质")
NO_CONSORTIUM = Absent("平台不支持联合体投标")
NO_EXAMINER = Absent("平台无单独的数据验证责任人")
ONLINE_SUBMISSION = Const("通过交易平台在线递交加密电子投标文件")
ONLINE_DOWNLOAD = Const("登录交易平台在线获取电子招标文件（每次下载均有记录）")


def _people(user_path: str) -> Computed:
    return Computed(
        lambda r: str(u) if (u := resolve(user_path, r)) is not None else None,
        f"{user_path}（平台用户姓名）",
    )


def _lot_keys(plural: bool = False) -> dict[str, Source]:
    return {
        "TENDER_PROJECT_CODE": "project.code",
        ("BID_SECTION_CODES" if plural else "BID_SECTION_CODE"): "lot.code",
        ("UNIFIED_DEAL_CODES" if plural else "UNIFIED_DEAL_CODE"): Computed(
            lambda r: r.udc, "unified_deal_code(lot)（平台格式，未核实官方规则）"
        ),
    }


def _entity(path: str, row: Row) -> MarketEntity | None:
    return cast("MarketEntity | None", resolve(path, row))


def _bidder(path: str = "bid.entity") -> dict[str, Source]:
    return {
        "BIDDER_CODE_TYPE": Computed(lambda r: _code_type(_entity(path, r)), NOT_CODED),
        "BIDDER_ROLE": Computed(_bidder_role, f"投标人/供应商（{NOT_CODED}）"),
        "BIDDER_REGION_CODE": f"{path}.region_id",
        "BIDDER_PROPERTY": NO_ENTERPRISE_NATURE,
    }


def _entity_code(path: str, note: str) -> Computed:
    return Computed(lambda r: r.code_of(_entity(path, r)), note)


PROJECT_FIELDS: dict[str, Source] = {
    "PROJECT_CODE": "project.code",
    "PROJECT_NAME": "project.name",
    "REGION_CODE": "project.region_id",
    "RELATE_CODE": Computed(
        lambda r: r.project.catalogue_item.code, "交易目录事项代码（平台目录，非规范分类代码）"
    ),
    "INVEST_PROJECT_CODE": Absent("平台不登记投资项目统一代码"),
    "ADDRESS": Computed(
        lambda r: r.project.region.name, "项目所在行政区划名称（平台不登记详细地址）"
    ),
    "LEGAL_PERSON": "tenderer.name",
    "CLASS_VER_CODE": Computed(
        lambda r: r.project.catalogue_item.version.number,
        "交易目录版本号（CatalogueVersion.number）",
    ),
    "INDUSTRIES_TYPE": Computed(
        lambda r: r.project.catalogue_item.get_supervising_industry_display(),
        f"交易目录事项的监督行业（{NOT_CODED}）",
    ),
    "FUND_SOURCE": Computed(lambda r: r.project.get_funding_display(), "Project.funding 的中文"),
    "CONTRIBUTION_SCALE": Absent("平台不登记出资比例"),
    "PROJECT_SCALE": Computed(lambda r: r.project.estimate, "Project.estimate（估算价/预算，元）"),
    "CONTACTOR": "tenderer.contact_name",
    "CONTACT_INFORMATION": Computed(
        lambda r: r.personal(r.tenderer.contact_mobile), "招标人联系人手机（公开时脱敏）"
    ),
    "APPROVAL_NAME": Absent("平台不登记项目审批文件"),
    "APPROVAL_NUMBER": Absent("平台不登记项目审批文件"),
    "APPROVAL_AUTHORITY": Absent("平台不登记项目审批文件"),
    "CREATE_TIME": "project.created_at",
    "OPERATION_NAME": _people("project.created_by"),
}

TENDER_PROJECT_FIELDS: dict[str, Source] = {
    "PROJECT_CODE": "project.code",
    "TENDER_PROJECT_CODE": "project.code",
    "TENDER_SELF_CODE": "project.code",
    "UNIFIED_DEAL_CODE": Absent("统一交易标识码按标段/包赋予，见 502"),
    "IS_TO_LAW": Computed(
        lambda r: r.project.entry_basis == "must", "Project.entry_basis 为依法必须进场"
    ),
    "TENDER_PROJECT_NAME": "project.name",
    "TENDER_PROJECT_TYPE": Computed(
        lambda r: r.project.get_category_display(), f"工程/货物/服务（{NOT_CODED}）"
    ),
    "REGION_CODE": "project.region_id",
    "TENDER_CONTENT": Computed(_tender_content, "目录事项；招标/采购方式；各标段/包名称"),
    "OWNER_NAME": "tenderer.name",
    "TENDERER_NAME": "tenderer.name",
    "TENDERER_CODE_TYPE": Computed(lambda r: _code_type(r.tenderer), NOT_CODED),
    "TENDERER_CODE": Computed(lambda r: r.code_of(r.tenderer), "招标人统一社会信用代码"),
    "ISUNION": Const(False, "平台不支持联合招标"),
    "TENDERER_ROLE": Computed(_tenderer_role, f"招标人/采购人（{NOT_CODED}）"),
    "TENDER_AGENCY_NAME": "agent.name",
    "TENDER_AGENCY_CODE_TYPE": Computed(lambda r: _code_type(r.agent), NOT_CODED),
    "TENDER_AGENCY_CODE": _entity_code("agent", "代理机构统一社会信用代码（自行招标时为空）"),
    "TENDER_AGENCY_ROLE": Computed(_agent_role, f"招标/采购代理机构（{NOT_CODED}）"),
    "TENDER_MODE": Computed(_tender_mode, f"招标/采购方式（{NOT_CODED}）"),
    "TENDER_ORGANIZE_FORM": Computed(
        lambda r: "委托招标" if r.agent else "自行招标", f"有无代理机构（{NOT_CODED}）"
    ),
    "CREATE_TIME": "project.created_at",
    "SUPERVISE_DEPT_NAME": "project.supervisor.name",
    "SUPERVISE_DEPT_CODE": "project.supervisor.uscc",
    "APPROVE_DEPT_NAME": Absent("平台不登记项目审批（核准）部门"),
    "APPROVE_DEPT_CODE": Absent("平台不登记项目审批（核准）部门"),
    "REPORT_DUTY": _people("project.created_by"),
    "TENDERER_REGION_CODE": "tenderer.region_id",
    "TENDERER_PROPERTY": NO_ENTERPRISE_NATURE,
    "TENDER_AGENCY_REGION_CODE": "agent.region_id",
    "TENDER_AGENCY_PROPERTY": NO_ENTERPRISE_NATURE,
    "OPERATION_NAME": _people("project.created_by"),
    "TRADE_SYSTEM_NO": Computed(
        lambda r: settings.GGZY_TRADE_SYSTEM_CODE or None,
        "设置 GGZY_TRADE_SYSTEM_CODE（国家平台分配的交易系统编号；未设置时为空）",
    ),
    "TRADE_SYSTEM_FEE": Absent("平台不登记交易系统使用费"),
}

SECTION_FIELDS: dict[str, Source] = {
    **_lot_keys(),
    "BID_SECTION_NAME": "lot.name",
    "BID_ECTION_NUM": Computed(lambda r: _tender_count(r.project), "1 + 重新招标的次数"),
    "BID_TENDER_MODE": Computed(_tender_mode, f"招标/采购方式（{NOT_CODED}）"),
    "REGION_CODE": "project.region_id",
    "TRA_PLACE_CODE": "project.centre.region_id",
    "BID_SECTION_CONTENT": Computed(
        lambda r: f"{r.project.catalogue_item.name}：{r.lot.name}" if r.lot else None,
        "目录事项：标段/包名称",
    ),
    "TENDER_PROJECT_CLASSIFY_CODE": Computed(
        lambda r: r.project.catalogue_item.category.name_zh, f"交易目录类别（{NOT_CODED}）"
    ),
    "CONTRACT_RECKON_PRICE": "lot.estimate",
    "CURRENCY_CODE": CNY,
    "PRICE_UNIT": YUAN,
    "BID_QUALIFICATION": Computed(
        lambda r: _qualification(r.covered), "评标办法中的资格审查项（未设评标办法时为空）"
    ),
    "BEGIN_DATE": Absent("平台不登记计划开工日期"),
    "LIMITE_TIME": Absent("工期由投标人在开标一览表中响应，标段不登记"),
    "CREATE_TIME": "project.created_at",
}

_NOTICE_NATURE: dict[str, str] = {
    Notice.Kind.CHANGE: "变更公告",
    Notice.Kind.TERMINATION: "终止公告",
}


def _nature(row: Row) -> str | None:
    return _NOTICE_NATURE.get(row.notice.kind, "正常公告") if row.notice else None


ANNOUNCEMENT_FIELDS: dict[str, Source] = {
    "TENDER_PROJECT_CODE": "project.code",
    "NOTICE_BID_NUM": Computed(lambda r: len(r.covered), "公告涉及的标段/包数"),
    "BID_SECTION_CODES": Computed(lambda r: r.lot_codes, "公告涉及的标段/包编号，逗号分隔"),
    "TRAD_CENTER_NAME": "project.centre.name",
    "UNIFIED_DEAL_CODES": Computed(lambda r: r.udcs, "各标段/包的统一交易标识码，逗号分隔"),
    "TENDER_SELF_CODE": "project.code",
    "NOTICE_NAME": "notice.title",
    "NOTICE_CONTENT": Computed(lambda r: _published(r.notice), "公告正文（公开版本，已脱敏）"),
    "NOTICE_SEND_TIME": "notice.published_at",
    "NOTICE_MEDIA": Computed(lambda r: _platform(), "GGZY_PLATFORM_NAME"),
    "URL": Computed(lambda r: r.notice_url(r.notice), "公告公开页面地址"),
    "NOTICE_NATURE": Computed(_nature, f"正常/变更/终止（{NOT_CODED}）"),
    "BULLETIN_TYPE": Computed(
        lambda r: "资格预审公告" if _qualification_mode(r) == "资格预审" else "招标公告",
        f"招标公告/资格预审公告（{NOT_CODED}）",
    ),
    "DOC_GET_START_TIME": "project.sale_starts_at",
    "DOC_GET_END_TIME": "project.sale_ends_at",
    "TENDER_DOC_GET_METHOD": ONLINE_DOWNLOAD,
    "BID_DOC_REFER_END_TIME": "project.bid_deadline",
    "IS_POSTPONE": Absent("顺延只写在变更公告正文中，不单独登记"),
    "BID_OPEN_TIME": Computed(lambda r: r.project.bid_deadline, "投标截止时间即开标时间"),
    "BID_OPEN_METHOD": Const("网上开标（不见面开标），投标人远程解密"),
    "QUAL_TYPE": Computed(_qualification_mode, "资格预审/资格后审"),
    "DOC_PRICE": Absent("平台不登记文件售价"),
    "DOC_PRICE_CURRENCY": Absent("平台不登记文件售价"),
    "DOC_PRICE_UNIT": Absent("平台不登记文件售价"),
    "BID_DOC_REFER_METHOD": ONLINE_SUBMISSION,
    "SYNDICATED_FLAG": Const(False, "平台不支持联合体投标"),
    "TENDERER_CODE": Computed(lambda r: r.code_of(r.tenderer), "招标人统一社会信用代码"),
    "TENDERER_NAME": "tenderer.name",
    "TENDERER_ADDRESS": "tenderer.address",
    "TENDERER_CONTACTOR": "tenderer.contact_name",
    "TENDERER_PHONE_NUMBER": Computed(
        lambda r: r.personal(r.tenderer.contact_mobile), "招标人联系人手机（公开时脱敏）"
    ),
    "TENDERER_EMAIL": "tenderer.email",
    "TENDER_AGENCY_CODE": _entity_code("agent", "代理机构统一社会信用代码"),
    "TENDER_AGENCY_NAME": "agent.name",
    "TENDER_AGENCY_ADDRESS": "agent.address",
    "TENDER_AGENCY_CONTACTOR": "agent.contact_name",
    "TENDER_AGENCY_PHONE_NUMBER": Computed(
        lambda r: r.personal(r.agent.contact_mobile) if r.agent else None,
        "代理机构联系人手机（公开时脱敏）",
    ),
    "TENDER_AGENCY_EMAIL": "agent.email",
    "OTHER_CONTENT": Absent("无"),
    "BULLETIN_DUTY": _people("notice.published_by"),
    "BULLETIN_DUTY_CODE_TYPE": NO_EXAMINER,
}

DOCUMENT_FIELDS: dict[str, Source] = {
    "TENDER_PROJECT_CODE": "project.code",
    "BID_SECTION_CODE": "lot.code",
    "UNIFIED_DEAL_CODES": Computed(lambda r: r.udc, "unified_deal_code(lot)"),
    "DOC_NO": Computed(lambda r: f"V{r.document.version}" if r.document else None, "文件版本号"),
    "DOC_NAME": "document.title",
    "BID_QUALIFICATION": Computed(lambda r: _qualification(r.covered), "评标办法中的资格审查项"),
    "BID_DOC_REFER_END_TIME": "project.bid_deadline",
    "VALID_PERIOD": Absent("平台不登记投标有效期"),
    "BID_DOC_REFER_METHOD": ONLINE_SUBMISSION,
    "MARGIN_PAY_TYPE": Const("银行转账、电子保函", f"平台接受的保证金形式（{NOT_CODED}）"),
    "PRICE_FORM_CODE": TOTAL_PRICE,
    "MARGIN_AMOUNT": "lot.deposit_amount",
    "MARGIN_CURRENCY": CNY,
    "MARGIN_AMOUNT_UNIT": YUAN,
    "MARGIN_PERCENT": Absent("保证金按金额登记"),
    "CONTROL_PRICE": "lot.ceiling_price",
    "CONTROL_PRICE_CURRENCY": Computed(
        lambda r: "CNY" if r.lot and r.lot.ceiling_price is not None else None, "CNY（有限价时）"
    ),
    "CONTROL_PRICE_UNIT": Computed(
        lambda r: "元" if r.lot and r.lot.ceiling_price is not None else None, "元（有限价时）"
    ),
    "EVALUATING_METHOD": Computed(lambda r: _method_name(r.lot), "Lot.evaluation_method 的办法"),
    "BID_OPEN_TIME": "project.bid_deadline",
    "BID_OPEN_PLACE": Computed(lambda r: f"{_platform()}网上开标大厅", "网上开标大厅"),
    "BID_OPEN_TYPE": Const("网上开标（不见面开标）"),
    "QUAL_TYPE": Computed(_qualification_mode, f"资格预审/资格后审（{NOT_CODED}）"),
    "CLARIFY_TIME": Computed(
        lambda r: r.document.issued_at if r.document and r.document.version > 1 else None,
        "澄清/修改文件的发出时间（首版招标文件为空）",
    ),
    "IS_POSTPONE": Absent("顺延只写在变更公告正文中，不单独登记"),
    "POST_OPEN_TIME": Absent("顺延只写在变更公告正文中，不单独登记"),
    "POST_OPEN_ADDRESS": Absent("网上开标，地点不变"),
    "CLARIFY_CONTENT": Computed(
        lambda r: r.document.title if r.document and r.document.version > 1 else None,
        "澄清/修改文件标题（首版招标文件为空）",
    ),
    "SUBMIT_TIME": "document.uploaded_at",
    "URL": Computed(
        lambda r: r.url("tendering:download", r.document.pk) if r.document else None,
        "文件下载地址（投标人登录后下载）",
    ),
    "EVALUATION_TYPE": Computed(
        lambda r: r.evaluation.draw_request.get_mode_display() if r.evaluation else None,
        f"本地评标/远程异地评标，评标开始后才确定（{NOT_CODED}）",
    ),
}

INVITATION_FIELDS: dict[str, Source] = {
    **_lot_keys(),
    "BID_INVITE_ISSUE_NATURE": Computed(_nature, f"正常/变更/终止（{NOT_CODED}）"),
    "BID_INVITE_ISSUE_CONTENT": Computed(
        lambda r: _published(r.notice), "投标邀请书（或其变更、终止公告）正文"
    ),
    "BID_QUALIFICATION": Computed(lambda r: _qualification(r.covered), "评标办法中的资格审查项"),
    "BIDDER_NAME": Absent("投标邀请书不逐一登记受邀投标人"),
    "BIDDER_CODE_TYPE": Absent("投标邀请书不逐一登记受邀投标人"),
    "BIDDER_CODE": Absent("投标邀请书不逐一登记受邀投标人"),
    "BIDDER_ROLE": Absent("投标邀请书不逐一登记受邀投标人"),
    "DOC_GET_START_TIME": "project.sale_starts_at",
    "DOC_GET_END_TIME": "project.sale_ends_at",
    "TENDER_DOC_GET_METHOD": ONLINE_DOWNLOAD,
    "BID_DOC_REFER_END_TIME": "project.bid_deadline",
    "BID_DOC_REFER_METHOD": ONLINE_SUBMISSION,
    "BID_INVITE_END_TIME": Absent("平台不设回复截止时间"),
    "BID_INVITE_ISSUE_TIME": "notice.published_at",
    "BULLETIN_DUTY": _people("notice.published_by"),
}

OPENING_FIELDS: dict[str, Source] = {
    **_lot_keys(plural=True),
    "NOTICE_NAME": Computed(
        lambda r: r.notice.title if r.notice else f"{r.title}开标记录",
        "开标记录公告标题",
    ),
    "BID_OPENING_ACTOR": Computed(
        _opening_actors, "开标记录中签到的投标人（无人签到时为开标记录所列投标人）"
    ),
    "BID_OPENING_CONTENT": Computed(lambda r: _published(r.notice), "开标记录公告正文"),
    "BID_OPENING_ADDRESS": Computed(lambda r: f"{_platform()}网上开标大厅", "网上开标大厅"),
    "BID_OPENING_TIME": Computed(lambda r: r.extra["opening"].started_at, "Opening.started_at"),
    "URL": Computed(lambda r: r.notice_url(r.notice), "开标记录公告公开页面地址"),
    "OPEN_COMPERE": Computed(lambda r: r.extra["opening"].record.get("host"), "开标记录的主持人"),
    "TENDER_AGENCY_PERSON": Absent("网上开标不登记代理机构到场代表"),
    "TENDERER_PERSON": Absent("网上开标不登记招标人到场代表"),
}

TENDER_LIST_FIELDS: dict[str, Source] = {
    **_lot_keys(),
    "BIDDER_NAME": "bid.entity.name",
    "IS_LOST": Absent("平台尚无失信被执行人数据"),
    "BIDDER_ORG_CODE": _entity_code("bid.entity", "投标人统一社会信用代码/身份证号"),
    **_bidder(),
    "BID_MANAGER": Computed(lambda r: _sheet(r, "project_manager"), "开标一览表 project_manager"),
    "PM_CODE": Absent("开标一览表不含项目负责人证件号码"),
    "PM_CERTIFICATES": Absent("开标一览表不含项目负责人证书"),
    "IS_COMMIT_MARGIN": Computed(lambda r: r.deposit is not None, "该投标人在本标段有保证金"),
    "MARGIN_PAY_FORM": Computed(
        lambda r: r.deposit.get_kind_display() if r.deposit else None,
        f"银行转账/电子保函（{NOT_CODED}）",
    ),
    "PRICE_FORM_CODE": TOTAL_PRICE,
    "OTHER_BID_PRICE": Absent("平台只收总价报价"),
    "MARGIN_RECEIVE_TIME": Computed(_deposit_time, "保证金到账时间（保函为登记时间）"),
    "UNION_ENTERPRISE_NAME": NO_CONSORTIUM,
    "UNION_ORGAN_SET_CODE": NO_CONSORTIUM,
    "UNION_CONTACT_NAME": NO_CONSORTIUM,
    "UNION_CONTACT_PHONE": NO_CONSORTIUM,
    "BIDDER_INFO_VERSION": "bid.entity.version",
    "BID_PRICE": Computed(_bid_price, "开标一览表 price（解密后）"),
    "PRICE_CURRENCY": _when_price("CNY"),
    "PRICE_UNIT": _when_price("元"),
    "TIME_LIMIT": Computed(_duration, "开标一览表 duration_days / delivery_days"),
    "CHECKIN_TIME": "bid.received_at",
    "BIDDER_OPERATION_PERSON": _people("bid.submitted_by"),
    "BIDDER_OPERATION_PERSON_ID": "bid.submitted_by.resident_id",
    "BIDDER_OPERATION_PERSON_CON": Computed(
        lambda r: (r.bid.submitted_by.mobile or r.bid.entity.contact_mobile) if r.bid else None,
        "递交投标文件的用户手机（未登记时为投标人联系人手机）",
    ),
}

EXPERT_FIELDS: dict[str, Source] = {
    **_lot_keys(),
    "EXPERT_TYPE": Computed(
        lambda r: r.member.get_kind_display() if r.member else None,
        f"评标专家/招标人代表（{NOT_CODED}）",
    ),
    "EXPERT_NAME": "member.name",
    "ID_CARD": Computed(_expert_id, "专家（或代表）身份证号，评标完成后才提供"),
    "ID_CARD_TYPE": Computed(
        lambda r: "居民身份证" if _expert_id(r) else None, f"居民身份证（{NOT_CODED}）"
    ),
    "EXPERT_CHECK_IN_TIME": "member.signed_in_at",
    "IS_CHAIR_MAN": "member.is_chair",
}

REPORT_FIELDS: dict[str, Source] = {
    **_lot_keys(),
    "NOTICE_NAME": Computed(lambda r: f"{r.title}评标报告", "项目名称+标段/包名称+评标报告"),
    "EVALUATION_CONTENT": Computed(_report_content, "评标结果摘要及评标报告 PDF 的 SHA-256"),
    "SUBMIT_TIME": "evaluation.reported_at",
    "END_TIME": "evaluation.completed_at",
    "EVALUATION_RESULT": Computed(
        lambda r: "否决全部投标" if r.result.get("failed") else "推荐中标候选人",
        NOT_CODED,
    ),
    "URL": Computed(
        lambda r: f"{r.viewer.base_url}/api/v1/evaluation/{r.evaluation_id}/report.pdf",
        "评标报告 PDF 地址（须登录）",
    ),
}

CANDIDATE_FIELDS: dict[str, Source] = {
    **_lot_keys(),
    "WIN_CANDIDATE_NAME": "bid.entity.name",
    "WIN_CANDIDATE_CODE": _entity_code("bid.entity", "候选人统一社会信用代码/身份证号（脱敏）"),
    **_bidder(),
    "WIN_CANDIDATE_ORDER": "result_row.rank",
    "IS_FLOAT_RATE": Const(False, "平台只收总价报价"),
    "EVALUATION_RESULT": Computed(_candidate_score, "综合得分（公示不公开得分时对公众为空）"),
    "PRICE_FORM_CODE": TOTAL_PRICE,
    "BID_PRICE": Computed(lambda r: (r.result_row or {}).get("price"), "评标价（开标一览表报价）"),
    "OTHER_BID_PRICE": Absent("平台只收总价报价"),
    "PRICE_CURRENCY": CNY,
    "PRICE_UINT": YUAN,
    "QUALITY": Computed(lambda r: _sheet(r, "quality"), "开标一览表 quality"),
    "EVALUATION_STATUS": Computed(_candidate_status, "排名及决定名次的因素"),
    "WIN_CANDIDATE_QUALIFICATION": Const(
        "通过资格审查和符合性审查", "候选人均为未被否决的有效投标"
    ),
}

PUBLICITY_FIELDS: dict[str, Source] = {
    "TENDER_PROJECT_CODE": "project.code",
    "BID_SECTION_CODES": "lot.code",
    "UNIFIED_DEAL_CODE": Computed(lambda r: r.udc, "unified_deal_code(lot)"),
    "PUBLICITY_NAME": "notice.title",
    "PUBLICITY_CONTENT": Computed(lambda r: _published(r.notice), "公示正文（公开版本）"),
    "PUBLICITY_REFER_TIME": "notice.published_at",
    "NOTICE_MEDIA": Computed(lambda r: _platform(), "GGZY_PLATFORM_NAME"),
    "URL": Computed(lambda r: r.notice_url(r.notice), "公示公开页面地址"),
    "PUBLICITY_TYPE": Const("中标候选人公示", NOT_CODED),
    "PUBLICITY_START_TIME": Computed(
        lambda r: r.extra["publicity"].starts_at, "Publicity.starts_at"
    ),
    "PUBLICITY_END_TIME": Computed(lambda r: r.extra["publicity"].ends_at, "Publicity.ends_at"),
    "OBJECTION_METHOD": Const("公示期内登录交易平台在线提出异议"),
    "OTHER_CONTENT": Absent("无"),
    "BULLETIN_DUTY": _people("notice.published_by"),
    "EXAMINER_NAME": NO_EXAMINER,
    "FIRST_BIDDER_NAME": _nth_candidate(1, "name"),
    "FIRST_BIDDER_CODE": _nth_candidate(1, "code"),
    "SECOND_BIDDER_NAME": _nth_candidate(2, "name"),
    "SECOND_BIDDER_CODE": _nth_candidate(2, "code"),
    "THIRD_BIDDER_NAME": _nth_candidate(3, "name"),
    "THIRD_BIDDER_CODE": _nth_candidate(3, "code"),
}

CONTRACT_FIELDS: dict[str, Source] = {
    **_lot_keys(),
    "CONTRACT_NAME": Computed(lambda r: f"{r.title}合同", "项目名称+标段/包名称+合同"),
    "TENDERER_NAME": "tenderer.name",
    "TENDER_CODE": Computed(lambda r: r.code_of(r.tenderer), "招标人统一社会信用代码"),
    "BIDDER_NAME": "bid.entity.name",
    "BIDDER_CODE": _entity_code("bid.entity", "中标人统一社会信用代码/身份证号（脱敏）"),
    "CONTRACT_PRICE": Computed(lambda r: r.extra["contract"].amount, "Contract.amount"),
    "PRICE_CURRENCY": CNY,
    "PRICE_UNIT": YUAN,
    "PRICE_FORM_CODE": TOTAL_PRICE,
    "OTHER_CONTRACT_PRICE": Absent("合同按总价登记"),
    "CONTRACT_CONTENT": Computed(lambda r: _published(r.notice), "合同公告正文"),
    "LIMITE_TIME": Computed(lambda r: r.extra["contract"].duration, "Contract.duration"),
    "QUALITY_REQUIRE": Computed(lambda r: _sheet(r, "quality"), "中标人开标一览表 quality"),
    "SUBMIT_TIME": Computed(lambda r: r.extra["contract"].recorded_at, "Contract.recorded_at"),
    "CONTRACT_SIGN_TIME": Computed(lambda r: r.extra["contract"].signed_on, "Contract.signed_on"),
    "CONTRACT_CODE": Computed(lambda r: r.extra["contract"].number, "Contract.number"),
}

RESULT_FIELDS: dict[str, Source] = {
    **_lot_keys(),
    "REGION_CODE": "project.region_id",
    "TRA_PLACE_CODE": "project.centre.region_id",
    "TENDER_AGENCY_NAME": "agent.name",
    "TENDER_AGENCY_CODE": _entity_code("agent", "代理机构统一社会信用代码（自行招标时为空）"),
    "NOTICE_NAME": "notice.title",
    "NOTICE_CONTENT": Computed(lambda r: _published(r.notice), "结果公告正文（公开版本）"),
    "NOTICE_SEND_TIME": "notice.published_at",
    "NOTICE_MEDIA": Computed(lambda r: _platform(), "GGZY_PLATFORM_NAME"),
    "URL": Computed(lambda r: r.notice_url(r.notice), "结果公告公开页面地址"),
    "NOTICE_NATURE": Const("正常公告", NOT_CODED),
    "BULLETIN_TYPE": Computed(
        lambda r: "中标结果公告" if r.construction else "成交结果公告", NOT_CODED
    ),
    "WIN_BIDDER_NAME": "bid.entity.name",
    "WIN_BIDDER_CODE": _entity_code("bid.entity", "中标人统一社会信用代码/身份证号（脱敏）"),
    **_bidder(),
    "UNION_CODE": NO_CONSORTIUM,
    "UNION_NAME": NO_CONSORTIUM,
    "PRICE_FORM_CODE": TOTAL_PRICE,
    "BID_AMOUNT": Computed(lambda r: r.extra["award"].amount, "Award.amount"),
    "BID_CURRENCY": CNY,
    "PRICE_UNIT": YUAN,
    "OTHER_BID_PRICE": Absent("平台只收总价报价"),
    "OTHER_CONTENT": Absent("无"),
    "BULLETIN_DUTY": _people("notice.published_by"),
    "EXAMINER_NAME": NO_EXAMINER,
    "PROJECT_LEAD": Computed(lambda r: _sheet(r, "project_manager"), "开标一览表 project_manager"),
    "PROJECT_LEAD_ID": Absent("开标一览表不含项目负责人证件号码"),
}

FINGERPRINT_FIELDS: dict[str, Source] = {
    "TENDER_PROJECT_CODE": "project.code",
    "BID_SECTION_CODE": "lot.code",
    "UNIFIED_DEAL_CODES": Computed(lambda r: r.udc, "unified_deal_code(lot)"),
    "BIDDER_NAME": "bid.entity.name",
    "BIDDER_CODE_TYPE": _bidder()["BIDDER_CODE_TYPE"],
    "BIDDER_ORG_CODE": _entity_code("bid.entity", "投标人统一社会信用代码/身份证号"),
    "BIDDER_ROLE": _bidder()["BIDDER_ROLE"],
    "BID_DOCUMENT_NAME": Computed(
        lambda r: Path(r.bid.file).name if r.bid else None, "密文投标文件名"
    ),
    "BID_DOCUMENT_SIDE": "bid.size",
    "BID_DOCUMENT_MD5": Computed(
        lambda r: r.bid.ciphertext_digest if r.bid else None,
        "密文摘要（SHA-256 或 SM3，随算法体系；平台不计算 MD5）",
    ),
    "TENDER_DOC_SUBMITTIME": "bid.received_at",
    "CPU_ID": _fingerprint("cpu_id"),
    "HARD_DISK_SERIAL_NUMBER": _fingerprint("disk_serial"),
    "MEMORY_SERIAL_NUMBER": _fingerprint("memory_serial"),
    "NET_ID": _fingerprint("ip"),
    "MAC_ADDRESS": _fingerprint("mac"),
    "TENDER_DOCUMENTS_URL": Absent("投标文件不经 URL 对外提供"),
    "VALUATION_XML": Absent("平台不采集计价软件信息"),
    "MAKE_TOOL_XML": Computed(
        lambda r: _make_tool_xml(r.bid.fingerprint or {}) if r.bid else None,
        "Bid.fingerprint 的 creator_id、hostname、os，XML",
    ),
}


@dataclass(frozen=True)
class Dataset:
    number: int
    public: bool
    unit: Literal["project", "lot"]
    records: Callable[[Any, Viewer], Records]
    fields: Mapping[str, Source]
    when: str  # when records appear, for people

    @property
    def spec(self) -> SpecTable:
        return spec_tables()[self.number]

    def record(self, row: Row) -> dict[str, object]:
        """One record keyed by the specification's field codes, in its order."""
        return {f.code: render(resolve(self.fields[f.code], row)) for f in self.spec.fields}


DATASETS: dict[int, Dataset] = {
    d.number: d
    for d in (
        Dataset(500, True, "project", _project_record, PROJECT_FIELDS, "项目登记后"),
        Dataset(501, True, "project", _project_record, TENDER_PROJECT_FIELDS, "项目登记后"),
        Dataset(502, True, "lot", _lot_record, SECTION_FIELDS, "项目登记后"),
        Dataset(503, True, "project", _tender_notices, ANNOUNCEMENT_FIELDS,
                "公开招标/采购的公告及其变更、终止公告发布后，每则一条"),
        Dataset(504, True, "lot", _documents, DOCUMENT_FIELDS,
                "招标文件及每版澄清/修改文件发出后，每标段每版一条"),
        Dataset(505, True, "lot", _invitations, INVITATION_FIELDS,
                "邀请招标发出投标邀请书后，邀请书及其变更、终止公告各一条"),
        Dataset(506, True, "lot", _opening_record, OPENING_FIELDS, "开标记录签署发布后"),
        Dataset(507, False, "lot", _bidders, TENDER_LIST_FIELDS, "开标开始后（此前投标人保密）"),
        Dataset(508, False, "lot", _experts, EXPERT_FIELDS,
                "评标开始后（身份证号在评标完成后）"),
        Dataset(509, False, "lot", _report, REPORT_FIELDS, "评标报告生成后"),
        Dataset(510, True, "lot", _candidates, CANDIDATE_FIELDS,
                "中标候选人公示发布后；交换方在评标完成后"),
        Dataset(511, True, "lot", _publicity, PUBLICITY_FIELDS, "中标候选人公示发布后"),
        Dataset(512, True, "lot", _contract, CONTRACT_FIELDS, "合同公告发布后"),
        Dataset(513, True, "lot", _result, RESULT_FIELDS, "中标/成交结果公告发布后"),
        Dataset(519, False, "lot", _fingerprints, FINGERPRINT_FIELDS,
                "开标开始后（此前投标人保密）"),
    )
}  # fmt: skip


def get_dataset(name: object) -> Dataset:
    """A dataset by number (``"502"``) or table name (``"SECTION"``)."""
    text = str(name).strip().upper()
    for dataset in DATASETS.values():
        if text in (str(dataset.number), dataset.spec.table):
            return dataset
    raise NotFound(
        f"没有数据集“{str(name)[:40]}”；可用：{'、'.join(map(str, DATASETS))}",
        f"no dataset {str(name)[:40]!r}; available: {', '.join(map(str, DATASETS))}",
        code="unknown_dataset",
        field="dataset",
    )


def catalogue() -> list[dict[str, Any]]:
    """Every dataset with its name, whether it is public, and each field's source."""
    return [
        {
            "number": d.number,
            "table": d.spec.table,
            "name_zh": d.spec.name_zh,
            "public": d.public,
            "records_when": d.when,
            "fields": [
                {
                    "code": f.code,
                    "name_zh": f.name_zh,
                    "required": f.required,
                    "domain": f.domain,
                    "source": describe(d.fields[f.code]),
                }
                for f in d.spec.fields
            ],
        }
        for d in DATASETS.values()
    ]


# --- The export, paginated by key -----------------------------------------------------------

Key = tuple[int, int]
_CURSOR = re.compile(r"^(\d{1,18})-(\d{1,18})$")


@dataclass(frozen=True)
class Query:
    project: str | None = None
    lot: str | None = None
    after: Key | None = None
    limit: int = DEFAULT_LIMIT


def parse_query(
    *,
    project: str | None = None,
    lot: str | None = None,
    after: str | None = None,
    limit: str | None = None,
) -> Query:
    """Check the query parameters; anything malformed is a 400 naming the parameter."""
    if project is not None and lot is not None:
        raise InvalidInput(
            "project 与 lot 只能指定其一",
            "give either project or lot, not both",
            code="bad_query",
            field="project",
        )
    for name, value in (("project", project), ("lot", lot)):
        if value is not None and not 0 < len(value.strip()) <= 64:
            raise InvalidInput(
                f"{name} 须为 1–64 个字符的编号",
                f"{name} must be a code of 1–64 characters",
                code="bad_query",
                field=name,
            )
    key = None
    if after is not None:
        found = _CURSOR.match(after.strip())
        if found is None:
            raise InvalidInput(
                "after 须为上一页返回的 next_after",
                "after must be the next_after of the previous page",
                code="bad_query",
                field="after",
            )
        key = (int(found[1]), int(found[2]))
    size = DEFAULT_LIMIT
    if limit is not None:
        text = limit.strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
            raise InvalidInput(
                f"limit 须为 1–{MAX_LIMIT} 的整数",
                f"limit must be an integer from 1 to {MAX_LIMIT}",
                code="bad_query",
                field="limit",
            )
        size = int(text)
    return Query(
        project=project.strip() if project else None,
        lot=lot.strip() if lot else None,
        after=key,
        limit=size,
    )


@dataclass(frozen=True)
class Page:
    dataset: Dataset
    records: list[dict[str, object]]
    next_after: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset.number,
            "table": self.dataset.spec.table,
            "name_zh": self.dataset.spec.name_zh,
            "public": self.dataset.public,
            "generated_at": render(clock.now()),
            "count": len(self.records),
            "records": self.records,
            "next_after": self.next_after,
        }


def _projects(dataset: Dataset, viewer: Viewer) -> QuerySet[Project]:
    """The projects the caller may see in ``dataset``: published ones for public datasets,
    and for exchange callers everything in their region."""
    scope = Q(pk__in=Notice.objects.values("project_id")) if dataset.public else Q(pk__in=[])
    if viewer.exchange and viewer.prefix is not None:
        scope |= Q(region__code__startswith=viewer.prefix)
    return Project.objects.filter(scope)


_RELATED = (
    "region",
    "centre",
    "supervisor",
    "initiator",
    "agent",
    "created_by",
    "catalogue_item__version",
    "catalogue_item__category",
)


def _units(dataset: Dataset, viewer: Viewer, query: Query) -> QuerySet[Any]:
    projects = _projects(dataset, viewer)
    if dataset.unit == "project":
        units: QuerySet[Any] = projects.select_related(*_RELATED)
        if query.project:
            units = units.filter(code=query.project)
        if query.lot:
            units = units.filter(lots__code=query.lot)
    else:
        units = Lot.objects.filter(project__in=projects).select_related(
            *(f"project__{name}" for name in _RELATED)
        )
        if query.project:
            units = units.filter(project__code=query.project)
        if query.lot:
            units = units.filter(code=query.lot)
    return units


def _require_found(dataset: Dataset, viewer: Viewer, query: Query) -> None:
    """A named project or lot the caller may not see is simply not found."""
    projects = _projects(dataset, viewer)
    if query.project and not projects.filter(code=query.project).exists():
        raise NotFound("项目不存在或不可见", "no such project", code="project_not_found")
    if query.lot and not Lot.objects.filter(project__in=projects, code=query.lot).exists():
        raise NotFound("标段/包不存在或不可见", "no such lot", code="lot_not_found")


def export(dataset: Dataset, viewer: Viewer, query: Query) -> Page:
    """One page of ``dataset`` in key order, after ``query.after``."""
    if not dataset.public and not viewer.exchange:
        raise Forbidden(
            f"数据集 {dataset.number} 含个人信息或不公开的信息，仅向交换方（系统管理员、"
            "行政监督、纪检监察与审计人员）提供",
            f"dataset {dataset.number} holds personal or non-public data; only admin, "
            "supervisor and oversight users may read it",
            code="restricted_dataset",
        )
    _require_found(dataset, viewer, query)
    units = _units(dataset, viewer, query).order_by("pk")
    found: list[tuple[Key, Row]] = []
    start = query.after[0] if query.after else 0
    units = units.filter(pk__gte=start)
    while len(found) <= query.limit:
        batch = list(units[:50])
        if not batch:
            break
        for unit in batch:
            for sub, row in dataset.records(unit, viewer):
                key = (unit.pk, sub)
                if query.after is None or key > query.after:
                    found.append((key, row))
        units = units.filter(pk__gt=batch[-1].pk)
    found.sort(key=lambda pair: pair[0])
    page = found[: query.limit]
    more = len(found) > query.limit
    return Page(
        dataset,
        [dataset.record(row) for _, row in page],
        f"{page[-1][0][0]}-{page[-1][0][1]}" if more else None,
    )
