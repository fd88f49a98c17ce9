"""Thirty demo market entities, registered, reviewed and certified through the services."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings

from ggzy.accounts.models import User
from ggzy.entities import services
from ggzy.entities.models import EntityKind
from ggzy.kernel import clock
from ggzy.kernel.crypto import get_suite
from ggzy.kernel.crypto.pki import DevCA, load_certificate
from ggzy.kernel.ids import make_resident_id, make_uscc

from .keys import demo_keys
from .scan import certificate_pdf


@dataclass(frozen=True)
class DemoEntity:
    username: str
    name: str
    region: str
    initiator: bool = False
    agent: bool = False
    respondent: bool = False
    person: bool = False


def _catalogue() -> list[DemoEntity]:
    named = [
        DemoEntity("demo_initiator", "湘西州城乡建设投资有限公司", "433100", initiator=True),
        DemoEntity("demo_agent", "湖南明信工程项目管理有限公司", "430100", agent=True),
        DemoEntity("demo_bidder", "湘西恒通建设工程有限公司", "433101", respondent=True),
        DemoEntity("demo_person", "向明远", "433101", respondent=True, person=True),
    ]
    bidders = [
        ("长沙远拓路桥工程有限公司", "430100"),
        ("湖南楚源水利水电建设有限公司", "430000"),
        ("湘西武陵山市政工程有限公司", "433100"),
        ("吉首峒河园林绿化有限公司", "433101"),
        ("湖南致远智能科技有限公司", "430100"),
        ("长沙华章信息技术有限公司", "430100"),
        ("湖南润泽医疗器械有限公司", "430000"),
        ("湘西凤凰古建修缮工程有限公司", "433100"),
        ("湖南星沙建材贸易有限公司", "430100"),
        ("湖南岳麓测绘地理信息有限公司", "430100"),
        ("湘西德夯交通设施有限公司", "433100"),
        ("湖南天衡工程监理咨询有限公司", "430000"),
        ("长沙湘江环境治理有限公司", "430100"),
        ("湖南芙蓉物业服务有限公司", "430100"),
        ("吉首乾州电力安装工程有限公司", "433101"),
        ("湖南新民勘察设计院有限公司", "430000"),
        ("湘西酉水生态农业开发有限公司", "433100"),
        ("湖南同心办公家具有限公司", "430100"),
        ("长沙麓谷数据服务有限公司", "430100"),
        ("湖南三湘安防工程有限公司", "430000"),
        ("湘西矮寨钢结构有限公司", "433100"),
        ("湖南洞庭消防工程有限公司", "430000"),
        ("吉首雅溪土石方工程有限公司", "433101"),
    ]
    agents = [("湖南正衡招标代理有限公司", "430000"), ("湘西公正项目咨询有限公司", "433100")]
    initiators = [("吉首市城市建设投资开发有限公司", "433101")]
    out = list(named)
    out += [
        DemoEntity(f"demo_b{i:02d}", n, r, respondent=True) for i, (n, r) in enumerate(bidders, 1)
    ]
    out += [DemoEntity(f"demo_a{i:02d}", n, r, agent=True) for i, (n, r) in enumerate(agents, 1)]
    out += [
        DemoEntity(f"demo_i{i:02d}", n, r, initiator=True) for i, (n, r) in enumerate(initiators, 1)
    ]
    return out


DEMO_ENTITIES = _catalogue()
assert len(DEMO_ENTITIES) == 30


def _data(i: int, spec: DemoEntity) -> dict[str, object]:
    rep_id = make_resident_id(
        spec.region, date(1968 + i % 25, 1 + i % 12, 1 + i % 27), f"{100 + i:03d}"
    )
    common = {
        "name": spec.name,
        "address": f"{spec.region} 演示地址 {i} 号",
        "region": spec.region,
        "contact_mobile": f"139{i:08d}",
        "email": f"{spec.username}@example.cn",
        "bank_name": "中国建设银行湘西分行"
        if spec.region.startswith("4331")
        else "中国工商银行长沙分行",
        "bank_account": f"4305{i:016d}",
        "is_initiator": spec.initiator,
        "is_agent": spec.agent,
        "is_respondent": spec.respondent,
    }
    if spec.person:
        return {
            **common,
            "kind": EntityKind.PERSON,
            "resident_id": rep_id,
            "contact_name": spec.name,
        }
    return {
        **common,
        "kind": EntityKind.LEGAL,
        "uscc": make_uscc("9", "1", spec.region, f"MA4L{i:04d}"),
        "legal_rep_name": f"法人代表{i:02d}",
        "legal_rep_id": rep_id,
        "contact_name": f"联系人{i:02d}",
    }


def _dev_ca() -> DevCA:
    ca_dir = Path(settings.GGZY_CA_DIR)
    if (ca_dir / "ca.pem").exists():
        return DevCA.load(ca_dir)
    return DevCA.create(ca_dir, settings.GGZY_CRYPTO_SUITE)


def _certify(ca: DevCA, user: User, identity: str, name: str) -> None:
    """Issue signing and encryption certificates and bind them (proof of possession)."""
    keys = demo_keys()
    keys.mkdir(parents=True, exist_ok=True)
    for usage in ("sign", "encrypt"):
        cert_pem, key_pem = ca.issue(
            name, serial_number_attr=identity, organisation=name, usage=usage, days=730
        )
        (keys / f"{user.username}-{usage}.crt.pem").write_bytes(cert_pem)
        key_file = keys / f"{user.username}-{usage}.key.pem"
        key_file.write_bytes(key_pem)
        key_file.chmod(0o600)
        challenge = services.issue_challenge(user=user, purpose="bind")
        suite = get_suite(load_certificate(cert_pem).suite)
        signature = suite.sign(key_pem, services.challenge_message(challenge))
        services.bind_certificate(
            user=user,
            cert_pem=cert_pem.decode(),
            challenge_nonce=challenge.nonce,
            signature=signature,
        )


def load_entities(*, reviewer: User, password: str, progress: object = print) -> int:
    ca = _dev_ca()
    created = 0
    for i, spec in enumerate(DEMO_ENTITIES, start=1):
        if User.objects.filter(username=spec.username).exists():
            continue
        data = _data(i, spec)
        registration = services.register_entity(
            data=data, username=spec.username, password=password
        )
        entity_id = registration.entity.pk
        if spec.respondent and not spec.person:
            # One qualification each; every fifth expires within the warning period.
            days = 20 if i % 5 == 0 else 400
            valid_until = clock.today() + timedelta(days=days)
            number = f"D{243000000 + i}"
            services.add_qualification(
                user=registration.user,
                entity_id=entity_id,
                type="建筑工程施工总承包",
                level="二级",
                certificate_no=number,
                issuer="湖南省住房和城乡建设厅",
                valid_until=valid_until,
                file=io.BytesIO(
                    certificate_pdf("Qualification certificate", number, str(valid_until))
                ),
            )
        services.approve(reviewer=reviewer, revision_id=registration.revision.pk)
        identity = str(data.get("uscc") or data["resident_id"])
        _certify(ca, registration.user, identity, spec.name)
        created += 1
        if callable(progress):
            progress(f"  市场主体 {i:2d}/30 {spec.name}")
    return created
