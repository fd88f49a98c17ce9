"""The centre finance page at /deposits/."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ggzy.accounts.models import User
from ggzy.deposits import services
from ggzy.deposits.models import Deposit, Status
from ggzy.entities.models import MarketEntity
from ggzy.kernel import clock
from ggzy.tendering.models import Lot

from .conftest import DEADLINE, NOW, PAID_AT, World, transfer


def paid_at() -> str:
    return (NOW - timedelta(hours=1)).astimezone(clock.SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def test_page_is_for_centre_staff(
    world: World, bidder_user: User, verified_client: Callable[[User], Client]
) -> None:
    assert Client().get("/deposits/").status_code == 302  # to the login page
    response = verified_client(bidder_user).get("/deposits/")
    assert response.status_code == 403
    assert "交易中心工作人员" in response.content.decode()


def test_enter_a_transfer_and_see_errors_in_the_page(
    world: World, lot: Lot, bidder: MarketEntity, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(world.staff)
    page = client.get("/deposits/")
    assert page.status_code == 200
    assert lot.code in page.content.decode()  # offered in the lot choice
    form = {
        "lot": lot.pk,
        "entity": bidder.uscc,
        "amount": "20000.00",
        "payer_bank": bidder.bank_name,
        "payer_account": "6222000011112222",
        "paid_at": paid_at(),
        "bank_reference": "WEB-1",
    }
    refused = client.post("/deposits/transfers/", form)
    assert refused.status_code == 200
    assert "基本存款账户" in refused.content.decode()
    assert not Deposit.objects.exists()

    unknown = client.post("/deposits/transfers/", {**form, "entity": "91350100M000100Y43"})
    assert "没有使用这个统一社会信用代码的市场主体" in unknown.content.decode()

    done = client.post("/deposits/transfers/", {**form, "payer_account": bidder.bank_account})
    assert done.status_code == 302
    listing = client.get("/deposits/").content.decode()
    assert "已登记银行转账" in listing
    assert "20000.00" in listing
    lot_page = client.get(f"/deposits/lots/{lot.pk}/").content.decode()
    assert "银行转账 ¥20,000.00" in lot_page
    assert "足额" in lot_page


def test_upload_a_statement(
    world: World, lot: Lot, bidder: MarketEntity, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(world.staff)
    content = (
        "交易时间,付款账号,金额,流水号\n"
        f"{clock.local_text(PAID_AT)},{bidder.bank_account},20000,S-1\n"
        f"{clock.local_text(PAID_AT)},000,20000,S-2\n"
    ).encode()
    upload = SimpleUploadedFile("statement.csv", content, "text/csv")
    response = client.post("/deposits/statements/", {"lot": lot.pk, "file": upload})
    assert response.status_code == 422
    text = response.content.decode()
    assert "未导入：文件中有错误" in text
    assert "不是任何已登记市场主体的基本存款账户" in text
    assert not Deposit.objects.exists()

    broken = SimpleUploadedFile("statement.csv", b"foo,bar\n1,2\n", "text/csv")
    response = client.post("/deposits/statements/", {"lot": lot.pk, "file": broken})
    assert response.status_code == 200
    assert "表头缺少列" in response.content.decode()


def test_record_a_guarantee(
    world: World, lot: Lot, bidder: MarketEntity, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(world.staff)
    form = {
        "lot": lot.pk,
        "entity": bidder.uscc,
        "guarantee_no": "BH-WEB",
        "issuer": "某担保公司",
        "amount": "20000",
        "valid_from": PAID_AT.date().isoformat(),
        "valid_until": (DEADLINE.date() - timedelta(days=1)).isoformat(),
    }
    short = client.post("/deposits/guarantees/", form)
    assert short.status_code == 200
    assert "未覆盖投标截止日" in short.content.decode()
    covering = (DEADLINE.date() + timedelta(days=90)).isoformat()
    done = client.post("/deposits/guarantees/", {**form, "valid_until": covering})
    assert done.status_code == 302
    assert Deposit.objects.get().guarantee_no == "BH-WEB"


def test_mark_an_overdue_refund(
    world: World,
    lot: Lot,
    bidder: MarketEntity,
    verified_client: Callable[[User], Client],
    manual_clock: clock.ManualClock,
) -> None:
    deposit = transfer(world, lot, bidder)
    services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=NOW.date())
    manual_clock.advance(timedelta(days=7))
    client = verified_client(world.staff)
    page = client.get("/deposits/").content.decode()
    assert (NOW.date() + timedelta(days=5)).isoformat() in page
    assert f"/deposits/{deposit.pk}/refunded/" in page

    blank = client.post(f"/deposits/{deposit.pk}/refunded/", {"reference": ""})
    assert blank.status_code == 200
    assert f"保证金 #{deposit.pk}" in blank.content.decode()
    missing = client.post("/deposits/999999/refunded/", {"reference": "R"})
    assert missing.status_code == 200
    assert "不存在" in missing.content.decode()

    done = client.post(f"/deposits/{deposit.pk}/refunded/", {"reference": "R-9"})
    assert done.status_code == 302
    deposit.refresh_from_db()
    assert deposit.status == Status.REFUNDED
    assert "没有逾期未退还的保证金" in client.get("/deposits/").content.decode()


def test_lot_page_of_another_centre(
    world: World, lot: Lot, verified_client: Callable[[User], Client]
) -> None:
    response = verified_client(world.city_staff).get(f"/deposits/lots/{lot.pk}/")
    assert response.status_code == 404


def test_english_page(world: World, verified_client: Callable[[User], Client]) -> None:
    client = verified_client(world.staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/deposits/"})
    text = client.get("/deposits/", headers={"accept-language": "en"}).content.decode()
    assert "Bid deposit" in text


def test_admin_lists_deposits_read_only(
    world: World, lot: Lot, bidder: MarketEntity, admin_client: Client
) -> None:
    deposit = transfer(world, lot, bidder)
    assert admin_client.get("/admin/deposits/deposit/").status_code == 200
    assert admin_client.get(f"/admin/deposits/deposit/{deposit.pk}/change/").status_code == 200
    assert admin_client.get("/admin/deposits/deposit/add/").status_code == 403


def test_openapi_schema_includes_the_endpoints(admin_client: Client) -> None:
    paths = admin_client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/deposits/lots/{lot_id}/statement" in paths
