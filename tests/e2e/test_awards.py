"""In a real browser: after the candidates' publicity, the initiator awards the first
candidate on the lot page and downloads the award notice, sealed by the platform."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ggzy.awards.models import Award, Letter
from ggzy.core import seal
from ggzy.kernel import clock
from tests.awards.flow import AWARDS, candidates, evaluated
from tests.fixtures.tendering import World
from tests.fixtures.threads import off_loop
from tests.tendering.flow import ok

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Award-Notice-2026"


def test_initiator_awards_and_downloads_the_sealed_notice(
    page: Page,
    live_server: Any,
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    shot: Any,
) -> None:
    r = off_loop(evaluated, world, manual_clock, tmp_path, verified_client)
    ends = (clock.now() + timedelta(days=3)).isoformat()
    ok(
        world.agent.client.post(
            f"{AWARDS}/lots/{r.lot_id}/publicity",
            {"ends_at": ends},
            content_type="application/json",
        ),
        201,
    )
    manual_clock.advance(timedelta(days=3, minutes=5))
    first = candidates(r)[0]
    initiator = world.initiator.user
    initiator.set_password(PASSWORD)
    initiator.save(update_fields=["password"])

    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", initiator.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    page.goto(f"{base}/awards/lots/{r.lot_id}/")
    expect(page.locator("#candidates")).to_contain_text("第1名")
    page.select_option("#id_bid", str(first))
    shot("award-form")
    page.click("#award-form button[type=submit]")
    expect(page.locator("#letters")).to_contain_text("中标/成交通知书")
    shot("awarded")
    award = Award.objects.get(lot_id=r.lot_id)
    assert award.bid_id == first and award.rank == 1
    letter = Letter.objects.get(award=award, kind=Letter.Kind.AWARD)
    response = page.request.get(f"{base}/awards/letters/{letter.pk}.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    check = seal.verify_pdf(response.body())
    assert check.valid and check.trusted, check.summary
