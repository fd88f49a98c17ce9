from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from ggzy.accounts.models import Organisation, Role, User
from ggzy.accounts.otp import device_for, secret_base32
from ggzy.catalogue.datafile import HUNAN_2019
from ggzy.catalogue.services import load_catalogue_file

from .entities import DEMO_ENTITIES, load_entities
from .experts import load_experts
from .keys import demo_keys
from .organisations import load_organisations

DEMO_PREFIX = "demo_"
DEMO_PASSWORD = "ggzy-Demo-2026"  # noqa: S105 — printed for everyone by `make run`

# username, role, organisation, real name
STAFF = [
    ("demo_admin", Role.ADMIN, "湖南省公共资源交易中心", "系统管理员"),
    ("demo_centre", Role.CENTRE, "湖南省公共资源交易中心", "李敏（省中心）"),
    ("demo_centre_xx", Role.CENTRE, "湘西州公共资源交易中心", "彭军（州中心）"),
    ("demo_supervisor", Role.SUPERVISOR, "湖南省住房和城乡建设厅", "王强（住建监督）"),
    ("demo_supervisor_gp", Role.SUPERVISOR, "湖南省财政厅", "赵丽（政府采购监督）"),
    ("demo_oversight", Role.OVERSIGHT, "湖南省纪委监委", "陈平（纪检监察）"),
]

ENTITY_ROLES = {
    "demo_initiator": "招标人/采购人 initiator",
    "demo_agent": "代理机构 agent",
    "demo_bidder": "投标人/供应商 bidder",
    "demo_person": "自然人竞买人 natural-person buyer",
}


def has_data() -> bool:
    return Organisation.objects.exists()


def _staff(orgs: dict[str, Organisation]) -> dict[str, User]:
    users = {}
    for username, role, org_name, real_name in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                organisation=orgs[org_name] if org_name else None,
                real_name=real_name,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
        if user.needs_second_factor:
            device = device_for(user)
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
        users[username] = user
    return users


def load(progress: Callable[[str], object] = print) -> None:
    progress("载入演示数据 / loading demo data …")
    with transaction.atomic():
        orgs = load_organisations()
        users = _staff(orgs)
    progress(f"  机构 {len(orgs)} 个、工作人员 {len(users)} 名 / organisations and staff")
    load_catalogue_file(HUNAN_2019, actor=users["demo_centre"])
    progress("  交易目录 / trading catalogue loaded")
    created = load_entities(
        reviewer=users["demo_centre"], password=DEMO_PASSWORD, progress=progress
    )
    experts = load_experts(staff=users["demo_centre"], password=DEMO_PASSWORD)
    progress(f"  专家库：新建专家 {experts} 名 / expert pool: {experts} new experts")
    progress(f"演示数据就绪：新建市场主体 {created} 个 / demo data ready ({created} new entities)")


def print_logins() -> None:
    print()
    print(f"演示账号（密码均为 {DEMO_PASSWORD}）/ demo logins (password {DEMO_PASSWORD}):")
    for username, role, org_name, _name in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        line = f"  {username:<20} {Role(role).label}（{org_name or '—'}）"
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            line += f"  TOTP 密钥 secret {secret_base32(device)}"
        print(line)
    for username, label in ENTITY_ROLES.items():
        if User.objects.filter(username=username).exists():
            print(f"  {username:<20} {label}")
    print(f"  {'demo_expert':<20} 评标评审专家 expert")
    others = sum(1 for e in DEMO_ENTITIES if e.username not in ENTITY_ROLES)
    print(f"  demo_b01…demo_b23, demo_a01…, demo_i01  另有 {others} 个市场主体账号")
    print(f"  ({others} more entity accounts)")
    print("  动态验证码 / current TOTP code: .venv/bin/ggzy otp-code demo_centre")
    print(f"  证书与私钥 / demo certificates and keys: {demo_keys()}")
    print()
