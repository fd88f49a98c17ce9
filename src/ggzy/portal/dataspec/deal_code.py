"""The unified transaction identifier (统一交易标识码) of a lot."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

from ggzy.tendering.models import Lot, Sector

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
