"""The tendering web pages over the ``world`` fixture: who sees what, forms and refusals."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ggzy.kernel import clock
from ggzy.tendering.models import Download, Notice, Project
from ggzy.tendering.services import open_due_lots

from ..fixtures.tendering import World
from .flow import WORKS_SHEET, ok, publish, register, seal, upload


def _form(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "长沙市第一中学教学楼新建工程",
        "catalogue_item": "CON-WORKS-HOUSING",
        "procedure": "works_open_post",
        "funding": "state",
        "estimate": "9000000.00",
        "region": "430100",
        "centre": world.centre.pk,
        "supervisor": world.housing.pk,
        "initiator_uscc": world.initiator.entity.uscc if world.initiator.entity else "",
        "lot_name": "施工一标段",
        "lot_estimate": "9000000.00",
        "lot_ceiling": "9000000.00",
        "lot_deposit": "80000.00",
    }
    return data | changes


@pytest.fixture
def published(world: World) -> dict[str, Any]:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    return project


def test_list_and_registration_form_render(world: World) -> None:
    client = world.agent.client
    page = client.get("/tendering/")
    assert page.status_code == 200
    assert "项目进场登记" in page.content.decode()
    form = client.get("/tendering/projects/new/")
    assert form.status_code == 200
    assert "CON-WORKS-HOUSING" in form.content.decode()


def test_registration_success_shows_entry_basis(world: World) -> None:
    response = world.agent.client.post("/tendering/projects/new/", _form(world), follow=True)
    assert response.status_code == 200
    project = Project.objects.get()
    assert response.redirect_chain[-1][0] == f"/tendering/projects/{project.pk}/"
    body = response.content.decode()
    assert "项目已登记" in body and project.code in body
    assert project.agent == world.agent.entity and project.lots.count() == 1


def test_registration_rule_error_is_shown_and_input_kept(world: World) -> None:
    # 2% of 9,000,000 is 180,000: a 200,000 deposit is over the cap.
    response = world.agent.client.post(
        "/tendering/projects/new/", _form(world, lot_deposit="200000.00", name="保留的名称")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="field-lot_deposit"' in body and "errorlist" in body
    assert "保留的名称" in body and "200000.00" in body
    assert not Project.objects.exists()


def test_registration_refused_for_bidders_in_page(world: World) -> None:
    response = world.bidders[0].client.post("/tendering/projects/new/", _form(world))
    assert response.status_code == 400
    assert "代理机构" in response.content.decode()


def test_project_page_for_each_role(
    world: World, published: dict[str, Any], verified_client: Any
) -> None:
    url = f"/tendering/projects/{published['id']}/"
    agent = world.agent.client.get(url)
    assert agent.status_code == 200 and 'id="amend-form"' in agent.content.decode()
    bidder = world.bidders[0].client.get(url)
    body = bidder.content.decode()
    assert bidder.status_code == 200 and "/tendering/documents/" in body
    assert 'id="amend-form"' not in body and 'id="objection-form"' in body
    for user in (world.supervisor, world.centre_staff):
        assert verified_client(user).get(url).status_code == 200


def test_manager_uploads_and_publishes_through_the_page(world: World) -> None:
    project = ok(register(world), 201)["project"]
    client = world.agent.client
    url = f"/tendering/projects/{project['id']}"
    upload_file = io.BytesIO(b"%PDF-1.7 tender documents")
    upload_file.name = "tender.pdf"
    response = client.post(
        f"{url}/documents/",
        {"title": "招标文件", "file": upload_file, "kind": "tender", "affects_bids": "on"},
    )
    assert response.status_code == 302
    now = clock.now().astimezone(clock.SHANGHAI)
    fmt = "%Y-%m-%dT%H:%M"
    bad = {
        "sale_starts_at": now.strftime(fmt),
        "sale_ends_at": (now + timedelta(days=5)).strftime(fmt),
        "bid_deadline": (now + timedelta(days=3)).strftime(fmt),
        "body": "欢迎投标。",
    }
    refused = client.post(f"{url}/notice/", bad)
    assert refused.status_code == 400
    assert "errorlist" in refused.content.decode() and "欢迎投标。" in refused.content.decode()
    good = bad | {"bid_deadline": (now + timedelta(days=21)).strftime(fmt)}
    assert client.post(f"{url}/notice/", good).status_code == 302
    assert Project.objects.get(pk=project["id"]).status == Project.Status.NOTICE


def test_download_is_recorded(world: World, published: dict[str, Any]) -> None:
    project = Project.objects.get(pk=published["id"])
    document = project.documents.get()
    response = world.bidders[0].client.get(f"/tendering/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert Download.objects.filter(document=document, entity=world.bidders[0].entity).exists()
    refused = world.agent.client.get(f"/tendering/documents/{document.pk}/download/")
    assert refused.status_code == 403 and "投标" in refused.content.decode()


def test_objection_raised_and_answered_in_page(world: World, published: dict[str, Any]) -> None:
    url = f"/tendering/projects/{published['id']}/"
    bidder = world.bidders[0].client
    text = {"objection-text": "资格条件排斥潜在投标人"}
    refused = bidder.post(f"{url}objections/", text)
    assert refused.status_code == 400
    assert "获取招标文件后方可提出异议" in refused.content.decode()
    assert "资格条件排斥潜在投标人" in refused.content.decode()
    document = Project.objects.get(pk=published["id"]).documents.get()
    assert bidder.get(f"/tendering/documents/{document.pk}/download/").status_code == 200
    assert bidder.post(f"{url}objections/", text).status_code == 302
    objection = Project.objects.get(pk=published["id"]).objections.get()
    answer = world.agent.client.post(
        f"/tendering/objections/{objection.pk}/answer/", {"answer": "已修改资格条件"}
    )
    assert answer.status_code == 302
    assert "已修改资格条件" in bidder.get(url).content.decode()


def test_public_notice_pages_anonymous(
    client: Any, world: World, published: dict[str, Any]
) -> None:
    notice = Notice.objects.get()
    listing = client.get("/tendering/notices/")
    assert listing.status_code == 200 and notice.title in listing.content.decode()
    page = client.get(f"/tendering/notices/{notice.pk}/")
    assert page.status_code == 200 and "欢迎投标" in page.content.decode()
    assert client.get("/tendering/notices/999999/").status_code == 404


def test_bid_page_and_hall_hide_names_before_opening(
    world: World,
    published: dict[str, Any],
    verified_client: Any,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
) -> None:
    lot_id = published["lots"][0]["id"]
    bidder = world.bidders[0]
    page = bidder.client.get(f"/tendering/lots/{lot_id}/bid/")
    assert page.status_code == 200
    assert f"--lot {lot_id}" in page.content.decode()
    receipt = upload(bidder, lot_id, seal(bidder, lot_id, tmp_path, WORKS_SHEET))
    mine = bidder.client.get(f"/tendering/lots/{lot_id}/bid/").content.decode()
    assert f"/tendering/bids/{receipt['bid_id']}/receipt/" in mine
    downloaded = bidder.client.get(f"/tendering/bids/{receipt['bid_id']}/receipt/")
    assert downloaded.json()["ledger_seq"] == receipt["ledger_seq"]

    assert bidder.entity is not None
    name = bidder.entity.name
    staff = verified_client(world.centre_staff)
    assert staff.get(f"/tendering/lots/{lot_id}/hall/").status_code == 200
    fragment = staff.get(f"/tendering/lots/{lot_id}/hall/fragment/").content.decode()
    assert name not in fragment and 'id="bid-count">1<' in fragment
    agent_view = world.agent.client.get(f"/tendering/lots/{lot_id}/hall/fragment/")
    assert (
        name not in agent_view.content.decode() and "bid-count" not in agent_view.content.decode()
    )
    assert world.bidders[1].client.get(f"/tendering/lots/{lot_id}/hall/").status_code == 403

    for other in world.bidders[1:3]:  # three bids, or the lot fails at the opening
        upload(other, lot_id, seal(other, lot_id, tmp_path, WORKS_SHEET))
    manual_clock.advance(timedelta(days=21, seconds=1))
    assert open_due_lots() == 1
    opened = staff.get(f"/tendering/lots/{lot_id}/hall/fragment/").content.decode()
    assert name in opened and "release-key" not in opened
    assert "release-key" in bidder.client.get(f"/tendering/lots/{lot_id}/hall/").content.decode()
    signed = bidder.client.post(f"/tendering/lots/{lot_id}/hall/sign-in/", follow=True)
    assert name in signed.content.decode()


def test_withdraw_in_page(world: World, published: dict[str, Any], tmp_path: Path) -> None:
    lot_id = published["lots"][0]["id"]
    bidder = world.bidders[0]
    receipt = upload(bidder, lot_id, seal(bidder, lot_id, tmp_path, WORKS_SHEET))
    response = bidder.client.post(
        f"/tendering/bids/{receipt['bid_id']}/withdraw/", {"lot": lot_id}, follow=True
    )
    assert response.status_code == 200 and "已撤回" in response.content.decode()
    again = bidder.client.post(f"/tendering/bids/{receipt['bid_id']}/withdraw/", {"lot": lot_id})
    assert again.status_code == 302
