"""The public catalogue page, the management pages (403 for anyone but provincial centre
staff, field-level errors in Chinese) and the admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from ggzy.accounts.models import Role, User
from ggzy.catalogue.models import CatalogueVersion, TradeCategory
from ggzy.core.models import LedgerEntry

from .conftest import TODAY

Login = Callable[[User], Client]

ITEM_FORM = {
    "code": "CON-WORKS-RENEWAL",
    "category": "CON-WORKS",
    "name": "城市更新工程施工",
    "must_enter": "on",
    "entry_threshold": "4000000.00",
    "voluntary_threshold": "1000000",
    "supervising_industry": "housing",
    "procedure_families": ["open_tender", "invitation_tender"],
    "sort_order": "5",
}


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


# --- public ----------------------------------------------------------------------------


def test_public_page_groups_by_family(client: Client, catalogue_2019: CatalogueVersion) -> None:
    response = client.get(reverse("catalogue:public"))
    assert response.status_code == 200
    page = text(response)
    assert "湖南省公共资源交易目录（2019年本）" in page
    for label in ("工程", "货物", "服务", "土地使用权", "矿业权", "国有产权", "其他权益"):
        assert f"<h2>{label}</h2>" in page
    assert "¥4,000,000.00" in page and "¥2,000,000.00" in page and "¥1,000,000.00" in page
    assert "不论金额" in page
    assert "版本历史" in page
    assert "管理交易目录" not in page


def test_public_page_on_a_date(client: Client, catalogue_2019: CatalogueVersion) -> None:
    page = text(client.get(reverse("catalogue:public"), {"on": "2018-05-01"}))
    assert "2018-05-01没有生效的交易目录" in page
    response = client.get(reverse("catalogue:public"), {"on": "<script>"})
    assert response.status_code == 200
    assert "日期格式应为" in text(response)
    assert "<script>" not in text(response)


def test_public_page_without_catalogue(client: Client, db: None) -> None:
    response = client.get(reverse("catalogue:public"))
    assert response.status_code == 200
    assert "没有生效的交易目录" in text(response)


def test_public_page_in_english(client: Client, catalogue_2019: CatalogueVersion) -> None:
    client.cookies["django_language"] = "en"
    assert client.get(reverse("catalogue:public")).status_code == 200


def test_version_page(client: Client, draft: CatalogueVersion) -> None:
    assert client.get(reverse("catalogue:version", args=[draft.based_on_id])).status_code == 200
    assert client.get(reverse("catalogue:version", args=[draft.pk])).status_code == 404
    assert client.get(reverse("catalogue:version", args=[9999])).status_code == 404


# --- access ----------------------------------------------------------------------------


def test_management_needs_login(client: Client, draft: CatalogueVersion) -> None:
    response = client.get(reverse("catalogue:manage"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("who", ["city_staff", "entity_user"])
def test_others_get_a_403_page(
    request: pytest.FixtureRequest, session_client: Login, draft: CatalogueVersion, who: str
) -> None:
    browser = session_client(request.getfixturevalue(who))
    pk = draft.pk
    pages = [
        ("get", reverse("catalogue:manage")),
        ("get", reverse("catalogue:manage_version", args=[pk])),
        ("post", reverse("catalogue:save_item", args=[pk])),
        ("post", reverse("catalogue:remove_item", args=[pk, "FOREST-RIGHTS"])),
        ("post", reverse("catalogue:publish", args=[pk])),
        ("post", reverse("catalogue:discard", args=[pk])),
    ]
    for method, url in pages:
        response = getattr(browser, method)(url, ITEM_FORM if method == "post" else None)
        assert response.status_code == 403, url
        assert "无权访问" in text(response)
    draft.refresh_from_db()
    assert draft.is_draft and draft.items.count() == 30


def test_workspace_links(
    session_client: Login, draft: CatalogueVersion, editor: User, entity_user: User
) -> None:
    mine = text(session_client(editor).get(reverse("web:workspace")))
    assert "管理交易目录" in mine and draft.title in mine
    theirs = text(session_client(entity_user).get(reverse("web:workspace")))
    assert "查看公共资源交易目录" in theirs and draft.title not in theirs


# --- management ------------------------------------------------------------------------


def test_create_a_draft(session_client: Login, catalogue_2019, editor: User, frozen_clock) -> None:
    browser = session_client(editor)
    assert browser.get(reverse("catalogue:manage")).status_code == 200
    response = browser.post(
        reverse("catalogue:manage"), {"title": "2026年本", "document_number": ""}
    )
    draft = CatalogueVersion.objects.get(status="draft")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:manage_version", args=[draft.pk])
    assert draft.items.count() == 30


@pytest.mark.parametrize(
    ("title", "error"),
    [("<b>目录</b>", "不能包含 HTML"), ("", "这个字段是必填项"), ("目" * 201, "200")],
)
def test_create_a_draft_shows_errors(
    session_client: Login, catalogue_2019, editor: User, title: str, error: str
) -> None:
    response = session_client(editor).post(reverse("catalogue:manage"), {"title": title})
    assert response.status_code == 400
    assert error in text(response)
    assert not CatalogueVersion.objects.filter(status="draft").exists()


def test_edit_items_and_publish(
    session_client: Login, draft: CatalogueVersion, editor: User
) -> None:
    browser = session_client(editor)
    url = reverse("catalogue:manage_version", args=[draft.pk])
    page = browser.get(url, {"item": "CON-WORKS-HOUSING"})
    assert page.status_code == 200
    assert 'value="CON-WORKS-HOUSING"' in text(page) and 'value="4000000.00"' in text(page)

    saved = browser.post(reverse("catalogue:save_item", args=[draft.pk]), ITEM_FORM)
    assert saved.status_code == 302
    assert draft.items.get(code="CON-WORKS-RENEWAL").sort_order == 5

    removed = browser.post(reverse("catalogue:remove_item", args=[draft.pk, "FOREST-RIGHTS"]))
    assert removed.status_code == 302
    assert not draft.items.filter(code="FOREST-RIGHTS").exists()
    again = browser.post(reverse("catalogue:remove_item", args=[draft.pk, "FOREST-RIGHTS"]))
    assert again.status_code == 302  # reported as a message, not a crash

    published = browser.post(
        reverse("catalogue:publish", args=[draft.pk]), {"effective_from": TODAY}
    )
    assert published.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    read_only = text(browser.get(url))
    assert "该版本已发布，不能修改" in read_only and "保存事项" not in read_only


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"entry_threshold": "abc"}, "金额“abc”格式无效"),
        ({"entry_threshold": "-5"}, "进场金额标准不能为负数"),
        ({"entry_threshold": "1.001"}, "小数位超过2位"),
        ({"voluntary_threshold": "9000000"}, "自愿进场金额（¥9,000,000.00）不能高于进场金额标准"),
        ({"name": "<script>alert(1)</script>"}, "事项名称不能包含 HTML 标记或脚本"),
        ({"code": "坏代码"}, "事项代码“坏代码”无效"),
        ({"procedure_families": ["auction"]}, "不能采用拍卖"),
        ({"procedure_families": []}, "这个字段是必填项"),
        ({"category": "NO-SUCH"}, "选择一个有效的选项"),
    ],
)
def test_item_form_errors_in_chinese(
    session_client: Login,
    draft: CatalogueVersion,
    editor: User,
    changes: dict[str, object],
    error: str,
) -> None:
    before = LedgerEntry.objects.count()
    response = session_client(editor).post(
        reverse("catalogue:save_item", args=[draft.pk]), {**ITEM_FORM, **changes}
    )
    assert response.status_code == 400
    assert error in text(response)
    assert 'class="errorlist' in text(response)
    assert draft.items.count() == 30
    assert LedgerEntry.objects.count() == before


def test_publish_in_the_past_shows_an_error(
    session_client: Login, draft: CatalogueVersion, editor: User
) -> None:
    response = session_client(editor).post(
        reverse("catalogue:publish", args=[draft.pk]),
        {"effective_from": TODAY - timedelta(days=1)},
    )
    assert response.status_code == 400
    assert "不能早于今天" in text(response)
    draft.refresh_from_db()
    assert draft.is_draft


def test_publish_with_a_bad_date(
    session_client: Login, draft: CatalogueVersion, editor: User
) -> None:
    response = session_client(editor).post(
        reverse("catalogue:publish", args=[draft.pk]), {"effective_from": "2026-13-45"}
    )
    assert response.status_code == 400
    assert "输入一个有效的日期" in text(response)


def test_published_version_cannot_be_changed_from_the_page(
    session_client: Login, catalogue_2019: CatalogueVersion, editor: User
) -> None:
    browser = session_client(editor)
    url = reverse("catalogue:save_item", args=[catalogue_2019.pk])
    response = browser.post(url, ITEM_FORM, follow=True)
    assert response.status_code == 200
    assert "已发布的版本不能修改" in text(response)
    assert not catalogue_2019.items.filter(code="CON-WORKS-RENEWAL").exists()
    url = reverse("catalogue:publish", args=[catalogue_2019.pk])
    response = browser.post(url, {"effective_from": TODAY}, follow=True)
    assert "已发布的版本不能修改" in text(response)


def test_discard_a_draft(session_client: Login, draft: CatalogueVersion, editor: User) -> None:
    response = session_client(editor).post(reverse("catalogue:discard", args=[draft.pk]))
    assert response.status_code == 302
    assert not CatalogueVersion.objects.filter(pk=draft.pk).exists()


def test_unknown_version_is_404(session_client: Login, editor: User, db: None) -> None:
    assert (
        session_client(editor).get(reverse("catalogue:manage_version", args=[999])).status_code
        == 404
    )


# --- admin -----------------------------------------------------------------------------


@pytest.fixture
def platform_admin(db: None) -> User:
    return User.objects.create_superuser(username="root", password="x-Pass-2026", role=Role.ADMIN)


def test_admin_pages(session_client: Login, platform_admin: User, draft: CatalogueVersion) -> None:
    browser = session_client(platform_admin)
    for name in ("tradecategory", "catalogueversion", "catalogueitem"):
        response = browser.get(reverse(f"admin:catalogue_{name}_changelist"))
        assert response.status_code == 200, name
    page = browser.get(reverse("admin:catalogue_catalogueversion_change", args=[draft.pk]))
    assert page.status_code == 200
    assert "目录版本" in text(page)


def test_admin_adds_a_category_through_the_service(
    session_client: Login, platform_admin: User, db: None
) -> None:
    browser = session_client(platform_admin)
    url = reverse("admin:catalogue_tradecategory_add")
    bad = browser.post(url, {"code": "x y", "name_zh": "<b>", "family": "goods", "sort_order": 1})
    assert bad.status_code == 200 and "无效" in text(bad)
    assert not TradeCategory.objects.exists()
    good = {
        "code": "grain",
        "name_zh": "粮食收储",
        "family": "goods",
        "sector": "",
        "sort_order": 1,
    }
    response = browser.post(url, {**good, "is_active": "on"})
    assert response.status_code == 302
    assert TradeCategory.objects.get().code == "GRAIN"
    assert LedgerEntry.objects.filter(kind="catalogue.category_added").count() == 1


def test_english_messages_are_complete() -> None:
    """Every Chinese UI string of the app has an English translation (locale/en)."""
    import polib

    from ggzy.catalogue.datafile import DATA_DIR

    po = polib.pofile(str(DATA_DIR.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert len(po) > 100
    assert not po.untranslated_entries()
    assert not po.fuzzy_entries()


def test_item_form_shows_every_bad_field_at_once(
    session_client: Login, draft: CatalogueVersion, editor: User
) -> None:
    bad = {
        **ITEM_FORM,
        "code": "1X",
        "name": "<b>x</b>",
        "entry_threshold": "abc",
        "voluntary_threshold": "-1",
        "notes": "<script>",
    }
    response = session_client(editor).post(reverse("catalogue:save_item", args=[draft.pk]), bad)
    assert response.status_code == 400
    page = text(response)
    for message in (
        "事项代码“1X”无效",
        "事项名称不能包含 HTML",
        "金额“abc”格式无效",
        "自愿进场金额不能为负数",
        "备注不能包含 HTML",
    ):
        assert message in page
