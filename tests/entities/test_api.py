"""The REST API at /api/v1/entities: every endpoint, for the roles that matter."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from ggzy.entities.models import EntityStatus, MarketEntity, RevisionStatus
from ggzy.kernel.crypto import DevCA

from .conftest import (
    PASSWORD,
    PDF,
    VALID_UNTIL,
    legal_data,
    new_resident_id,
    sign_challenge,
    upload,
)

pytestmark = pytest.mark.django_db


def test_register_without_an_account(api: Any, province: Any) -> None:
    body = {**legal_data(), "username": "newco", "password": PASSWORD}
    response = api(None).post("/register", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["entity"]["status"] == "pending" and data["entity"]["region"] == "430000"
    assert data["revision"] == 1 and data["username"] == "newco"
    assert data["receipt"]["kind"] == "entity.registered"
    assert "password" not in response.content.decode()


def test_list_is_scoped(
    api: Any, registration: Any, other: Any, supervisor_user: Any, oversight_user: Any
) -> None:
    own = api(registration.user).get("/").json()
    assert own["count"] == 1 and own["items"][0]["id"] == registration.entity.pk
    for user in (supervisor_user, oversight_user):
        assert api(user).get("/").json()["count"] == 2
    assert api(None).get("/").status_code == 401


def test_list_filters_and_pages(api: Any, registration: Any, other: Any, centre_user: Any) -> None:
    client = api(centre_user)
    client.post(f"/revisions/{other.revision.pk}/approve")
    approved = client.get("/", status="approved").json()
    assert [e["id"] for e in approved["items"]] == [other.entity.pk]
    page = client.get("/", limit=1, offset=1).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert client.get("/", limit=100000).status_code == 422
    assert client.get("/", status="deleted").status_code == 422


def test_detail_and_revisions(
    api: Any, registration: Any, other: Any, supervisor_user: Any
) -> None:
    entity_id = registration.entity.pk
    mine = api(registration.user)
    detail = mine.get(f"/{entity_id}").json()
    assert detail["uscc"] == registration.entity.uscc and detail["bank_account"]
    revisions = mine.get(f"/{entity_id}/revisions").json()
    assert [r["number"] for r in revisions] == [1] and revisions[0]["status"] == "pending"
    assert api(supervisor_user).get(f"/{entity_id}").status_code == 200
    # Another entity's user cannot even learn that the entity exists.
    rival = api(other.user)
    for path in (f"/{entity_id}", f"/{entity_id}/revisions", f"/{entity_id}/qualifications"):
        response = rival.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert mine.get("/999999").status_code == 404


def test_change_by_the_entity_only(api: Any, approved: Any, other: Any, centre_user: Any) -> None:
    path = f"/{approved.entity.pk}/changes"
    response = api(approved.user).post(path, {"contact_name": "钱十"})
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2 and response.json()["data"]["contact_name"] == "钱十"
    assert api(approved.user).post(path, {"contact_name": "又改"}).status_code == 409
    for user in (other.user, centre_user):
        response = api(user).post(path, {"contact_name": "越权"})
        assert response.status_code == 403 and response.json()["message_zh"]


def test_qualification_upload_and_staff(api: Any, approved: Any, other: Any) -> None:
    client = api(approved.user)
    entity_id = approved.entity.pk
    fields = {
        "type": "建筑工程施工总承包",
        "level": "一级",
        "certificate_no": "D143000001",
        "issuer": "湖南省住房和城乡建设厅",
        "valid_until": VALID_UNTIL.isoformat(),
    }
    response = client.post_multipart(
        f"/{entity_id}/qualifications", {**fields, "file": upload(PDF, "a.pdf")}
    )
    assert response.status_code == 201, response.content
    assert response.json()["file_type"] == "pdf" and response.json()["approved"] is False
    assert client.post_multipart(f"/{entity_id}/qualifications", fields).status_code == 422
    listed = client.get(f"/{entity_id}/qualifications").json()
    assert [q["certificate_no"] for q in listed] == ["D143000001"]

    staff = {"name": "孙七", "resident_id": new_resident_id(), "position": "项目经理"}
    response = client.post(f"/{entity_id}/staff", staff)
    assert response.status_code == 201 and "resident_id" not in response.json()
    assert [s["name"] for s in client.get(f"/{entity_id}/staff").json()] == ["孙七"]
    rival = api(other.user)
    assert (
        rival.post(f"/{entity_id}/staff", {**staff, "resident_id": new_resident_id()}).status_code
        == 403
    )
    assert (
        rival.post_multipart(
            f"/{entity_id}/qualifications", {**fields, "file": upload()}
        ).status_code
        == 403
    )


def test_review_by_centre_staff_only(
    api: Any, registration: Any, other: Any, supervisor_user: Any, centre_user: Any
) -> None:
    revision_id = registration.revision.pk
    for user in (registration.user, other.user, supervisor_user):
        client = api(user)
        assert client.post(f"/revisions/{revision_id}/approve").status_code == 403
        assert client.post(f"/revisions/{revision_id}/return", {"reason": "x"}).status_code == 403
        assert client.get("/revisions/pending").status_code == 403
    staff = api(centre_user)
    queue = staff.get("/revisions/pending").json()
    assert {r["id"] for r in queue} == {registration.revision.pk, other.revision.pk}
    response = staff.post(f"/revisions/{revision_id}/approve")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert MarketEntity.objects.get(pk=registration.entity.pk).status == EntityStatus.APPROVED
    assert staff.post(f"/revisions/{revision_id}/approve").status_code == 409
    assert staff.post("/revisions/999999/approve").status_code == 404


def test_return_with_a_reason(api: Any, registration: Any, centre_user: Any) -> None:
    staff = api(centre_user)
    path = f"/revisions/{registration.revision.pk}/return"
    assert staff.post(path, {}).status_code == 422
    empty = staff.post(path, {"reason": "   "})
    assert empty.status_code == 400 and empty.json()["field"] == "reason"
    response = staff.post(path, {"reason": "营业执照扫描件不清晰"})
    assert response.status_code == 200
    assert response.json()["status"] == RevisionStatus.RETURNED
    assert response.json()["reason"] == "营业执照扫描件不清晰"
    revisions = api(registration.user).get(f"/{registration.entity.pk}/revisions").json()
    assert revisions[0]["reason"] == "营业执照扫描件不清晰"


def test_certificate_endpoints(api: Any, approved: Any, dev_ca: DevCA) -> None:
    client = api(approved.user)
    assert api(None).post("/certificates/challenge").status_code == 401
    challenge = client.post("/certificates/challenge")
    assert challenge.status_code == 201
    data = challenge.json()
    assert data["to_sign"].endswith(data["nonce"]) and data["expires_in_seconds"] == 300
    cert, key = dev_ca.issue("湖南建工", usage="sign", serial_number_attr=approved.entity.uscc)
    body = {
        "certificate": cert.decode(),
        "nonce": data["nonce"],
        "signature": sign_challenge(key, data["to_sign"]),
    }
    response = client.post("/certificates/bind", body)
    assert response.status_code == 201, response.content
    certificate = response.json()
    assert certificate["entity"] == approved.entity.pk and certificate["usage"] == "sign"
    assert [c["id"] for c in client.get("/certificates").json()] == [certificate["id"]]
    revoked = client.post(f"/certificates/{certificate['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    bad = client.post("/certificates/bind", {**body, "signature": "not base64!"})
    assert bad.status_code == 400 and bad.json()["code"] == "signature_malformed"


def test_login_challenge_is_public(api: Any, db: Any) -> None:
    response = api(None).post("/certificates/login/challenge")
    assert response.status_code == 201 and response.json()["purpose"] == "login"
    assert base64.urlsafe_b64decode(response.json()["nonce"] + "==")


def test_session_auth(registration: Any, centre_user: Any, verified_client: Any) -> None:
    entity_client = Client()
    entity_client.force_login(registration.user)
    assert entity_client.get("/api/v1/entities/").json()["count"] == 1
    staff_client = Client()
    staff_client.force_login(centre_user)  # password only: no second factor yet
    assert staff_client.get("/api/v1/entities/").status_code == 401
    assert verified_client(centre_user).get("/api/v1/entities/").json()["count"] == 1


def test_openapi_documents_the_router(client: Any, db: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/entities/register" in paths
    assert "/api/v1/entities/certificates/login" in paths


def test_qualification_file_endpoint(api: Any, approved: Any, other: Any) -> None:
    client = api(approved.user)
    created = client.post_multipart(
        f"/{approved.entity.pk}/qualifications",
        {
            "type": "资质",
            "certificate_no": "Q1",
            "issuer": "住建厅",
            "valid_until": VALID_UNTIL.isoformat(),
            "file": upload(PDF, "q.pdf"),
        },
    ).json()
    response = client.get(f"/qualifications/{created['id']}/file")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert api(other.user).get(f"/qualifications/{created['id']}/file").status_code == 404
