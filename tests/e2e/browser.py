"""Headless Chromium as the browser tests and the demo's screenshot tool launch it, and
logging in as a demo user (password, then the authenticator's code for staff)."""

from __future__ import annotations

import os

from playwright.sync_api import Page

from ggzy.accounts.models import User
from ggzy.accounts.otp import current_code, device_for

CHROMIUM = os.environ.get("GGZY_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def log_in(page: Page, base: str, username: str, password: str) -> None:
    """Through the login page; staff type their authenticator's current code as well."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    if page.url.rstrip("/").endswith("/accounts/otp"):
        page.fill("#id_token", current_code(device_for(User.objects.get(username=username))))
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
