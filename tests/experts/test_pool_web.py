"""Web pages of the pool: centre management, supervisor read-only, the expert's own pages;
field-level errors in Chinese."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

from ggzy.experts.models import Expert, ExpertStatus, Leave, ProfileChange
from ggzy.kernel import clock

from .conftest import expert_data, expert_row, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("env")]


def expert_client(expert: Expert) -> Client:
    client = Client()
    client.force_login(expert.user)
    return client


def form_data(**overrides: Any) -> dict[str, Any]:
    data = expert_data(**overrides)
    data["in_comprehensive_pool"] = "on"
    data.pop("in_procurement_pool")
    data["declared_conflicts"] = ""
    return data


def test_centre_pool_pages(verified_client: Any, centre_user: Any, expert: Expert) -> None:
    client = verified_client(centre_user)
    page = client.get("/experts/", {"specialty": "A08", "status": "active"})
    assert page.status_code == 200 and expert.name in page.content.decode()
    assert client.get("/experts/", {"specialty": "C"}).content.decode().count(expert.name) == 0
    detail = client.get(f"/experts/{expert.pk}/").content.decode()
    assert expert.resident_id in detail
    response = client.post("/experts/new/", form_data(name="新专家"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Expert.objects.filter(name="新专家").exists()
    bad = client.post("/experts/new/", form_data(resident_id="430102197506010011"))
    assert bad.status_code == 200 and "公民身份号码" in bad.content.decode()
    assert 'id="field-resident_id"' in bad.content.decode()
    edit = client.post(
        f"/experts/{expert.pk}/edit/",
        {**form_data(), "resident_id": expert.resident_id, "title": "研究员"},
    )
    assert edit.status_code == 302
    expert.refresh_from_db()
    assert expert.title == "研究员"
    assert client.get("/experts/export/").status_code == 200


def test_sanction_page_needs_document_number(
    verified_client: Any, centre_user: Any, expert: Expert
) -> None:
    client = verified_client(centre_user)
    today = clock.today().isoformat()
    body = {"kind": "suspended", "reason": "缺席", "document": "", "start": today, "until": today}
    response = client.post(f"/experts/{expert.pk}/sanction/", body)
    assert response.status_code == 200 and "处理文号不能为空" in response.content.decode()
    assert Expert.objects.get(pk=expert.pk).status == ExpertStatus.ACTIVE
    response = client.post(f"/experts/{expert.pk}/sanction/", {**body, "document": "湘〔2026〕1号"})
    assert response.status_code == 302
    assert Expert.objects.get(pk=expert.pk).status == ExpertStatus.SUSPENDED
    assert "湘〔2026〕1号" in client.get("/experts/sanctions/").content.decode()
    restore = client.post(f"/experts/{expert.pk}/restore/", {"reason": "撤销"})
    assert restore.status_code == 302
    assert Expert.objects.get(pk=expert.pk).status == ExpertStatus.ACTIVE


def test_import_page_shows_row_report(
    verified_client: Any, centre_user: Any, classification: int
) -> None:
    client = verified_client(centre_user)
    bad = xlsx([expert_row(), expert_row(main_specialty="Z99")])
    response = client.post("/experts/import/", {"kind": "experts", "file": bad})
    text = response.content.decode()
    assert response.status_code == 422 and "未导入" in text and "Z99" in text
    assert "<td>3</td>" in text and Expert.objects.count() == 0
    good = xlsx([expert_row()])
    response = client.post(
        "/experts/import/", {"kind": "experts", "file": good, "create_accounts": "on"}
    )
    assert response.status_code == 200 and "导入成功" in response.content.decode()
    assert Expert.objects.get().user is not None


def test_change_review_pages(verified_client: Any, centre_user: Any, expert: Expert) -> None:
    mine = expert_client(expert)
    profile = mine.get("/experts/me/")
    assert profile.status_code == 200
    body = {
        "mobile": "13700137000",
        "email": "",
        "education": "硕士",
        "bank_name": expert.bank_name,
        "bank_account": expert.bank_account,
        "declared_conflicts": "",
        "employer_name": "中南大学",
        "employer_uscc": expert.employer_uscc,
        "title": expert.title,
        "main_specialty": "A080101",
        "other_specialties": ["A0802"],
    }
    assert mine.post("/experts/me/", body).status_code == 302
    expert.refresh_from_db()
    assert expert.mobile == "13700137000" and expert.employer_name != "中南大学"
    bad = mine.post("/experts/me/", {**body, "mobile": "123"})
    assert bad.status_code == 200 and "手机号码" in bad.content.decode()
    change = ProfileChange.objects.get()
    client = verified_client(centre_user)
    assert "中南大学" in client.get(f"/experts/changes/{change.pk}/").content.decode()
    assert change.expert.name in client.get("/experts/changes/").content.decode()
    returned = client.post(f"/experts/changes/{change.pk}/", {"action": "return", "reason": ""})
    assert returned.status_code == 200
    assert client.post(f"/experts/changes/{change.pk}/", {"action": "approve"}).status_code == 302
    expert.refresh_from_db()
    assert expert.employer_name == "中南大学"


def test_expert_pages(expert: Expert, other_expert: Expert, committee: Any) -> None:
    mine = expert_client(expert)
    today = clock.today()
    body = {"start": today.isoformat(), "end": (today + timedelta(days=2)).isoformat()}
    assert mine.post("/experts/me/leave/", body).status_code == 302
    overlap = mine.post("/experts/me/leave/", body)
    assert overlap.status_code == 200 and "重叠" in overlap.content.decode()
    leave = Leave.objects.get()
    assert expert_client(other_expert).post(f"/experts/leave/{leave.pk}/cancel/").status_code == 403
    _, members = committee(5)
    member = expert_client(members[0].expert)
    invitations = member.get("/experts/me/invitations/").content.decode()
    assert f"/experts/invitations/{members[0].pk}/" in invitations
    assert member.get("/experts/me/appraisals/", {"year": 2026}).status_code == 200
    assert "银行转账" in member.get("/experts/me/remuneration/").content.decode()
    # an expert cannot reach the centre's pages
    assert mine.get("/experts/").status_code == 403
    assert mine.get(f"/experts/{other_expert.pk}/edit/").status_code == 403


def test_supervisor_reads_only(verified_client: Any, supervisor_user: Any, expert: Expert) -> None:
    client = verified_client(supervisor_user)
    detail = client.get(f"/experts/{expert.pk}/").content.decode()
    assert expert.name in detail and expert.resident_id not in detail
    assert client.get("/experts/sanctions/").status_code == 200
    for path in (
        "/experts/new/",
        f"/experts/{expert.pk}/edit/",
        "/experts/import/",
        "/experts/changes/",
    ):
        assert client.get(path).status_code == 403
    assert client.get("/experts/me/").status_code == 403


def test_workspace_panel(
    centre_user: Any, supervisor_user: Any, expert: Expert, entity_user: Any, rf: Any
) -> None:
    def panel(user: Any) -> str:
        request = rf.get("/workspace/")
        request.user = user
        return render_to_string("experts/_workspace.html", {"user": user}, request=request)

    assert "experts:pool" not in panel(centre_user) and "/experts/import/" in panel(centre_user)
    assert "/experts/sanctions/" in panel(supervisor_user)
    assert "/experts/me/" in panel(expert.user)
    assert panel(entity_user).strip() == ""
