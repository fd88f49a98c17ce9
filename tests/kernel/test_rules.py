import subprocess
import sys
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import get_args

import pytest

from ggzy.kernel import rules
from ggzy.kernel.errors import InvalidInput, RuleViolation

# Every numbered rule of RULES.md §1–§5 (and the Xiangxi seed's) must be in the registry.
EXPECTED = {
    "works.must_tender.construction_min_yuan": Decimal(4_000_000),
    "works.must_tender.goods_min_yuan": Decimal(2_000_000),
    "works.must_tender.services_min_yuan": Decimal(1_000_000),
    "works.voluntary_entry_min_yuan": Decimal(1_000_000),
    "works.doc_sale_min_days": 5,
    "works.prequal_application_min_days": 5,
    "works.tender_period_min_days": 20,
    "works.clarification_min_days_before_deadline": 15,
    "works.prequal_clarification_min_days_before_deadline": 3,
    "works.objection_prequal_min_days_before_deadline": 2,
    "works.objection_tender_docs_min_days_before_deadline": 10,
    "works.objection_answer_max_days": 3,
    "works.bid_deposit_max_percent": Decimal(2),
    "works.deposit_refund_on_withdrawal_max_days": 5,
    "works.deposit_refund_after_contract_max_days": 5,
    "works.performance_bond_max_percent": Decimal(10),
    "works.min_bidders": 3,
    "works.min_prequalified": 3,
    "works.invitation_min_invitees": 3,
    "works.panel_min_members": 5,
    "works.panel_expert_min_fraction": Fraction(2, 3),
    "works.expert_min_years": 8,
    "works.max_candidates": 3,
    "works.candidate_publicity_start_max_days": 3,
    "works.candidate_publicity_min_days": 3,
    "works.candidate_objection_answer_max_days": 3,
    "works.contract_max_days": 30,
    "works.report_max_days": 15,
    "works.complaint_max_days": 10,
    "works.complaint_acceptance_max_working_days": 3,
    "works.complaint_ruling_max_working_days": 30,
    "gp.tender_period_min_days": 20,
    "gp.tender_docs_available_min_working_days": 5,
    "gp.clarification_min_days_before_deadline": 15,
    "gp.prequal_min_working_days": 5,
    "gp.consultation_response_min_days": 10,
    "gp.consultation_docs_available_min_working_days": 5,
    "gp.consultation_clarification_min_days_before": 5,
    "gp.negotiation_min_working_days": 3,
    "gp.inquiry_min_working_days": 3,
    "gp.single_source_publicity_min_working_days": 5,
    "gp.tender_panel_min_members": 5,
    "gp.tender_panel_expert_min_fraction": Fraction(2, 3),
    "gp.large_tender_panel_min_members": 7,
    "gp.large_tender_budget_min_yuan": Decimal(10_000_000),
    "gp.non_tender_panel_min_members": 3,
    "gp.non_tender_panel_expert_min_fraction": Fraction(2, 3),
    "gp.non_tender_min_suppliers": 3,
    "gp.price_weight_goods_min_percent": Decimal(30),
    "gp.price_weight_services_min_percent": Decimal(10),
    "gp.consultation_price_weight_goods_min_percent": Decimal(30),
    "gp.consultation_price_weight_goods_max_percent": Decimal(60),
    "gp.consultation_price_weight_services_min_percent": Decimal(10),
    "gp.consultation_price_weight_services_max_percent": Decimal(30),
    "gp.challenge_max_working_days": 7,
    "gp.challenge_answer_max_working_days": 7,
    "gp.complaint_max_working_days": 15,
    "gp.complaint_ruling_max_working_days": 30,
    "gp.suspension_max_days": 30,
    "gp.bid_deposit_max_percent": Decimal(2),
    "gp.deposit_refund_max_working_days": 5,
    "gp.evaluation_report_max_working_days": 2,
    "gp.award_pick_max_working_days": 5,
    "gp.result_publication_max_working_days": 2,
    "gp.contract_max_days": 30,
    "gp.contract_publication_max_working_days": 2,
    "gp.records_retention_min_years": 15,
    "gp.tender_min_suppliers": 3,
    "gp.single_source_min_suppliers": 1,
    "gp.open_tender_min_yuan": Decimal(4_000_000),
    "gp.deposit_refund_on_withdrawal_max_working_days": 5,
    "gp.deposit_refund_on_termination_max_working_days": 5,
    "deposits.transfer_from_basic_account": 1,
    "deposits.before_bid_deadline": 1,
    "deposits.guarantee_covers_bid_deadline": 1,
    "deposits.refund_on_termination_max_days": 5,
    "land.announcement_min_days": 20,
    "land.listing_min_days": 10,
    "land.auction_calls_to_close": 3,
    "auctions.timed_period_seconds": 300,
    "auctions.pre_emption_window_hours": 24,
    "mining.announcement_min_working_days": 20,
    "other.announcement_min_working_days": 10,
    "mining.auction_min_bidders": 3,
    "mining.listing_min_working_days": 10,
    "mining.result_publicity_min_working_days": 10,
    "property.equity_disclosure_min_working_days": 20,
    "property.pre_disclosure_min_working_days": 20,
    "property.capital_increase_disclosure_min_working_days": 40,
    "property.asset_transfer_disclosure_min_working_days": 10,
    "etender.decryption_window_minutes": 30,
    "experts.draw_min_hours_before_opening": 3,
    "experts.avoid_interested_employer": 1,
    "experts.avoid_supervisor_staff": 1,
    "experts.avoid_declared_conflict": 1,
    "experts.one_per_employer": 1,
    "experts.avoid_same_initiator_days": 90,
    "experts.assembly_max_hours_after_opening": 1,
    "credit.exchange_max_working_days": 7,
    "evaluation.divergence_max_fraction": Fraction(3, 10),
    "gp.challenge_pauses_contract": 1,
}


@pytest.mark.parametrize(("rule_id", "expected"), sorted(EXPECTED.items()))
def test_rule_values(rule_id: str, expected: object) -> None:
    rule = rules.get(rule_id)
    assert rule.value == expected
    assert type(rule.value) is type(expected)


def test_registry_is_exactly_the_expected_rules() -> None:
    assert set(rules.RULES) == set(EXPECTED)


def test_units_and_confidences() -> None:
    assert rules.get("works.tender_period_min_days").unit == "days"
    assert rules.get("gp.challenge_max_working_days").unit == "working_days"
    assert rules.get("works.must_tender.construction_min_yuan").unit == "yuan"
    assert rules.get("works.panel_expert_min_fraction").unit == "fraction"
    assert rules.get("works.tender_period_min_days").confidence == "P"
    assert rules.get("works.must_tender.construction_min_yuan").confidence == "S"
    assert rules.get("land.announcement_min_days").confidence == "R"
    assert rules.get("etender.decryption_window_minutes").confidence == "C"
    assert rules.get("works.must_tender.construction_min_yuan").effective_from == date(2018, 6, 1)


@pytest.mark.parametrize("rule", list(rules.RULES.values()), ids=lambda r: r.id)
def test_every_rule_is_complete(rule: rules.Rule) -> None:
    assert rule.unit in get_args(rules.Unit)
    assert rule.confidence in get_args(rules.Confidence)
    assert rule.value > 0
    assert isinstance(rule.value, int | Decimal | Fraction)
    assert not isinstance(rule.value, bool)
    assert rule.citation_zh.startswith(("《", "湘西", "网上", "平台"))
    assert rule.citation_en
    assert rule.description_zh
    assert rule.description_en
    if rule.unit in ("yuan", "percent"):
        assert isinstance(rule.value, Decimal)
    if rule.unit == "fraction":
        assert isinstance(rule.value, Fraction)
    if rule.confidence == "R":
        assert rule.configurable
        assert "凭记忆，未经核对；可配置" in rule.description_zh
        assert "recalled, not checked; configurable" in rule.description_en
    if rule.confidence == "C":
        assert rule.configurable
        assert "not a statute" in rule.description_en


def test_citations_name_the_article() -> None:
    rule = rules.get("works.tender_period_min_days")
    assert rule.citation_zh == "《招标投标法》第二十四条"
    assert rule.citation_en == "Tendering Law Art 24"
    rule = rules.get("works.clarification_min_days_before_deadline")
    assert rule.citation_zh == "《招标投标法》第二十三条；《招标投标法实施条例》第二十一条"
    assert rules.get("gp.non_tender_panel_min_members").citation_en.endswith("Arts 38, 40")
    assert rules.get("works.doc_sale_min_days").citation_zh.endswith("第十六条")
    assert rules.get("gp.complaint_max_working_days").citation_zh.endswith("第五十五条")


def test_violation_cites_the_rule() -> None:
    err = rules.violation(
        "works.tender_period_min_days",
        "投标截止时间距招标文件发出不足20日",
        "The bid deadline is less than 20 days after the documents were issued",
        field="bid_deadline",
    )
    assert isinstance(err, RuleViolation)
    assert err.message_zh == "投标截止时间距招标文件发出不足20日（依据《招标投标法》第二十四条）"
    assert err.message_en.endswith("were issued (Tendering Law Art 24)")
    assert err.rule == "works.tender_period_min_days"
    assert err.field == "bid_deadline"
    assert err.code == "rule_violation"
    assert err.as_dict()["rule"] == "works.tender_period_min_days"


def test_typed_accessors() -> None:
    assert rules.int_value("works.min_bidders") == 3
    assert rules.decimal_value("works.bid_deposit_max_percent") == Decimal(2)
    assert rules.fraction_value("works.panel_expert_min_fraction") == Fraction(2, 3)
    assert rules.value("works.max_candidates") == 3
    with pytest.raises(TypeError):
        rules.int_value("works.bid_deposit_max_percent")
    with pytest.raises(KeyError, match=r"no\.such\.rule"):
        rules.get("no.such.rule")


def test_statutory_rules_cannot_be_configured() -> None:
    with pytest.raises(InvalidInput) as caught:
        rules.configure("works.tender_period_min_days", 10)
    assert caught.value.code == "rule_not_configurable"
    assert rules.value("works.tender_period_min_days") == 20


def test_configurable_rules_can_be_overridden_and_restored() -> None:
    with rules.override("auctions.timed_period_seconds", 60) as rule:
        assert rule.value == 60
        assert rules.value("auctions.timed_period_seconds") == 60
        assert rules.default_value("auctions.timed_period_seconds") == 300
    assert rules.value("auctions.timed_period_seconds") == 300
    with pytest.raises(InvalidInput) as caught:
        rules.configure("auctions.timed_period_seconds", Decimal(60))
    assert caught.value.code == "rule_value"
    with pytest.raises(InvalidInput):
        rules.configure("auctions.timed_period_seconds", -1)


def test_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        rules.RULES["x"] = rules.get("works.min_bidders")  # type: ignore[index]


def test_markdown_table_lists_every_rule() -> None:
    table = rules.to_markdown()
    for rule_id in rules.RULES:
        assert f"`{rule_id}`" in table
    assert "| `works.must_tender.construction_min_yuan` | 4,000,000 yuan | S |" in table


def test_module_prints_the_table() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ggzy.kernel.rules"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("| rule | value |")
    assert "`gp.records_retention_min_years` | 15 years | P" in result.stdout
