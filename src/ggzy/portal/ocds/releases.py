"""One release per published notice: its tags, parties and the sections of what was public."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from ggzy.accounts.models import Organisation
from ggzy.awards.models import Performance
from ggzy.entities.models import EntityKind, MarketEntity
from ggzy.tendering.models import Notice, Project

from .contracting import award_object, bid_details, contract_object, contract_transactions
from .identifiers import USCC_SCHEME, entity_ref, ocid_of, organisation_id
from .snapshot import Seen, release_id
from .tender import TENDER_KINDS, tender_object
from .trades import Trade
from .values import LANGUAGE, instant

# Where ``ggzy.api`` mounts ``ocds_api.router``.
API_PATH = "api/v1/ocds/"
# The order in which a party's roles are listed.
ROLE_ORDER = ("buyer", "procuringEntity", "reviewBody", "tenderer", "supplier", "payer", "payee")

_TAGS: Mapping[str, list[str]] = {
    **{kind: ["tender"] for kind in TENDER_KINDS},
    Notice.Kind.TERMINATION: ["tenderCancellation"],
    Notice.Kind.FAILURE: ["tenderUpdate"],
    Notice.Kind.OPENING_RECORD: ["tenderUpdate"],
    Notice.Kind.BIDDER_LIST: ["tenderUpdate"],
    Notice.Kind.CANDIDATES: ["tenderUpdate"],
    Notice.Kind.RESULT: ["award"],
    Notice.Kind.CONTRACT: ["contract"],
}


def build_releases(trade: Trade, base_url: str) -> list[dict[str, Any]]:
    """One release per published notice, oldest first."""
    releases: list[dict[str, Any]] = []
    for n, notice in enumerate(trade.notices):
        seen = Seen(trade, n + 1, base_url)
        previous = releases[-1]["id"] if releases else None
        releases.append(_release(seen, notice, previous))
    return releases


def _release(seen: Seen, notice: Notice, previous: str | None) -> dict[str, Any]:
    trade, project = seen.trade, seen.trade.project
    release: dict[str, Any] = {
        "ocid": ocid_of(project),
        "id": release_id(trade, notice),
        "date": instant(notice.published_at),
        "tag": _tags(seen, notice),
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": _parties(seen),
        "buyer": entity_ref(project.initiator),
        "tender": tender_object(seen, notice, previous),
    }
    if bids := bid_details(seen):
        release["bids"] = {"details": bids}
    if awards := [award_object(seen, award) for award in seen.awarded()]:
        release["awards"] = awards
    if contracts := [contract_object(seen, contract) for contract in seen.contracted()]:
        release["contracts"] = contracts
    if project.retender_of is not None:
        release["relatedProcesses"] = [_retender_of(seen, project.retender_of)]
    return release


def _tags(seen: Seen, notice: Notice) -> list[str]:
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


def entity_party(entity: MarketEntity) -> dict[str, Any]:
    """A market entity as an OCDS party. Organisations by their USCC (public by law) and
    registered address; natural persons by name and a pseudonym only."""
    party = entity_ref(entity)
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


def _parties(seen: Seen) -> list[dict[str, Any]]:
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
        if contract_transactions(seen, contract):
            add(entity_party(project.initiator), "payer")
            add(entity_party(seen.trade.awards[contract.lot_id].bid.entity), "payee")
    return [
        found[key] | {"roles": sorted(roles[key], key=ROLE_ORDER.index)} for key in sorted(found)
    ]


def _retender_of(seen: Seen, old: Project) -> dict[str, Any]:
    ocid = ocid_of(old)
    return {
        "id": "retender-of",
        "relationship": ["unsuccessfulProcess"],
        "title": old.name,
        "scheme": "ocid",
        "identifier": ocid,
        "uri": urljoin(seen.base_url, f"{API_PATH}records/{ocid}"),
    }
