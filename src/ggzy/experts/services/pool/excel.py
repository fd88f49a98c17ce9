"""Generic Excel import and export (the import report, reading and writing sheets) and
the pool's expert import and export."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from ggzy.accounts.models import User
from ggzy.core.services import record
from ggzy.experts import events
from ggzy.kernel.errors import DomainError, InvalidInput

from ...models import Expert
from ._common import MAX_IMPORT_ROWS, require_centre
from .fields import (
    EXPERT_FIELDS,
    FIELD_LABELS,
    _as_str,
    _record_expert,
    current_data,
    validate_new_expert,
)
from .profiles import NewAccount, _create, _make_account, _record_account

# --- Excel import and export --------------------------------------------------------------------

EXPERT_COLUMNS = tuple((name, label_zh) for name, (label_zh, _) in FIELD_LABELS.items())
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet row number (the header is row 1)
    field: str | None
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass
class ImportReport:
    """What an import did: all rows saved, or none (``ok`` false, every bad row listed)."""

    kind: str
    rows: int = 0
    created: list[Any] = field(default_factory=list)
    updated: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    accounts: list[NewAccount] = field(default_factory=list)
    file_sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
            "accounts": [
                {"expert_id": a.expert_id, "username": a.username, "password": a.password}
                for a in self.accounts
            ],
        }


def _read_sheet(
    upload: IO[bytes], columns: tuple[tuple[str, str], ...]
) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    """The file's SHA-256 and its data rows as (row number, {field: value}); the header
    row must name the columns (in any order). Blank rows are skipped."""
    from openpyxl import load_workbook

    data = upload.read()
    limit = int(settings.GGZY_UPLOAD_MAX_BYTES)
    if not data:
        raise InvalidInput("上传的文件是空的", "the uploaded file is empty", field="file")
    if len(data) > limit:
        raise InvalidInput(
            f"文件大小为{len(data)}字节，超过上限{limit}字节",
            f"the file is {len(data)} bytes, over the limit of {limit}",
            field="file",
            code="file_too_large",
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise InvalidInput(
            "文件不是有效的 Excel 工作簿（.xlsx）",
            "the file is not an Excel workbook (.xlsx)",
            field="file",
            code="file_type",
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        names = [_as_str(h).strip() for h in header]
        by_label = {label: name for name, label in columns}
        missing = [label for _, label in columns if label not in names]
        if missing:
            raise InvalidInput(
                f"第1行（表头）缺少列：{'、'.join(missing)}",
                f"row 1 (the header) lacks the columns: {', '.join(missing)}",
                field="file",
                code="import_header",
            )
        result: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows, start=2):
            if all(v is None or _as_str(v).strip() == "" for v in values):
                continue
            if len(result) >= MAX_IMPORT_ROWS:
                raise InvalidInput(
                    f"一次最多导入{MAX_IMPORT_ROWS}行",
                    f"at most {MAX_IMPORT_ROWS} rows at a time",
                    field="file",
                )
            item = {
                by_label[label]: value
                for label, value in zip(names, values, strict=False)
                if label in by_label
            }
            result.append((number, item))
    finally:
        book.close()
    return hashlib.sha256(data).hexdigest(), result


def _row_error(number: int, exc: DomainError) -> RowError:
    return RowError(number, exc.field, exc.message_zh, exc.message_en)


def _workbook(title: str, columns: tuple[tuple[str, str], ...], rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([label for _, label in columns])
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe_cell(value: Any) -> Any:
    """Keep text from being read as a formula when the file is opened (CSV/formula
    injection): a leading = + - @ gets an apostrophe."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value


@transaction.atomic
def import_experts(
    *, user: User, file: IO[bytes], create_accounts: bool = False, ip: str | None = None
) -> ImportReport:
    """Add experts from Excel (the columns of ``EXPERT_COLUMNS``). Every row is checked —
    resident ID and employer USCC check characters, specialty codes, numbers, duplicates in
    the file and in the pool — and if any row is bad nothing is saved and the report lists
    each bad row with its number and reason. With ``create_accounts`` every new expert gets
    a login whose one-time password is in the report."""
    require_centre(user)
    file_sha, rows = _read_sheet(file, EXPERT_COLUMNS)
    report = ImportReport(kind="experts", rows=len(rows), file_sha256=file_sha)
    valid: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, item in rows:
        data = {k: v for k, v in item.items() if not (v is None or _as_str(v).strip() == "")}
        cleaned, errors = validate_new_expert(data)
        report.errors.extend(_row_error(number, exc) for exc in errors)
        resident_id = cleaned.get("resident_id")
        if errors or not resident_id:
            continue
        if resident_id in seen:
            report.errors.append(
                RowError(
                    number,
                    "resident_id",
                    f"身份证号与第{seen[resident_id]}行重复",
                    f"the resident ID repeats row {seen[resident_id]}",
                )
            )
            continue
        seen[resident_id] = number
        valid.append(cleaned)
    for resident_id in Expert.objects.filter(resident_id__in=list(seen)).values_list(
        "resident_id", flat=True
    ):
        report.errors.append(
            RowError(
                seen[resident_id],
                "resident_id",
                "该身份证号已在专家库中",
                "an expert with this resident ID is already in the pool",
            )
        )
    report.errors.sort(key=lambda e: e.row)
    if not rows:
        report.errors.append(RowError(2, None, "文件中没有数据行", "the file has no data rows"))
    if not report.ok:
        return report
    for cleaned in valid:
        expert = _create(cleaned)
        _record_expert(events.EXPERT_CREATED, expert, user=user, ip=ip, source="import")
        report.created.append(expert.pk)
        if create_accounts:
            account = _make_account(expert)
            _record_account(expert, account, user=user, ip=ip)
            report.accounts.append(account)
    record(
        events.EXPERT_IMPORTED,
        subject="experts:pool",
        actor=user.actor,
        ip=ip,
        payload={
            "file_sha256": file_sha,
            "created": len(report.created),
            "accounts": len(report.accounts),
        },
    )
    return report


def _expert_row(expert: Expert) -> list[Any]:
    data = current_data(expert)
    row: list[Any] = []
    for name in EXPERT_FIELDS:
        value = data[name]
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, list):
            value = "、".join(value)
        row.append(value)
    return row


def export_experts(experts: QuerySet[Expert]) -> bytes:
    """The experts as an Excel workbook with the import's columns (so it imports back)."""
    rows = (
        _expert_row(e)
        for e in experts.select_related("region", "main_specialty").prefetch_related(
            "other_specialties"
        )
    )
    return _workbook("专家库", EXPERT_COLUMNS, rows)
