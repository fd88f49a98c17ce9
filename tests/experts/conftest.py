"""Fixtures and factories for the expert pool, evaluation and appraisal tests.

Nothing here is autouse (the draw tests in ``draws/`` keep their own set-up): pool tests
ask for ``env`` through ``pytestmark``, which freezes time and uses a fast password hasher.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ggzy.accounts.models import Level, Organisation, Region, Role, User
from ggzy.accounts.services import create_token
from ggzy.core.models import LedgerHead
from ggzy.experts.models import (
    Appraisal,
    DrawAttempt,
    DrawMode,
    DrawRequest,
    Expert,
    Invitation,
    Leave,
    ProfileChange,
    Remuneration,
    Sanction,
    Specialty,
    Venue,
)
from ggzy.experts.services import pool
from ggzy.kernel import clock
from ggzy.kernel.ids import make_resident_id, make_uscc
from tests.fixtures.people import hunan, organisation, person, region

PASSWORD = "Corr3ct-Horse-Battery"
_serial = itertools.count(1)


def new_uscc() -> str:
    return make_uscc("9", "1", "430100", f"EX{next(_serial):06d}")


def new_resident_id(born: date = date(1975, 6, 1)) -> str:
    return make_resident_id("430102", born, f"{next(_serial) % 1000:03d}")


def expert_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "张建国",
        "resident_id": new_resident_id(),
        "employer_name": "湖南省建筑设计院有限公司",
        "employer_uscc": new_uscc(),
        "title": "高级工程师",
        "years_of_practice": 15,
        "education": "本科",
        "mobile": "13800138000",
        "email": "expert@example.cn",
        "region": "430100",
        "main_specialty": "A080101",
        "other_specialties": ["A0802"],
        "in_comprehensive_pool": True,
        "in_procurement_pool": False,
        "bank_name": "中国工商银行长沙分行",
        "bank_account": "6222020000000000001",
    }
    data.update(overrides)
    return data


# --- environment ---------------------------------------------------------------------------


@pytest.fixture
def env(manual_clock: clock.ManualClock, settings: Any) -> clock.ManualClock:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return manual_clock


@pytest.fixture
def regions(db: None) -> dict[str, Region]:
    province = hunan()
    city = region("430100", "长沙市", province)
    other = region("430200", "株洲市", province)
    return {"province": province, "city": city, "other": other}


@pytest.fixture
def classification(db: None) -> int:
    return pool.load_specialties()


@pytest.fixture
def centre(regions: dict[str, Region]) -> Organisation:
    return organisation(
        Organisation.Kind.CENTRE,
        "湖南省公共资源交易中心",
        regions["province"],
        level=Level.PROVINCE,
    )


@pytest.fixture
def centre_user(centre: Organisation) -> User:
    return person("centre", Role.CENTRE, centre, password=PASSWORD)


@pytest.fixture
def other_centre_user(regions: dict[str, Region]) -> User:
    org = organisation(
        Organisation.Kind.CENTRE, "株洲市公共资源交易中心", regions["other"], level=Level.PROVINCE
    )
    return person("centre2", Role.CENTRE, org, password=PASSWORD)


@pytest.fixture
def supervisor_org(regions: dict[str, Region]) -> Organisation:
    return organisation(
        Organisation.Kind.DEPARTMENT,
        "湖南省住房和城乡建设厅",
        regions["province"],
        level=Level.PROVINCE,
    )


@pytest.fixture
def supervisor_user(supervisor_org: Organisation) -> User:
    return person("supervisor", Role.SUPERVISOR, supervisor_org, password=PASSWORD)


@pytest.fixture
def oversight_user(regions: dict[str, Region]) -> User:
    org = organisation(
        Organisation.Kind.OVERSIGHT, "湖南省审计厅", regions["province"], level=Level.PROVINCE
    )
    return person("auditor", Role.OVERSIGHT, org, password=PASSWORD)


@pytest.fixture
def entity_user(db: None) -> User:
    return person("bidder", Role.ENTITY, password=PASSWORD)


# --- experts -------------------------------------------------------------------------------


@pytest.fixture
def make_expert(centre_user: User, classification: int) -> Callable[..., Expert]:
    """``make_expert(account=True, **field overrides)`` through the service."""

    def make(*, account: bool = False, **overrides: Any) -> Expert:
        expert = pool.create_expert(user=centre_user, data=expert_data(**overrides))
        if account:
            pool.create_expert_account(user=centre_user, expert_id=expert.pk)
            expert.refresh_from_db()
        return expert

    return make


@pytest.fixture
def expert(make_expert: Callable[..., Expert]) -> Expert:
    return make_expert(account=True)


@pytest.fixture
def other_expert(make_expert: Callable[..., Expert]) -> Expert:
    return make_expert(account=True, name="李卫东", mobile="13900139000")


# --- a draw request with confirmed invitations --------------------------------------------------


@pytest.fixture
def venue(centre: Organisation, regions: dict[str, Region]) -> Venue:
    return Venue.objects.create(name="第一评标室", centre=centre, region=regions["province"])


INITIATOR_USCC = make_uscc("9", "1", "430100", "NT000002")


@pytest.fixture
def committee(
    make_expert: Callable[..., Expert],
    centre: Organisation,
    supervisor_org: Organisation,
    centre_user: User,
    venue: Venue,
) -> Callable[..., tuple[DrawRequest, list[Invitation]]]:
    """``committee(size=5)``: a complete draw request whose ``size`` experts confirmed."""

    def make(size: int = 5, **request_fields: Any) -> tuple[DrawRequest, list[Invitation]]:
        now = clock.now()
        fields: dict[str, Any] = {
            "project_code": f"HNGG-2026-{next(_serial):04d}",
            "lot_name": "长沙市某学校教学楼施工",
            "procedure": "open",
            "centre": centre,
            "supervisor": supervisor_org,
            "initiator_uscc": INITIATOR_USCC,
            "opening_at": now + timedelta(days=1),
            "mode": DrawMode.LOCAL,
            "committee_size": size,
            "requirements": [{"specialty": "A08", "venue": "main", "count": size}],
            "main_venue": venue,
            "status": DrawRequest.Status.COMPLETE,
            "created_by": centre_user,
            "created_at": now,
        }
        fields.update(request_fields)
        request = DrawRequest.objects.create(**fields)
        attempt = DrawAttempt.objects.create(
            request=request,
            number=1,
            status=DrawAttempt.Status.DRAWN,
            started_at=now,
            snapshot={},
            snapshot_digest="0" * 64,
            contributions={},
        )
        invitations = [
            Invitation.objects.create(
                attempt=attempt,
                request=request,
                expert=make_expert(account=True, name=f"专家{i}"),
                bucket="A08",
                venue=venue,
                status=Invitation.Status.CONFIRMED,
                notified_at=now,
                reply_by=now + timedelta(minutes=30),
                replied_at=now,
            )
            for i in range(size)
        ]
        return request, invitations

    return make


# --- Excel ----------------------------------------------------------------------------------


def xlsx(rows: list[list[Any]], header: list[str] | None = None) -> SimpleUploadedFile:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header if header is not None else [label for _, label in pool.EXPERT_COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("experts.xlsx", out.getvalue())


def expert_row(**overrides: Any) -> list[Any]:
    """One spreadsheet row in ``EXPERT_COLUMNS`` order."""
    data = expert_data(**overrides)
    data.setdefault("declared_conflicts", [])
    row = []
    for name, _ in pool.EXPERT_COLUMNS:
        value = data.get(name, "")
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, list):
            value = "、".join(value)
        row.append(value)
    return row


# --- API clients ----------------------------------------------------------------------------


class Api:
    """A client for /api/v1/experts with a bearer token (None: anonymous)."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _, secret = create_token(user=user, name="test", scopes=["read", "write"], days=30)
            self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1/experts{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"/api/v1/experts{path}",
            body if body is not None else {},
            content_type="application/json",
            headers=self.headers,
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"/api/v1/experts{path}", body, content_type="application/json", headers=self.headers
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1/experts{path}", headers=self.headers)

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(f"/api/v1/experts{path}", data, headers=self.headers)


@pytest.fixture
def api() -> Callable[[User | None], Api]:
    return Api


# --- "nothing half-saved" ------------------------------------------------------------------

_MODELS = (
    User,
    Expert,
    Leave,
    Sanction,
    ProfileChange,
    Specialty,
    Appraisal,
    Remuneration,
    Invitation,
)


def state() -> dict[str, Any]:
    head = LedgerHead.objects.filter(id=1).first()
    result: dict[str, Any] = {m.__name__: m.objects.count() for m in _MODELS}
    result["ledger"] = (head.seq, head.hash) if head else (0, "")
    result["experts"] = sorted(Expert.objects.values_list(), key=str)
    result["others"] = sorted(Expert.other_specialties.through.objects.values_list(), key=str)
    result["invitations"] = sorted(Invitation.objects.values_list(), key=str)
    result["changes"] = sorted(ProfileChange.objects.values_list(), key=str)
    result["specialties"] = sorted(Specialty.objects.values_list(), key=str)
    result["remunerations"] = sorted(Remuneration.objects.values_list(), key=str)
    return result


@pytest.fixture
def unchanged() -> Callable[[], Any]:
    """``with unchanged(): ...`` asserts the block saved nothing at all."""

    @contextmanager
    def check() -> Iterator[None]:
        before = state()
        yield
        assert state() == before

    return check
