"""The specialty classification (专家专业分类): codes and their hierarchy, loading the
bundled data file, and Excel import and export of the codes."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.core.services import record
from ggzy.experts import events
from ggzy.kernel.errors import DomainError, InvalidInput
from ggzy.kernel.ids import normalise
from ggzy.kernel.text import clean_text

from ...models import Specialty
from ._common import DEFAULT_SPECIALTIES, require_centre
from .excel import ImportReport, RowError, _read_sheet, _row_error, _workbook
from .fields import _as_str, _flag

# --- the classification --------------------------------------------------------------------

_CODE = re.compile(r"[ABC](?:[0-9]{2}){0,3}")
SPECIALTY_COLUMNS = (("code", "专业代码"), ("name", "专业名称"), ("is_active", "启用"))


def specialty_level(code: str) -> int:
    return (len(code) + 1) // 2


def specialty_parent(code: str) -> str | None:
    return code[:-2] if len(code) > 1 else None


def _check_code(code: str) -> str:
    code = normalise(code)
    if not _CODE.fullmatch(code):
        raise InvalidInput(
            f"专业代码“{code}”格式无效：应为 A/B/C 加0至3组两位数字（如 A08、A0801）",
            f"the specialty code '{code}' is malformed: A, B or C followed by 0 to 3 pairs of "
            "digits (e.g. A08, A0801)",
            field="code",
            code="specialty_code",
        )
    return code


def _upsert_specialties(rows: Iterable[tuple[str, str, bool]]) -> tuple[int, int]:
    """Create or update (code, name, active) rows, parents first. Returns (created, updated)."""
    created = updated = 0
    for code, name, active in sorted(rows, key=lambda r: (len(r[0]), r[0])):
        _, was_created = Specialty.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": specialty_level(code),
                "parent_id": specialty_parent(code),
                "is_active": active,
            },
        )
        created += was_created
        updated += not was_created
    return created, updated


def _parent_errors(codes: Iterable[str]) -> dict[str, str]:
    """Codes whose parent is neither in ``codes`` nor already stored."""
    wanted = set(codes)
    parents = {specialty_parent(c) for c in wanted} - {None} - wanted
    stored = set(Specialty.objects.filter(code__in=parents).values_list("code", flat=True))
    return {
        c: p
        for c in wanted
        if (p := specialty_parent(c)) is not None and p not in wanted and p not in stored
    }


@transaction.atomic
def load_specialties(path: Path | str = DEFAULT_SPECIALTIES) -> int:
    """Load the classification from the JSON data file; running it twice changes nothing.
    Codes added in the admin are kept. Returns the number of codes in the file."""
    raw = Path(path).read_bytes()
    body = json.loads(raw)
    rows: list[tuple[str, str, bool]] = []
    for item in body["specialties"]:
        code = _check_code(item["code"])
        name = clean_text(item["name"], field="name", max_length=100)
        rows.append((code, name, bool(item.get("active", True))))
    missing = _parent_errors(code for code, _, _ in rows)
    if missing:
        code, parent = sorted(missing.items())[0]
        raise InvalidInput(
            f"专业代码{code}的上级{parent}不存在",
            f"the parent {parent} of {code} is missing",
            field="code",
        )
    before = {s.code: (s.name, s.is_active) for s in Specialty.objects.all()}
    if all(before.get(code) == (name, active) for code, name, active in rows):
        return len(rows)  # nothing to do, nothing to witness
    created, updated = _upsert_specialties(rows)
    record(
        events.EXPERT_SPECIALTIES_LOADED,
        subject="experts:specialties",
        payload={
            "file_sha256": hashlib.sha256(raw).hexdigest(),
            "version": body.get("meta", {}).get("version", ""),
            "codes": len(rows),
            "created": created,
            "updated": updated,
        },
    )
    return len(rows)


# --- Excel import and export of the codes ------------------------------------------------------


@transaction.atomic
def import_specialties(*, user: User, file: IO[bytes], ip: str | None = None) -> ImportReport:
    """Add or update classification codes from Excel (columns 专业代码, 专业名称, 启用);
    all rows or none."""
    require_centre(user)
    file_sha, rows = _read_sheet(file, SPECIALTY_COLUMNS)
    report = ImportReport(kind="specialties", rows=len(rows), file_sha256=file_sha)
    parsed: list[tuple[str, str, bool]] = []
    seen: dict[str, int] = {}
    for number, item in rows:
        try:
            code = _check_code(_as_str(item.get("code")))
            name = clean_text(
                _as_str(item.get("name")),
                field="name",
                max_length=100,
                label_zh="专业名称",
                label_en="specialty name",
            )
            active = _flag("is_active")(item.get("is_active", "是") or "是")
        except DomainError as exc:
            report.errors.append(_row_error(number, exc))
            continue
        if code in seen:
            report.errors.append(
                RowError(
                    number,
                    "code",
                    f"专业代码{code}与第{seen[code]}行重复",
                    f"the code {code} repeats row {seen[code]}",
                )
            )
            continue
        seen[code] = number
        parsed.append((code, name, active))
    for code, parent in _parent_errors(c for c, _, _ in parsed).items():
        report.errors.append(
            RowError(
                seen[code],
                "code",
                f"专业代码{code}的上级{parent}不存在",
                f"the parent {parent} of {code} does not exist",
            )
        )
    report.errors.sort(key=lambda e: e.row)
    if not report.ok or not parsed:
        if not parsed and report.ok:
            report.errors.append(RowError(2, None, "文件中没有数据行", "the file has no data rows"))
        return report
    existing = set(
        Specialty.objects.filter(code__in=[c for c, _, _ in parsed]).values_list("code", flat=True)
    )
    _upsert_specialties(parsed)
    report.created = [c for c, _, _ in parsed if c not in existing]
    report.updated = [c for c, _, _ in parsed if c in existing]
    record(
        events.EXPERT_SPECIALTIES_IMPORTED,
        subject="experts:specialties",
        actor=user.actor,
        ip=ip,
        payload={
            "file_sha256": file_sha,
            "created": len(report.created),
            "updated": len(report.updated),
        },
    )
    return report


def export_specialties() -> bytes:
    rows = (
        [s.code, s.name, "是" if s.is_active else "否"] for s in Specialty.objects.order_by("code")
    )
    return _workbook("专家专业分类", SPECIALTY_COLUMNS, rows)
