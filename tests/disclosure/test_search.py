"""Full-text search and list pages: Chinese words found mid-sentence, every filter, keyset
pages, escaped highlighted snippets, and bad input that never breaks anything. Runs on
SQLite (FTS5) and on PostgreSQL (tsvector) alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import chain
from typing import Any

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ggzy.accounts.models import Level, Organisation, Region
from ggzy.disclosure import search
from ggzy.disclosure.models import Publication
from ggzy.disclosure.search import Filters, Page, backends
from ggzy.disclosure.services import Notice, publish
from ggzy.kernel import clock
from ggzy.kernel.errors import InvalidInput
from tests.conftest import START
from tests.fixtures.clock import beijing
from tests.fixtures.people import organisation, region

pytestmark = pytest.mark.django_db

# (query, whether it should still find the notice "长沙市第一中学教学楼新建工程")
NASTY = [
    ("", False),
    ("   ", False),
    ('AND OR NOT NEAR * ^ : ( ) " -', False),
    ('"教学楼', True),
    ('"教学楼" AND "新建"', True),
    ("教学楼*", True),
    ("(教学楼)", True),
    ("-教学楼", True),
    ("^教学楼", True),
    ("教学楼 NOT 新建", True),
    ("title:教学楼", False),  # "title" is a word like any other
    ("NEAR(教学楼 新建)", True),
    ("'; DROP TABLE disclosure_publication; --", False),
    ("1' OR '1'='1", False),
    ("%_%", False),
    ("\\", False),
    ("\x00教学楼", True),
    ("😀🏗️👷", False),
    ("教学楼😀", True),
    ("x" * 10_000, False),
    ("教学楼" * 3_334, True),
    ("　，。！？、", False),
    ("\u202e\u200b\ufeff", False),
]


@dataclass
class Places:
    hunan: Region
    changsha: Region
    yuelu: Region
    huaihua: Region
    guangzhou: Region
    provincial: Organisation
    city: Organisation


@pytest.fixture
def places(db: Any) -> Places:
    hunan = region("430000", "湖南省")
    changsha = region("430100", "长沙市", hunan)
    yuelu = region("430104", "岳麓区", changsha)
    huaihua = region("431200", "怀化市", hunan)
    guangdong = region("440000", "广东省")
    guangzhou = region("440100", "广州市", guangdong)
    provincial = organisation(
        Organisation.Kind.CENTRE, "湖南省公共资源交易中心", hunan, level=Level.PROVINCE
    )
    city = organisation(
        Organisation.Kind.CENTRE, "长沙市公共资源交易中心", changsha, level=Level.CITY
    )
    return Places(hunan, changsha, yuelu, huaihua, guangzhou, provincial, city)


@pytest.fixture
def notice(places: Places, manual_clock: clock.ManualClock) -> Callable[..., Publication]:
    """Publish a notice one minute after the previous one (``at`` sets the time)."""
    counter = iter(range(1, 10_000))

    def make(title: str, body: str = "", **fields: Any) -> Publication:
        at, same_second = fields.pop("at", None), fields.pop("same_second", False)
        if at is not None:
            manual_clock.set(at)
        elif not same_second:
            manual_clock.advance(timedelta(minutes=1))
        n = next(counter)
        made = Notice(
            kind=fields.pop("kind", "tender"),
            category=fields.pop("category", "works"),
            region=fields.pop("region", places.changsha),
            centre=fields.pop("centre", places.city),
            trade_code=fields.pop("trade_code", f"CS-2026-{n:03d}"),
            trade_title=fields.pop("trade_title", title),
            title=title,
            body=body or f"{title}。招标人：长沙市教育局。",
            html=fields.pop("html", False),
        )
        assert not fields, fields
        return publish(made, actor="test")

    return make


def uids(page: Page) -> list[str]:
    return [hit.publication.uid for hit in page.items]


def newest_first(publications: list[Publication]) -> list[str]:
    ordered = sorted(publications, key=lambda p: (p.published_at, p.pk), reverse=True)
    return [p.uid for p in ordered]


def test_words_are_segmented_folded_and_cleaned() -> None:
    words = search.tokens("长沙市第一中学教学楼新建工程，项目编号：ＨＮ-2026-001！😀")
    assert {"长沙市", "长沙", "中学", "教学楼", "教学", "新建", "工程"} <= set(words)
    assert {"hn", "2026", "001"} <= set(words)
    assert all(w.isalnum() for w in words)
    assert search.terms("教学楼 OR 食堂 NOT near") == ("教学楼", "食堂", "near")
    assert search.terms("长沙市第一中学") == ("长沙市", "第一", "中学")
    assert search.terms('"; DROP TABLE x; --') == ("drop", "table", "x")
    assert search.terms("😀 ，。") == ()
    assert len(search.terms(" ".join(f"w{i}" for i in range(1000)))) <= search.MAX_QUERY_TERMS
    assert all(len(t) <= search.MAX_TERM_CHARS for t in search.terms("a" * 5000))


def test_a_word_in_the_middle_of_a_title_or_body_is_found(
    notice: Callable[..., Publication],
) -> None:
    school = notice("长沙市第一中学教学楼新建工程招标公告")
    hospital = notice("湖南省人民医院医疗设备采购公告", category="procurement")
    road = notice("岳麓区道路硬化工程", body="本项目包括综合楼食堂改造及道路硬化。")

    page = search.search("教学楼", filters=Filters(), after=None, limit=10)
    assert uids(page) == [school.uid]
    assert page.terms == ("教学楼",) and page.next is None
    hit = page.items[0]
    assert "<mark>教学楼</mark>" in hit.title and "<mark>教学楼</mark>" in hit.snippet
    assert hit.publication.centre.name == "长沙市公共资源交易中心"

    assert uids(search.search("医疗设备")) == [hospital.uid]  # two words, both required
    assert uids(search.search("食堂")) == [road.uid]  # only in the body
    assert uids(search.search("工程")) == [road.uid, school.uid]  # newest first
    assert uids(search.search("教学楼 食堂")) == []
    assert uids(search.search("CS-2026-002")) == [hospital.uid]  # the project code
    assert uids(search.search("教育局")) == [hospital.uid, school.uid]


def test_every_filter_alone_and_combined_in_search_and_listing(
    notice: Callable[..., Publication], places: Places, manual_clock: clock.ManualClock
) -> None:
    first = START.date() + timedelta(days=1)  # after the clock's start
    day = beijing(first, 0)
    made = [
        notice("教学楼工程A", at=day),  # the day's first instant
        notice("教学楼工程B", at=day.replace(hour=23, minute=59, second=59), kind="change"),
        notice("教学楼工程C", at=day + timedelta(days=1), category="procurement"),
        notice("教学楼工程D", at=day + timedelta(days=2), region=places.yuelu),
        notice("教学楼工程E", at=day + timedelta(days=3), region=places.huaihua),
        notice(
            "教学楼工程F",
            at=day + timedelta(days=4),
            region=places.guangzhou,
            centre=places.provincial,
        ),
        notice("教学楼工程G", at=day + timedelta(days=5), centre=places.provincial),
        notice("医院工程H", at=day + timedelta(days=6), region=places.yuelu),
    ]
    for p in made:
        p.refresh_from_db()

    def local_day(p: Publication) -> date:
        return p.published_at.astimezone(clock.SHANGHAI).date()

    second, third, fourth = (first + timedelta(days=n) for n in (1, 2, 3))

    cases: list[tuple[Filters, Callable[[Publication], bool]]] = [
        (Filters(), lambda p: True),
        (Filters(category="procurement"), lambda p: p.category == "procurement"),
        (Filters(kind="change"), lambda p: p.kind == "change"),
        (Filters(region="43"), lambda p: p.region_id.startswith("43")),
        (Filters(region="4301"), lambda p: p.region_id.startswith("4301")),
        (Filters(region="430104"), lambda p: p.region_id == "430104"),
        (Filters(region="44"), lambda p: p.region_id.startswith("44")),
        (Filters(centre=places.provincial.pk), lambda p: p.centre_id == places.provincial.pk),
        (Filters(date_from=second), lambda p: local_day(p) >= second),
        (Filters(date_to=first), lambda p: local_day(p) <= first),
        (
            Filters(date_from=second, date_to=fourth),
            lambda p: second <= local_day(p) <= fourth,
        ),
        (
            Filters(
                category="works",
                kind="tender",
                region="43",
                centre=places.city.pk,
                date_from=first,
                date_to=third,
            ),
            lambda p: (
                p.category == "works"
                and p.kind == "tender"
                and p.region_id.startswith("43")
                and p.centre_id == places.city.pk
                and first <= local_day(p) <= third
            ),
        ),
        (
            Filters(region="43", centre=places.provincial.pk),
            lambda p: p.region_id.startswith("43") and p.centre_id == places.provincial.pk,
        ),
    ]
    school = [p for p in made if "教学楼" in p.title]
    for filters, wanted in cases:
        expected = newest_first([p for p in school if wanted(p)])
        assert expected, filters  # every case selects something
        assert uids(search.search("教学楼", filters=filters, limit=20)) == expected, filters
        listed = newest_first([p for p in made if wanted(p)])
        assert uids(search.listing(filters, limit=20)) == listed, filters
    assert len(uids(search.search("教学楼", filters=Filters(date_to=first)))) == 2


def test_three_pages_each_item_exactly_once(
    notice: Callable[..., Publication], manual_clock: clock.ManualClock
) -> None:
    made = [notice(f"第{i}号教学楼维修工程") for i in range(5)]
    made += [notice(f"第{i}号教学楼加固工程", same_second=True) for i in range(5, 8)]  # ties
    manual_clock.advance(timedelta(microseconds=1500))  # within the same second as well
    made.append(notice("第8号教学楼维修工程", same_second=True))
    notice("食堂改造工程")  # not a match, newest of all
    expected = newest_first(made)

    def walk(run: Callable[[str | None], Page]) -> list[list[str]]:
        pages, after = [], None
        while True:
            page = run(after)
            pages.append(uids(page))
            if page.next is None:
                return pages
            after = page.next

    found = walk(lambda after: search.search("教学楼", filters=Filters(), after=after, limit=3))
    assert [len(p) for p in found] == [3, 3, 3]
    assert list(chain(*found)) == expected
    listed = walk(lambda after: search.listing(Filters(category="works"), after=after, limit=3))
    assert [len(p) for p in listed] == [3, 3, 3, 1]
    assert list(chain(*listed))[1:] == expected


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("walk", [1, 2, 5, 2_000])
def test_postgres_walk_then_index_gives_the_same_pages(
    notice: Callable[..., Publication], monkeypatch: pytest.MonkeyPatch, walk: int
) -> None:
    """Whether the page fills while walking the newest rows or needs the GIN index, the
    pages are the same: every match exactly once, newest first, filters applied."""
    monkeypatch.setattr(backends, "WALK", walk)
    old = [notice(f"第{i}号教学楼维修工程") for i in range(4)]
    for i in range(3):
        notice(f"第{i}号食堂改造工程")
    old.append(notice("教学楼外墙维修工程", category="procurement"))
    for i in range(3):
        notice(f"第{i}号道路改造工程")
    for query, filters, expected in (
        ("教学楼", Filters(), newest_first(old)),
        ("教学楼", Filters(category="works"), newest_first(old[:4])),
        ("外墙", Filters(), [old[-1].uid]),
        ("不存在的词语", Filters(), []),
    ):
        seen, after = [], None
        while True:
            page = search.search(query, filters=filters, after=after, limit=2)
            seen += uids(page)
            if page.next is None:
                break
            after = page.next
        assert seen == expected, (query, filters)


@pytest.mark.parametrize("walk", [1, 3, 2_000])
def test_region_lists_walk_then_seek_with_the_same_pages(
    notice: Callable[..., Publication], places: Places, monkeypatch: pytest.MonkeyPatch, walk: int
) -> None:
    """A region's list fills from the newest rows or, if they hold too few of the region's
    notices, from the region's index: the same pages either way."""
    monkeypatch.setattr(backends, "WALK", walk)
    in_city = [notice(f"岳麓区{i}号工程", region=places.yuelu) for i in range(3)]
    for i in range(4):
        notice(f"怀化{i}号工程", region=places.huaihua)
    in_city.append(notice("长沙市道路工程"))
    notice("广州工程", region=places.guangzhou, trade_code="GZ-1")
    for filters, expected in (
        (Filters(region="4301"), newest_first(in_city)),
        (Filters(region="430104"), newest_first(in_city[:3])),
        (Filters(region="4301", category="works"), newest_first(in_city)),
        (Filters(region="4301", category="land"), []),
    ):
        seen, after = [], None
        while True:
            page = search.listing(filters, after=after, limit=2)
            seen += uids(page)
            if page.next is None:
                break
            after = page.next
        assert seen == expected, filters


def test_order_is_exact_within_a_second_whatever_the_ids(
    notice: Callable[..., Publication], manual_clock: clock.ManualClock
) -> None:
    """Imported notices may carry times out of id order; pages follow the time exactly."""
    second = manual_clock.now().replace(microsecond=0) + timedelta(minutes=5)
    made = [
        notice(f"教学楼{i}号", at=second + timedelta(microseconds=us))
        for i, us in enumerate((900_000, 100_000, 500_000, 500_000, 0, 999_999))
    ]
    made.append(notice("教学楼后一秒", at=second + timedelta(seconds=1)))
    expected = newest_first(made)
    for limit in (1, 2, 4):
        for run in (
            lambda after: search.search("教学楼", after=after, limit=limit),  # noqa: B023
            lambda after: search.listing(Filters(), after=after, limit=limit),  # noqa: B023
        ):
            seen, after = [], None
            while True:
                page = run(after)
                seen += uids(page)
                if page.next is None:
                    break
                after = page.next
            assert seen == expected, limit


def test_snippets_are_escaped_and_built_from_the_plain_text(
    notice: Callable[..., Publication],
) -> None:
    plain = notice(
        "综合楼<script>alert(1)</script>维修",
        body="说明：<script>alert('x')</script> 本项目为教学楼新建，" + "详见附件。" * 60,
    )
    markup = notice(
        "学生宿舍新建工程",
        body='<p onclick="x()">宿舍<b>教学楼</b><script>steal()</script><img src=x onerror=y></p>',
        html=True,
    )
    page = search.search("教学楼", filters=Filters(), after=None, limit=10)
    assert uids(page) == [markup.uid, plain.uid]
    for hit in page.items:
        assert "<mark>教学楼</mark>" in hit.snippet
        for text in (hit.snippet, hit.title):
            assert "<script" not in text and "onerror" not in text and "onclick" not in text
            assert text.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert "script&gt;" in page.items[1].snippet
    assert page.items[1].snippet.endswith("…")
    assert len(page.items[1].snippet) < 300
    assert page.items[1].title == "综合楼&lt;script&gt;alert(1)&lt;/script&gt;维修"
    wide = search.search("ＳＣＲＩＰＴ alert").items[0]  # full-width, upper case
    assert wide.publication.uid == plain.uid
    assert "<mark>script</mark>" in wide.title


@pytest.mark.parametrize(("q", "finds"), NASTY)
def test_bad_queries_never_break_and_stay_literal(
    notice: Callable[..., Publication], q: str, finds: bool
) -> None:
    school = notice("长沙市第一中学教学楼新建工程")
    count = Publication.objects.count()
    page = search.search(q, filters=Filters(), after=None, limit=20)
    assert isinstance(page, Page)
    assert Publication.objects.count() == count  # the table is still there
    assert uids(page) == ([school.uid] if finds else [])  # operators are just noise
    if not page.terms:
        assert page.items == [] and page.next is None


def test_filter_values_that_cannot_match_give_an_empty_page(
    notice: Callable[..., Publication],
) -> None:
    notice("教学楼工程")
    impossible = [
        Filters(category="space"),
        Filters(kind="'; DROP TABLE x; --"),
        Filters(region="4x"),
        Filters(region="4301041"),
        Filters(region="\x00"),
        Filters(region=""),
        Filters(centre=-1),
        Filters(centre=10**30),
        Filters(date_from=clock.today() + timedelta(days=1), date_to=clock.today()),
        Filters(date_from=date.max),
    ]
    for filters in impossible:
        assert search.search("教学楼", filters=filters).items == [], filters
        assert search.listing(filters).items == [], filters
    for filters in (
        Filters(date_from=date.min),
        Filters(date_to=date.max),
        Filters(date_from=date.min, date_to=date.max),
    ):
        assert len(search.search("教学楼", filters=filters).items) == 1
        assert len(search.listing(filters).items) == 1
    assert len(search.listing(Filters(), limit=0).items) == 1  # the limit is clamped
    assert len(search.search("教学楼", limit=10**9).items) == 1


def test_a_tampered_page_key_is_refused_with_a_message(
    notice: Callable[..., Publication],
) -> None:
    for i in range(3):
        notice(f"教学楼工程{i}")
    key = search.search("教学楼", limit=1).next
    assert key is not None
    listed = search.listing(Filters(), limit=1).next
    assert listed is not None
    payload, signature = key.split(":", 1)
    forged = signing.Signer(salt="another purpose").sign_object([0, 1])
    bad = [
        payload + ":" + signature[::-1],
        "A" + key[1:],
        key + "x",
        signature,
        "not-a-key",
        ":",
        "😀:😀",
        "x" * 100_000,
        forged,
        signing.dumps([0, 1]),
    ]
    for after in bad:
        for run in (
            lambda: search.search("教学楼", after=after),  # noqa: B023
            lambda: search.listing(Filters(), after=after),  # noqa: B023
        ):
            with pytest.raises(InvalidInput) as caught:
                run()
            assert caught.value.code == "invalid_cursor" and caught.value.field == "after"
            assert "第一页" in caught.value.message_zh
    # a key from the list page is a position and works in a search, and back
    assert len(search.search("教学楼", after=listed).items) == 2
    assert len(search.listing(Filters(), after=key).items) == 2


def test_indexing_twice_and_rebuilding_keep_one_entry(notice: Callable[..., Publication]) -> None:
    school = notice("教学楼新建工程")
    notice("食堂改造工程")
    search.index(school)
    search.index_many(Publication.objects.all())
    assert uids(search.search("教学楼")) == [school.uid]
    assert search.rebuild(batch=1) == 2
    assert uids(search.search("教学楼")) == [school.uid]
    assert len(search.search("工程").items) == 2


def test_list_pages_do_not_touch_the_search_index(notice: Callable[..., Publication]) -> None:
    notice("教学楼新建工程")
    with CaptureQueriesContext(connection) as queries:
        page = search.listing(Filters(category="works", region="43"), limit=5)
    assert len(page.items) == 1 and page.items[0].snippet == ""
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "disclosure_fts" not in sql and "search_document" not in sql
    assert len(queries.captured_queries) == 3  # newest rows, the region's rows, the page


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_stale_sqlite_row_never_matches_another_publication(
    notice: Callable[..., Publication],
) -> None:
    """A row left in FTS5 by a flushed publication whose id was reused later."""
    school = notice("教学楼新建工程")
    canteen = notice("食堂改造工程")
    stale = search.Document(
        pk=canteen.pk,
        published_at=canteen.published_at - timedelta(days=3),
        title="教学楼",
        text="",
        facets=search.Document.of(canteen).facets,
    )
    search.backend().index([stale])
    assert uids(search.search("教学楼")) == [school.uid]


@pytest.fixture
def corpus(notice: Callable[..., Publication]) -> list[Publication]:
    return [
        notice("长沙市第一中学教学楼新建工程"),
        notice("Ｃ++ 软件采购 NEAR \"引号\" 'quote'", category="procurement"),
        notice("医院😀设备采购", body="设备清单；AND OR NOT *^:()-"),
    ]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=300), limit=st.integers(-5, 200))
def test_any_text_query_answers_without_error(
    corpus: list[Publication], q: str, limit: int
) -> None:
    page = search.search(q, filters=Filters(region="43"), after=None, limit=limit)
    known = {p.uid for p in corpus}
    assert set(uids(page)) <= known
    for hit in page.items:
        html = hit.snippet.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in html and "<" not in hit.title.replace("<mark>", "").replace("</mark>", "")


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(after=st.text(max_size=300))
def test_any_page_key_is_a_position_or_invalid_input(corpus: list[Publication], after: str) -> None:
    for run in (
        lambda: search.listing(Filters(), after=after),
        lambda: search.search("教学楼", after=after),
    ):
        try:
            run()
        except InvalidInput as error:
            code = error.code
        else:
            code = "valid"
        assert code in ("valid", "invalid_cursor")
