"""Importing a bank statement CSV: all or nothing, every bad row by number, re-import safe."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from ggzy.core.models import LedgerEntry
from ggzy.deposits import services
from ggzy.deposits.models import Deposit
from ggzy.entities.models import MarketEntity
from ggzy.kernel import clock
from ggzy.kernel.errors import Forbidden, InvalidInput
from ggzy.tendering.models import Lot

from .conftest import DEADLINE, PAID_AT, World, make_entity

HEADER_ZH = "交易时间,付款人名称,付款账号,付款银行,金额,流水号,附言"
HEADER_EN = "paid_at,payer_name,payer_account,payer_bank,amount,reference,memo"


def csv_file(*lines: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO("\n".join(lines).encode(encoding))


def line(entity: MarketEntity, reference: str, amount: str = "20000.00", at: str = "") -> str:
    when = at or clock.local_text(PAID_AT)
    return f"{when},{entity.name},{entity.bank_account},{entity.bank_name},{amount},{reference},LOT"


def run(world: World, lot: Lot, upload: io.BytesIO) -> services.StatementReport:
    return services.import_statement(user=world.staff, lot_id=lot.pk, csv_file=upload)


def test_good_statement_is_imported(
    world: World, lot: Lot, bidder: MarketEntity, rival: MarketEntity
) -> None:
    report = run(
        world,
        lot,
        csv_file(HEADER_ZH, line(bidder, "S1"), "", line(rival, "S2", '"12,000.50"')),
    )
    assert report.ok, report.errors
    assert report.rows == 2
    assert len(report.created) == 2
    rival_deposit = Deposit.objects.get(entity=rival)
    assert str(rival_deposit.amount) == "12000.50"
    assert rival_deposit.paid_at is not None
    # 10:15 in Beijing
    assert rival_deposit.paid_at.isoformat() == f"{PAID_AT.date().isoformat()}T02:15:00+00:00"
    assert LedgerEntry.objects.filter(kind="deposit.recorded").count() == 2
    assert report.file_sha256 in LedgerEntry.objects.first().body  # type: ignore[union-attr]


def test_english_headers_any_order_and_gbk(world: World, lot: Lot, bidder: MarketEntity) -> None:
    day = PAID_AT.date()
    written = f"{day.year}/{day.month}/{day.day} 9:05"
    text = f"reference,amount,payer_account,paid_at\nE1,500,{bidder.bank_account},{written}\n"
    assert run(world, lot, io.BytesIO(text.encode())).ok
    gbk = csv_file(HEADER_ZH, line(bidder, "G1"), encoding="gb18030")
    report = run(world, lot, gbk)
    assert report.ok
    assert Deposit.objects.count() == 2


def test_reimport_skips_known_references(world: World, lot: Lot, bidder: MarketEntity) -> None:
    content = [HEADER_EN, line(bidder, "S1"), line(bidder, "S2", "1000")]
    assert run(world, lot, csv_file(*content)).ok
    again = run(world, lot, csv_file(*content, line(bidder, "S3", "5")))
    assert again.ok
    assert again.skipped == [(2, "S1"), (3, "S2")]
    assert len(again.created) == 1
    assert Deposit.objects.count() == 3


def test_any_bad_row_saves_nothing_and_each_is_listed(
    world: World, lot: Lot, bidder: MarketEntity, manual_clock: clock.ManualClock
) -> None:
    manual_clock.set(DEADLINE + timedelta(days=1))  # finance imports after the opening
    paid, late = clock.local_text(PAID_AT), clock.local_text(DEADLINE + timedelta(minutes=1))
    report = run(
        world,
        lot,
        csv_file(
            HEADER_ZH,
            line(bidder, "OK1"),  # row 2: fine
            f"{paid},某公司,62220000,某银行,100,X1,",  # row 3: unknown account
            line(bidder, "X2", "-100"),  # row 4: not a credit
            line(bidder, "X3", at="yesterday"),  # row 5: bad time
            line(bidder, "OK1"),  # row 6: repeats row 2
            line(bidder, "X4", at=late),  # row 7: after the deadline
            f"{paid},,{bidder.bank_account},,100,,",  # row 8: no reference
            line(bidder, "R" * 65),  # row 9: reference too long
        ),
    )
    assert not report.ok
    assert [(e.row, e.field) for e in report.errors] == [
        (3, "payer_account"),
        (4, "amount"),
        (5, "paid_at"),
        (6, "reference"),
        (7, "paid_at"),
        (8, "reference"),
        (9, "reference"),
    ]
    assert "第2行" in report.errors[3].message_zh
    assert report.errors[4].message_zh.endswith("（依据平台配置）")
    assert not Deposit.objects.exists()
    assert not LedgerEntry.objects.filter(kind="deposit.recorded").exists()


def test_account_shared_by_two_entities_is_ambiguous(
    world: World, lot: Lot, bidder: MarketEntity
) -> None:
    make_entity(world.region, "同账户公司", account=bidder.bank_account)
    report = run(world, lot, csv_file(HEADER_ZH, line(bidder, "A1")))
    assert [e.row for e in report.errors] == [2]
    assert "多个市场主体" in report.errors[0].message_zh


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "invalid"),
        (b"\xff\xfe\x00\xd8 not text", "file_type"),
        ("流水号,金额\nA,1\n".encode(), "statement_columns"),
    ],
)
def test_unreadable_files(world: World, lot: Lot, content: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        run(world, lot, io.BytesIO(content))
    assert caught.value.code == code
    assert caught.value.field == "file"


def test_header_only(world: World, lot: Lot) -> None:
    report = run(world, lot, csv_file(HEADER_ZH))
    assert not report.ok
    assert report.errors[0].message_en == "the file has no data rows"


def test_only_centre_staff_import(world: World, lot: Lot) -> None:
    with pytest.raises(Forbidden):
        services.import_statement(
            user=world.supervisor_user, lot_id=lot.pk, csv_file=csv_file(HEADER_ZH)
        )
