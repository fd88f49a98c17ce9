"""Bad input: always a 4xx with a precise bilingual message, never a 500, nothing saved.

Every case runs inside ``unchanged()``: row counts, entities, revisions, the ledger head
and the stored files are the same before and after.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ggzy.entities import services
from ggzy.kernel import clock
from ggzy.kernel.errors import InvalidInput

from ..conftest import START
from .conftest import (
    PASSWORD,
    PDF,
    PNG,
    VALID_UNTIL,
    legal_data,
    new_resident_id,
    person_data,
    upload,
)

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ("name", "legal_rep_name", "address", "contact_name", "bank_name")
NASTY = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "正常名称</td><td>",
    "＜script＞",
    "&lt;script&gt;",
    "javascript:alert(1)",
    "公司名\u0000称",
    "公司\u202e名称",
    "公司\n名称",
)


def _register(api: Any, **overrides: Any) -> Any:
    body = {**legal_data(), "username": "newco", "password": PASSWORD, **overrides}
    return api(None).post("/register", body)


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["message_zh"] and body["message_en"]
    return body


@pytest.mark.parametrize(
    ("overrides", "field", "code", "words"),
    [
        ({"uscc": "91430100MA4L12345X"}, "uscc", "uscc_orgcode_check", "第9–17位"),
        ({"uscc": "9143010"}, "uscc", "uscc_length", "18位"),
        ({"uscc": ""}, "uscc", "uscc_empty", "不能为空"),
        ({"uscc": "91430100MA4L1234IO"}, "uscc", "uscc_char", "第17位"),
        ({"legal_rep_id": "430102198502301234"}, "legal_rep_id", "id_birthdate", "出生日期"),
        ({"legal_rep_id": "43010219850314001"}, "legal_rep_id", "id_length", "18位"),
        ({"contact_mobile": "1234567"}, "contact_mobile", "mobile_invalid", "11位"),
        ({"contact_mobile": "12800138000"}, "contact_mobile", "mobile_invalid", "手机"),
        ({"email": "not-an-email"}, "email", "email_invalid", "邮箱"),
        ({"bank_account": "6222 abc"}, "bank_account", "bank_account_invalid", "数字"),
        ({"bank_name": ""}, "bank_name", "text_required", "不能为空"),
        ({"region": "999999"}, "region", "region_unknown", "999999"),
        ({"is_respondent": False}, "is_respondent", "roles_required", "角色"),
        ({"name": "  "}, "name", "text_required", "名称"),
        ({"username": "has space"}, "username", "username_invalid", "用户名"),
        ({"password": "12345678"}, "password", "password_invalid", "密码"),
    ],
)
def test_register_rejects_with_a_precise_message(
    api: Any, province: Any, unchanged: Any, overrides: Any, field: str, code: str, words: str
) -> None:
    with unchanged():
        body = _error(_register(api, **overrides), 400)
    assert body["field"] == field and body["code"] == code
    assert words in body["message_zh"]


def test_invalid_resident_id_of_a_natural_person(api: Any, province: Any, unchanged: Any) -> None:
    resident_id = new_resident_id()
    broken = resident_id[:17] + ("0" if resident_id[17] != "0" else "1")
    body = {**person_data(resident_id=broken), "username": "buyer", "password": PASSWORD}
    with unchanged():
        error = _error(api(None).post("/register", body), 400)
    assert error["field"] == "resident_id" and error["code"] == "id_check"
    assert f"应为“{resident_id[17]}”" in error["message_zh"]


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("nasty", NASTY)
def test_markup_and_control_characters_in_every_text_field(
    api: Any, province: Any, unchanged: Any, field: str, nasty: str
) -> None:
    with unchanged():
        body = _error(_register(api, **{field: nasty}), 400)
    assert body["field"] == field
    assert body["code"] in {"text_markup", "text_control"}


def test_duplicate_registration_is_409(api: Any, registration: Any, unchanged: Any) -> None:
    with unchanged():
        body = _error(_register(api, uscc=registration.entity.uscc.lower()), 409)
    assert body["code"] == "entity_duplicate" and body["field"] == "uscc"
    assert "待审核" in body["message_zh"]
    with unchanged():
        assert _error(_register(api, username="BIDDER"), 409)["field"] == "username"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "名" * 201}, "name"),
        ({"name": "x" * 100_000}, "name"),
        ({"address": "址" * 5000}, "address"),
        ({"uscc": "9" * 31}, "uscc"),
        ({"password": "p" * 129}, "password"),
        ({"username": "u" * 151}, "username"),
        ({"name": 12345}, "name"),
        ({"is_respondent": "maybe"}, "is_respondent"),
        ({"kind": "robot"}, "kind"),
        ({"region": ["430000"]}, "region"),
    ],
)
def test_absurd_lengths_and_wrong_types_are_422(
    api: Any, province: Any, unchanged: Any, overrides: Any, field: str
) -> None:
    with unchanged():
        body = _error(_register(api, **overrides), 422)
    assert body["field"] == field and body["code"] == "invalid"


def test_service_checks_lengths_too(province: Any, unchanged: Any) -> None:
    with unchanged(), pytest.raises(InvalidInput) as info:
        services.register_entity(
            data=legal_data(address="址" * 201), username="x", password=PASSWORD
        )
    assert info.value.code == "text_too_long" and "201" in info.value.message_zh


@pytest.mark.parametrize(
    "raw",
    ['{"kind": "legal", "name": ', "not json at all", '{"kind": "legal",}', "\x00\x01"],
)
def test_malformed_json_is_400(api: Any, province: Any, unchanged: Any, raw: str) -> None:
    with unchanged():
        body = _error(api(None).post_raw("/register", raw), 400)
    assert body["code"] == "bad_request"


def test_json_of_the_wrong_shape_is_422(api: Any, province: Any, unchanged: Any) -> None:
    with unchanged():
        _error(api(None).post_raw("/register", '["kind", "legal"]'), 422)
        _error(api(None).post_raw("/register", "{}"), 422)


def test_oversized_body_is_refused(api: Any, province: Any, unchanged: Any) -> None:
    huge = '{"name": "' + "x" * (13 * 1024 * 1024) + '"}'
    with unchanged():
        response = api(None).post_raw("/register", huge)
    assert 400 <= response.status_code < 500


# --- changes, staff and review -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"name": "<b>新名称</b>"}, "name", 400),
        ({"address": "javascript:void(0)"}, "address", 400),
        ({"contact_mobile": "110"}, "contact_mobile", 400),
        ({"legal_rep_id": "123"}, "legal_rep_id", 400),
        ({"is_agent": "yes please"}, "is_agent", 422),
        ({"name": "n" * 201}, "name", 422),
    ],
)
def test_bad_change_requests(
    api: Any, approved: Any, unchanged: Any, body: Any, field: str, status: int
) -> None:
    client = api(approved.user)
    with unchanged():
        error = _error(client.post(f"/{approved.entity.pk}/changes", body), status)
    assert error["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "孙七", "resident_id": "430102198513010000"}, "resident_id"),
        ({"name": "<i>孙七</i>", "resident_id": "NEW"}, "name"),
        ({"name": "孙七", "resident_id": "NEW", "position": "经理\x07"}, "position"),
        (
            {"name": "孙七", "resident_id": "NEW", "certificate_no": "<svg onload=x>"},
            "certificate_no",
        ),
    ],
)
def test_bad_staff_members(api: Any, approved: Any, unchanged: Any, body: Any, field: str) -> None:
    if body["resident_id"] == "NEW":
        body = {**body, "resident_id": new_resident_id()}
    client = api(approved.user)
    with unchanged():
        error = _error(client.post(f"/{approved.entity.pk}/staff", body), 400)
    assert error["field"] == field


def test_bad_return_reasons(api: Any, registration: Any, centre_user: Any, unchanged: Any) -> None:
    path = f"/revisions/{registration.revision.pk}/return"
    staff = api(centre_user)
    with unchanged():
        assert _error(staff.post(path, {"reason": "<script>x</script>"}), 400)["field"] == "reason"
        assert _error(staff.post(path, {"reason": "r" * 1001}), 422)["field"] == "reason"
        assert _error(staff.post(path, {"reason": 42}), 422)["field"] == "reason"


# --- qualification files ---------------------------------------------------------------------


QUALIFICATION: dict[str, Any] = {
    "type": "建筑工程施工总承包",
    "level": "一级",
    "certificate_no": "D143000001",
    "issuer": "湖南省住房和城乡建设厅",
    "valid_until": VALID_UNTIL.isoformat(),
}


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"MZ\x90\x00 this is a windows program", "scan.pdf", "file_type"),
        (b"<html><script>alert(1)</script></html>", "scan.png", "file_type"),
        (b"GIF89a" + b"\x00" * 50, "scan.gif", "file_type"),
        (b"", "scan.pdf", "file_empty"),
        (PNG + b"\x00" * 5000, "big.png", "file_too_large"),
    ],
)
def test_bad_qualification_files(
    api: Any, approved: Any, unchanged: Any, content: bytes, name: str, code: str
) -> None:
    client = api(approved.user)
    with unchanged():
        response = client.post_multipart(
            f"/{approved.entity.pk}/qualifications",
            {**QUALIFICATION, "file": upload(content, name)},
        )
    if code == "file_empty":  # Django drops an empty upload: the file is missing
        assert response.status_code in {400, 422}
        return
    error = _error(response, 400)
    assert error["code"] == code and error["field"] == "file"


def test_size_limit_message_names_the_limit(approved: Any, unchanged: Any) -> None:
    with unchanged(), pytest.raises(InvalidInput) as info:
        services.add_qualification(
            user=approved.user,
            entity_id=approved.entity.pk,
            file=upload(PDF + b"x" * 5000),
            **QUALIFICATION,
        )
    assert "4096" in info.value.message_zh and "4096" in info.value.message_en


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"type": "<b>资质</b>"}, "type", 400),
        ({"issuer": "住建厅\u0000"}, "issuer", 400),
        ({"certificate_no": "c" * 65}, "certificate_no", 422),
        ({"valid_until": "明年"}, "valid_until", 422),
        ({"valid_until": (START.date() - timedelta(days=1)).isoformat()}, "valid_until", 400),
    ],
)
def test_bad_qualification_fields(
    api: Any, approved: Any, unchanged: Any, overrides: Any, field: str, status: int
) -> None:
    client = api(approved.user)
    with unchanged():
        response = client.post_multipart(
            f"/{approved.entity.pk}/qualifications",
            {**QUALIFICATION, **overrides, "file": upload()},
        )
    assert _error(response, status)["field"] == field


def test_failed_database_write_leaves_no_file(
    approved: Any, unchanged: Any, monkeypatch: Any
) -> None:
    """If anything fails after the file is stored, the file is removed with the rollback."""

    def boom(*args: Any, **kwargs: Any) -> None:
        raise InvalidInput("账本不可用", "ledger unavailable")

    monkeypatch.setattr("ggzy.entities.services.items.record", boom)
    with unchanged(), pytest.raises(InvalidInput):
        services.add_qualification(
            user=approved.user, entity_id=approved.entity.pk, file=upload(), **QUALIFICATION
        )


def test_expired_qualification_date_is_refused(approved: Any, unchanged: Any) -> None:
    yesterday = clock.today() - timedelta(days=1)
    with unchanged(), pytest.raises(InvalidInput) as info:
        services.add_qualification(
            user=approved.user,
            entity_id=approved.entity.pk,
            file=upload(),
            **{**QUALIFICATION, "valid_until": yesterday},
        )
    assert info.value.code == "qualification_expired"
