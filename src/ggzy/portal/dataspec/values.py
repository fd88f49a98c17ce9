"""The helpers and constants the field tables (``tender_fields``, ``result_fields``) build
their values with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, cast
from xml.etree import ElementTree

from django.conf import settings

from ggzy.catalogue.models import Procedure as CatalogueProcedure
from ggzy.disclosure.policy import mask
from ggzy.entities.models import EntityKind, MarketEntity
from ggzy.evaluation.method import METHOD_NAMES
from ggzy.tendering.models import Lot, Notice, Project
from ggzy.tendering.procedures import PROCEDURES

from .rows import Absent, Computed, Const, Row, Source, resolve, reverse_one


def platform_name() -> str:
    return str(settings.GGZY_PLATFORM_NAME)


def code_type(entity: MarketEntity | None) -> str | None:
    if entity is None:
        return None
    return "统一社会信用代码" if entity.kind == EntityKind.LEGAL else "公民身份号码"


def tenderer_role(row: Row) -> str:
    return "招标人" if row.construction else "采购人"


def agent_role(row: Row) -> str | None:
    if row.agent is None:
        return None
    return "招标代理机构" if row.construction else "采购代理机构"


def bidder_role(row: Row) -> str:
    return "投标人" if row.construction else "供应商"


def tender_mode(row: Row) -> str:
    procedure = PROCEDURES[row.project.procedure]
    return str(dict(CatalogueProcedure.choices).get(procedure.catalogue_family, procedure.name_zh))


def qualification_mode(row: Row) -> str:
    return "资格预审" if PROCEDURES[row.project.procedure].prequalification else "资格后审"


def tender_content(row: Row) -> str:
    project = row.project
    lots = "、".join(lot.name for lot in project.lots.order_by("number"))
    procedure = PROCEDURES[project.procedure]
    return f"{project.catalogue_item.name}；{procedure.name_zh}；标段/包：{lots}"


def qualification_checks(lots: Iterable[Lot]) -> str | None:
    """The qualification checks of the lots' evaluation methods (资格审查项)."""
    names: list[str] = []
    for lot in lots:
        for check in (lot.evaluation_method or {}).get("checks", []):
            if check.get("stage") == "qualification" and check.get("name") not in names:
                names.append(str(check.get("name")))
    return "；".join(names) or None


def method_name(lot: Lot | None) -> str | None:
    method = lot.evaluation_method if lot else None
    if not method or method.get("kind") not in METHOD_NAMES:
        return None
    return METHOD_NAMES[method["kind"]][0]


def tender_count(project: Project) -> int:
    """How many times this has been tendered: 1 + the projects it re-tenders."""
    count, node = 1, project.retender_of
    while node is not None:
        count, node = count + 1, node.retender_of
    return count


def published_text(notice: Notice | None) -> str | None:
    """The text the public saw: the disclosure service's masked text, else the body masked."""
    if notice is None:
        return None
    publication = reverse_one(notice, "publication")
    return publication.text if publication is not None else mask(notice.body)


def sheet(row: Row, key: str) -> object:
    sheet = row.bid.price_sheet if row.bid is not None else None
    return (sheet or {}).get(key)


def duration(row: Row) -> object:
    return sheet(row, "duration_days") or sheet(row, "delivery_days")


def bid_price(row: Row) -> object:
    return sheet(row, "price")


def when_price(value: str) -> Computed:
    return Computed(
        lambda r: value if bid_price(r) is not None else None, f"「{value}」（有报价时）"
    )


def opening_actors(row: Row) -> str | None:
    record = row.extra["opening"].record
    names = record.get("sign_ins") or [line["bidder"] for line in record.get("bids", [])]
    return "、".join(names) or None


def deposit_time(row: Row) -> datetime | None:
    if row.deposit is None:
        return None
    return row.deposit.paid_at or row.deposit.recorded_at


def make_tool_xml(fingerprint: Mapping[str, Any]) -> str:
    root = ElementTree.Element("MAKE_TOOL")
    for key in ("creator_id", "hostname", "os"):
        ElementTree.SubElement(root, key.upper()).text = str(fingerprint.get(key) or "")
    return ElementTree.tostring(root, encoding="unicode")


def fingerprint(key: str) -> Computed:
    return Computed(
        lambda r: (r.bid.fingerprint or {}).get(key) if r.bid else None,
        f"Bid.fingerprint[{key}]（投标人制作机器，见 tendering.fingerprint）",
    )


def expert_id(row: Row) -> str | None:
    """Only once the evaluation is complete (identities stay sealed during it)."""
    member, evaluation = row.member, row.evaluation
    if member is None or evaluation is None or evaluation.completed_at is None:
        return None
    if member.invitation is not None:
        return member.invitation.expert.resident_id
    return member.user.resident_id or None


def report_content(row: Row) -> str | None:
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


def candidate_score(row: Row) -> object:
    """The total score; for the public only where the publicity shows scores."""
    line = row.result_row or {}
    if row.viewer.public and not row.extra.get("shows_scores"):
        return None
    return line.get("total")


def candidate_status(row: Row) -> str:
    line = row.result_row or {}
    decided = DECIDED_BY.get(str(line.get("decided_by")), str(line.get("decided_by")))
    return f"有效投标，排名第{line.get('rank')}（名次由{decided}决定）"


def nth_candidate(n: int, key: str) -> Computed:
    def value(row: Row) -> object:
        candidates = row.extra.get("candidates", [])
        if len(candidates) < n:
            return None
        return candidates[n - 1][key]

    label = "名称" if key == "name" else "统一社会信用代码"
    return Computed(value, f"评标结果第{n}名中标候选人的{label}")


# --- Constants and source builders the tables share --------------------------------------

CNY = Const("CNY", "ISO 4217 币种代码（人民币）")
YUAN = Const("元", "平台金额均以元计")
TOTAL_PRICE = Const("总价", "开标一览表为总价报价；价款形式代码域未编码，输出中文")
NOT_CODED = "代码域未核实，输出中文标签"
NO_ENTERPRISE_NATURE = Absent("平台不登记企业性质")
NO_CONSORTIUM = Absent("平台不支持联合体投标")
NO_EXAMINER = Absent("平台无单独的数据验证责任人")
ONLINE_SUBMISSION = Const("通过交易平台在线递交加密电子投标文件")
ONLINE_DOWNLOAD = Const("登录交易平台在线获取电子招标文件（每次下载均有记录）")


def people(user_path: str) -> Computed:
    return Computed(
        lambda r: str(u) if (u := resolve(user_path, r)) is not None else None,
        f"{user_path}（平台用户姓名）",
    )


def lot_keys(plural: bool = False) -> dict[str, Source]:
    return {
        "TENDER_PROJECT_CODE": "project.code",
        ("BID_SECTION_CODES" if plural else "BID_SECTION_CODE"): "lot.code",
        ("UNIFIED_DEAL_CODES" if plural else "UNIFIED_DEAL_CODE"): Computed(
            lambda r: r.udc, "unified_deal_code(lot)（平台格式，未核实官方规则）"
        ),
    }


def _entity(path: str, row: Row) -> MarketEntity | None:
    return cast("MarketEntity | None", resolve(path, row))


def bidder_fields(path: str = "bid.entity") -> dict[str, Source]:
    return {
        "BIDDER_CODE_TYPE": Computed(lambda r: code_type(_entity(path, r)), NOT_CODED),
        "BIDDER_ROLE": Computed(bidder_role, f"投标人/供应商（{NOT_CODED}）"),
        "BIDDER_REGION_CODE": f"{path}.region_id",
        "BIDDER_PROPERTY": NO_ENTERPRISE_NATURE,
    }


def entity_code(path: str, note: str) -> Computed:
    return Computed(lambda r: r.code_of(_entity(path, r)), note)


_NOTICE_NATURE: dict[str, str] = {
    Notice.Kind.CHANGE: "变更公告",
    Notice.Kind.TERMINATION: "终止公告",
}


def notice_nature(row: Row) -> str | None:
    return _NOTICE_NATURE.get(row.notice.kind, "正常公告") if row.notice else None
