"""The national data specification export (公共资源交易平台系统数据规范 V2.0, 发改办法规
〔2018〕1156号): trade datasets 500–513 and 519 as JSON, with the unified transaction
identifier (统一交易标识码). See docs/data-spec.md.

The specification's field lists (codes, Chinese names, required marks, code domains) are read
once from ``data/data-spec-fields.txt``, a verbatim copy of the reference file (``spec``).
Where each value comes from is declared in the field tables (``tender_fields`` for datasets
500–506, ``result_fields`` for 507–519, built with ``values``): for every field a path on the
record's context (``"project.code"``), a computed value with a note, a constant, or
``Absent`` with the reason the platform has no such data (``rows``). ``records`` says which
records each dataset has, ``datasets`` puts the pieces together as ``DATASETS``, and
``pages`` serves them page by page. A test checks that every dataset maps exactly the
specification's fields.

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

from .datasets import DATASETS, Dataset, catalogue, get_dataset
from .deal_code import check_character, is_unified_deal_code, unified_deal_code
from .pages import Page, Query, export, parse_query
from .rows import Absent, Computed, Const, Row, Source, Viewer, viewer_for
from .spec import SpecField, SpecTable, spec_tables

__all__ = [
    "DATASETS",
    "Absent",
    "Computed",
    "Const",
    "Dataset",
    "Page",
    "Query",
    "Row",
    "Source",
    "SpecField",
    "SpecTable",
    "Viewer",
    "catalogue",
    "check_character",
    "export",
    "get_dataset",
    "is_unified_deal_code",
    "parse_query",
    "spec_tables",
    "unified_deal_code",
    "viewer_for",
]
