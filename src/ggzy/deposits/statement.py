"""Reading a bank statement CSV (银行流水) of deposit receipts, and the import report.

The header row names the columns in Chinese or English, in any order; other columns are
ignored. Row numbers count the header as row 1, as a spreadsheet shows them. Banks export
UTF-8 or GB18030 (GBK), so both are read.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings

from ggzy.kernel import clock
from ggzy.kernel.errors import DomainError, InvalidInput
from ggzy.kernel.money import yuan

COLUMNS = {
    "paid_at": "交易时间",
    "payer_name": "付款人名称",
    "payer_account": "付款账号",
    "payer_bank": "付款银行",
    "amount": "金额",
    "reference": "流水号",
    "memo": "附言",
}
REQUIRED = ("paid_at", "payer_account", "amount", "reference")
_MAX_LENGTHS = {"payer_account": 32, "payer_bank": 100, "reference": 64}  # the model's columns
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y%m%d %H%M%S", "%Y%m%d%H%M%S")


@dataclass(frozen=True)
class RowError:
    row: int
    field: str | None
    message_zh: str
    message_en: str

    @classmethod
    def of(cls, row: int, exc: DomainError) -> RowError:
        return cls(row, exc.field, exc.message_zh, exc.message_en)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class Line:
    """One well-formed credit line of the statement."""

    row: int
    paid_at: datetime
    payer_name: str
    payer_account: str
    payer_bank: str
    amount: Decimal
    reference: str


@dataclass
class StatementReport:
    """What an import did: every new line saved, or none (``ok`` false, each bad row listed).

    Lines whose reference is already recorded for the lot are skipped, not errors, so the
    same statement can be imported again safely."""

    rows: int = 0
    file_sha256: str = ""
    created: list[int] = field(default_factory=list)  # deposit ids
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, reference)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "file_sha256": self.file_sha256,
            "created": self.created,
            "skipped": [{"row": row, "reference": ref} for row, ref in self.skipped],
            "errors": [e.as_dict() for e in self.errors],
        }


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(
        "文件不是 UTF-8 或 GBK 编码的 CSV 文本",
        "the file is not CSV text in UTF-8 or GBK",
        field="file",
        code="file_type",
    )


def _header(names: list[str]) -> dict[str, int]:
    wanted = {zh: key for key, zh in COLUMNS.items()} | {key: key for key in COLUMNS}
    found: dict[str, int] = {}
    for index, name in enumerate(names):
        key = wanted.get(name.strip()) or wanted.get(name.strip().lower())
        if key is not None:
            found.setdefault(key, index)
    missing = [key for key in REQUIRED if key not in found]
    if missing:
        zh = "、".join(f"{COLUMNS[k]}（{k}）" for k in missing)
        raise InvalidInput(
            f"表头缺少列：{zh}",
            f"the header lacks the column(s): {', '.join(missing)}",
            field="file",
            code="statement_columns",
        )
    return found


def _time(text: str) -> datetime:
    value = text.strip().replace("/", "-")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        for pattern in _TIME_FORMATS:
            try:
                moment = datetime.strptime(value, pattern)  # noqa: DTZ007 — local, see below
                break
            except ValueError:
                continue
        else:
            raise InvalidInput(
                f"交易时间“{text}”无法识别，应为“2026-11-20 10:15:00”格式",
                f"the time '{text}' is not understood; write it as 2026-11-20 10:15:00",
                field="paid_at",
            ) from None
    # Bank statements print local (Beijing) time.
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.SHANGHAI)


def _amount(text: str) -> Decimal:
    amount = yuan(text.strip().replace(",", "").lstrip("¥￥"), field="amount")
    if amount <= 0:
        raise InvalidInput(
            f"金额{amount}不是入账金额（应大于零）",
            f"the amount {amount} is not a credit (it must be above zero)",
            field="amount",
        )
    return amount


def _cell(record: list[str], index: int | None) -> str:
    return record[index].strip() if index is not None and index < len(record) else ""


def _line(row: int, cells: dict[str, str]) -> Line:
    for key in REQUIRED:
        if not cells[key]:
            raise InvalidInput(
                f"“{COLUMNS[key]}”为空", f"'{key}' is empty", field=key, code="required"
            )
    for key, limit in _MAX_LENGTHS.items():
        if len(cells[key]) > limit:
            raise InvalidInput(
                f"“{COLUMNS[key]}”超过{limit}个字符",
                f"'{key}' is longer than {limit} characters",
                field=key,
            )
    return Line(
        row=row,
        paid_at=_time(cells["paid_at"]),
        payer_name=cells["payer_name"],
        payer_account="".join(cells["payer_account"].split()),
        payer_bank=cells["payer_bank"],
        amount=_amount(cells["amount"]),
        reference=cells["reference"],
    )


def read(upload: IO[bytes]) -> tuple[str, list[Line], list[RowError], int]:
    """The file's SHA-256, its well-formed lines, the errors of the others, and the number
    of data rows (blank rows are skipped)."""
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
        records = list(csv.reader(io.StringIO(_decode(data), newline="")))
    except csv.Error as exc:
        raise InvalidInput(
            f"CSV 格式有误：{exc}", f"the CSV is malformed: {exc}", field="file", code="file_type"
        ) from None
    columns = _header(records[0] if records else [])
    lines: list[Line] = []
    errors: list[RowError] = []
    count = 0
    for row, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        count += 1
        cells = {key: _cell(record, columns.get(key)) for key in COLUMNS}
        try:
            lines.append(_line(row, cells))
        except DomainError as exc:
            errors.append(RowError.of(row, exc))
    return hashlib.sha256(data).hexdigest(), lines, errors, count
