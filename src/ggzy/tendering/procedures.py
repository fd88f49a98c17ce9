"""Procedure types as configuration (招标/采购方式配置表), not subclasses.

Each procedure is one row of flags and rule ids, in the manner of Prozorro's config matrix:
the services read a row and apply it, so a new procedure is a new row. Periods are rule ids
in ``kernel.rules`` so that every check cites its article.
"""

from __future__ import annotations

from dataclasses import dataclass

from ggzy.kernel.errors import InvalidInput

WORKS = "works"  # 工程建设项目招标投标
GP = "gp"  # 政府采购


@dataclass(frozen=True)
class Procedure:
    code: str
    family: str
    name_zh: str
    name_en: str
    catalogue_family: str  # the catalogue's procedure family this row belongs to
    public_notice: bool  # a public notice, or invitations to named suppliers
    prequalification: bool  # a prequalification stage (资格预审) before the tender
    min_bidders_rule: str
    # Periods: None where the procedure has no such period.
    tender_period_rule: str | None  # documents issued → bid deadline
    doc_sale_rule: str | None  # documents on sale / available
    clarification_rule: str | None  # amendments at least this long before the deadline
    objection_rule: str | None  # objections to documents at least this long before deadline
    panel_min_rule: str
    evaluation_methods: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.name_zh} / {self.name_en}"


# Evaluation methods (评标方法); part 2 of the tendering work implements the scoring.
LOWEST_EVALUATED = "lowest_evaluated_price"  # 经评审的最低投标价法 / 最低评标价法
COMPREHENSIVE = "comprehensive"  # 综合评估法 / 综合评分法
LOWEST_PRICE = "lowest_price"  # 最低价成交 (inquiry, negotiation)


def _works(code: str, name_zh: str, name_en: str, *, invitation: bool, pre: bool) -> Procedure:
    return Procedure(
        code,
        WORKS,
        name_zh,
        name_en,
        catalogue_family="invitation_tender" if invitation else "open_tender",
        public_notice=not invitation,
        prequalification=pre,
        min_bidders_rule="works.min_bidders",
        tender_period_rule="works.tender_period_min_days",
        doc_sale_rule="works.doc_sale_min_days",
        clarification_rule="works.clarification_min_days_before_deadline",
        objection_rule="works.objection_tender_docs_min_days_before_deadline",
        panel_min_rule="works.panel_min_members",
        evaluation_methods=(LOWEST_EVALUATED, COMPREHENSIVE),
    )


def _gp_tender(code: str, name_zh: str, name_en: str, *, invitation: bool) -> Procedure:
    return Procedure(
        code,
        GP,
        name_zh,
        name_en,
        catalogue_family="invitation_tender" if invitation else "open_tender",
        public_notice=not invitation,
        prequalification=invitation,  # GP invitation selects suppliers first (GP Reg. Art 21)
        min_bidders_rule="gp.tender_min_suppliers",
        tender_period_rule="gp.tender_period_min_days",
        doc_sale_rule="gp.tender_docs_available_min_working_days",
        clarification_rule="gp.clarification_min_days_before_deadline",
        objection_rule=None,
        panel_min_rule="gp.tender_panel_min_members",
        evaluation_methods=(LOWEST_EVALUATED, COMPREHENSIVE),
    )


def _gp_other(
    code: str,
    name_zh: str,
    name_en: str,
    catalogue_family: str,
    *,
    period: str,
    sale: str | None = None,
    clarification: str | None = None,
    methods: tuple[str, ...] = (LOWEST_PRICE,),
    min_bidders: str = "gp.non_tender_min_suppliers",
) -> Procedure:
    return Procedure(
        code,
        GP,
        name_zh,
        name_en,
        catalogue_family=catalogue_family,
        public_notice=True,
        prequalification=False,
        min_bidders_rule=min_bidders,
        tender_period_rule=period,
        doc_sale_rule=sale,
        clarification_rule=clarification,
        objection_rule=None,
        panel_min_rule="gp.non_tender_panel_min_members",
        evaluation_methods=methods,
    )


# fmt: off
PROCEDURES: dict[str, Procedure] = {
    p.code: p
    for p in (
        _works("works_open_post", "公开招标（资格后审）", "Open tender, post-qualification",
               invitation=False, pre=False),
        _works("works_open_pre", "公开招标（资格预审）", "Open tender with prequalification",
               invitation=False, pre=True),
        _works("works_invite_post", "邀请招标（资格后审）",
               "Invitation tender, post-qualification", invitation=True, pre=False),
        _works("works_invite_pre", "邀请招标（资格预审）",
               "Invitation tender with prequalification", invitation=True, pre=True),
        _gp_tender("gp_open", "公开招标", "Open tender (procurement)", invitation=False),
        _gp_tender("gp_invite", "邀请招标", "Invitation tender (procurement)", invitation=True),
        _gp_other("gp_consultation", "竞争性磋商", "Competitive consultation",
                  "competitive_consultation",
                  period="gp.consultation_response_min_days",
                  sale="gp.consultation_docs_available_min_working_days",
                  clarification="gp.consultation_clarification_min_days_before",
                  methods=(COMPREHENSIVE,)),
        _gp_other("gp_negotiation", "竞争性谈判", "Competitive negotiation",
                  "competitive_negotiation",
                  period="gp.negotiation_min_working_days"),
        _gp_other("gp_inquiry", "询价", "Request for quotations", "inquiry",
                  period="gp.inquiry_min_working_days"),
        _gp_other("gp_single_source", "单一来源", "Single source", "single_source",
                  period="gp.single_source_publicity_min_working_days",
                  min_bidders="gp.single_source_min_suppliers"),
    )
}
# fmt: on


def get(code: object) -> Procedure:
    if isinstance(code, str) and code in PROCEDURES:
        return PROCEDURES[code]
    raise InvalidInput(
        f"未知的招标/采购方式：{code}；可选：{'、'.join(PROCEDURES)}",
        f"unknown procedure {code!r}; choose one of {', '.join(PROCEDURES)}",
        code="unknown_procedure",
        field="procedure",
    )


def for_family(family: str) -> list[Procedure]:
    return [p for p in PROCEDURES.values() if p.family == family]
