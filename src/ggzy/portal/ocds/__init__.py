"""Open data in OCDS 1.1 (Open Contracting Data Standard): releases and records per trade.

One project (进场登记) is one contracting process; its ocid is
``f"{settings.GGZY_OCID_PREFIX}-{project.code}"``. Every notice the project publishes is one
release, in publication order, with a stable id (``{ocid}-{notice kind}-{notice id}``) and the
notice's publication time as its date. A release is a snapshot of what was public *when that
notice appeared*: bids only from the lot's opening record on, bid statuses only once the
candidates or the result are published, awards from the result notice, contracts from the
contract notice, implementation from each performance notice. An earlier release therefore
never changes when later steps happen. A record is the releases plus the compiled release
(``merge``, the OCDS merge rules).

Nothing here reads the committee, the experts, the tender documents, deposits paid or any
notice body: documents are links to the public notice pages. Natural persons are never
identified by their resident ID (see ``person_id``). ``docs/open-data.md`` gives the mapping
field by field and what is not mapped.

The modules: ``trades`` loads what a project published; ``snapshot`` is what was public at
one notice; ``releases`` builds a release from it, with ``tender`` and ``contracting`` (bids,
awards, contracts) for its sections; ``records`` merges releases and wraps packages;
``identifiers`` and ``values`` give ids, times, money and exact JSON.
"""

from .contracting import duration_days
from .identifiers import entity_id, ocid_of, organisation_id, person_id
from .records import EXTENSIONS, build_record, merge, record_package, release_package
from .releases import build_releases, entity_party, organisation_party
from .tender import METHODS
from .trades import Trade, page_of_trades, trade_for
from .values import dumps, instant

__all__ = [
    "EXTENSIONS",
    "METHODS",
    "Trade",
    "build_record",
    "build_releases",
    "dumps",
    "duration_days",
    "entity_id",
    "entity_party",
    "instant",
    "merge",
    "ocid_of",
    "organisation_id",
    "organisation_party",
    "page_of_trades",
    "person_id",
    "record_package",
    "release_package",
    "trade_for",
]
