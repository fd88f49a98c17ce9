"""The one error path: a refusal from any app reaches people as one page in both languages
and machines as one JSON body, and a refused form keeps its input."""

from collections.abc import Callable

import pytest
from django import forms
from django.test import Client, RequestFactory
from django.utils import translation

from ggzy.accounts.models import Role, User
from ggzy.core.http import bilingual, error_body, form_error, refused
from ggzy.core.models import LedgerEntry
from ggzy.kernel.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/deposits/", "/entities/review/", "/experts/new/", "/catalogue/manage/"]


@pytest.fixture
def bidder(verified_client: Callable[[User], Client]) -> Client:
    user = User.objects.create_user(username="bidder", password="x-Bidder-2026", role=Role.ENTITY)
    return verified_client(user)


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_staff_page_refuses_others_on_the_one_page(bidder: Client, path: str) -> None:
    response = bidder.get(path)
    assert response.status_code == 403
    assert response.templates[0].name == "web/refused.html"
    page = response.content.decode()
    assert 'id="refused"' in page and "无权访问" in page
    error = response.context["error"]
    assert error.message_zh in page and error.message_en in page


@pytest.mark.parametrize(
    "path", ["/tendering/projects/999999/", "/auctions/999999/", "/no/such/page/"]
)
def test_a_missing_record_or_page_is_the_same_404_page(bidder: Client, path: str) -> None:
    response = bidder.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert 'id="refused"' in page
    assert response.context["error"].message_en in page


def test_machines_asking_for_json_get_the_error_body(bidder: Client) -> None:
    response = bidder.get("/deposits/", HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    body = response.json()
    assert set(body) >= {"code", "message_zh", "message_en", "field"}
    assert body["code"] == "centre_staff_only"


def test_the_api_and_the_pages_build_the_same_body(bidder: Client) -> None:
    api = bidder.get("/api/v1/tendering/projects/999999").json()
    page = bidder.get("/tendering/projects/999999/", HTTP_ACCEPT="application/json").json()
    assert set(api) == set(page) == {"code", "message_zh", "message_en", "field"}
    assert error_body("x", "甲", "a") == {
        "code": "x",
        "message_zh": "甲",
        "message_en": "a",
        "field": None,
    }


class _Form(forms.Form):
    name = forms.CharField()
    amount = forms.CharField()


def test_a_refused_form_shows_both_languages_on_the_field() -> None:
    form = _Form({"name": "x", "amount": "y"})
    assert form.is_valid()
    form_error(
        form, InvalidInput("金额有误", "bad amount", field="lot_amount"), {"lot_amount": "amount"}
    )
    assert form.errors["amount"] == ["金额有误 / bad amount"]
    form_error(form, Conflict("状态已变", "the state changed", field="unknown"))
    assert form.non_field_errors() == ["状态已变 / the state changed"]
    assert form.data["name"] == "x"  # the input stays on the page


def test_english_pages_put_english_first() -> None:
    error = InvalidInput("金额有误", "bad amount")
    with translation.override("en"):
        assert bilingual(error) == "bad amount / 金额有误"
    with translation.override("zh-hans"):
        assert bilingual(error) == "金额有误 / bad amount"


def test_nothing_is_written_by_a_refused_page(bidder: Client) -> None:
    before = LedgerEntry.objects.count()
    assert bidder.post("/deposits/transfers/", {"lot": "1"}).status_code == 403
    assert LedgerEntry.objects.count() == before


def test_the_request_factory_path_has_no_session_needed() -> None:
    request = RequestFactory().get("/x", HTTP_ACCEPT="application/json")
    response = refused(request, InvalidInput("坏", "bad", code="bad"))
    assert response.status_code == 400 and b'"code": "bad"' in response.content
