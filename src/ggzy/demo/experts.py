"""The demo expert pool: the classification, venues, two randomness parties and 120 experts
(one of them is the `demo_expert` login)."""

from __future__ import annotations

from datetime import date, timedelta

from ggzy.accounts.models import Organisation, User
from ggzy.core import instance
from ggzy.core.services import ledger_alg
from ggzy.experts import beacon
from ggzy.experts.models import Expert, RandomnessParty, Venue
from ggzy.experts.services import draw, pool
from ggzy.kernel import clock
from ggzy.kernel.ids import make_resident_id, make_uscc

NICHE = "A0804"  # 水利水电工程
SPECIALTIES = ["A0801", "A0801", "A0801", "A0802", "A0802", "A0803", "B0101", "C0201"]
TITLES = ["高级工程师", "正高级工程师", "高级经济师", "教授级高级工程师"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"]
VENUES = [
    ("省中心第一评标室", "湖南省公共资源交易中心", "430000"),
    ("省中心第二评标室", "湖南省公共资源交易中心", "430000"),
    ("长沙中心远程评标室", "长沙公共资源交易中心", "430100"),
    ("湘西州中心远程评标室", "湘西州公共资源交易中心", "433100"),
    ("吉首分中心评标室", "湘西州公共资源交易中心吉首分中心", "433101"),
]
PARTIES = [
    ("交易中心随机数服务", "湖南省公共资源交易中心"),
    ("发改委随机数服务", "湖南省发展和改革委员会"),
]
CHAIN_LENGTH = 5000


def _venues() -> None:
    for name, centre, region in VENUES:
        Venue.objects.get_or_create(
            name=name,
            defaults={"centre": Organisation.objects.get(name=centre), "region_id": region},
        )


def _parties(staff: User) -> None:
    folder = instance.directory() / "beacons"
    folder.mkdir(parents=True, exist_ok=True)
    for name, org_name in PARTIES:
        if RandomnessParty.objects.filter(name=name).exists():
            continue
        chain = beacon.Chain.create(ledger_alg(), CHAIN_LENGTH)
        path = folder / f"{len(list(folder.iterdir())) + 1}.chain"
        path.write_text(chain.to_json())
        path.chmod(0o600)
        draw.register_party(
            user=staff,
            name=name,
            organisation=Organisation.objects.get(name=org_name),
            chain=chain,
            endpoint=f"file:{path}",
        )


def _expert_data(i: int) -> dict[str, object]:
    region = ["430100", "433100", "433101", "430000"][i % 4]
    return {
        "name": SURNAMES[i % len(SURNAMES)]
        + GIVEN[(i * 7) % len(GIVEN)]
        + GIVEN[(i * 3) % len(GIVEN)],
        "resident_id": make_resident_id(
            region, date(1965, 1, 1) + timedelta(days=97 * i), f"{i % 1000:03d}"
        ),
        "employer_name": f"演示单位{i // 2 + 1:03d}",
        "employer_uscc": make_uscc("9", "1", region, f"EXP{i // 2 + 1:05d}"),
        "title": TITLES[i % len(TITLES)],
        "years_of_practice": 8 + i % 20,
        "education": "本科",
        "mobile": f"137{i:08d}",
        "region": region,
        # The first expert, the `demo_expert` login, is the pool's only 水利水电 expert: the
        # living demo's water project asks for one, so its committee always holds them.
        "main_specialty": NICHE if i == 1 else SPECIALTIES[i % len(SPECIALTIES)],
        "in_comprehensive_pool": True,
        # Two in three: enough goods and services experts for the living demo's procurements
        # and the scenarios after them (an expert sits out the same purchaser for 90 days).
        "in_procurement_pool": i % 3 != 2,
        "bank_name": "中国建设银行长沙分行",
        "bank_account": f"6217{i:015d}",
    }


def _avoidance_cases(staff: User, experts: list[Expert]) -> None:
    """A few experts the avoidance rules must leave out of the demo draws."""
    from ggzy.entities.models import MarketEntity

    today = clock.today()
    for expert, username in zip(experts[1:3], ["demo_initiator", "demo_bidder"], strict=True):
        entity = MarketEntity.objects.get(users__user__username=username)
        pool.update_expert(
            user=staff,
            expert_id=expert.pk,
            changes={"employer_uscc": entity.uscc, "employer_name": entity.name},
        )
    pool.sanction_expert(
        user=staff,
        expert_id=experts[3].pk,
        kind="blacklisted",
        reason="评标中违规（演示）",
        document="湘公管〔2026〕1号",
        start=today,
    )
    pool.add_leave(
        user=staff,
        expert_id=experts[4].pk,
        start=today,
        end=today + timedelta(days=30),
        reason="出国（演示）",
    )


def load_experts(*, staff: User, password: str, count: int = 120) -> int:
    pool.load_specialties()
    _venues()
    _parties(staff)
    if Expert.objects.exists():
        return 0
    experts = [pool.create_expert(user=staff, data=_expert_data(i)) for i in range(1, count + 1)]
    account = pool.create_expert_account(user=staff, expert_id=experts[0].pk)
    login = User.objects.get(username=account.username)
    login.username = "demo_expert"
    login.set_password(password)
    login.save(update_fields=["username", "password"])
    _avoidance_cases(staff, experts)
    return count
