"""In a real browser: a bidder that obtained the tender documents logs in, its workspace
opens on the to-do list with the bid deadline and the time left, and the to-do's link takes
it to the page where it bids. The home page then greets it instead of inviting it to
register."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ggzy.kernel import clock
from ggzy.tendering import services
from ggzy.tendering.models import Document, Project
from tests.fixtures.tendering import World
from tests.tendering.flow import ok, publish, register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "To-Do-List-2026"


def test_a_bidder_follows_its_todo_to_the_bid_page(
    page: Page,
    live_server: Any,
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    shot: Any,
) -> None:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    lot_id = project["lots"][0]["id"]
    bidder = world.bidders[0]
    document = Document.objects.get(project_id=project["id"])
    services.record_download(user=bidder.user, document_id=document.pk)
    deadline = Project.objects.get(pk=project["id"]).bid_deadline
    assert deadline is not None
    bidder.user.set_password(PASSWORD)
    bidder.user.save(update_fields=["password"])

    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", bidder.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    todo = page.locator("#todos tr.todo")
    expect(todo).to_have_count(1)
    expect(todo).to_contain_text("递交投标文件")
    expect(todo).to_contain_text(project["code"])
    expect(todo).to_contain_text(deadline.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M"))
    expect(todo).to_contain_text("剩余")
    shot("todos")
    todo.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/tendering/lots/{lot_id}/bid/$"))
    expect(page.locator("#seal-command")).to_contain_text(f"--lot {lot_id}")
    shot("bid-page")
    page.goto(f"{base}/")
    expect(page.locator("#home-welcome")).to_contain_text("进入工作台")
    expect(page.locator("#home-welcome")).not_to_contain_text("立即注册")
