"""The portal pages: home, public ledger with receipt lookup, workspaces, language switch."""

import pytest
from django.test import Client

from ggzy.accounts.models import Organisation, Role, User
from ggzy.core.services import record
from tests.fixtures.people import hunan, organisation

pytestmark = pytest.mark.django_db


def test_home_in_chinese_and_english(client: Client) -> None:
    page = client.get("/").content.decode()
    assert "湖南省公共资源交易平台" in page and "市场主体注册" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert "Hunan Public Resource Trading Platform" in english
    assert "Trading catalogue" in english and "Log in" in english


def test_ledger_page_checks_a_receipt(client: Client) -> None:
    entry = record("test.event", subject="thing:1", payload={"x": 1})
    ok = client.get("/ledger/", {"seq": entry.seq, "hash": entry.hash}).content.decode()
    assert "回执与账本一致" in ok
    wrong = client.get("/ledger/", {"seq": entry.seq, "hash": "0" * 64}).content.decode()
    assert "没有与该回执一致的记录" in wrong


@pytest.mark.parametrize("seq", ["abc", "-1", "9" * 40, "<script>", "99"])
def test_ledger_lookup_with_junk_is_a_helpful_page(client: Client, seq: str) -> None:
    response = client.get("/ledger/", {"seq": seq, "hash": "<b>x</b>"})
    assert response.status_code == 200
    assert "没有与该回执一致的记录" in response.content.decode()
    assert "<b>x</b>" not in response.content.decode()


@pytest.mark.parametrize("role", list(Role.values))
def test_every_role_has_a_workspace(role: str, verified_client) -> None:
    province = hunan()
    kind = {
        Role.SUPERVISOR: Organisation.Kind.DEPARTMENT,
        Role.OVERSIGHT: Organisation.Kind.OVERSIGHT,
    }.get(role, Organisation.Kind.CENTRE)
    org = organisation(kind, "某机构", province)
    user = User.objects.create_user(
        username=f"u_{role}",
        password="x-Pass-2026",
        role=role,
        organisation=None if role in (Role.ENTITY, Role.EXPERT) else org,
    )
    client = verified_client(user) if user.needs_second_factor else Client()
    if not user.needs_second_factor:
        client.force_login(user)
    response = client.get("/workspace/")
    assert response.status_code == 200
    assert str(Role(role).label) in response.content.decode()


def test_workspace_needs_login(client: Client) -> None:
    assert client.get("/workspace/")["Location"].startswith("/accounts/login/")
