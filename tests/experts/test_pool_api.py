"""The REST API at /api/v1/experts: every pool, evaluation and appraisal endpoint, for the
roles that matter; bad input gives a 4xx JSON error, never a 500, and saves nothing."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from ggzy.experts.models import Expert, ExpertStatus, Invitation
from ggzy.kernel import clock

from .conftest import expert_data, expert_row, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("env")]


def test_create_list_detail_by_role(
    api: Any,
    centre_user: Any,
    supervisor_user: Any,
    expert: Expert,
    other_expert: Expert,
    entity_user: Any,
    unchanged: Any,
) -> None:
    centre, supervisor = api(centre_user), api(supervisor_user)
    response = centre.post(
        "/", expert_data(name="王五", main_specialty="B0201", other_specialties=[])
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["main_specialty"] == "B0201" and created["status"] == "active"
    assert centre.get("/").json()["count"] == 3
    assert centre.get("/", specialty="B02").json()["count"] == 1
    assert centre.get("/", specialty="A08", region="430100").json()["count"] == 2
    assert centre.get("/", status="blacklisted").json()["count"] == 0
    assert centre.get("/", status="deleted").status_code == 422
    # supervisors read, masked
    seen = supervisor.get(f"/{expert.pk}").json()
    assert "*" in seen["resident_id"] and seen["bank_account"].startswith("****")
    assert supervisor.post("/", expert_data()).status_code == 403
    # an expert sees only themself
    mine = api(expert.user)
    assert mine.get("/").json()["count"] == 1
    assert mine.get(f"/{other_expert.pk}").status_code == 404
    assert mine.get(f"/{expert.pk}").json()["resident_id"] == expert.resident_id
    assert api(entity_user).get("/").json()["count"] == 0
    assert api(None).get("/").status_code == 401
    with unchanged():
        bad = centre.post("/", expert_data(main_specialty="Z99"))
        assert bad.status_code == 400 and bad.json()["field"] == "main_specialty"
        assert bad.json()["message_zh"] and bad.json()["message_en"]
        assert centre.post("/", {**expert_data(), "name": "x" * 65}).status_code == 422


def test_update_and_self_service(
    api: Any, centre_user: Any, expert: Expert, other_expert: Expert, unchanged: Any
) -> None:
    centre = api(centre_user)
    centre_me = api(centre_user)
    response = centre.patch(f"/{expert.pk}", {"title": "教授级高级工程师"})
    assert response.status_code == 200 and response.json()["title"] == "教授级高级工程师"
    mine = api(expert.user)
    response = mine.patch("/me", {"mobile": "13700137000", "employer_name": "中南大学"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["applied"] == ["mobile"] and body["change"]["status"] == "pending"
    assert mine.get("/me").json()["mobile"] == "13700137000"
    assert [c["status"] for c in mine.get("/me/changes").json()] == ["pending"]
    with unchanged():
        assert mine.patch(f"/{other_expert.pk}", {"mobile": "13600136000"}).status_code == 403
        assert mine.patch("/me", {"name": "改名"}).status_code == 403
        assert mine.patch("/me", {"main_specialty": "Z99"}).status_code == 400
        assert centre_me.get("/me").status_code == 403
    changes = centre.get("/changes").json()
    assert len(changes) == 1
    assert mine.get("/changes").status_code == 403
    assert centre.post(f"/changes/{changes[0]['id']}/return", {"reason": ""}).status_code == 400
    response = centre.post(f"/changes/{changes[0]['id']}/approve")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert mine.get("/me").json()["employer_name"] == "中南大学"
    assert centre.post(f"/changes/{changes[0]['id']}/approve").status_code == 409


def test_leave_endpoints(api: Any, expert: Expert, other_expert: Expert, unchanged: Any) -> None:
    mine, theirs = api(expert.user), api(other_expert.user)
    today = clock.today()
    body = {
        "start": today.isoformat(),
        "end": (today + timedelta(days=3)).isoformat(),
        "reason": "出差",
    }
    response = mine.post(f"/{expert.pk}/leaves", body)
    assert response.status_code == 201, response.content
    with unchanged():
        overlap = mine.post(f"/{expert.pk}/leaves", body)
        assert overlap.status_code == 409 and overlap.json()["code"] == "leave_overlap"
        backwards = {**body, "end": (today - timedelta(days=1)).isoformat()}
        assert mine.post(f"/{expert.pk}/leaves", backwards).status_code == 400
        assert mine.post(f"/{expert.pk}/leaves", {**body, "start": "not a date"}).status_code == 422
        assert mine.post(f"/{other_expert.pk}/leaves", body).status_code == 403
        assert theirs.delete(f"/leaves/{response.json()['id']}").status_code == 403
    assert len(mine.get(f"/{expert.pk}/leaves").json()) == 1
    assert mine.delete(f"/leaves/{response.json()['id']}").status_code == 204


def test_sanction_endpoints(
    api: Any, centre_user: Any, supervisor_user: Any, expert: Expert, unchanged: Any
) -> None:
    centre, supervisor, mine = api(centre_user), api(supervisor_user), api(expert.user)
    today = clock.today()
    body = {
        "kind": "suspended",
        "reason": "无故缺席",
        "document": "湘公管〔2026〕30号",
        "start": today.isoformat(),
        "until": (today + timedelta(days=90)).isoformat(),
    }
    with unchanged():
        missing = centre.post(f"/{expert.pk}/sanctions", {**body, "document": ""})
        assert missing.status_code == 400 and missing.json()["field"] == "document"
        assert supervisor.post(f"/{expert.pk}/sanctions", body).status_code == 403
        assert mine.post(f"/{expert.pk}/sanctions", body).status_code == 403
        assert centre.post(f"/{expert.pk}/sanctions", {**body, "kind": "fired"}).status_code == 422
    assert centre.post(f"/{expert.pk}/sanctions", body).status_code == 201
    assert Expert.objects.get(pk=expert.pk).status == ExpertStatus.SUSPENDED
    assert len(supervisor.get("/sanctions").json()) == 1
    assert len(mine.get("/sanctions").json()) == 1
    restored = centre.post(f"/{expert.pk}/restore", {"reason": "复议"})
    assert restored.status_code == 200 and restored.json()["status"] == "active"


def test_excel_endpoints(
    api: Any, centre_user: Any, supervisor_user: Any, classification: int
) -> None:
    centre = api(centre_user)
    bad = centre.upload("/import", {"file": xlsx([expert_row(), expert_row(main_specialty="Q1")])})
    assert bad.status_code == 422
    assert [(e["row"], e["field"]) for e in bad.json()["errors"]] == [(3, "main_specialty")]
    assert Expert.objects.count() == 0
    good = centre.upload("/import", {"file": xlsx([expert_row()]), "create_accounts": "true"})
    assert good.status_code == 201, good.content
    assert len(good.json()["created"]) == 1 and good.json()["accounts"][0]["username"]
    assert api(supervisor_user).upload("/import", {"file": xlsx([expert_row()])}).status_code == 403
    assert (
        centre.upload("/import", {"file": SimpleUploadedFile("a.xlsx", b"nope")}).status_code == 400
    )
    assert centre.upload("/import", {}).status_code == 422
    exported = centre.get("/export")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/vnd")
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    assert sheet.max_row == 2
    assert api(supervisor_user).get("/export").status_code == 403
    specialties = centre.get("/specialties").json()
    assert any(s["code"] == "A08" and s["level"] == 2 for s in specialties)
    assert api(supervisor_user).get("/specialties/export").status_code == 200
    header = ["专业代码", "专业名称", "启用"]
    added = centre.upload(
        "/specialties/import", {"file": xlsx([["C06", "新服务", "是"]], header=header)}
    )
    assert added.status_code == 201 and added.json()["created"] == ["C06"]


def test_appraisal_and_remuneration_endpoints(
    api: Any, committee: Any, centre_user: Any, unchanged: Any
) -> None:
    request, members = committee(5)
    centre = api(centre_user)
    scores = {"attitude": 90, "discipline": 100, "professional": 85, "confidentiality": 100}
    response = centre.post("/appraisals", {"invitation": members[0].pk, **scores})
    assert response.status_code == 201 and response.json()["overall"] == "93.75"
    with unchanged():
        assert (
            centre.post("/appraisals", {"invitation": members[0].pk, **scores}).status_code == 409
        )
        assert (
            centre.post(
                "/appraisals", {"invitation": members[1].pk, **scores, "attitude": 101}
            ).status_code
            == 400
        )
    expert = api(members[0].expert.user)
    assert len(expert.get("/appraisals").json()) == 1
    assert api(members[1].expert.user).get("/appraisals").json() == []
    year = request.opening_at.astimezone(clock.SHANGHAI).year
    report = expert.get(f"/{members[0].expert_id}/assessment", year=year).json()
    assert report["projects"] == 1 and report["overall"] == "93.75"
    assert expert.get(f"/{members[1].expert_id}/assessment", year=year).status_code == 404
    for member in members[:2]:
        paid = centre.post(
            "/remunerations", {"invitation": member.pk, "hours": "4", "amount": "800.00"}
        )
        assert paid.status_code == 201, paid.content
    with unchanged():
        assert (
            centre.post(
                "/remunerations", {"invitation": members[2].pk, "hours": "4", "amount": "8.001"}
            ).status_code
            == 400
        )
        assert (
            expert.post(
                "/remunerations", {"invitation": members[2].pk, "hours": "4", "amount": "8"}
            ).status_code
            == 403
        )
    assert [r["amount"] for r in expert.get("/remunerations").json()] == ["800.00"]
    Expert.objects.filter(pk=members[1].expert_id).update(bank_name="", bank_account="")
    with unchanged():
        refused = centre.post("/remunerations/bank-batch", {"request": request.pk})
        assert refused.status_code == 400 and refused.json()["code"] == "no_bank_account"
        assert "专家1" in refused.json()["message_zh"]
    Expert.objects.filter(pk=members[1].expert_id).update(
        bank_name="农行", bank_account="6228480000000000"
    )
    batch = centre.post("/remunerations/bank-batch", {"request": request.pk})
    assert batch.status_code == 200 and batch["Content-Type"].startswith("text/csv")
    assert batch.content.decode("utf-8-sig").count("800.00") == 2
    assert Invitation.objects.count() == 5
