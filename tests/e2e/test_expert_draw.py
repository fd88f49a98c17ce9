"""In a real browser: centre staff draw a 7-member committee, the experts answer in their
workspace, one declines and is replaced by a supplementary draw."""

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from ggzy.accounts.otp import current_code, device_for
from ggzy.experts.models import DrawRequest, Invitation
from ggzy.experts.verification import verify_attempt
from tests.fixtures.draws import INITIATOR, opening_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "x-Pass-2026"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def answer(
    browser: Browser, base: str, invitation: Invitation, *, accept: bool, shot: Any = None
) -> None:
    user = invitation.expert.user
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    log_in(page, base, user.username)
    page.goto(f"{base}/experts/me/invitations/")
    page.click(f"a[href='/experts/invitations/{invitation.pk}/']")
    if accept:
        page.click("#accept")
        expect(page.locator("#invitation-status")).to_have_text("已确认")
    else:
        page.fill("#reason", "出差在外")
        page.click("#decline")
        expect(page.locator("#invitation-status")).to_have_text("已拒绝")
    if shot:
        page.screenshot(path=str(shot), full_page=True)
    context.close()


def test_draw_confirm_decline_replace(
    page: Page, browser: Browser, live_server, province, pool, parties, shot
) -> None:
    base = live_server.url
    staff = province["staff"]
    log_in(page, base, staff.username)
    page.fill("#id_token", current_code(device_for(staff)))
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    page.click("text=新建抽取申请")

    page.fill("#id_project_code", "E2E-2026-001")
    page.fill("#id_lot_name", "某中学教学楼施工")
    page.select_option("#id_procedure", "works_tender")
    page.select_option("#id_supervisor", str(province["supervisor"].pk))
    page.fill("#id_initiator_uscc", INITIATOR)
    page.fill("#id_opening_at", opening_at().strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_mode", "local")
    page.select_option("#id_main_venue", str(province["venues"][0].pk))
    page.fill("#id_committee_size", "7")
    page.select_option("#id_specialty_0", "A0801")
    page.fill("#id_count_0", "5")
    page.select_option("#id_specialty_1", "A0802")
    page.fill("#id_count_1", "2")
    # (A full-page screenshot just before this click leaves headless Chromium ignoring it.)
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("专家抽取")
    shot("request")
    page.click("#run-draw")
    expect(page.locator("#invitations tr:has-text('待确认')")).to_have_count(7)
    shot("drawn")

    draw_request = DrawRequest.objects.get()
    invitations = list(Invitation.objects.filter(request=draw_request).order_by("pk"))
    answer(browser, base, invitations[0], accept=False)
    for invitation in invitations[1:]:
        answer(browser, base, invitation, accept=True)

    replacement = Invitation.objects.filter(request=draw_request).order_by("-pk").first()
    assert replacement is not None and replacement.attempt.supplementary
    page.reload()
    expect(page.locator("#invitations tr:has-text('已拒绝')")).to_have_count(1)
    expect(page.locator("#invitations tr:has-text('已确认')")).to_have_count(6)
    expect(page.locator("#invitations tr:has-text('待确认')")).to_have_count(1)
    shot("replaced")
    answer(browser, base, replacement, accept=True)
    # The page refreshes itself (htmx polling) and shows the committee complete.
    expect(page.locator("#invitations tr:has-text('已确认')")).to_have_count(7, timeout=10_000)
    page.goto(f"{base}/experts/draws/{draw_request.pk}/?verify=1")
    expect(page.locator("#verify-ok")).to_have_count(2)
    shot("verified")
    assert all(verify_attempt(a).ok for a in draw_request.attempts.all())
