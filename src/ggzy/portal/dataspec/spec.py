"""The specification's field lists (codes, Chinese names, required marks, code domains),
read once from ``data/data-spec-fields.txt``, a verbatim copy of the reference file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SPEC_FILE = Path(__file__).resolve().parent.parent / "data" / "data-spec-fields.txt"


@dataclass(frozen=True)
class SpecField:
    code: str
    name_zh: str
    required: bool
    domain: str | None  # the specification's code domain ([dom:N]), if any


@dataclass(frozen=True)
class SpecTable:
    number: int
    table: str
    name_zh: str
    fields: tuple[SpecField, ...]


_FIELD_START = re.compile(r", (?=[A-Z][A-Z0-9_]*\()")
_FIELD = re.compile(r"^([A-Z][A-Z0-9_]*)\((.*)\)(\*)?(?:\[dom:(\d+)\])?$")


def parse_spec(text: str) -> dict[int, SpecTable]:
    """``number TABLE 中文名: CODE(中文名)*[dom:N], …`` per line; ``#`` starts a comment."""
    tables: dict[int, SpecTable] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        head, _, rest = line.partition(": ")
        number, table, name = head.split(" ", 2)
        fields = []
        for part in _FIELD_START.split(rest.strip()):
            found = _FIELD.match(part.strip())
            if found is None:
                raise ValueError(f"dataset {number}: cannot read field {part!r}")
            code, name_zh, star, domain = found.groups()
            fields.append(SpecField(code, name_zh, star == "*", domain))
        tables[int(number)] = SpecTable(int(number), table, name, tuple(fields))
    return tables


@cache
def spec_tables() -> dict[int, SpecTable]:
    return parse_spec(SPEC_FILE.read_text(encoding="utf-8"))
