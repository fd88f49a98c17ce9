"""Reading catalogue data files (JSON, format ``ggzy.catalogue/1``); no database writes.

A file holds the trade categories and one catalogue version with its items::

    {"format": "ggzy.catalogue/1", "meta": {...},
     "categories": [{"code", "name_zh", "name_en", "family", "sector", "description",
                     "sort_order"}],
     "version": {"key", "title", "document_number", "effective_from", "items": [
         {"code", "category", "name", "must_enter", "entry_threshold", ...}]}}

Amounts are strings of yuan (``"4000000.00"``), never JSON floats. ``services`` writes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ggzy.kernel.errors import InvalidInput

from .validation import ItemSpec, clean_code, clean_text

FILE_FORMAT = "ggzy.catalogue/1"
DATA_DIR = Path(__file__).resolve().parent / "data"
HUNAN_2019 = DATA_DIR / "hunan-2019.json"
CATEGORY_FIELDS = ("code", "name_zh", "name_en", "family", "sector", "description", "sort_order")


@dataclass(frozen=True)
class CatalogueFile:
    name: str
    sha256: str
    categories: list[dict[str, Any]]
    key: str
    title: str
    document_number: str
    effective_from: date
    items: list[tuple[str, ItemSpec]]


def bad_file(name: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(
        f"目录数据文件 {name} 有误：{zh}",
        f"catalogue data file {name} is invalid: {en}",
        code="bad_catalogue_file",
    )


def read_catalogue_file(path: Path | str) -> CatalogueFile:
    """Parse and shape-check a data file; item content is checked when it is written."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_file(
            path.name, f"无法读取或不是 UTF-8 JSON（{exc}）", f"unreadable ({exc})"
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise bad_file(path.name, f"格式标识应为 {FILE_FORMAT}", f"format must be {FILE_FORMAT}")
    version = data.get("version")
    if not isinstance(data.get("categories"), list) or not isinstance(version, dict):
        raise bad_file(path.name, "缺少 categories 或 version", "categories or version missing")
    return CatalogueFile(
        name=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        categories=_categories(data["categories"], path.name),
        key=clean_text(
            version.get("key", ""),
            field="version.key",
            label_zh="版本标识",
            max_length=64,
            required=True,
        ),
        title=str(version.get("title", "")),
        document_number=str(version.get("document_number", "")),
        effective_from=_date(version.get("effective_from"), path.name),
        items=_items(version.get("items"), path.name),
    )


def _categories(rows: list[Any], name: str) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        if not isinstance(row, dict) or "code" not in row:
            raise bad_file(name, "每个类别应为带 code 的对象", "each category needs a code")
        out.append({field: row[field] for field in CATEGORY_FIELDS if field in row})
    return out


def _date(value: object, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise bad_file(
            name, "version.effective_from 应为 YYYY-MM-DD", "effective_from must be YYYY-MM-DD"
        ) from None


def _items(rows: object, name: str) -> list[tuple[str, ItemSpec]]:
    if not isinstance(rows, list) or not rows:
        raise bad_file(name, "version.items 应为非空列表", "version.items must be a non-empty list")
    specs: list[tuple[str, ItemSpec]] = []
    seen: set[str] = set()
    for row in rows:
        if not isinstance(row, dict) or "code" not in row:
            raise bad_file(name, "每个事项应为带 code 的对象", "each item needs a code")
        code = clean_code(row["code"])
        if code in seen:
            raise bad_file(name, f"事项代码 {code} 重复", f"duplicate item code {code}")
        seen.add(code)
        values = {k: v for k, v in row.items() if k in ItemSpec.__dataclass_fields__}
        try:
            specs.append((code, ItemSpec(**values)))
        except TypeError as exc:
            raise bad_file(name, f"事项 {code} 缺少必填字段", f"item {code}: {exc}") from None
    return specs
