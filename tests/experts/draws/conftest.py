"""A small province for drawing experts: a centre, a supervising department, venues, two
randomness parties with their hash chains in files, specialties and 40 experts."""

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ggzy.accounts.models import Level, Organisation, Region, Role, User
from ggzy.experts import beacon
from ggzy.experts.models import Expert, ExpertStatus, Specialty, Venue
from ggzy.experts.services import draw
from ggzy.kernel.ids import make_resident_id, make_uscc

INITIATOR = make_uscc("9", "1", "430100", "NT000001")
AGENT = make_uscc("9", "1", "430100", "AGNT0002")
SUPERVISOR_USCC = make_uscc("1", "1", "430000", "UPP00001")


def employer(n: int) -> str:
    return make_uscc("9", "1", "430100", f"EMP{n:05d}")


@pytest.fixture
def province(db: Any) -> dict[str, Any]:
    region = Region.objects.create(code="430000", name="湖南省", level=Level.PROVINCE)
    centre = Organisation.objects.create(
        kind=Organisation.Kind.CENTRE, name="省中心", region=region, level=Level.PROVINCE
    )
    supervisor = Organisation.objects.create(
        kind=Organisation.Kind.DEPARTMENT,
        name="省住建厅",
        region=region,
        level=Level.PROVINCE,
        industry="housing",
        uscc=SUPERVISOR_USCC,
    )
    staff = User.objects.create_user(
        username="drawer", password="x-Pass-2026", role=Role.CENTRE, organisation=centre
    )
    venues = [
        Venue.objects.create(name=f"评标室{i}", centre=centre, region=region) for i in range(1, 6)
    ]
    for code, name, level, parent in [
        ("A", "工程", 1, None),
        ("A08", "工程施工", 2, "A"),
        ("A0801", "房屋建筑", 3, "A08"),
        ("A0802", "市政", 3, "A08"),
        ("B", "货物", 1, None),
        ("B01", "机电设备", 2, "B"),
    ]:
        Specialty.objects.create(code=code, name=name, level=level, parent_id=parent)
    return {
        "region": region,
        "centre": centre,
        "supervisor": supervisor,
        "staff": staff,
        "venues": venues,
    }


@pytest.fixture
def parties(province: dict[str, Any], tmp_path: Path) -> list[Any]:
    made = []
    for name, org in [("交易中心", province["centre"]), ("行政监督部门", province["supervisor"])]:
        chain = beacon.Chain.create("sm3", 200)
        path = tmp_path / f"{org.pk}.chain"
        path.write_text(chain.to_json())
        made.append(
            draw.register_party(
                user=province["staff"],
                name=name,
                organisation=org,
                chain=chain,
                endpoint=f"file:{path}",
            )
        )
    return made


@pytest.fixture
def make_expert(province: dict[str, Any]) -> Callable[..., Expert]:
    counter = iter(range(1, 10_000))

    def make(
        specialty: str = "A0801", *, employer_uscc: str | None = None, **fields: Any
    ) -> Expert:
        n = next(counter)
        user = User.objects.create_user(username=f"expert{n}", password=None, role=Role.EXPERT)
        values = {
            "user": user,
            "name": f"专家{n}",
            "resident_id": make_resident_id(
                "430100", datetime(1970, 1, 1).date() + timedelta(days=n), f"{n % 1000:03d}"
            ),
            "employer_name": f"单位{n}",
            "employer_uscc": employer_uscc or employer(n),
            "title": "高级工程师",
            "years_of_practice": 12,
            "mobile": f"138{n:08d}",
            "region": province["region"],
            "main_specialty_id": specialty,
            "in_comprehensive_pool": True,
            "in_procurement_pool": True,
            "status": ExpertStatus.ACTIVE,
            **fields,
        }
        return Expert.objects.create(**values)

    return make


@pytest.fixture
def pool(make_expert: Callable[..., Expert]) -> list[Expert]:
    return [make_expert("A0801") for _ in range(30)] + [make_expert("A0802") for _ in range(10)]


@pytest.fixture
def request_for(province: dict[str, Any], parties: list[Any]) -> Callable[..., Any]:
    def make(**overrides: Any) -> Any:
        values: dict[str, Any] = {
            "user": province["staff"],
            "project_code": "XX-2026-001",
            "lot_name": "某某学校教学楼施工",
            "procedure": "works_tender",
            "supervisor_id": province["supervisor"].pk,
            "initiator_uscc": INITIATOR,
            "agent_uscc": AGENT,
            "opening_at": datetime(2026, 11, 30, 9, 0, tzinfo=draw.clock.SHANGHAI),
            "mode": "local",
            "committee_size": 7,
            "owner_representatives": 0,
            "requirements": [
                {"specialty": "A0801", "venue": "main", "count": 5},
                {"specialty": "A0802", "venue": "main", "count": 2},
            ],
            "main_venue_id": province["venues"][0].pk,
        }
        values.update(overrides)
        return draw.create_request(**values)

    return make
