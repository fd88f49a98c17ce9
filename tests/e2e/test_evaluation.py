"""In a real browser: an expert opens the evaluation room, reads each bid's decrypted
documents beside the scoring form, scores every bid (a score out of range is refused),
submits, and watches the committee table refresh itself; later signs the report with the
private key picked in the page (WebCrypto, international suite)."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ggzy.evaluation.models import Evaluation, Member, Score
from ggzy.kernel import clock
from tests.evaluation.flow import chair_of, fill, post, room, seat_committee, url
from tests.fixtures.evaluation import Person, Room
from tests.fixtures.tendering import World
from tests.fixtures.threads import off_loop
from tests.tendering.flow import ok

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Score-Bids-2026"
ATTACHMENT = b"%PDF technical proposal " * 100


def seated_room(world: World, manual_clock: Any, tmp_path: Path, verified_client: Any) -> Room:
    """The fixture's opened lot and draw, the evaluation started through the API and the
    whole committee signed in with a chair."""

    def build() -> Room:
        r = room(world, manual_clock, tmp_path, verified_client)
        seat_committee(r)
        return r

    result: Room = off_loop(build)
    return result


def log_in(page: Page, base: str, person: Person) -> None:
    person.user.set_password(PASSWORD)
    person.user.save(update_fields=["password"])
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", person.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/workspace/$"))


def test_expert_scores_every_bid_and_submits(
    page: Page,
    live_server: Any,
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    shot: Any,
) -> None:
    base = live_server.url
    r = seated_room(world, manual_clock, tmp_path, verified_client)
    expert = r.experts[1]  # not the chair
    member = Member.objects.get(pk=r.members[expert.user.pk])

    log_in(page, base, expert)
    page.click("#my-evaluations")
    page.click(f"a[href='/evaluation/{r.evaluation_id}/']")
    expect(page.locator("#evaluation-status")).to_have_text("评审中")
    expect(page.locator("#my-status")).to_contain_text("尚有 20 项未填写")
    shot("room")

    # Each bid's decrypted documents are listed beside its form; a link streams the file.
    for n, bid in enumerate(r.bids):
        entity = world.bidders[n].entity
        assert entity is not None
        documents = page.locator(f"#bid-{bid} .documents")
        expect(documents).to_contain_text(f"tech-{entity.pk}.pdf")
        expect(documents).to_contain_text("¥")  # the price sheet
    href = page.locator(f"#bid-{r.bids[0]} .documents a").first.get_attribute("href")
    assert href is not None
    document = page.request.get(f"{base}{href}")
    assert document.ok and document.body() == ATTACHMENT
    assert document.headers["content-disposition"].startswith("inline")

    # A score out of range: the browser refuses it (min/max on the input) ...
    first = f"#bid-{r.bids[0]}"
    score = page.locator(f"{first} input[name='score-T1']")
    expect(page.locator(f"{first} td.range").first).to_have_text("0 – 30.00")
    score.fill("35")
    page.click(f"{first} button.save")
    assert score.evaluate("e => e.validity.rangeOverflow") is True
    assert score.evaluate("e => e.validationMessage") != ""
    # ... and so does the platform when the browser's check is bypassed; nothing is saved.
    page.locator(f"{first} form").evaluate("f => { f.noValidate = true; }")
    page.click(f"{first} button.save")
    error = page.locator(".messages li.error")
    expect(error).to_contain_text("得分须为0至30")
    expect(error).to_contain_text("must be from 0 to 30")
    expect(page.locator(f"{first} .sheet-error")).to_be_visible()
    expect(page.locator(f"{first} input[name='score-T1']")).to_have_class("invalid")
    shot("refused")
    assert not Score.objects.filter(member=member).exists()

    # Pass every check and score every bid, saving each form.
    expected = {}
    for n, bid in enumerate(r.bids):
        form = f"#bid-{bid}"
        technical, commercial = f"{20 + n}.5", f"{5 + n}"
        page.check(f"{form} input[name='check-Q1'][value='pass']")
        page.check(f"{form} input[name='check-C1'][value='pass']")
        page.fill(f"{form} input[name='score-T1']", technical)
        page.fill(f"{form} input[name='score-B1']", commercial)
        page.click(f"{form} button.save")
        expect(page.locator(".messages li.success")).to_have_text("已保存。")
        expect(page.locator(f"{form} input[name='score-T1']")).to_have_value(f"{technical}0")
        expected[bid] = {"T1": f"{technical}0", "B1": f"{commercial}.00"}
    expect(page.locator("#my-status")).to_contain_text("各项均已填写")
    shot("filled")

    page.click("#submit-sheet")
    expect(page.locator(".messages li.success")).to_have_text("评审表已提交。")
    expect(page.locator("#my-status")).to_contain_text("您的评审表已提交")
    expect(page.locator(f"#member-{member.pk} .sheet-status")).to_have_text("已提交")
    expect(page.locator("button.save")).to_have_count(0)
    shot("submitted")

    member.refresh_from_db()
    assert member.submitted_at is not None
    stored = {
        bid: {s.item: str(s.value) for s in Score.objects.filter(member=member, bid_id=bid)}
        for bid in r.bids
    }
    assert stored == expected

    # Another member submits elsewhere: the committee table refreshes itself (htmx polling).
    other = r.experts[2]
    off_loop(fill, r, other, {"T1": "26", "B1": "7"})
    other_line = page.locator(f"#member-{r.members[other.user.pk]} .sheet-status")
    expect(other_line).to_have_text("已提交", timeout=10_000)
    page.reload()
    expect(page.locator("#other-sheets")).to_contain_text(other.name)
    shot("others")


def test_member_signs_the_report_in_the_browser(
    page: Page,
    live_server: Any,
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    shot: Any,
) -> None:
    base = live_server.url
    r = seated_room(world, manual_clock, tmp_path, verified_client)

    def to_report() -> None:
        chair = chair_of(r)
        state = ok(r.staff.get(url(r)))
        flag = next(f for f in state["flags"] if f["kind"] == "above_ceiling")
        body = {"votes_for": 5, "votes_against": 0, "reason": "price", "ground": "高于限价"}
        ok(post(chair, f"/api/v1/evaluation/flags/{flag['id']}/resolve", body))
        for person in r.people:
            fill(r, person, {"T1": "25", "B1": "8"})
        ok(post(chair, url(r, "/conclude"), {}))
        ok(post(chair, url(r, "/report")))

    off_loop(to_report)
    expert = r.experts[1]
    log_in(page, base, expert)
    page.goto(f"{base}/evaluation/{r.evaluation_id}/")
    expect(page.locator("#evaluation-status")).to_have_text("评标报告待签署")
    first_bidder = world.bidders[0].entity
    assert first_bidder is not None
    expect(page.locator("#result-table")).to_contain_text(first_bidder.name)
    expect(page.locator("#report-pdf")).to_be_visible()
    key = tmp_path / "sign.key.pem"
    key.write_bytes(expert.sign_key)
    page.set_input_files("#sign-key", str(key))
    page.click("#sign-in-browser")
    expect(page.locator(".messages li.success")).to_have_text("您已签署评标报告。")
    expect(page.locator("#my-status")).to_contain_text("您已签署评标报告")
    shot("signed")
    member = Member.objects.get(pk=r.members[expert.user.pk])
    assert member.report_signed_at is not None and member.report_certificate is not None
    assert Evaluation.objects.get(pk=r.evaluation_id).status == Evaluation.Status.REPORTED
