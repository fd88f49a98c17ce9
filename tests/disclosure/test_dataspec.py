"""The national data specification export (datasets 500–513, 519) through the HTTP API: real
trades taken to the contract, every dataset exported, required fields, the unified
transaction identifier, 519 against the bids' fingerprints, who may read what, bad input."""

from __future__ import annotations

import string
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ggzy.accounts.models import Organisation, Role, User
from ggzy.evaluation.models import Member
from ggzy.kernel import clock
from ggzy.portal import dataspec
from ggzy.tendering.models import Bid, Lot
from tests.fixtures.people import organisation, region

from ..awards.flow import AWARDS, candidates, evaluated
from ..evaluation.flow import room
from ..fixtures.tendering import World
from ..tendering.flow import ok, publish, register

API = "/api/v1/dataspec"


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()[:1000]
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["message_zh"] and body["message_en"]
    return body


def _all(client: Any, dataset: int | str, **query: Any) -> list[dict[str, Any]]:
    """Every record, page by page."""
    records: list[dict[str, Any]] = []
    after = None
    while True:
        params = query | ({"after": after} if after else {})
        body = ok(client.get(f"{API}/{dataset}", params))
        _check_required(body)
        records += body["records"]
        after = body["next_after"]
        if after is None:
            return records


# Required fields that may be empty because the trade's own data is, as docs/data-spec.md
# lists them: the trading system's number until configured; an agent's fields in a self-run
# tender; e-mail addresses not registered; qualification checks before the evaluation method
# is set; clarification fields of the first tender document; the evaluation's venue mode
# before it starts; ID numbers until the evaluation is complete (and representatives may have
# none); the end of an evaluation not yet signed; scores the region does not publish; a
# machine's unreadable disk or memory serial; the project manager procurement sheets lack.
AGENT = {"TENDER_AGENCY_NAME", "TENDER_AGENCY_CODE_TYPE", "TENDER_AGENCY_CODE"}
MAY_BE_EMPTY = {
    501: {"TRADE_SYSTEM_NO", "TENDER_AGENCY_ROLE", "TENDER_AGENCY_REGION_CODE", *AGENT},
    502: {"BID_QUALIFICATION"},
    503: {"TENDERER_EMAIL"},
    504: {"BID_QUALIFICATION", "CLARIFY_TIME", "CLARIFY_CONTENT", "EVALUATION_TYPE"},
    505: {"BID_QUALIFICATION"},
    507: {"BID_MANAGER"},
    508: {"ID_CARD", "ID_CARD_TYPE"},
    509: {"END_TIME"},
    510: {"EVALUATION_RESULT"},
    513: {"PROJECT_LEAD", "TENDER_AGENCY_CODE"},
    519: {"HARD_DISK_SERIAL_NUMBER", "MEMORY_SERIAL_NUMBER"},
}


def _check_required(body: dict[str, Any]) -> None:
    """Every record carries every field, in the specification's order; the required ones
    are filled unless the platform has no such data (``Absent``, listed in the docs)."""
    found = dataspec.get_dataset(body["dataset"])
    absent = {c for c, s in found.fields.items() if isinstance(s, dataspec.Absent)}
    absent |= MAY_BE_EMPTY.get(found.number, set())
    codes = [f.code for f in found.spec.fields]
    for record in body["records"]:
        assert list(record) == codes
        empty = [
            f.code
            for f in found.spec.fields
            if f.required and f.code not in absent and record[f.code] in (None, "")
        ]
        assert not empty, (found.number, empty)


def _empty_required(number: int, records: list[dict[str, Any]]) -> set[str]:
    """The required fields empty in some record, beyond those the platform never has."""
    found = dataspec.DATASETS[number]
    return {
        f.code
        for f in found.spec.fields
        for record in records
        if f.required
        and not isinstance(found.fields[f.code], dataspec.Absent)
        and record[f.code] is None
    }


def _contracted(
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    *,
    gp: bool = False,
) -> Any:
    """A lot taken from the notice to the signed contract."""
    r = evaluated(world, manual_clock, tmp_path, verified_client, gp=gp)
    lot, agent, initiator = r.lot_id, world.agent.client, world.initiator.client
    if not gp:
        ends = (clock.now() + timedelta(days=3)).isoformat()
        ok(_post(agent, f"{AWARDS}/lots/{lot}/publicity", {"ends_at": ends}), 201)
        manual_clock.advance(timedelta(days=3, minutes=1))
    state = ok(_post(initiator, f"{AWARDS}/lots/{lot}/award", {"bid": candidates(r)[0]}), 201)
    today = clock.now().astimezone(clock.SHANGHAI).date().isoformat()
    contract = {
        "number": "HT-2026-001",
        "amount": state["award"]["amount"],
        "signed_on": today,
        "duration": "365日历天",
    }
    ok(_post(agent, f"{AWARDS}/lots/{lot}/contract", contract), 201)
    return r


def test_every_dataset_maps_exactly_the_specification_fields() -> None:
    tables = dataspec.spec_tables()
    assert sorted(tables) == [*range(500, 514), 519]
    assert sorted(dataspec.DATASETS) == sorted(tables)
    for number, found in dataspec.DATASETS.items():
        codes = [f.code for f in tables[number].fields]
        assert len(codes) == len(set(codes))
        assert set(found.fields) == set(codes), number
    section = tables[502]
    assert section.table == "SECTION"
    udc = next(f for f in section.fields if f.code == "UNIFIED_DEAL_CODE")
    assert udc.required and udc.name_zh == "统一交易标识码"
    mode = next(f for f in section.fields if f.code == "BID_TENDER_MODE")
    assert mode.domain == "1000"
    created = section.fields[-1]  # ASCII brackets inside the name: 标段(包)建立时间
    assert (created.code, created.name_zh, created.required) == (
        "CREATE_TIME",
        "标段(包)建立时间",
        True,
    )
    assert {n for n, d in dataspec.DATASETS.items() if not d.public} == {507, 508, 509, 519}


@given(st.text(alphabet=string.digits + "JGZC", min_size=23, max_size=23), st.data())
def test_check_character_catches_any_single_substitution(body: str, data: Any) -> None:
    code = body + dataspec.check_character(body)
    assert dataspec.check_character(code[:-1]) == code[-1]
    where = data.draw(st.integers(0, 23))
    alphabet = string.digits + string.ascii_uppercase
    other = data.draw(st.sampled_from([c for c in alphabet if c != code[where]]))
    wrong = code[:where] + other + code[where + 1 :]
    assert dataspec.check_character(wrong[:-1]) != wrong[-1]


def test_works_trade_exported(
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    settings: Any,
    client: Any,
) -> None:
    settings.GGZY_TRADE_SYSTEM_CODE = "T43000000001"
    r = _contracted(world, manual_clock, tmp_path, verified_client)
    lot = Lot.objects.select_related("project").get(pk=r.lot_id)
    project = lot.project
    supervisor = verified_client(world.supervisor)
    public = {
        n: _all(client, n, project=project.code)
        for n, found in dataspec.DATASETS.items()
        if found.public
    }
    exchange = {n: _all(supervisor, n, project=project.code) for n in dataspec.DATASETS}

    # Every dataset has records for a trade taken to the contract (505: an open tender has
    # no invitation).
    assert {n for n, rows in exchange.items() if not rows} == {505}
    assert {n for n, rows in public.items() if not rows} == {505}

    # One identifier per lot, well formed, the same everywhere and on every call.
    udc = exchange[502][0]["UNIFIED_DEAL_CODE"]
    assert dataspec.is_unified_deal_code(udc)
    assert udc == dataspec.unified_deal_code(lot)
    assert udc.startswith(f"{project.region_id}{project.fiscal_year}JG{project.pk:08d}001")
    assert _all(client, 502, lot=lot.code)[0]["UNIFIED_DEAL_CODE"] == udc
    for number, rows in exchange.items():
        for row in rows:
            codes = {row[k] for k in ("UNIFIED_DEAL_CODE", "UNIFIED_DEAL_CODES") if k in row}
            # 500 has no such field; 501 leaves it empty: the identifier belongs to lots.
            assert codes == {500: set(), 501: {None}}.get(number, {udc}), number

    # In a works trade run by an agent, only these required fields are empty beyond those the
    # platform never has: no e-mail registered, a first document that clarifies nothing, the
    # initiator's representative without a registered ID, machines without readable serials.
    assert {n: _empty_required(n, rows) for n, rows in exchange.items()} == {
        n: set() for n in exchange
    } | {
        503: {"TENDERER_EMAIL"},
        504: {"CLARIFY_TIME", "CLARIFY_CONTENT"},
        508: {"ID_CARD", "ID_CARD_TYPE"},
        519: {"HARD_DISK_SERIAL_NUMBER", "MEMORY_SERIAL_NUMBER"},
    }

    # What the records say.
    assert exchange[500][0]["PROJECT_CODE"] == project.code
    assert exchange[502][0]["BID_QUALIFICATION"] == "营业执照与资质证书有效"
    assert exchange[500][0]["CONTACT_INFORMATION"] == "13800138000"
    assert public[500][0]["CONTACT_INFORMATION"] == "138****8000"  # masked for the public
    tender = exchange[501][0]
    assert tender["TENDER_MODE"] == "公开招标" and tender["TENDERER_ROLE"] == "招标人"
    assert tender["TRADE_SYSTEM_NO"] == "T43000000001"
    assert tender["IS_TO_LAW"] is True
    assert exchange[503][0]["NOTICE_NAME"].endswith("招标/采购公告")
    assert exchange[503][0]["BULLETIN_TYPE"] == "招标公告"
    assert exchange[503][0]["URL"].startswith("http://testserver/")
    assert exchange[506][0]["OPEN_COMPERE"]
    bids = list(Bid.objects.filter(lot=lot).select_related("entity").order_by("pk"))
    assert [row["BIDDER_NAME"] for row in exchange[507]] == [b.entity.name for b in bids]
    assert [row["BID_PRICE"] for row in exchange[507]] == [b.price_sheet["price"] for b in bids]
    assert all(row["IS_COMMIT_MARGIN"] is True for row in exchange[507])
    members = Member.objects.filter(evaluation__lot=lot, replaced_at__isnull=True)
    assert sorted(row["EXPERT_NAME"] for row in exchange[508]) == sorted(m.name for m in members)
    experts = [row for row in exchange[508] if row["EXPERT_TYPE"] == "评标专家"]
    assert len(experts) == 4 and all(len(row["ID_CARD"]) == 18 for row in experts)
    assert sum(row["IS_CHAIR_MAN"] for row in exchange[508]) == 1
    assert exchange[509][0]["EVALUATION_RESULT"] == "推荐中标候选人"
    ranked = [row["WIN_CANDIDATE_ORDER"] for row in public[510]]
    assert ranked == [1, 2, 3]
    assert public[510][0]["EVALUATION_RESULT"] is not None  # the publicity shows scores
    assert public[511][0]["FIRST_BIDDER_NAME"] == public[510][0]["WIN_CANDIDATE_NAME"]
    assert public[512][0]["CONTRACT_CODE"] == "HT-2026-001"
    assert public[513][0]["WIN_BIDDER_NAME"] == public[510][0]["WIN_CANDIDATE_NAME"]
    assert public[513][0]["BULLETIN_TYPE"] == "中标结果公告"
    assert public[513][0]["PROJECT_LEAD"] == "张工"

    # 519 is the bids' machine fingerprints, every bid received.
    assert len(exchange[519]) == len(bids)
    for row, bid in zip(exchange[519], bids, strict=True):
        fp = bid.fingerprint
        assert row["BIDDER_ORG_CODE"] == bid.entity.uscc
        assert row["CPU_ID"] == fp["cpu_id"]
        assert row["MAC_ADDRESS"] == fp["mac"]
        assert row["NET_ID"] == fp["ip"]
        assert row["HARD_DISK_SERIAL_NUMBER"] == (fp["disk_serial"] or None)
        assert row["MEMORY_SERIAL_NUMBER"] == (fp["memory_serial"] or None)
        assert f"<CREATOR_ID>{fp['creator_id']}</CREATOR_ID>" in row["MAKE_TOOL_XML"]
        assert row["BID_DOCUMENT_MD5"] == bid.ciphertext_digest
        assert row["BID_DOCUMENT_SIDE"] == bid.size

    # The exchange datasets are not for the public, nor for centre staff or bidders.
    for number in (507, 508, 509, 519):
        _error(client.get(f"{API}/{number}", {"project": project.code}), 401, "unauthenticated")
        staff = verified_client(world.centre_staff)
        _error(staff.get(f"{API}/{number}"), 403, "restricted_dataset")
        _error(world.bidders[0].client.get(f"{API}/{number}"), 403, "restricted_dataset")

    # Keyset pages: one record at a time gives the same records in the same order.
    assert _all(supervisor, 507, project=project.code, limit=1) == exchange[507]
    assert _all(client, 510, lot=lot.code, limit="2") == public[510]


def test_procurement_lot_through_the_same_datasets(
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    client: Any,
) -> None:
    r = _contracted(world, manual_clock, tmp_path, verified_client, gp=True)
    lot = Lot.objects.select_related("project").get(pk=r.lot_id)
    code = lot.project.code
    udc = ok(client.get(f"{API}/502", {"lot": lot.code}))["records"][0]["UNIFIED_DEAL_CODE"]
    assert dataspec.is_unified_deal_code(udc) and udc[10:12] == "ZC"
    tender = _all(client, "TENDER_PROJECT", project=code)[0]
    assert tender["TENDERER_ROLE"] == "采购人" and tender["TENDER_AGENCY_ROLE"] == "采购代理机构"
    # GP candidates are not published on their own: the public sees the result, the
    # supervisors the ranking.
    assert _all(client, 510, project=code) == []
    assert len(_all(verified_client(world.supervisor), 510, project=code)) == 3
    result = _all(client, 513, project=code)[0]
    assert result["BULLETIN_TYPE"] == "成交结果公告" and result["UNIFIED_DEAL_CODE"] == udc
    assert _all(client, 512, project=code)[0]["BIDDER_NAME"] == result["WIN_BIDDER_NAME"]
    supervisor = verified_client(world.supervisor)
    assert all(row["BID_MANAGER"] is None for row in _all(supervisor, 507, project=code))


def test_expert_ids_only_after_the_evaluation(
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    admin_client: Any,
) -> None:
    r = room(world, manual_clock, tmp_path, verified_client)
    lot = Lot.objects.get(pk=r.lot_id)
    rows = _all(admin_client, 508, lot=lot.code)
    assert sorted(row["EXPERT_NAME"] for row in rows) == sorted(p.name for p in r.people)
    assert all(row["ID_CARD"] is None for row in rows)  # sealed until complete
    assert _all(admin_client, 509, lot=lot.code) == []  # no report yet
    assert _all(admin_client, 510, lot=lot.code) == []
    assert _all(admin_client, 507, lot=lot.code)  # opened: the bidders are known
    assert _all(verified_client(world.supervisor), 519, lot=lot.code)


@pytest.mark.usefixtures("world")
def test_bad_input_is_refused_with_json(client: Any, admin_client: Any) -> None:
    listing = ok(client.get(f"{API}/datasets"))
    assert [d["number"] for d in listing["datasets"]] == [*range(500, 514), 519]
    assert {d["number"] for d in listing["datasets"] if not d["public"]} == {507, 508, 509, 519}
    assert listing["unified_deal_code"]["verified"] is False
    fields = {f["code"]: f for f in listing["datasets"][2]["fields"]}
    assert fields["UNIFIED_DEAL_CODE"]["required"] is True
    assert fields["BEGIN_DATE"]["source"].startswith("无：")

    _error(client.get(f"{API}/599"), 404, "unknown_dataset")
    _error(client.get(f"{API}/NOPE"), 404, "unknown_dataset")
    _error(client.get(f"{API}/502", {"project": "X", "lot": "Y"}), 400, "bad_query")
    for after in ("abc", "1", "1-", "-1-2", "1-2-3"):
        _error(client.get(f"{API}/502", {"after": after}), 400, "bad_query")
    for limit in ("0", "501", "ten", "-1", "1.5"):
        _error(client.get(f"{API}/502", {"limit": limit}), 400, "bad_query")
    _error(client.get(f"{API}/502", {"project": " "}), 400, "bad_query")
    _error(client.get(f"{API}/502", {"project": "NO-SUCH"}), 404, "project_not_found")
    _error(admin_client.get(f"{API}/519", {"lot": "NO-SUCH"}), 404, "lot_not_found")
    assert ok(client.get(f"{API}/SECTION"))["records"] == []
    assert (
        ok(client.get(f"{API}/502", {"after": "999999999999999999-0", "limit": "500"}))[
            "next_after"
        ]
        is None
    )
    # A bad token is the public, not an error.
    response = client.get(f"{API}/500", headers={"Authorization": "Bearer nonsense"})
    assert ok(response)["count"] == 0


def test_before_the_opening(world: World, client: Any, verified_client: Any) -> None:
    """Unpublished trades are the supervisors' only; an invitation tender's notice is 505;
    nobody learns who bid before the opening."""
    project = ok(register(world, procedure="works_invite_post"), 201)["project"]
    code = project["code"]
    _error(client.get(f"{API}/500", {"project": code}), 404, "project_not_found")
    supervisor = verified_client(world.supervisor)
    rows = _all(supervisor, 502, project=code)
    assert [row["BID_SECTION_CODE"] for row in rows] == [project["lots"][0]["code"]]
    ok(publish(world, project["id"]), 201)
    assert _all(client, 500, project=code)[0]["PROJECT_CODE"] == code
    assert _all(client, 503, project=code) == []  # no public tender notice
    invitation = _all(client, 505, project=code)
    assert [row["BID_INVITE_ISSUE_NATURE"] for row in invitation] == ["正常公告"]
    assert invitation[0]["UNIFIED_DEAL_CODE"] == rows[0]["UNIFIED_DEAL_CODE"]
    assert _all(client, 501, project=code)[0]["TENDER_MODE"] == "邀请招标"
    assert _all(supervisor, 507, project=code) == []  # not opened: no bidders
    assert _all(supervisor, 519, project=code) == []
    # Exchange callers see their own region only.
    guangdong = region("440000", "广东省")
    audit = organisation(Organisation.Kind.OVERSIGHT, "广东省审计厅", guangdong, level="province")
    auditor = User.objects.create_user(
        username="gd-audit", password=None, role=Role.OVERSIGHT, organisation=audit
    )
    _error(verified_client(auditor).get(f"{API}/519", {"project": code}), 404, "project_not_found")
