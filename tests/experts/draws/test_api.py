"""The draw API, role by role."""

from typing import Any

import pytest
from django.test import Client

from ggzy.accounts.models import Role, User
from ggzy.accounts.services import create_token
from ggzy.experts.models import Invitation
from tests.fixtures.draws import AGENT, INITIATOR, opening_at

pytestmark = pytest.mark.django_db


def api(user: User) -> Any:
    _, secret = create_token(user=user, name="t", scopes=["read", "write"], days=30)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    class Api:
        def get(self, path: str) -> Any:
            return client.get(f"/api/v1/experts/draws{path}")

        def post(self, path: str, body: object = None) -> Any:
            return client.post(
                f"/api/v1/experts/draws{path}", body or {}, content_type="application/json"
            )

    return Api()


def request_body(province: dict[str, Any]) -> dict[str, Any]:
    return {
        "project_code": "XX-2026-009",
        "lot_name": "市政道路改造",
        "procedure": "works_tender",
        "supervisor_id": province["supervisor"].pk,
        "initiator_uscc": INITIATOR,
        "agent_uscc": AGENT,
        "opening_at": opening_at().isoformat(),
        "mode": "local",
        "committee_size": 5,
        "requirements": [{"specialty": "A0801", "venue": "main", "count": 5}],
        "main_venue_id": province["venues"][0].pk,
    }


def test_centre_draws_expert_replies_supervisor_verifies(
    manual_clock, pool, province, parties
) -> None:
    centre = api(province["staff"])
    created = centre.post("", request_body(province))
    assert created.status_code == 201, created.content
    draw_id = created.json()["id"]
    drawn = centre.post(f"/{draw_id}/draw").json()
    assert len(drawn["invitations"]) == 5
    assert drawn["attempts"][0]["snapshot_digest"]

    invitation = Invitation.objects.filter(request_id=draw_id).first()
    assert invitation is not None
    expert = api(invitation.expert.user)
    mine = expert.get("/invitations/mine").json()
    assert [m["id"] for m in mine] == [invitation.pk]
    assert mine[0]["expert"] is None  # experts do not see the other names
    assert (
        expert.post(
            f"/invitations/{invitation.pk}/reply", {"accept": False, "reason": "出差"}
        ).status_code
        == 200
    )
    assert expert.get(f"/{draw_id}").status_code == 404

    supervisor_user = User.objects.create_user(
        username="sup", password=None, role=Role.SUPERVISOR, organisation=province["supervisor"]
    )
    verdict = api(supervisor_user).get(f"/{draw_id}/verify").json()
    assert verdict["ok"] and len(verdict["attempts"]) == 2


def test_bidders_and_initiators_see_nothing(manual_clock, pool, province, parties) -> None:
    centre = api(province["staff"])
    draw_id = centre.post("", request_body(province)).json()["id"]
    entity_user = User.objects.create_user(username="bidder", password=None, role=Role.ENTITY)
    outsider = api(entity_user)
    assert outsider.get("").json() == []
    assert outsider.get(f"/{draw_id}").status_code == 404
    assert outsider.post(f"/{draw_id}/draw").status_code == 404


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"committee_size": 4}, 422, "committee_size"),
        ({"requirements": [{"specialty": "Q1", "venue": "main", "count": 5}]}, 400, "requirements"),
        ({"opening_at": "not a date"}, 422, "opening_at"),
        ({"lot_name": "x" * 500}, 422, "lot_name"),
        ({"supervisor_id": 999999}, 404, "supervisor_id"),
    ],
)
def test_bad_requests_get_bilingual_errors(
    manual_clock, pool, province, parties, change, status, field
) -> None:
    response = api(province["staff"]).post("", {**request_body(province), **change})
    assert response.status_code == status, response.content
    body = response.json()
    assert body["field"] == field and body["message_zh"] and body["message_en"]
