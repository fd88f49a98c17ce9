"""Statutory periods, thresholds and limits, each with its source (RULES.md §1–§5).

Code never writes ``20`` for the tender period; it asks ``rules.value(
"works.tender_period_min_days")`` and, when the check fails, raises ``rules.violation(...)``
so the message cites the article. ``confidence`` says how far a value has been checked:
**P** in the full statute text, **S** quoted by a secondary source, **R** recalled and not
checked (configurable, and the description says so), **C** platform configuration, not a
statute. Configurable rules can be changed at start-up with ``configure()``.

``python -m ggzy.kernel.rules`` prints the registry as a Markdown table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from ggzy.kernel.errors import InvalidInput, RuleViolation

Unit = Literal[
    "days",
    "working_days",
    "hours",
    "minutes",
    "seconds",
    "years",
    "yuan",
    "percent",
    "fraction",
    "count",
]
Confidence = Literal["P", "S", "R", "C"]
Value = int | Decimal | Fraction

UNIT_LABELS: Mapping[str, tuple[str, str]] = {
    "days": ("日", "days"),
    "working_days": ("个工作日", "working days"),
    "hours": ("小时", "hours"),
    "minutes": ("分钟", "minutes"),
    "seconds": ("秒", "seconds"),
    "years": ("年", "years"),
    "yuan": ("元", "yuan"),
    "percent": ("%", "%"),
    "fraction": ("", ""),
    "count": ("", ""),
}
_RECALLED = ("（凭记忆，未经核对；可配置）", " (recalled, not checked; configurable)")
_CONFIG = (
    "（平台配置，非法定要求；可配置）",
    " (platform configuration, not a statute; configurable)",
)


@dataclass(frozen=True)
class Rule:
    id: str
    value: Value
    unit: Unit
    citation_zh: str
    citation_en: str
    description_zh: str
    description_en: str
    confidence: Confidence
    effective_from: date | None = None
    configurable: bool = False


# --- citations ------------------------------------------------------------------------

_ZH_DIGITS = "零一二三四五六七八九"


def _zh_number(n: int) -> str:
    """1–99 as written in article numbers: 十, 十三, 二十, 二十四."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("" if tens == 1 else _ZH_DIGITS[tens]) + "十"
    return head + (_ZH_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Citation:
    zh: str
    en: str

    def __add__(self, other: Citation) -> Citation:
        return Citation(f"{self.zh}；{other.zh}", f"{self.en}; {other.en}")


@dataclass(frozen=True)
class _Source:
    zh: str
    en: str

    def art(self, *articles: int) -> Citation:
        if not articles:
            return Citation(self.zh, self.en)
        zh = "、".join(f"第{_zh_number(a)}条" for a in articles)
        label = "Art" if len(articles) == 1 else "Arts"
        return Citation(self.zh + zh, f"{self.en} {label} {', '.join(map(str, articles))}")


LAW = _Source("《招标投标法》", "Tendering Law")
REG = _Source("《招标投标法实施条例》", "Tendering Law Implementing Regulations")
GP_LAW = _Source("《政府采购法》", "Government Procurement Law")
GP_REG = _Source("《政府采购法实施条例》", "Government Procurement Law Implementing Regulations")
NDRC_16 = _Source(
    "《必须招标的工程项目规定》（国家发展改革委令第16号）", "NDRC Order No. 16 (2018)"
)
MOF_87 = _Source(
    "《政府采购货物和服务招标投标管理办法》（财政部令第87号）", "MOF Order No. 87 (2017)"
)
MOF_74 = _Source("《政府采购非招标采购方式管理办法》（财政部令第74号）", "MOF Order No. 74 (2013)")
CAIKU_214 = _Source(
    "《政府采购竞争性磋商采购方式管理暂行办法》（财库〔2014〕214号）",
    "Competitive Consultation Measures (Caiku [2014] No. 214)",
)
MLR_39 = _Source(
    "《招标拍卖挂牌出让国有建设用地使用权规定》（国土资源部令第39号）",
    "MLR Order No. 39 (2007)",
)
MINING = _Source(
    "《矿业权出让交易规则》（自然资规〔2023〕1号）及省级网上交易规则",
    "Mining Rights Transfer Trading Rules (Zirangui [2023] No. 1) and a provincial online rule",
)
SASAC_32 = _Source(
    "《企业国有资产交易监督管理办法》（国资委、财政部令第32号）", "SASAC/MOF Order No. 32 (2016)"
)
ONLINE_PRACTICE = _Source(
    "网上挂牌、网络竞价交易规则（各地实践）", "online listing and bidding rules (local practice)"
)
ETENDER = _Source("《电子招标投标办法》", "Electronic Tendering Measures (2013)")
EVAL_12 = _Source(
    "《评标委员会和评标方法暂行规定》", "Interim Provisions on Evaluation Committees and Methods"
)
PLATFORM = _Source("平台配置", "platform configuration")
XIANGXI = _Source(
    "湘西州《关于进一步规范公共资源交易活动维护公平竞争秩序的意见（征求意见稿）》",
    "Xiangxi prefecture opinion on regulating public resource trading (draft for comment)",
)


def _xiangxi(item: str, item_en: str) -> Citation:
    return Citation(f"{XIANGXI.zh}{item}", f"{XIANGXI.en}, {item_en}")


# --- the registry ---------------------------------------------------------------------

_RULES: dict[str, Rule] = {}
RULES: Mapping[str, Rule] = MappingProxyType(_RULES)
_DEFAULTS: dict[str, Value] = {}


def _define(
    rule_id: str,
    value: Value,
    unit: Unit,
    citation: Citation,
    description_zh: str,
    description_en: str,
    confidence: Confidence,
    *,
    effective_from: date | None = None,
    configurable: bool = False,
) -> None:
    if rule_id in _RULES:
        raise ValueError(f"rule {rule_id!r} defined twice")
    if confidence in ("R", "C"):
        note_zh, note_en = _RECALLED if confidence == "R" else _CONFIG
        description_zh += note_zh
        description_en += note_en
        configurable = True
    _RULES[rule_id] = Rule(
        id=rule_id,
        value=value,
        unit=unit,
        citation_zh=citation.zh,
        citation_en=citation.en,
        description_zh=description_zh,
        description_en=description_en,
        confidence=confidence,
        effective_from=effective_from,
        configurable=configurable,
    )
    _DEFAULTS[rule_id] = value


# fmt: off
# One call per rule, kept compact so the registry reads as a table.

# §1 Works tendering (招标投标法 and 实施条例)
_define("works.must_tender.construction_min_yuan", Decimal(4_000_000), "yuan", NDRC_16.art(5),
        "施工单项合同估算价达到此金额的，必须招标（同一项目中可合并采购的合计计算）",
        "Construction contracts estimated at this amount or more must be tendered (items "
        "procurable together count by their sum)", "S", effective_from=date(2018, 6, 1))
_define("works.must_tender.goods_min_yuan", Decimal(2_000_000), "yuan", NDRC_16.art(5),
        "重要设备、材料等货物采购单项合同估算价达到此金额的，必须招标",
        "Important equipment and materials contracts estimated at this amount or more must "
        "be tendered", "S", effective_from=date(2018, 6, 1))
_define("works.must_tender.services_min_yuan", Decimal(1_000_000), "yuan", NDRC_16.art(5),
        "勘察、设计、监理等服务采购单项合同估算价达到此金额的，必须招标",
        "Survey, design and supervision services estimated at this amount or more must be "
        "tendered", "S", effective_from=date(2018, 6, 1))
_define("works.voluntary_entry_min_yuan", Decimal(1_000_000), "yuan",
        _xiangxi("一（二）", "item 1(2)"),
        "招标标准以下、达到此金额的工程项目，可自愿以合同约定方式进入平台交易（地方政策，可按地区配置）",
        "Works below the tendering thresholds but at or above this amount may enter the "
        "platform voluntarily by contract (local policy, configurable per region)", "P",
        configurable=True)
_define("works.doc_sale_min_days", 5, "days", REG.art(16),
        "资格预审文件或者招标文件的发售期不得少于此日数",
        "Prequalification or tender documents are on sale for at least this many days", "P")
_define("works.prequal_application_min_days", 5, "days", REG.art(17),
        "提交资格预审申请文件的时间，自资格预审文件停止发售之日起不得少于此日数",
        "Prequalification applications are due at least this many days after the documents "
        "stop being sold", "P")
_define("works.tender_period_min_days", 20, "days", LAW.art(24),
        "自招标文件开始发出之日起至提交投标文件截止之日止，不得少于此日数",
        "From the first issue of the tender documents to the bid deadline: at least this "
        "many days", "P")
_define("works.clarification_min_days_before_deadline", 15, "days", LAW.art(23) + REG.art(21),
        "影响投标文件编制的澄清或修改，应在投标截止时间至少此日数前书面通知，不足的顺延截止时间",
        "A clarification or amendment affecting bids is sent at least this many days before "
        "the bid deadline, otherwise the deadline moves", "P")
_define("works.prequal_clarification_min_days_before_deadline", 3, "days", REG.art(21),
        "影响资格预审申请文件编制的澄清或修改，应在提交截止时间至少此日数前书面通知",
        "A clarification affecting prequalification applications is sent at least this many "
        "days before their deadline", "P")
_define("works.objection_prequal_min_days_before_deadline", 2, "days", REG.art(22),
        "对资格预审文件的异议，应在提交资格预审申请文件截止时间此日数前提出",
        "Objections to prequalification documents are raised at least this many days before "
        "the application deadline", "P")
_define("works.objection_tender_docs_min_days_before_deadline", 10, "days", REG.art(22),
        "对招标文件的异议，应在投标截止时间此日数前提出",
        "Objections to tender documents are raised at least this many days before the bid "
        "deadline", "P")
_define("works.objection_answer_max_days", 3, "days", REG.art(22),
        "招标人自收到异议之日起此日数内答复，答复前暂停招标投标活动",
        "The tenderer answers an objection within this many days and suspends the procedure "
        "until then", "P")
_define("works.bid_deposit_max_percent", Decimal(2), "percent", REG.art(26),
        "投标保证金不得超过招标项目估算价的此百分比，有效期与投标有效期一致",
        "The bid deposit is at most this percentage of the estimated price and is valid as "
        "long as the bid", "P")
_define("works.deposit_refund_on_withdrawal_max_days", 5, "days", REG.art(35),
        "投标人在截止时间前书面撤回投标的，招标人自收到撤回通知之日起此日数内退还投标保证金",
        "A deposit is refunded within this many days of a written withdrawal before the "
        "deadline", "P")
_define("works.deposit_refund_after_contract_max_days", 5, "days", REG.art(57),
        "书面合同签订后此日数内，向中标人和未中标人退还投标保证金及银行同期存款利息",
        "Deposits are refunded with interest within this many days of signing the contract",
        "P")
_define("works.performance_bond_max_percent", Decimal(10), "percent", REG.art(58),
        "履约保证金不得超过中标合同金额的此百分比",
        "The performance bond is at most this percentage of the contract amount", "P")
_define("works.min_bidders", 3, "count", LAW.art(28) + REG.art(44),
        "投标人少于此数的，不得开标，应当重新招标",
        "With fewer bidders than this there is no opening; the project is re-tendered", "P")
_define("works.min_prequalified", 3, "count", REG.art(19),
        "通过资格预审的申请人少于此数的，应当重新招标",
        "With fewer applicants passing prequalification than this, the project is re-tendered",
        "P")
_define("works.invitation_min_invitees", 3, "count", LAW.art(17),
        "邀请招标应向不少于此数的特定法人或者其他组织发出投标邀请书",
        "An invitation tender invites at least this many organisations", "P")
_define("works.panel_min_members", 5, "count", LAW.art(37),
        "评标委员会成员人数为此数以上单数",
        "The evaluation committee has at least this many members, an odd number", "P")
_define("works.panel_expert_min_fraction", Fraction(2, 3), "fraction", LAW.art(37),
        "技术、经济等方面的专家不得少于评标委员会成员总数的此比例",
        "Technical and economic experts are at least this fraction of the committee", "P")
_define("works.expert_min_years", 8, "years", LAW.art(37),
        "评标专家应从事相关领域工作满此年数并具有高级职称或者同等专业水平",
        "Experts have worked at least this many years in the field and hold a senior title "
        "or equivalent", "P")
_define("works.max_candidates", 3, "count", REG.art(53),
        "中标候选人不超过此数，并标明排序",
        "At most this many ranked winning candidates", "P")
_define("works.candidate_publicity_start_max_days", 3, "days", REG.art(54),
        "招标人自收到评标报告之日起此日数内公示中标候选人",
        "Candidates are published within this many days of receiving the evaluation report",
        "P")
_define("works.candidate_publicity_min_days", 3, "days", REG.art(54),
        "中标候选人公示期不得少于此日数",
        "The candidates' publicity period lasts at least this many days", "P")
_define("works.candidate_objection_answer_max_days", 3, "days", REG.art(54),
        "对评标结果的异议，招标人自收到之日起此日数内答复，答复前暂停招标投标活动",
        "Objections to the evaluation result are answered within this many days; the "
        "procedure is suspended meanwhile", "P")
_define("works.contract_max_days", 30, "days", LAW.art(46),
        "自中标通知书发出之日起此日数内订立书面合同",
        "The contract is signed within this many days of the award notice", "P")
_define("works.report_max_days", 15, "days", LAW.art(47),
        "自确定中标人之日起此日数内向行政监督部门提交招标投标情况书面报告",
        "The written report goes to the supervising department within this many days of "
        "choosing the winner", "P")
_define("works.complaint_max_days", 10, "days", REG.art(60),
        "投诉应自知道或者应当知道之日起此日数内提出",
        "A complaint is filed within this many days of knowing", "P")
_define("works.complaint_acceptance_max_working_days", 3, "working_days", REG.art(61),
        "行政监督部门自收到投诉之日起此工作日数内决定是否受理",
        "The supervising department decides whether to accept a complaint within this many "
        "working days", "P")
_define("works.complaint_ruling_max_working_days", 30, "working_days", REG.art(61),
        "自受理投诉之日起此工作日数内作出书面处理决定（检验、检测、鉴定、专家评审时间不计入）",
        "The written ruling follows within this many working days of acceptance (testing "
        "and expert review time excluded)", "P")

# §2 Government procurement (政府采购法 and 实施条例)
_define("gp.tender_period_min_days", 20, "days", GP_LAW.art(35),
        "公开招标、邀请招标：自招标文件开始发出之日起至投标截止之日止不得少于此日数",
        "Open or invitation tender: from issuing the documents to the bid deadline at least "
        "this many days", "P")
_define("gp.tender_docs_available_min_working_days", 5, "working_days", GP_REG.art(31),
        "招标文件的提供期限自开始发出之日起不得少于此工作日数",
        "Tender documents are available for at least this many working days", "P")
_define("gp.clarification_min_days_before_deadline", 15, "days", GP_REG.art(31),
        "影响投标文件编制的澄清或修改，应在投标截止时间至少此日数前通知，不足的顺延截止时间",
        "A clarification affecting bids is sent at least this many days before the deadline, "
        "otherwise the deadline moves", "P")
_define("gp.prequal_min_working_days", 5, "working_days", GP_REG.art(21),
        "提交资格预审申请文件的时间自公告发布之日起不得少于此工作日数",
        "Prequalification applications are due at least this many working days after the "
        "notice", "P")
_define("gp.consultation_response_min_days", 10, "days", CAIKU_214.art(10),
        "竞争性磋商：自磋商文件开始发出之日起至供应商提交首次响应文件截止之日止不得少于此日数",
        "Competitive consultation: from issuing the documents to the first response at "
        "least this many days", "S")
_define("gp.consultation_docs_available_min_working_days", 5, "working_days", CAIKU_214.art(10),
        "竞争性磋商文件的发售期限自开始之日起不得少于此工作日数",
        "Competitive consultation documents are available for at least this many working "
        "days", "S")
_define("gp.consultation_clarification_min_days_before", 5, "days", CAIKU_214.art(10),
        "竞争性磋商文件的澄清或修改，应在提交首次响应文件截止时间至少此日数前通知",
        "Consultation clarifications are sent at least this many days before the first "
        "response deadline", "S")
_define("gp.negotiation_min_working_days", 3, "working_days", MOF_74.art(29),
        "竞争性谈判：从谈判文件发出之日起至供应商提交首次响应文件截止之日止不得少于此工作日数",
        "Competitive negotiation: from issuing the documents to the first response at least "
        "this many working days", "S")
_define("gp.inquiry_min_working_days", 3, "working_days", MOF_74.art(45),
        "询价：从询价通知书发出之日起至供应商提交响应文件截止之日止不得少于此工作日数",
        "Inquiry: from issuing the request to the response deadline at least this many "
        "working days", "S")
_define("gp.single_source_publicity_min_working_days", 5, "working_days", GP_REG.art(38),
        "达到公开招标数额标准的单一来源采购，公示期不得少于此工作日数",
        "Single-source procurement above the open-tender threshold is published for at least "
        "this many working days", "P")
_define("gp.tender_panel_min_members", 5, "count", MOF_87.art(47),
        "招标采购评标委员会成员为此数以上单数",
        "A procurement tender committee has at least this many members, an odd number", "S")
_define("gp.tender_panel_expert_min_fraction", Fraction(2, 3), "fraction", MOF_87.art(47),
        "招标采购评标委员会中评审专家不得少于成员总数的此比例",
        "Experts are at least this fraction of a procurement tender committee", "S")
_define("gp.large_tender_panel_min_members", 7, "count", MOF_87.art(47),
        "预算金额较大、技术复杂、社会影响较大的项目，评标委员会为此数以上单数",
        "Large, complex or high-profile projects have at least this many members, an odd "
        "number", "S")
_define("gp.large_tender_budget_min_yuan", Decimal(10_000_000), "yuan", MOF_87.art(47),
        "采购预算达到此金额（且技术复杂、社会影响较大）的项目适用7人以上评标委员会",
        "Budgets at or above this amount (and complex, high-profile) need the larger "
        "committee", "S")
_define("gp.non_tender_panel_min_members", 3, "count", GP_LAW.art(38, 40),
        "竞争性谈判、询价、磋商小组由采购人代表和专家共此数以上单数组成",
        "Negotiation, inquiry and consultation panels have at least this many members, an "
        "odd number", "P")
_define("gp.non_tender_panel_expert_min_fraction", Fraction(2, 3), "fraction",
        GP_LAW.art(38, 40),
        "谈判、询价小组中专家人数不得少于成员总数的此比例",
        "Experts are at least this fraction of a negotiation or inquiry panel", "P")
_define("gp.non_tender_min_suppliers", 3, "count", GP_LAW.art(38, 40),
        "竞争性谈判、询价应邀请不少于此数的供应商",
        "Negotiation and inquiry involve at least this many suppliers", "P")
_define("gp.price_weight_goods_min_percent", Decimal(30), "percent", MOF_87.art(55),
        "综合评分法：货物项目价格分值占总分值的比重不得低于此百分比",
        "Comprehensive scoring: the price weight for goods is at least this percentage", "S",
        effective_from=date(2017, 10, 1))
_define("gp.price_weight_services_min_percent", Decimal(10), "percent", MOF_87.art(55),
        "综合评分法：服务项目价格分值占总分值的比重不得低于此百分比",
        "Comprehensive scoring: the price weight for services is at least this percentage",
        "S", effective_from=date(2017, 10, 1))
_define("gp.consultation_price_weight_goods_min_percent", Decimal(30), "percent", CAIKU_214.art(),
        "竞争性磋商综合评分法：货物项目价格权值下限",
        "Competitive consultation: lowest price weight for goods", "S")
_define("gp.consultation_price_weight_goods_max_percent", Decimal(60), "percent", CAIKU_214.art(),
        "竞争性磋商综合评分法：货物项目价格权值上限",
        "Competitive consultation: highest price weight for goods", "S")
_define("gp.consultation_price_weight_services_min_percent", Decimal(10), "percent",
        CAIKU_214.art(),
        "竞争性磋商综合评分法：服务项目价格权值下限",
        "Competitive consultation: lowest price weight for services", "S")
_define("gp.consultation_price_weight_services_max_percent", Decimal(30), "percent",
        CAIKU_214.art(),
        "竞争性磋商综合评分法：服务项目价格权值上限",
        "Competitive consultation: highest price weight for services", "S")
_define("gp.challenge_max_working_days", 7, "working_days", GP_LAW.art(52),
        "供应商应在知道或者应知其权益受到损害之日起此工作日数内书面质疑",
        "A supplier challenges in writing within this many working days of knowing", "P")
_define("gp.challenge_answer_max_working_days", 7, "working_days", GP_LAW.art(53),
        "采购人应在收到书面质疑后此工作日数内答复",
        "The purchaser answers a challenge within this many working days", "P")
_define("gp.complaint_max_working_days", 15, "working_days", GP_LAW.art(55),
        "质疑答复期满后此工作日数内可以投诉",
        "A complaint is filed within this many working days after the answer period", "P")
_define("gp.complaint_ruling_max_working_days", 30, "working_days", GP_LAW.art(56),
        "监督管理部门收到投诉后此工作日数内作出处理决定",
        "The supervising department rules within this many working days of the complaint",
        "P")
_define("gp.suspension_max_days", 30, "days", GP_LAW.art(57),
        "处理投诉期间暂停采购活动最长不得超过此日数",
        "Procurement may be suspended during a complaint for at most this many days", "P")
_define("gp.bid_deposit_max_percent", Decimal(2), "percent", GP_REG.art(33),
        "投标保证金不得超过采购项目预算金额的此百分比",
        "The bid deposit is at most this percentage of the budget", "P")
_define("gp.deposit_refund_max_working_days", 5, "working_days", GP_REG.art(33),
        "自中标通知书发出之日（未中标人）或合同签订之日（中标人）起此工作日数内退还投标保证金",
        "Deposits are refunded within this many working days of the award notice (losers) "
        "or the contract (winner)", "P")
_define("gp.evaluation_report_max_working_days", 2, "working_days", GP_REG.art(43),
        "采购代理机构自评审结束之日起此工作日数内将评审报告送交采购人",
        "The agent sends the evaluation report to the purchaser within this many working days",
        "P")
_define("gp.award_pick_max_working_days", 5, "working_days", GP_REG.art(43),
        "采购人自收到评审报告之日起此工作日数内按顺序确定中标或者成交供应商",
        "The purchaser picks the winner in ranked order within this many working days of "
        "the report", "P")
_define("gp.result_publication_max_working_days", 2, "working_days", GP_REG.art(43),
        "自中标、成交供应商确定之日起此工作日数内发出通知书并公告结果",
        "The award notice and result are published within this many working days of the "
        "choice", "P")
_define("gp.contract_max_days", 30, "days", GP_LAW.art(46),
        "自中标、成交通知书发出之日起此日数内签订政府采购合同",
        "The contract is signed within this many days of the award notice", "P")
_define("gp.contract_publication_max_working_days", 2, "working_days", GP_REG.art(50),
        "自政府采购合同签订之日起此工作日数内公告合同",
        "The contract is published within this many working days of signing", "P")
_define("gp.tender_min_suppliers", 3, "count", GP_LAW.art(36),
        "招标采购中符合专业条件或实质响应的供应商不足此数的，应予废标",
        "A procurement tender with fewer qualified or responsive suppliers than this fails",
        "P")
_define("gp.single_source_min_suppliers", 1, "count", GP_LAW.art(31),
        "单一来源采购只能从唯一供应商处采购",
        "Single-source procurement buys from the one supplier", "P")
_define("gp.open_tender_min_yuan", Decimal(4_000_000), "yuan", GP_REG.art(28),
        "政府采购货物、服务的公开招标数额标准（由省级人民政府确定；此为可配置的默认值），"
        "一个财政年度内同一品目以非公开招标方式多次采购累计超过此数的，属于化整为零",
        "The open-tender threshold for procured goods and services (set by the province; a "
        "configurable default): several non-open purchases of one item in a fiscal year that "
        "together pass it are a split", "R")
_define("gp.records_retention_min_years", 15, "years", GP_LAW.art(42),
        "采购文件自采购结束之日起至少保存此年数",
        "Procurement records are kept for at least this many years after the procurement",
        "P")

# §3 Land and mining rights
_define("land.announcement_min_days", 20, "days", MLR_39.art(10),
        "招标拍卖挂牌出让公告应在交易开始日此日数前发布",
        "The sale is announced at least this many days before it starts", "R")
_define("land.listing_min_days", 10, "days", MLR_39.art(),
        "挂牌时间不得少于此日数（旧规定为10个工作日，可配置）",
        "The listing stays open at least this many days (an older rule said 10 working "
        "days; configurable)", "S", configurable=True)
_define("land.auction_calls_to_close", 3, "count", MLR_39.art(),
        "现场拍卖：同一报价连续报此次数无人应价，拍卖成交或终止（低于底价的终止）",
        "Live auction: a price called this many times without a higher bid closes the "
        "auction (terminated if below the reserve)", "S")
_define("auctions.timed_period_seconds", 300, "seconds", ONLINE_PRACTICE.art(),
        "网上挂牌、网络竞价的限时竞价期时长，期间任何有效报价重新计时（可配置）",
        "Length of the timed bidding period of online listings and auctions; every valid bid "
        "restarts it (configurable)", "S", configurable=True)
_define("auctions.pre_emption_window_hours", 24, "hours", PLATFORM.art(),
        "竞价结束后，享有优先购买权的竞买人表示是否以最终报价行使优先购买权的时限（平台配置）",
        "After bidding, how long a holder of a pre-emption right has to say whether it buys "
        "at the final price (platform configuration)", "C", configurable=True)
_define("mining.announcement_min_working_days", 20, "working_days", MINING.art(),
        "矿业权出让公告期不得少于此工作日数",
        "Mining rights sales are announced at least this many working days ahead", "S")
_define("mining.auction_min_bidders", 3, "count", MINING.art(),
        "矿业权拍卖的竞买人不得少于此数",
        "A mining rights auction needs at least this many bidders", "S")
_define("mining.listing_min_working_days", 10, "working_days", MINING.art(),
        "矿业权网上挂牌期不得少于此工作日数",
        "An online mining rights listing lasts at least this many working days", "S")
_define("mining.result_publicity_min_working_days", 10, "working_days", MINING.art(),
        "矿业权出让结果公示期不得少于此工作日数",
        "The mining rights result is published for at least this many working days", "S")

# §4 State property rights (国资委·财政部令第32号)
_define("property.equity_disclosure_min_working_days", 20, "working_days", SASAC_32.art(13),
        "产权转让信息正式披露不得少于此工作日数，披露期间不得变更",
        "Equity transfer disclosure lasts at least this many working days, unchanged", "S")
_define("property.pre_disclosure_min_working_days", 20, "working_days", SASAC_32.art(13),
        "因产权转让导致转让标的企业实际控制权转移的，预披露不得少于此工作日数",
        "When control changes, pre-disclosure lasts at least this many working days", "S")
_define("property.capital_increase_disclosure_min_working_days", 40, "working_days",
        SASAC_32.art(41),
        "企业增资信息披露不得少于此工作日数",
        "Capital increase disclosure lasts at least this many working days", "R")
_define("property.asset_transfer_disclosure_min_working_days", 10, "working_days",
        SASAC_32.art(),
        "企业资产转让信息披露不得少于此工作日数",
        "Asset transfer disclosure lasts at least this many working days", "R")

_define("other.announcement_min_working_days", 10, "working_days", PLATFORM.art(),
        "排污权、林权、水权等其他权益类交易的信息发布期不得少于此工作日数（平台配置）",
        "Other rights (emission, forest, water, …) are announced at least this many working "
        "days before bidding (platform configuration)", "C", configurable=True)
# §5 Electronic tendering, and operational rules of the Xiangxi seed
_define("etender.decryption_window_minutes", 30, "minutes", PLATFORM.art() + ETENDER.art(),
        "开标后投标人在线解密投标文件的时限，逾期未解密按解密失败处理",
        "How long bidders have to decrypt their bids online after the opening starts; after "
        "it a bid counts as failed to decrypt", "C")
_define("experts.draw_min_hours_before_opening", 3, "hours", _xiangxi("三（十）", "item 10"),
        "评标评审专家最迟于开标前此小时数抽取（远程异地评标项目除外；地方政策，可配置）",
        "Experts are drawn no later than this many hours before the opening (remote "
        "evaluation excepted; local policy, configurable)", "P", configurable=True)
_define("experts.assembly_max_hours_after_opening", 1, "hours", _xiangxi("三（十）", "item 10"),
        "专家集合时间原则上不超过开标后此小时数（地方政策，可配置）",
        "Experts assemble no later than this many hours after the opening, as a rule (local "
        "policy, configurable)", "P", configurable=True)
_define("credit.exchange_max_working_days", 7, "working_days", _xiangxi("四（十四）", "item 14"),
        "行政监督部门自行政决定之日起此工作日数内交换资质、处罚等信用信息（地方政策，可配置）",
        "Supervising departments exchange qualification and penalty records within this "
        "many working days of the decision (local policy, configurable)", "P",
        configurable=True)
# Avoidance (回避) in the expert draw: each can be switched off or tuned by configuration.
_define("experts.avoid_interested_employer", 1, "count", REG.art(46),
        "与投标人、招标人或代理机构有利害关系的专家应当回避（其工作单位为上述单位之一）；1 为启用",
        "Experts employed by the initiator, the agent or a bidder must step aside; 1 = on",
        "P", configurable=True)
_define("experts.avoid_supervisor_staff", 1, "count", REG.art(46),
        "行政监督部门的工作人员不得担任本部门负责监督项目的评标委员会成员；1 为启用",
        "Staff of the supervising department do not sit on committees of its own projects; "
        "1 = on", "P", configurable=True)
_define("experts.avoid_declared_conflict", 1, "count", EVAL_12.art(12),
        "专家自行申报存在利害关系的单位参与项目时应当回避；1 为启用",
        "Experts step aside when a unit they declared a conflict with takes part; 1 = on",
        "R")
_define("experts.one_per_employer", 1, "count", PLATFORM.art(),
        "同一工作单位的专家在同一评标委员会中至多一名；1 为启用",
        "At most one expert from any one employer on a committee; 1 = on", "C")
_define("experts.avoid_same_initiator_days", 90, "days", PLATFORM.art(),
        "专家在此天数内评审过同一招标人/采购人的项目的，本次回避；0 为不启用",
        "Experts who served the same initiator within this many days step aside; 0 = off",
        "C")

# --- Deposits (ggzy.deposits): 投标保证金与电子保函 ---------------------------------------
_define("deposits.transfer_from_basic_account", 1, "count", REG.art(26),
        "以转账方式提交的投标保证金应当从投标人的基本存款账户转出（条例适用于依法必须招标项目的"
        "境内投标单位；平台对所有转账适用，可关闭）；1 为启用",
        "A deposit paid by transfer must come from the bidder's basic deposit account (the "
        "Regulation covers domestic bidders in must-tender projects; the platform applies it "
        "to every transfer and it can be switched off); 1 = on", "P", configurable=True)
_define("deposits.before_bid_deadline", 1, "count", PLATFORM.art(),
        "投标保证金须在投标截止时间前到账（银行转账）或提交（电子保函）；1 为启用",
        "A deposit must arrive (transfer) or be lodged (guarantee) before the bid deadline; "
        "1 = on", "C")
_define("deposits.guarantee_covers_bid_deadline", 1, "count", REG.art(26),
        "投标保证金有效期应当与投标有效期一致：电子保函的有效期至少覆盖投标截止日；1 为启用",
        "A deposit is valid as long as the bid: a guarantee must be valid at least through "
        "the bid deadline date; 1 = on", "P", configurable=True)
_define("deposits.refund_on_termination_max_days", 5, "days", REG.art(31),
        "招标终止或因投标人不足而失败的，应当及时退还投标保证金及银行同期存款利息；平台以此日数为"
        "“及时”的期限",
        "When a tender is terminated or fails for lack of bidders the deposits are refunded "
        "promptly with interest; the platform reads 'promptly' as within this many days", "C")
_define("gp.deposit_refund_on_withdrawal_max_working_days", 5, "working_days", MOF_87.art(38),
        "投标人在投标截止时间前撤回投标文件的，自收到书面撤回通知之日起此工作日数内退还投标保证金",
        "A supplier withdrawing before the deadline gets the deposit back within this many "
        "working days of the written notice", "R")
_define("gp.deposit_refund_on_termination_max_working_days", 5, "working_days", MOF_87.art(29),
        "终止招标（或废标）的，在终止采购活动后此工作日数内退还投标保证金及其孳息",
        "When a procurement is terminated (or fails) the deposits are refunded with interest "
        "within this many working days", "R")

# --- Evaluation (ggzy.evaluation): 评标 ----------------------------------------------------
_define("evaluation.divergence_max_fraction", Fraction(3, 10), "fraction", PLATFORM.art(),
        "同一评分项中，成员评分与其他成员平均分之差超过该项满分的此比例的，提示其复核并书面说明理由",
        "A member whose score on an item differs from the other members' mean by more than "
        "this fraction of the item's maximum is asked to review it and explain in writing",
        "C")

# --- Awards (ggzy.awards): 定标与合同 -------------------------------------------------------
_define("gp.challenge_pauses_contract", 1, "count", GP_LAW.art(52, 53),
        "质疑答复前暂停签订采购合同（1：暂停；0：不暂停）",
        "Until a challenge is answered the contract is not signed (1: pause; 0: do not)",
        "C")
# fmt: on


# --- access ---------------------------------------------------------------------------


def get(rule_id: str) -> Rule:
    try:
        return _RULES[rule_id]
    except KeyError:
        raise KeyError(f"unknown rule {rule_id!r}; see ggzy.kernel.rules.RULES") from None


def value(rule_id: str) -> Value:
    return get(rule_id).value


def int_value(rule_id: str) -> int:
    """The value of a rule counted in whole units (days, members, hours…)."""
    result = value(rule_id)
    if not isinstance(result, int):
        raise TypeError(f"rule {rule_id!r} is {type(result).__name__}, not int")
    return result


def decimal_value(rule_id: str) -> Decimal:
    """The value of an amount (yuan) or percentage rule."""
    result = value(rule_id)
    if not isinstance(result, Decimal):
        raise TypeError(f"rule {rule_id!r} is {type(result).__name__}, not Decimal")
    return result


def fraction_value(rule_id: str) -> Fraction:
    result = value(rule_id)
    if not isinstance(result, Fraction):
        raise TypeError(f"rule {rule_id!r} is {type(result).__name__}, not Fraction")
    return result


def violation(
    rule_id: str,
    message_zh: str,
    message_en: str,
    *,
    field: str | None = None,
    code: str | None = None,
) -> RuleViolation:
    """A ``RuleViolation`` whose messages end with the rule's citation."""
    rule = get(rule_id)
    return RuleViolation(
        f"{message_zh}（依据{rule.citation_zh}）",
        f"{message_en} ({rule.citation_en})",
        code=code,
        field=field,
        rule=rule_id,
    )


def configure(rule_id: str, new_value: Value) -> Rule:
    """Change a configurable rule's value for this process; return the previous rule."""
    rule = get(rule_id)
    if not rule.configurable:
        raise InvalidInput(
            f"规则{rule_id}是法定要求，不可配置（依据{rule.citation_zh}）",
            f"Rule {rule_id} is statutory and cannot be configured ({rule.citation_en})",
            code="rule_not_configurable",
            rule=rule_id,
        )
    if type(new_value) is not type(rule.value) or new_value < 0:
        raise InvalidInput(
            f"规则{rule_id}的值应为非负{type(rule.value).__name__}，实际为{new_value!r}",
            f"Rule {rule_id} needs a non-negative {type(rule.value).__name__}; got {new_value!r}",
            code="rule_value",
            rule=rule_id,
        )
    _RULES[rule_id] = dataclasses.replace(rule, value=new_value)
    return rule


@contextmanager
def override(rule_id: str, new_value: Value) -> Iterator[Rule]:
    """Temporarily configure a rule (tests and demo scenarios)."""
    previous = configure(rule_id, new_value)
    try:
        yield get(rule_id)
    finally:
        _RULES[rule_id] = previous


def default_value(rule_id: str) -> Value:
    """The value as defined here, before any ``configure()``."""
    get(rule_id)
    return _DEFAULTS[rule_id]


# --- documentation --------------------------------------------------------------------


def _format_value(rule: Rule) -> str:
    number = rule.value
    if isinstance(number, Decimal) and rule.unit == "yuan":
        text = f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,}"
    else:
        text = str(number)
    unit = UNIT_LABELS[rule.unit][1]
    if number == 1 and unit.endswith("s"):
        unit = unit[:-1]
    return f"{text} {unit}".strip()


def to_markdown() -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        "| rule | value | confidence | citation | description |",
        "|---|---|---|---|---|",
    ]
    for rule in sorted(_RULES.values(), key=lambda r: r.id):
        citation = f"{rule.citation_zh}<br>{rule.citation_en}"
        description = f"{rule.description_zh}<br>{rule.description_en}"
        if rule.effective_from:
            description += f"<br>effective from {rule.effective_from.isoformat()}"
        lines.append(
            f"| `{rule.id}` | {cell(_format_value(rule))} | {rule.confidence} | "
            f"{cell(citation)} | {cell(description)} |"
        )
    legend = (
        "Confidence: P checked in the statute text; S quoted by a secondary source; "
        "R recalled, not checked (configurable); C platform configuration."
    )
    return "\n".join([*lines, "", legend])


def main() -> None:
    print(to_markdown())


if __name__ == "__main__":
    main()
