"""In a real browser: a company registers, centre staff log in with 2FA and approve it, and
the company logs in and sees itself approved. Screenshots land in var/screenshots/."""

import re

import pytest
from playwright.sync_api import Page, expect

from ggzy.accounts.models import Level, Organisation, Role, User
from ggzy.accounts.otp import current_code, device_for
from ggzy.core.selectors import verify_ledger
from ggzy.entities.models import MarketEntity
from ggzy.kernel.ids import make_resident_id, make_uscc
from tests.fixtures.people import organisation, region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Stone-Bridge-2026"


@pytest.fixture
def centre_staff() -> User:
    province = region("430000", "湖南省")
    centre = organisation(
        Organisation.Kind.CENTRE, "湖南省公共资源交易中心", province, level=Level.PROVINCE
    )
    return User.objects.create_user(
        username="reviewer",
        password=PASSWORD,
        role=Role.CENTRE,
        organisation=centre,
        real_name="李敏",
    )


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def test_register_review_and_log_in(page: Page, live_server, centre_staff: User, shot) -> None:
    from datetime import date

    base = live_server.url
    uscc = make_uscc("9", "1", "430100", "MA4LE2E1")

    # A company finds the registration page from the home page.
    page.goto(f"{base}/")
    expect(page.locator("header")).to_contain_text("公共资源交易平台")
    shot("home")
    page.click("text=市场主体注册")
    expect(page).to_have_url(re.compile(r"/entities/register/$"))

    # A wrong check character is refused at field level, in Chinese, nothing saved.
    page.check("input[name=kind][value=legal]")
    page.fill("#id_name", "湖南示例建设工程有限公司")
    page.fill("#id_uscc", uscc[:-1] + ("0" if uscc[-1] != "0" else "1"))
    page.fill("#id_legal_rep_name", "刘建国")
    page.fill("#id_legal_rep_id", make_resident_id("430100", date(1975, 5, 6), "123"))
    page.fill("#id_address", "长沙市岳麓区示例路 1 号")
    page.fill("#id_contact_name", "王芳")
    page.fill("#id_contact_mobile", "13900001111")
    page.fill("#id_email", "wang@example.cn")
    page.fill("#id_bank_name", "中国工商银行长沙分行")
    page.fill("#id_bank_account", "430500001111222233")
    page.check("#id_is_respondent")
    page.fill("#id_username", "shili")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator(".errorlist")).to_contain_text("校验位")
    shot("register-error")
    assert MarketEntity.objects.count() == 0

    page.fill("#id_uscc", uscc)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("已提交")
    shot("registered")

    # Centre staff: password, then the authenticator code, then the review queue.
    log_in(page, base, "reviewer")
    expect(page).to_have_url(re.compile(r"/accounts/otp/$"))
    expect(page.locator("#otp-secret")).to_be_visible()
    shot("otp-enrol")
    page.fill("#id_token", current_code(device_for(centre_staff)))
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    shot("centre-workspace")
    page.goto(f"{base}/entities/review/")
    expect(page.locator("main")).to_contain_text("湖南示例建设工程有限公司")
    shot("review-list")
    page.click("main table a:has-text('审核')")
    expect(page.locator("main")).to_contain_text(uscc)
    shot("review")
    page.click("button:has-text('审核通过')")
    expect(page.locator(".messages")).to_be_visible()
    shot("approved")
    page.click("button:has-text('退出')")

    # The company logs in and sees itself approved.
    log_in(page, base, "shili")
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    page.goto(f"{base}/entities/mine/")
    expect(page.locator("main")).to_contain_text("已通过")
    shot("entity-approved")

    # The same page in English.
    page.click("button:has-text('English')")
    expect(page.locator("header")).to_contain_text("Hunan Public Resource Trading Platform")
    shot("entity-english")

    assert MarketEntity.objects.get(uscc=uscc).status == "approved"
    assert verify_ledger().ok
