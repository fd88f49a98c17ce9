"""Fixtures and factories for the entities tests.

Time is frozen (``manual_clock``), uploads and the development CA live in a temporary
directory, and the CA uses the international suite (P-256) unless a test asks for GM.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ggzy.accounts.models import Organisation, Region, Role, User
from ggzy.accounts.services import create_token
from ggzy.core.models import LedgerHead
from ggzy.entities import services
from ggzy.entities.models import (
    Certificate,
    EntityRevision,
    EntityUser,
    MarketEntity,
    Qualification,
    StaffMember,
)
from ggzy.kernel import clock
from ggzy.kernel.crypto import DevCA, get_suite
from ggzy.kernel.ids import make_resident_id, make_uscc
from tests.conftest import START
from tests.fixtures.people import hunan, organisation, person

PASSWORD = "Corr3ct-Horse-Battery"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 10
VALID_UNTIL = START.date() + timedelta(days=3 * 365)  # a qualification still valid for years
_serial = itertools.count(1)


def new_uscc() -> str:
    return make_uscc("9", "1", "430100", f"MA{next(_serial):06d}")


def new_resident_id(born: date = date(1985, 3, 14)) -> str:
    return make_resident_id("430102", born, f"{next(_serial) % 1000:03d}")


def legal_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "legal",
        "name": "湖南建工集团有限公司",
        "uscc": new_uscc(),
        "legal_rep_name": "李四",
        "legal_rep_id": new_resident_id(),
        "address": "湖南省长沙市岳麓区麓山南路1号",
        "region": "430000",
        "contact_name": "王五",
        "contact_mobile": "13800138000",
        "email": "contact@example.cn",
        "bank_name": "中国建设银行长沙麓山支行",
        "bank_account": "43050178360100000123",
        "is_respondent": True,
    }
    data.update(overrides)
    return data


def person_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "person",
        "name": "赵六",
        "resident_id": new_resident_id(date(1979, 8, 1)),
        "address": "湖南省株洲市天元区1号",
        "contact_name": "赵六",
        "contact_mobile": "13900139000",
        "is_respondent": True,
    }
    data.update(overrides)
    return data


def upload(content: bytes = PNG, name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- environment ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _frozen_time(manual_clock: clock.ManualClock) -> clock.ManualClock:
    return manual_clock


@pytest.fixture(autouse=True)
def _isolated_files(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GGZY_CA_DIR = tmp_path / "ca"
    settings.GGZY_TRUSTED_CA_FILES = []
    settings.GGZY_TRUST_DEV_CA = True
    settings.GGZY_UPLOAD_MAX_BYTES = 4096
    # Argon2 is deliberately slow; test_services checks it is what production uses.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dev_ca(settings: Any) -> DevCA:
    """The platform's development CA (trusted through ``GGZY_TRUST_DEV_CA``)."""
    return DevCA.create(settings.GGZY_CA_DIR, "intl")


# --- people --------------------------------------------------------------------------------


@pytest.fixture
def province(db: None) -> Region:
    return hunan()


@pytest.fixture
def centre_user(province: Region) -> User:
    org = organisation(Organisation.Kind.CENTRE, "湖南省公共资源交易中心", province)
    return person("centre", Role.CENTRE, org, password=PASSWORD)


@pytest.fixture
def supervisor_user(province: Region) -> User:
    org = organisation(Organisation.Kind.DEPARTMENT, "湖南省住房和城乡建设厅", province)
    return person("supervisor", Role.SUPERVISOR, org, password=PASSWORD)


@pytest.fixture
def oversight_user(province: Region) -> User:
    org = organisation(Organisation.Kind.OVERSIGHT, "湖南省审计厅", province)
    return person("auditor", Role.OVERSIGHT, org, password=PASSWORD)


@pytest.fixture
def expert_user(db: None) -> User:
    return person("expert", Role.EXPERT, None, password=PASSWORD)


# --- entities ------------------------------------------------------------------------------


@pytest.fixture
def register(province: Region) -> Callable[..., services.Registration]:
    """Register an entity: ``register(username=..., **data overrides)``."""

    def make(username: str = "bidder", *, person: bool = False, **overrides: Any):  # type: ignore[no-untyped-def]
        data = person_data(**overrides) if person else legal_data(**overrides)
        return services.register_entity(data=data, username=username, password=PASSWORD)

    return make


@pytest.fixture
def registration(register: Callable[..., services.Registration]) -> services.Registration:
    return register()


@pytest.fixture
def approved(registration: services.Registration, centre_user: User) -> services.Registration:
    services.approve(reviewer=centre_user, revision_id=registration.revision.pk)
    registration.entity.refresh_from_db()
    return registration


@pytest.fixture
def other(register: Callable[..., services.Registration]) -> services.Registration:
    """A second, unrelated entity."""
    return register("rival", name="另一家建设有限公司")


# --- API and web clients -------------------------------------------------------------------


class Api:
    """A test client for /api/v1/entities, authenticated with a bearer token."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _, secret = create_token(user=user, name="test", scopes=["read", "write"], days=30)
            self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1/entities{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.client.post(
            f"/api/v1/entities{path}",
            body if body is not None else {},
            content_type="application/json",
            headers=self.headers,
            **kwargs,
        )

    def post_raw(self, path: str, raw: str) -> Any:
        return self.client.post(
            f"/api/v1/entities{path}", raw, content_type="application/json", headers=self.headers
        )

    def post_multipart(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(f"/api/v1/entities{path}", data, headers=self.headers)


@pytest.fixture
def api() -> Callable[[User | None], Api]:
    return Api


# --- certificates --------------------------------------------------------------------------


def sign_challenge(key_pem: bytes, to_sign: str, suite: str = "intl") -> str:
    return base64.b64encode(get_suite(suite).sign(key_pem, to_sign.encode())).decode()


def bind(user: User, cert_pem: bytes, key_pem: bytes, suite: str = "intl") -> Certificate:
    challenge = services.issue_challenge(user=user, purpose="bind")
    message = services.challenge_message(challenge).decode()
    return services.bind_certificate(
        user=user,
        cert_pem=cert_pem.decode(),
        challenge_nonce=challenge.nonce,
        signature=base64.b64decode(sign_challenge(key_pem, message, suite)),
    )


# --- "nothing half-saved" ------------------------------------------------------------------

_MODELS = (
    User,
    MarketEntity,
    EntityRevision,
    EntityUser,
    Qualification,
    StaffMember,
    Certificate,
)


def state(media_root: Path | None = None) -> dict[str, Any]:
    """Row counts, the ledger head, revisions and entities, and the stored files.

    Challenges are left out: issuing one and spending it on a failed attempt is intended."""
    head = LedgerHead.objects.filter(id=1).first()
    result: dict[str, Any] = {m.__name__: m.objects.count() for m in _MODELS}
    result["ledger"] = (head.seq, head.hash) if head else (0, "")
    result["revisions"] = sorted(
        EntityRevision.objects.values_list("id", "status", "data"), key=str
    )
    result["entities"] = sorted(MarketEntity.objects.values_list(), key=str)
    if media_root is not None:
        result["files"] = sorted(str(p) for p in media_root.rglob("*") if p.is_file())
    return result


@pytest.fixture
def unchanged(settings: Any) -> Callable[[], Any]:
    """``with unchanged(): ...`` asserts the block saved nothing at all."""

    @contextmanager
    def check() -> Iterator[None]:
        before = state(Path(settings.MEDIA_ROOT))
        yield
        assert state(Path(settings.MEDIA_ROOT)) == before

    return check
