"""Screenshots of the living demo as `make run` serves it: the portal, the live auction hall
and each demo role's 工作台, under var/screenshots/living/.

    DATABASE_URL=… .venv/bin/python -m tests.e2e.demo_screenshots [http://127.0.0.1:8000]

It reads the demo database (for the staff's authenticator codes), so run it with the same
DATABASE_URL as the server.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ggzy.settings")
# Playwright's sync API runs an event loop in this thread; the few ORM reads are plain calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
django.setup()

from django.conf import settings  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from ggzy.auctions.models import Auction  # noqa: E402
from ggzy.demo import DEMO_PASSWORD  # noqa: E402

from .browser import CHROMIUM, FLAGS, log_in  # noqa: E402

ROLES = [
    "demo_admin",
    "demo_centre",
    "demo_centre_xx",
    "demo_supervisor",
    "demo_supervisor_gp",
    "demo_oversight",
    "demo_initiator",
    "demo_agent",
    "demo_bidder",
    "demo_person",
    "demo_expert",
]


def _save(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def take(base: str, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for name, path in [("portal", "/"), ("notices", "/notices/"), ("auctions", "/auctions/")]:
            page.goto(base + path)
            saved.append(_save(page, folder, name))
        live = Auction.objects.filter(phase="timed", status=Auction.Status.ANNOUNCED).first()
        if live is not None:
            page.goto(f"{base}/auctions/{live.pk}/")
            page.wait_for_timeout(1500)  # the hall's socket brings the live state
            saved.append(_save(page, folder, "auction-hall"))
        context.close()
        for username in ROLES:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            log_in(page, base, username, DEMO_PASSWORD)
            page.goto(f"{base}/workspace/")
            saved.append(_save(page, folder, f"workspace-{username}"))
            context.close()
        browser.close()
    return saved


if __name__ == "__main__":
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    for shot in take(url.rstrip("/"), Path(settings.VAR_DIR) / "screenshots" / "living"):
        print(shot)
