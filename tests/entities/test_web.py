"""Web pages: public registration, the entity's pages, review, read-only lists, workspace."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ggzy.entities import services
from ggzy.entities.models import EntityStatus, MarketEntity, Qualification, RevisionStatus
from ggzy.kernel import clock

from .conftest import PASSWORD, PNG, VALID_UNTIL, legal_data, new_resident_id, upload

pytestmark = pytest.mark.django_db


def _form(**overrides: Any) -> dict[str, Any]:
    data = {**legal_data(), "username": "webco", "password1": PASSWORD, "password2": PASSWORD}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def _logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_registration_page_is_public_and_chinese(client: Client, province: Any) -> None:
    response = client.get(reverse("entities:register"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "市场主体注册" in page and "统一社会信用代码" in page and "基本存款账户" in page


def test_register_through_the_form(client: Client, province: Any) -> None:
    response = client.post(reverse("entities:register"), _form())
    assert response.status_code == 200
    page = response.content.decode()
    assert "等待审核" in page and "webco" in page
    entity = MarketEntity.objects.get()
    assert entity.status == EntityStatus.PENDING and entity.users.get().user.username == "webco"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"uscc": "91430100MA4L12345X"}, "uscc", "校验位错误"),
        ({"name": "<script>alert(1)</script>"}, "name", "HTML"),
        ({"contact_mobile": "123"}, "contact_mobile", "11位"),
        ({"password2": "something-else-1"}, "password2", "不一致"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "密码"),
        ({"address": ""}, "address", "这个字段是必填项"),
        ({"name": "名" * 201}, "name", "201"),
    ],
)
def test_form_errors_are_on_the_field_in_chinese(
    client: Client, province: Any, unchanged: Any, overrides: Any, field: str, words: str
) -> None:
    with unchanged():
        response = client.post(reverse("entities:register"), _form(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert words in response.content.decode().replace("&lt;", "<")


def test_duplicate_registration_in_the_form(
    client: Client, registration: Any, unchanged: Any
) -> None:
    with unchanged():
        response = client.post(reverse("entities:register"), _form(uscc=registration.entity.uscc))
    assert "已于" in " ".join(response.context["form"].errors["uscc"])


def test_my_entity_page(registration: Any, centre_user: Any) -> None:
    services.return_for_revision(
        reviewer=centre_user, revision_id=registration.revision.pk, reason="请补充资质证书"
    )
    services.add_qualification(
        user=registration.user,
        entity_id=registration.entity.pk,
        type="建筑工程施工总承包",
        certificate_no="D1",
        issuer="住建厅",
        valid_until=clock.today() + timedelta(days=5),
        file=upload(),
    )
    page = _logged_in(registration.user).get(reverse("entities:mine")).content.decode()
    assert registration.entity.name in page
    assert "请补充资质证书" in page and "已退回" in page
    assert "即将到期" in page and "badge warn" in page


def test_change_page(approved: Any) -> None:
    client = _logged_in(approved.user)
    form = client.get(reverse("entities:change"))
    assert form.status_code == 200 and approved.entity.address in form.content.decode()
    data = {**_form(), "address": "湖南省长沙市天心区新地址8号"}
    response = client.post(reverse("entities:change"), data)
    assert response.status_code == 302
    entity = MarketEntity.objects.get(pk=approved.entity.pk)
    assert entity.address != "湖南省长沙市天心区新地址8号"  # waits for review
    assert entity.revisions.filter(status=RevisionStatus.PENDING).count() == 1


def test_add_qualification_page(approved: Any, unchanged: Any) -> None:
    client = _logged_in(approved.user)
    url = reverse("entities:add-qualification")
    fields = {
        "type": "市政公用工程施工总承包",
        "level": "二级",
        "certificate_no": "D2",
        "issuer": "住建厅",
        "valid_until": VALID_UNTIL.isoformat(),
    }
    with unchanged():
        bad = client.post(url, {**fields, "file": upload(b"MZ not a scan", "x.pdf")})
    assert bad.status_code == 200
    assert "只接受 PDF、JPEG 或 PNG" in " ".join(bad.context["form"].errors["file"])
    good = client.post(url, {**fields, "file": upload(PNG, "x.png")})
    assert good.status_code == 302 and Qualification.objects.count() == 1


def test_add_staff_page(approved: Any, unchanged: Any) -> None:
    client = _logged_in(approved.user)
    url = reverse("entities:add-staff")
    with unchanged():
        bad = client.post(url, {"name": "孙七", "resident_id": "123456"})
    assert "18位" in " ".join(bad.context["form"].errors["resident_id"])
    good = client.post(url, {"name": "孙七", "resident_id": new_resident_id()})
    assert good.status_code == 302


def test_entity_pages_refuse_others(centre_user: Any, verified_client: Any) -> None:
    response = verified_client(centre_user).get(reverse("entities:mine"))
    assert response.status_code == 403 and "无权访问" in response.content.decode()


def test_review_pages_are_for_centre_staff(
    client: Client, registration: Any, supervisor_user: Any, verified_client: Any
) -> None:
    urls = [
        reverse("entities:review-list"),
        reverse("entities:review", args=[registration.revision.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
        response = _logged_in(registration.user).get(url)
        assert response.status_code == 403 and "交易中心" in response.content.decode()
        assert _logged_in(registration.user).post(url, {"action": "approve"}).status_code == 403
        assert verified_client(supervisor_user).get(url).status_code == 403
    assert MarketEntity.objects.get().status == EntityStatus.PENDING


def test_review_approve_and_return(
    registration: Any, other: Any, centre_user: Any, verified_client: Any
) -> None:
    client = verified_client(centre_user)
    queue = client.get(reverse("entities:review-list")).content.decode()
    assert registration.entity.name in queue and other.entity.name in queue
    url = reverse("entities:review", args=[registration.revision.pk])
    page = client.get(url).content.decode()
    assert registration.entity.uscc in page and "审核通过" in page
    assert client.post(url, {"action": "approve"}).status_code == 302
    assert MarketEntity.objects.get(pk=registration.entity.pk).status == EntityStatus.APPROVED

    url = reverse("entities:review", args=[other.revision.pk])
    empty = client.post(url, {"action": "return", "reason": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    scripted = client.post(url, {"action": "return", "reason": "<script>x</script>"})
    assert "HTML" in " ".join(scripted.context["form"].errors["reason"])
    done = client.post(url, {"action": "return", "reason": "法定代表人身份证号与营业执照不符"})
    assert done.status_code == 302
    assert MarketEntity.objects.get(pk=other.entity.pk).status == EntityStatus.RETURNED
    assert "本版已审核" in client.get(url).content.decode()
    again = client.post(url, {"action": "approve"})  # already reviewed: a message, not a 500
    assert again.status_code == 200 and "不能重复审核" in again.content.decode()
    assert client.post(url, {"action": "??"}).status_code == 200
    assert client.get(reverse("entities:review", args=[99999])).status_code == 404


def test_review_page_shows_the_diff(approved: Any, centre_user: Any, verified_client: Any) -> None:
    revision = services.submit_change(
        user=approved.user, entity_id=approved.entity.pk, changes={"contact_name": "新联系人"}
    )
    page = verified_client(centre_user).get(reverse("entities:review", args=[revision.pk]))
    text = page.content.decode()
    assert "与现行第1版相比的变更" in text and "新联系人" in text and "王五" in text


def test_read_only_list_and_detail(
    registration: Any, other: Any, supervisor_user: Any, oversight_user: Any, verified_client: Any
) -> None:
    for client in (verified_client(supervisor_user), verified_client(oversight_user)):
        listing = client.get(reverse("entities:list"))
        assert listing.status_code == 200 and other.entity.name in listing.content.decode()
        detail = client.get(reverse("entities:detail", args=[registration.entity.pk]))
        assert detail.status_code == 200 and "只读" in detail.content.decode()
    entity_client = _logged_in(registration.user)
    assert entity_client.get(reverse("entities:list")).status_code == 403
    assert entity_client.get(reverse("entities:detail", args=[other.entity.pk])).status_code == 404


def test_workspace_panels(
    approved: Any, registration: Any, centre_user: Any, oversight_user: Any, verified_client: Any
) -> None:
    page = _logged_in(approved.user).get(reverse("web:workspace")).content.decode()
    assert "我的市场主体" in page and approved.entity.name in page
    services.submit_change(user=approved.user, entity_id=approved.entity.pk, changes={"email": ""})
    page = verified_client(centre_user).get(reverse("web:workspace")).content.decode()
    assert "件待审核" in page and reverse("entities:review-list") in page
    page = verified_client(oversight_user).get(reverse("web:workspace")).content.decode()
    assert "只读" in page


def test_home_page_counts(client: Client, approved: Any) -> None:
    response = client.get(reverse("web:home"))
    assert response.status_code == 200 and response.context["stats"]["approved_entities"] == 1


def test_scanned_file_is_served_to_those_who_may_see_it(
    approved: Any, other: Any, oversight_user: Any, verified_client: Any
) -> None:
    qualification = services.add_qualification(
        user=approved.user,
        entity_id=approved.entity.pk,
        type="建筑工程施工总承包",
        certificate_no="D9",
        issuer="住建厅",
        valid_until=VALID_UNTIL.isoformat(),
        file=upload(PNG, "scan.png"),
    )
    url = reverse("entities:qualification-file", args=[qualification.pk])
    for client in (_logged_in(approved.user), verified_client(oversight_user)):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response.getvalue() == PNG
    assert _logged_in(other.user).get(url).status_code == 404
    assert Client().get(url).status_code == 302


@pytest.mark.parametrize(
    "model",
    [
        "marketentity",
        "entityrevision",
        "entityuser",
        "qualification",
        "staffmember",
        "certificate",
        "certchallenge",
    ],
)
def test_admin_pages(admin_client: Client, approved: Any, model: str) -> None:
    response = admin_client.get(reverse(f"admin:entities_{model}_changelist"))
    assert response.status_code == 200
    if model == "entityrevision":
        assert (
            admin_client.get(
                reverse("admin:entities_entityrevision_change", args=[approved.revision.pk])
            ).status_code
            == 200
        )
        assert admin_client.get(reverse("admin:entities_entityrevision_add")).status_code == 403


def test_expiry_task_is_registered() -> None:
    from ggzy.core.scheduler import discover

    job = discover()["entities.expiring_qualifications"]
    assert job.every == timedelta(hours=6)
