"""Excel import and export of experts and of the classification: every bad row reported
with its row number and reason, all rows saved or none."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from ggzy.core.models import LedgerEntry
from ggzy.experts.models import Expert, Specialty
from ggzy.experts.services import pool
from ggzy.kernel.errors import Forbidden, InvalidInput

from .conftest import expert_row, new_resident_id, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("env")]


def test_import_creates_experts_and_accounts(centre_user: Any, classification: int) -> None:
    file = xlsx([expert_row(name="甲"), [], expert_row(name="乙", other_specialties=[])])
    report = pool.import_experts(user=centre_user, file=file, create_accounts=True)
    assert report.ok and report.rows == 2 and len(report.created) == 2
    assert {e.name for e in Expert.objects.all()} == {"甲", "乙"}
    assert all(Expert.objects.filter(user__role="expert").values_list("pk", flat=True))
    assert len(report.accounts) == 2 and report.accounts[0].password
    assert LedgerEntry.objects.filter(kind="expert.created").count() == 2
    assert LedgerEntry.objects.filter(kind="expert.imported").count() == 1


def test_broken_rows_are_reported_and_nothing_saved(
    centre_user: Any, classification: int, make_expert: Any, unchanged: Any
) -> None:
    existing = make_expert()
    duplicate = new_resident_id()
    rows = [
        expert_row(name="好的"),  # row 2
        expert_row(main_specialty="Z99"),  # row 3: unknown specialty
        expert_row(resident_id="430102197506010011"),  # row 4: bad check character
        expert_row(years_of_practice="十年"),  # row 5: not a number
        expert_row(resident_id=duplicate),  # row 6
        expert_row(resident_id=duplicate),  # row 7: repeats row 6
        expert_row(resident_id=existing.resident_id),  # row 8: already in the pool
        expert_row(employer_uscc="123", mobile="1"),  # row 9: two errors
    ]
    with unchanged():
        report = pool.import_experts(user=centre_user, file=xlsx(rows), create_accounts=True)
    assert not report.ok and report.created == [] and report.accounts == []
    by_row: dict[int, list[str | None]] = {}
    for error in report.errors:
        by_row.setdefault(error.row, []).append(error.field)
        assert error.message_zh and error.message_en
    assert by_row == {
        3: ["main_specialty"],
        4: ["resident_id"],
        5: ["years_of_practice"],
        7: ["resident_id"],
        8: ["resident_id"],
        9: ["employer_uscc", "mobile"],
    }
    assert "Z99" in next(e for e in report.errors if e.row == 3).message_zh


def test_not_an_excel_file(centre_user: Any, classification: int, unchanged: Any) -> None:
    for content in (b"", b"PK\x03\x04 broken", b"name,id\n"):
        with unchanged(), pytest.raises(InvalidInput) as caught:
            pool.import_experts(user=centre_user, file=SimpleUploadedFile("x.xlsx", content))
        assert caught.value.field == "file"
    with unchanged(), pytest.raises(InvalidInput) as caught:
        pool.import_experts(user=centre_user, file=xlsx([["甲"]], header=["姓名"]))
    assert caught.value.code == "import_header" and "身份证号" in caught.value.message_zh
    empty = pool.import_experts(user=centre_user, file=xlsx([]))
    assert not empty.ok


def test_only_centre_imports(supervisor_user: Any, classification: int, unchanged: Any) -> None:
    with unchanged(), pytest.raises(Forbidden):
        pool.import_experts(user=supervisor_user, file=xlsx([expert_row()]))


def test_export_round_trip(centre_user: Any, make_expert: Any) -> None:
    make_expert(name="=HYPERLINK(1)")
    make_expert(name="王五", in_procurement_pool=True)
    content = pool.export_experts(Expert.objects.all())
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [label for _, label in pool.EXPERT_COLUMNS]
    assert rows[1][0] == "'=HYPERLINK(1)"  # no formula injection
    # the export imports back (after removing the experts it came from)
    Expert.objects.all().delete()
    report = pool.import_experts(user=centre_user, file=SimpleUploadedFile("back.xlsx", content))
    assert report.ok, report.errors
    assert Expert.objects.get(name="王五").in_procurement_pool


def test_specialty_import(centre_user: Any, classification: int, unchanged: Any) -> None:
    header = [label for _, label in pool.SPECIALTY_COLUMNS]
    bad = xlsx(
        [
            ["C06", "新服务", "是"],
            ["C0601", "细分", "是"],
            ["D01", "错", "是"],
            ["C0799", "无上级", "是"],
            ["C06", "重复", "是"],
            ["B01", "机电设备（改）", "哪个"],
        ],
        header=header,
    )
    with unchanged():
        report = pool.import_specialties(user=centre_user, file=bad)
    assert [(e.row, e.field) for e in report.errors] == [
        (4, "code"),
        (5, "code"),
        (6, "code"),
        (7, "is_active"),
    ]
    good = xlsx(
        [["C0601", "细分", "是"], ["C06", "新服务", ""], ["B05", "建筑材料", "否"]], header=header
    )
    report = pool.import_specialties(user=centre_user, file=good)
    assert report.ok and report.created == ["C0601", "C06"] and report.updated == ["B05"]
    assert Specialty.objects.get(code="C0601").parent_id == "C06"
    assert not Specialty.objects.get(code="B05").is_active
    exported = load_workbook(io.BytesIO(pool.export_specialties())).worksheets[0]
    codes = [row[0] for row in exported.iter_rows(min_row=2, values_only=True)]
    assert "C0601" in codes and codes == sorted(codes)
