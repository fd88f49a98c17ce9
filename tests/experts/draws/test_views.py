"""The draw pages: request form, draw, live status, invitation reply, verification."""

from typing import Any

import pytest
from django.test import Client

from ggzy.accounts.models import Role, User
from ggzy.experts.models import DrawRequest, Invitation
from tests.fixtures.draws import INITIATOR, opening_at

pytestmark = pytest.mark.django_db


def form_data(province: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {
        "project_code": "WEB-001",
        "lot_name": "某中学教学楼施工",
        "procedure": "works_tender",
        "supervisor": province["supervisor"].pk,
        "initiator_uscc": INITIATOR,
        "agent_uscc": "",
        "bidder_usccs": "",
        "opening_at": opening_at().strftime("%Y-%m-%dT%H:%M"),
        "mode": "local",
        "secondary_venue_count": 0,
        "main_venue": province["venues"][0].pk,
        "committee_size": 7,
        "owner_representatives": 0,
        "reply_minutes": 30,
        "specialty_0": "A0801",
        "venue_0": "main",
        "count_0": 5,
        "specialty_1": "A0802",
        "venue_1": "main",
        "count_1": 2,
    }
    data.update(changes)
    return data


def test_centre_draws_in_the_browser_flow(
    manual_clock, pool, province, parties, verified_client
) -> None:
    centre = verified_client(province["staff"])
    assert centre.get("/experts/draws/new/").status_code == 200
    response = centre.post("/experts/draws/new/", form_data(province))
    draw_request = DrawRequest.objects.get()
    assert response["Location"] == f"/experts/draws/{draw_request.pk}/"
    centre.post(f"/experts/draws/{draw_request.pk}/run/")
    page = centre.get(f"/experts/draws/{draw_request.pk}/").content.decode()
    assert page.count("待确认") >= 7
    partial = centre.get(
        f"/experts/draws/{draw_request.pk}/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in partial and "invitations" in partial

    invitation = Invitation.objects.first()
    assert invitation is not None
    expert = Client()
    expert.force_login(invitation.expert.user)
    assert "确认参加" in expert.get(f"/experts/invitations/{invitation.pk}/").content.decode()
    expert.post(f"/experts/invitations/{invitation.pk}/", {"answer": "decline", "reason": "出差"})
    assert Invitation.objects.filter(request=draw_request).count() == 8

    supervisor = verified_client(
        User.objects.create_user(
            username="sup", password=None, role=Role.SUPERVISOR, organisation=province["supervisor"]
        )
    )
    checked = supervisor.get(f"/experts/draws/{draw_request.pk}/?verify=1").content.decode()
    assert "verify-ok" in checked and "不一致" not in checked.split("复核")[-1].split("返回")[
        0
    ].replace("不一致</span>", "")


def test_form_errors_are_shown_in_chinese(
    manual_clock, pool, province, parties, verified_client
) -> None:
    centre = verified_client(province["staff"])
    page = centre.post(
        "/experts/draws/new/", form_data(province, committee_size=6)
    ).content.decode()
    assert "单数" in page and "第三十七条" in page
    assert not DrawRequest.objects.exists()


def test_others_are_refused(manual_clock, pool, province, parties, request_for) -> None:
    draw_request = request_for()
    bidder = Client()
    bidder.force_login(User.objects.create_user(username="b", password=None, role=Role.ENTITY))
    assert bidder.get("/experts/draws/").status_code == 403
    assert bidder.get(f"/experts/draws/{draw_request.pk}/").status_code == 403
    assert bidder.get("/experts/draws/new/").status_code == 403
