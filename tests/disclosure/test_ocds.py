"""OCDS 1.1 open data: real trades exported through /api/v1/ocds and checked with the two
validators the issue names — jsonschema (draft 4, the OCDS package schemas with the release
schema resolved locally) and the libcoveocds CLI with the offline standard zip: no
validation error, no value outside a closed codelist."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from ggzy.core.scheduler import run_due
from ggzy.demo.full_tender import full_tender
from ggzy.demo.load import load
from ggzy.entities.models import EntityKind, EntityStatus, MarketEntity
from ggzy.evaluation.models import Member
from ggzy.kernel import clock
from ggzy.kernel.ids import make_resident_id
from ggzy.portal import ocds
from ggzy.tendering import procedures
from ggzy.tendering.models import Project

from ..awards.flow import AWARDS, candidates, evaluated
from ..fixtures.tendering import World
from ..tendering.flow import WORKS_SHEET, ok, publish, register, release, seal, upload

OCDS = "/api/v1/ocds"
TENDERING = "/api/v1/tendering"
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "ocds"  # see its README.md
STANDARD_ZIP = REFERENCE / "standard-1__1__5-schema.zip"
CODELISTS = REFERENCE / "codelists"

# The fields of the two extensions the export uses, transcribed from the bids and lots
# extensions' release-schema.json (Apache 2.0, Open Contracting Partnership) so that their
# part of the data is checked offline too. Closed to other fields on purpose: the export
# uses no field the extensions do not define.
_NULLABLE_STRING = {"type": ["string", "null"]}
_RELATED_LOTS = {"type": ["array", "null"], "items": {"type": "string"}}
EXTENSION_PATCH: dict[str, Any] = {
    "properties": {"bids": {"$ref": "#/definitions/Bids"}},
    "definitions": {
        "Bids": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "details": {"type": "array", "items": {"$ref": "#/definitions/Bid"}},
            },
        },
        "Bid": {
            "type": "object",
            "required": ["id"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string"},
                "date": {"type": ["string", "null"], "format": "date-time"},
                "status": {
                    "type": ["string", "null"],
                    "enum": ["invited", "pending", "valid", "disqualified", "withdrawn", None],
                },
                "tenderers": {
                    "type": "array",
                    "items": {"$ref": "#/definitions/OrganizationReference"},
                },
                "value": {"$ref": "#/definitions/Value"},
                "relatedLots": _RELATED_LOTS,
            },
        },
        "Lot": {
            "type": "object",
            "required": ["id"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string"},
                "title": _NULLABLE_STRING,
                "description": _NULLABLE_STRING,
                "status": {
                    "type": ["string", "null"],
                    "enum": [
                        "planning",
                        "planned",
                        "active",
                        "cancelled",
                        "unsuccessful",
                        "complete",
                        "withdrawn",
                        None,
                    ],
                },
                "value": {"$ref": "#/definitions/Value"},
            },
        },
        "Tender": {
            "properties": {"lots": {"type": "array", "items": {"$ref": "#/definitions/Lot"}}}
        },
        "Award": {"properties": {"relatedLots": _RELATED_LOTS}},
        "Document": {"properties": {"relatedLots": _RELATED_LOTS}},
    },
}
# Where libcoveocds, offline, finds fields that only the extensions define (relative to a
# release): with the extensions fetched, they are schema fields.
EXTENSION_FIELDS = {
    ("", "bids"),
    ("/tender", "lots"),
    ("/tender/documents", "relatedLots"),
    ("/awards", "relatedLots"),
}


# --- validators ----------------------------------------------------------------------------


def _schema(name: str) -> dict[str, Any]:
    assert REFERENCE.is_dir(), f"the OCDS reference schemas are expected at {REFERENCE}"
    schema: dict[str, Any] = json.loads((REFERENCE / name).read_text())
    return schema


def _patched(schema: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """JSON Merge Patch (RFC 7386), as extensions are applied to the release schema."""
    result = dict(schema)
    for key, value in patch.items():
        current = result.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            result[key] = _patched(current, value)
        else:
            result[key] = value
    return result


@cache
def _validator(package: str, extended: bool) -> Draft4Validator:
    release = _schema("release-schema.json")
    if extended:
        release = _patched(release, EXTENSION_PATCH)
    registry: Registry = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4)
    )
    return Draft4Validator(
        _schema(package), registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER
    )


def check_schema(data: dict[str, Any]) -> None:
    """Valid against the OCDS 1.1.5 package schema, with and without the extensions' fields
    (formats checked: date-time, uri)."""
    package = "record-package-schema.json" if "records" in data else "release-package-schema.json"
    for extended in (False, True):
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator(package, extended).iter_errors(data)
        ]
        assert errors == [], "\n".join(errors[:20])


# libcoveocds 0.17 dereferences the record package schema with jsonref, which fetches the
# versioned-release schema it names from standard.open-contracting.org: offline, the CLI
# stops on a record package with this error (release packages work fully offline).
OFFLINE_RECORD_ERROR = "versioned-release-validation-schema.json"


def cove(data: dict[str, Any], tmp_path: Path, name: str) -> dict[str, Any] | None:
    """The libcoveocds CLI on the package, offline with the standard zip; None when the CLI
    cannot check a record package offline (see ``OFFLINE_RECORD_ERROR``)."""
    file = tmp_path / f"{name}.json"
    file.write_text(ocds.dumps(data), encoding="utf-8")
    exe = Path(sys.executable).with_name("libcoveocds")
    done = subprocess.run(
        [str(exe), "--standard-zip", str(STANDARD_ZIP), str(file)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0 and "records" in data and OFFLINE_RECORD_ERROR in done.stderr:
        return None
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _release_path(path: str) -> str:
    for prefix in ("/records/compiledRelease", "/records/releases", "/releases"):
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def check_cove(data: dict[str, Any], tmp_path: Path, name: str) -> None:
    result = cove(data, tmp_path, name)
    if result is None:
        # Offline, the record's releases and compiled release go to the CLI as a release
        # package; the record package's own structure is checked by jsonschema.
        record_releases = [
            release
            for record in data["records"]
            for release in (*record["releases"], record["compiledRelease"])
        ]
        package = {k: v for k, v in data.items() if k not in {"records", "packages"}}
        result = cove(package | {"releases": record_releases}, tmp_path, f"{name}-contents")
    assert result is not None
    assert result["validation_errors"] == [], json.dumps(result["validation_errors"])[:3000]
    assert result["additional_closed_codelist_values"] == {}
    assert "conformance_errors" not in result
    assert result.get("additional_checks", {}) == {}, result["additional_checks"]  # no empties
    assert result["version_used"] == "1.1"
    # Offline the declared extensions cannot be fetched, so their fields are reported as
    # additional fields: these must be exactly the extensions' fields, nothing of our own.
    assert set(result["extensions"]["invalid_extension"]) <= set(ocds.EXTENSIONS)
    extra = {(_release_path(f["path"]), f["field"]) for f in result["additional_fields"]}
    extra.discard(("", "links"))  # pagination links on a listing page (OCDS API convention)
    assert extra <= EXTENSION_FIELDS, extra


def check(data: dict[str, Any], tmp_path: Path, name: str) -> None:
    check_schema(data)
    check_cove(data, tmp_path, name)


# --- the API, mounted ----------------------------------------------------------------------


@pytest.fixture
def public() -> Client:
    """An anonymous client: the OCDS API needs no login."""
    return Client()


def parse(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()[:2000]
    assert response["Content-Type"].startswith("application/json")
    # Decimals, so that amounts written back for the CLI are the exact numbers served.
    data: dict[str, Any] = json.loads(response.content, parse_float=Decimal)
    return data


def get_json(client: Client, url: str, status: int = 200) -> dict[str, Any]:
    return parse(client.get(url), status)


# --- trades --------------------------------------------------------------------------------


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def works_to_completion(
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    after_award: Callable[[int], object] = lambda project_id: None,
) -> Any:
    """A works trade through publicity, award, contract and two performance reports (the
    second completes the contract); ``after_award`` is called with the project id once the
    award is out."""
    r = evaluated(world, manual_clock, tmp_path, verified_client)
    lot, agent, initiator = r.lot_id, world.agent.client, world.initiator.client
    ends = (clock.now() + timedelta(days=3)).isoformat()
    ok(_post(agent, f"{AWARDS}/lots/{lot}/publicity", {"ends_at": ends}), 201)
    manual_clock.advance(timedelta(days=3, minutes=1))
    award = ok(_post(initiator, f"{AWARDS}/lots/{lot}/award", {"bid": candidates(r)[0]}), 201)
    after_award(r.project_id)
    today = clock.today().isoformat()
    contract = {
        "number": "HT-2026-001",
        "amount": award["award"]["amount"],
        "signed_on": today,
        "duration": "365日历天",
    }
    ok(_post(agent, f"{AWARDS}/lots/{lot}/contract", contract), 201)
    manual_clock.advance(timedelta(days=30))
    report = {"reported_on": clock.today().isoformat(), "progress": "主体结构完成30%"}
    ok(_post(agent, f"{AWARDS}/lots/{lot}/performance", report | {"paid": "1000000.00"}), 201)
    manual_clock.advance(timedelta(days=30))
    report = {"reported_on": clock.today().isoformat(), "progress": "竣工验收合格"}
    body = report | {"paid": award["award"]["amount"], "completed": True}
    ok(_post(agent, f"{AWARDS}/lots/{lot}/performance", body), 201)
    return r


def gp_to_contract(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> Any:
    r = evaluated(world, manual_clock, tmp_path, verified_client, gp=True)
    lot, agent, initiator = r.lot_id, world.agent.client, world.initiator.client
    award = ok(_post(initiator, f"{AWARDS}/lots/{lot}/award", {"bid": candidates(r)[0]}), 201)
    contract = {
        "number": "CG-2026-9",
        "amount": award["award"]["amount"],
        "signed_on": clock.today().isoformat(),
        "duration": "30日",
    }
    ok(_post(agent, f"{AWARDS}/lots/{lot}/contract", contract), 201)
    return r


def _ocid(project_id: int) -> str:
    return ocds.ocid_of(Project.objects.get(pk=project_id))


def _all_pages(client: Client, limit: int) -> list[dict[str, Any]]:
    """Every page of the listing, following ``links.next`` (also sent as a Link header)."""
    pages = []
    url: str | None = f"{OCDS}/releases?limit={limit}"
    while url:
        response = client.get(url)
        page = parse(response)
        pages.append(page)
        url = page.get("links", {}).get("next")
        assert response.get("Link") == (f'<{url}>; rel="next"' if url else None)
    return pages


# --- tests ---------------------------------------------------------------------------------


def test_works_and_procurement_trades_pass_both_validators(
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    public: Client,
) -> None:
    # Procurement first: its periods count working days, which the calendar knows for 2026.
    gp = gp_to_contract(world, manual_clock, tmp_path, verified_client)
    gp_ocid = _ocid(gp.project_id)
    snapshots: list[dict[str, Any]] = []

    def snapshot(project_id: int) -> None:
        snapshots.append(get_json(public, f"{OCDS}/releases/{_ocid(project_id)}"))

    works = works_to_completion(world, manual_clock, tmp_path, verified_client, snapshot)
    works_ocid = _ocid(works.project_id)
    for ocid in (works_ocid, gp_ocid):
        releases = get_json(public, f"{OCDS}/releases/{ocid}")
        record = get_json(public, f"{OCDS}/records/{ocid}")
        check(releases, tmp_path, f"releases-{ocid}")
        check(record, tmp_path, f"record-{ocid}")
        assert record["records"][0]["releases"] == releases["releases"]
        assert record["records"][0]["compiledRelease"] == ocds.merge(releases["releases"])
    # A release never changes: those out at the award are the same after the contract.
    after = get_json(public, f"{OCDS}/releases/{works_ocid}")["releases"]
    at_award = snapshots[0]["releases"]
    assert at_award[-1]["tag"] == ["award"] and len(after) > len(at_award)
    assert after[: len(at_award)] == at_award

    # Every page of the listing is a valid package too; the pages hold both trades once.
    pages = _all_pages(public, limit=1)
    assert [p["releases"][0]["ocid"] for p in pages] == sorted([works_ocid, gp_ocid])
    for n, page in enumerate(pages):
        check(page, tmp_path, f"page-{n}")

    compiled = get_json(public, f"{OCDS}/records/{works_ocid}")["records"][0]["compiledRelease"]
    _works_mapping(works, releases=after, compiled=compiled)
    gp_compiled = get_json(public, f"{OCDS}/records/{gp_ocid}")["records"][0]["compiledRelease"]
    assert gp_compiled["tender"]["procurementMethod"] == "open"
    assert gp_compiled["tender"]["mainProcurementCategory"] == "goods"
    assert gp_compiled["tender"]["value"]["amount"] == 9000000  # the published budget
    assert "enquiryPeriod" not in gp_compiled["tender"]  # no objection window in GP
    assert [c["status"] for c in gp_compiled["contracts"]] == ["active"]
    (notice, documents) = gp_compiled["awards"][0]["documents"]  # GP Reg. Art 43
    assert notice["documentType"] == "awardNotice" and documents["format"] == "application/pdf"
    assert public.get(documents["url"].removeprefix("http://testserver")).status_code == 200
    # A trade is read in a fixed number of queries, however many notices it has.
    with CaptureQueriesContext(connection) as queries:
        get_json(public, f"{OCDS}/records/{works_ocid}")
    assert len(queries.captured_queries) <= 16  # no query per notice, bid, lot or attachment
    # Amounts are served as the exact decimals they are.
    text = public.get(f"{OCDS}/records/{gp_ocid}").content.decode()
    assert '"value":{"amount":1700000.00,"currency":"CNY"}' in text


def _works_mapping(r: Any, *, releases: list[dict[str, Any]], compiled: dict[str, Any]) -> None:
    tags = [release["tag"] for release in releases]
    assert tags[0] == ["tender"]
    assert ["award"] in tags and ["contract"] in tags
    assert tags[-2:] == [["implementation"], ["implementationUpdate", "contractTermination"]]
    assert len({release["id"] for release in releases}) == len(releases)
    tender = compiled["tender"]
    assert tender["status"] == "complete"
    assert tender["procurementMethod"] == "open"
    assert tender["procurementMethodDetails"] == procedures.get("works_open_post").label
    assert tender["mainProcurementCategory"] == "works"
    assert tender["awardCriteria"] == "ratedCriteria"
    assert tender["value"] == {"amount": 9000000, "currency": "CNY"}  # the ceiling price
    assert tender["tenderPeriod"]["endDate"] > tender["enquiryPeriod"]["endDate"]
    assert tender["numberOfTenderers"] == 5
    assert [lot["status"] for lot in tender["lots"]] == ["complete"]
    roles = {p["name"]: p["roles"] for p in compiled["parties"]}
    assert roles["湖南省第一人民医院"] == ["buyer", "payer"]
    assert roles["湖南招标代理有限公司"] == ["procuringEntity"]
    assert roles["湖南省住房和城乡建设厅"] == ["reviewBody"]
    award = compiled["awards"][0]
    winner = next(p for p in compiled["parties"] if p["id"] == award["suppliers"][0]["id"])
    assert winner["roles"] == ["tenderer", "supplier", "payee"]
    assert winner["identifier"]["scheme"] == "CN-USCC"
    statuses = sorted(bid["status"] for bid in compiled["bids"]["details"])
    assert statuses == ["disqualified", "valid", "valid", "valid", "valid"]  # one above ceiling
    prices = {Decimal(str(b["value"]["amount"])) for b in compiled["bids"]["details"]}
    assert Decimal("8400000.00") in prices
    contract = compiled["contracts"][0]
    assert contract["awardID"] == award["id"]
    assert contract["status"] == "terminated"
    assert contract["period"] == {"durationInDays": 365}
    assert contract["value"] == award["value"]
    payments = contract["implementation"]["transactions"]
    assert sum(Decimal(str(t["value"]["amount"])) for t in payments) == Decimal(
        str(award["value"]["amount"])
    )
    assert all(
        d["url"].startswith("http://testserver/tendering/notices/") for d in tender["documents"]
    )
    # Bidders appear from the opening record on, and only then.
    opening = next(i for i, rel in enumerate(releases) if "bids" in rel)
    assert all("tenderers" not in rel["tender"] for rel in releases[:opening])
    # Never the experts.
    text = ocds.dumps(releases)
    for member in Member.objects.filter(evaluation__lot_id=r.lot_id, kind=Member.Kind.EXPERT):
        assert member.name not in text


def test_the_demo_trades_pass_both_validators(
    db: Any, tender_settings: Any, tmp_path: Path, public: Client, manual_clock: clock.ManualClock
) -> None:
    """``ggzy demo scenario full-tender``: the works and the procurement trade of the demo,
    each to its contract, exported page by page."""
    load(progress=lambda *_: None)
    assert full_tender(lambda *_: None)
    pages = _all_pages(public, limit=1)
    assert len(pages) == 2
    for n, page in enumerate(pages):
        check(page, tmp_path, f"demo-page-{n}")
        ocid = page["releases"][0]["ocid"]
        record = get_json(public, f"{OCDS}/records/{ocid}")
        check(record, tmp_path, f"demo-record-{n}")
        compiled = record["records"][0]["compiledRelease"]
        assert [c["status"] for c in compiled["contracts"]] == ["active"]
        assert "disqualified" in {b["status"] for b in compiled["bids"]["details"]}


def test_nothing_about_bids_before_the_opening_record(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, public: Client
) -> None:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    lot = project["lots"][0]["id"]
    bids = []
    for n, bidder in enumerate(world.bidders[:3]):
        sheet = WORKS_SHEET | {"price": f"{8000000 + n}.00"}
        bids.append(upload(bidder, lot, seal(bidder, lot, tmp_path, sheet))["bid_id"])
    ocid = _ocid(project["id"])
    names = [b.entity.name for b in world.bidders if b.entity]
    codes = [b.entity.uscc for b in world.bidders if b.entity]

    def exported() -> tuple[dict[str, Any], str]:
        data = get_json(public, f"{OCDS}/records/{ocid}")
        return data, ocds.dumps(data)

    data, text = exported()
    check(data, tmp_path, "sealed")
    record = data["records"][0]
    assert [r["tag"] for r in record["releases"]] == [["tender"]]
    assert "bids" not in record["compiledRelease"]
    assert "tenderers" not in record["compiledRelease"]["tender"]
    assert not any(name in text or code in text for name, code in zip(names, codes, strict=True))
    # At the deadline the hall opens; until the record is signed and published, still nothing.
    manual_clock.advance(timedelta(days=21))
    run_due()
    data, text = exported()
    assert "bids" not in data["records"][0]["compiledRelease"]
    assert not any(name in text for name in names)
    for n, bidder in enumerate(world.bidders[:3]):
        ok(release(bidder, bids[n]))
    ok(world.agent.client.post(f"/api/v1/tendering/lots/{lot}/close"))
    data, _ = exported()
    check(data, tmp_path, "opened")
    compiled = data["records"][0]["compiledRelease"]
    assert [b["status"] for b in compiled["bids"]["details"]] == ["pending"] * 3
    assert compiled["tender"]["numberOfTenderers"] == 3


def test_amendment_failure_retender_and_termination(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, public: Client
) -> None:
    agent = world.agent.client
    first = ok(register(world), 201)["project"]
    ok(publish(world, first["id"]), 201)
    deadline = Project.objects.get(pk=first["id"]).bid_deadline
    assert deadline is not None
    manual_clock.advance(timedelta(days=10))
    document = {
        "title": "修改",
        "file": SimpleUploadedFile("修改.pdf", b"%PDF-1.7 amended"),
        "kind": "amendment",
    }
    ok(agent.post(f"{TENDERING}/projects/{first['id']}/documents", document), 201)
    moved = deadline + timedelta(days=7)
    change = {"body": "修改技术要求。", "new_deadline": moved.isoformat()}
    ok(_post(agent, f"{TENDERING}/projects/{first['id']}/amendments", change), 201)
    lot = first["lots"][0]["id"]
    for bidder in world.bidders[:2]:  # fewer than the three a works tender needs
        upload(bidder, lot, seal(bidder, lot, tmp_path, WORKS_SHEET))
    manual_clock.advance(moved - clock.now() + timedelta(seconds=1))
    run_due()
    second = ok(agent.post(f"{TENDERING}/projects/{first['id']}/retender"), 201)
    ok(publish(world, second["id"]), 201)
    stop = {"text": "建设规划调整，项目取消"}
    ok(_post(agent, f"{TENDERING}/projects/{second['id']}/terminate", stop), 201)

    failed, cancelled = _ocid(first["id"]), _ocid(second["id"])
    for ocid in (failed, cancelled):
        check(get_json(public, f"{OCDS}/releases/{ocid}"), tmp_path, f"releases-{ocid}")
        check(get_json(public, f"{OCDS}/records/{ocid}"), tmp_path, f"record-{ocid}")
    record = get_json(public, f"{OCDS}/records/{failed}")["records"][0]
    releases, compiled = record["releases"], record["compiledRelease"]
    assert [r["tag"] for r in releases] == [["tender"], ["tenderAmendment"], ["tenderUpdate"]]
    # Each release keeps the deadline of its time.
    assert releases[0]["tender"]["tenderPeriod"]["endDate"] == ocds.instant(deadline)
    assert releases[1]["tender"]["tenderPeriod"]["endDate"] == ocds.instant(moved)
    amendment = releases[1]["tender"]["amendments"][0]
    assert amendment["amendsReleaseID"] == releases[0]["id"]
    assert amendment["releaseID"] == releases[1]["id"]
    assert compiled["tender"]["status"] == "unsuccessful"
    assert [lot["status"] for lot in compiled["tender"]["lots"]] == ["unsuccessful"]
    assert "bids" not in compiled and "tenderers" not in compiled["tender"]
    record = get_json(public, f"{OCDS}/records/{cancelled}")["records"][0]
    assert [r["tag"] for r in record["releases"]] == [["tender"], ["tenderCancellation"]]
    compiled = record["compiledRelease"]
    assert compiled["tender"]["status"] == "cancelled"
    assert compiled["relatedProcesses"] == [
        {
            "id": "retender-of",
            "relationship": ["unsuccessfulProcess"],
            "title": first["name"],
            "scheme": "ocid",
            "identifier": failed,
            "uri": f"http://testserver/api/v1/ocds/records/{failed}",
        }
    ]


def test_bad_input_is_json_never_a_500(db: Any, public: Client) -> None:
    unknown = ocds.ocid_of(Project(code="JG43010020990001"))
    for url in (f"{OCDS}/releases/{unknown}", f"{OCDS}/records/{unknown}", f"{OCDS}/records/x"):
        body = get_json(public, url, 404)
        assert body["code"] == "ocid_not_found"
    for query in ("after=nonsense", "after=ocds-zzzzzz-1", "limit=0", "limit=101", "limit=x"):
        body = get_json(public, f"{OCDS}/releases?{query}", 400)
        assert body["code"] in {"bad_page_key", "bad_limit"}
        assert body["message_zh"] and body["message_en"]
    empty = get_json(public, f"{OCDS}/releases")
    assert empty["releases"] == [] and "links" not in empty


def test_every_procedure_has_a_method_in_the_codelist() -> None:
    codes = {line.split(",")[0] for line in (CODELISTS / "method.csv").read_text().splitlines()}
    assert set(ocds.METHODS) == set(procedures.PROCEDURES)
    assert set(ocds.METHODS.values()) <= codes
    assert ocds.METHODS["gp_single_source"] == "direct"


def test_natural_persons_get_a_pseudonym_not_their_resident_id(db: Any) -> None:
    now = clock.now()
    rid = make_resident_id("430102", now.date().replace(year=1980), "123")
    person = MarketEntity.objects.create(
        kind=EntityKind.PERSON,
        name="张三",
        resident_id=rid,
        address="湖南省长沙市某小区",
        contact_name="张三",
        contact_mobile="13800138000",
        status=EntityStatus.APPROVED,
        created_at=now,
        updated_at=now,
    )
    party = ocds.entity_party(person)
    assert party["id"] == ocds.person_id(person) == ocds.entity_party(person)["id"]
    assert party["id"].startswith("ggzy-person-") and len(party["id"]) == 32
    text = ocds.dumps(party)
    assert rid not in text and rid[-4:] not in party["id"]
    assert "identifier" not in party and "address" not in party


def test_merge_follows_the_ocds_rules() -> None:
    first = {
        "ocid": "o",
        "id": "1",
        "date": "2026-01-01T00:00:00+08:00",
        "tag": ["tender"],
        "tender": {"id": "t", "title": "A", "lots": [{"id": "1", "title": "x"}], "x": 1},
        "parties": [{"id": "p", "roles": ["buyer", "tenderer"]}],
    }
    second = {
        "ocid": "o",
        "id": "2",
        "date": "2026-01-02T00:00:00+08:00",
        "tag": ["award"],
        "tender": {"lots": [{"id": "2"}, {"id": "1", "status": "complete"}], "x": None},
        "parties": [{"id": "p", "roles": ["buyer"]}],
    }
    compiled = ocds.merge([second, first])
    assert compiled["tag"] == ["compiled"]
    assert compiled["id"] == "o-2026-01-02T00:00:00+08:00"
    assert compiled["tender"] == {
        "id": "t",
        "title": "A",
        "lots": [{"id": "1", "title": "x", "status": "complete"}, {"id": "2"}],
    }
    assert compiled["parties"] == [{"id": "p", "roles": ["buyer"]}]  # string arrays replaced


def test_decimals_are_written_exactly() -> None:
    assert ocds.dumps({"a": Decimal("99999999999999.99")}) == '{"a":99999999999999.99}'
    assert ocds.dumps([Decimal("0.10"), "元", None, True]) == '[0.10,"元",null,true]'


def test_contract_durations_in_days() -> None:
    assert ocds.duration_days("365日历天") == 365
    assert ocds.duration_days("30日") == 30
    assert ocds.duration_days("90 天") == 90
    assert ocds.duration_days("12个月") is None


def test_the_listing_takes_the_portal_filters(world: World, manual_clock: Any) -> None:
    works = ok(register(world), 201)["project"]
    ok(publish(world, works["id"]), 201)
    gp = ok(
        register(world, procedure="gp_open", item="GP-GOODS-GENERAL", supervisor=world.finance.pk),
        201,
    )["project"]
    ok(publish(world, gp["id"]), 201)
    public = Client()

    def ocids(query: str) -> list[str]:
        return [r["ocid"] for r in get_json(public, f"{OCDS}/releases?{query}")["releases"]]

    assert ocids("category=works") == [_ocid(works["id"])]
    assert ocids("category=procurement&region=4301") == [_ocid(gp["id"])]
    assert ocids(f"centre={world.centre.pk}&limit=1") == [min(_ocid(works["id"]), _ocid(gp["id"]))]
    today = clock.local_now().date()
    assert len(ocids(f"from={today.isoformat()}")) == 2
    assert ocids(f"to={(today - timedelta(days=1)).isoformat()}") == []
    for nothing in ("category=land", "region=44", "centre=999999"):
        assert ocids(nothing) == []
    first = public.get(f"{OCDS}/releases?category=works&limit=1&region=43")
    assert "links" not in parse(first)  # one works trade: no next page
    paged = parse(public.get(f"{OCDS}/releases?region=43&limit=1"))
    assert "region=43" in paged["links"]["next"]  # the filters follow the pages
    bad = public.get(f"{OCDS}/releases?category=space")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_filter"
