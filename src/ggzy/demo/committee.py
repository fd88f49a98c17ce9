"""The demo's evaluation committees: the expert draw through the experts API, members who
bind their own signing certificates, the evaluation from the start to the report signed by
every member. Used by the full-tender scenario and the living demo."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

from ggzy.accounts.models import Organisation, User
from ggzy.experts.models import Invitation
from ggzy.kernel import clock
from ggzy.kernel.crypto import DevCA, get_suite, load_certificate
from ggzy.kernel.money import format_cny

from .keys import demo_keys
from .tender import DemoError, Print, entity, login, ok, post
from .timeline import Timeline

EXPERTS = "/api/v1/experts"
EVALUATION = "/api/v1/evaluation"
CERTIFICATES = "/api/v1/entities/certificates"
REPRESENTATIVE = "demo_initiator"  # the initiator's representative on the committee
VENUE = "湘西州中心远程评标室"

# How good each bidder's technical and commercial offer is (a fraction of each item's
# maximum); the members' scores differ around it by a point or two.
QUALITY = [Decimal(q) for q in ("0.84", "0.78", "0.91", "0.73", "0.86")]


@dataclass
class Seat:
    """A committee member, in their own session, with their own signing key."""

    username: str
    name: str
    client: Client
    sign_key: bytes
    suite: str
    bound_now: bool  # the signing certificate was bound in this run
    member: int = 0


def _signing_key(client: Client, user: User) -> tuple[bytes, str, bool]:
    """The user's signing key and its suite: a key kept in the demo's keys (``keys.py``) whose
    certificate is bound to the user and valid, else a new certificate bound through the API
    (challenge, then bind with a signature over it) — the flag says which."""
    keys = demo_keys()
    cert_file = keys / f"{user.username}-sign.crt.pem"
    key_file = keys / f"{user.username}-sign.key.pem"
    now = clock.now()
    if cert_file.exists() and key_file.exists():
        info = load_certificate(cert_file.read_bytes())
        for bound in ok(client.get(CERTIFICATES)):
            if (
                bound["fingerprint"] == info.fingerprint_sha256
                and bound["revoked_at"] is None
                and datetime.fromisoformat(bound["not_before"]) <= now
                and datetime.fromisoformat(bound["not_after"]) >= now
            ):
                return key_file.read_bytes(), info.suite, False
    ca = DevCA.load(Path(settings.GGZY_CA_DIR))
    cert_pem, key_pem = ca.issue(
        user.real_name, usage="sign", serial_number_attr=user.resident_id, days=730
    )
    suite = load_certificate(cert_pem).suite
    challenge = post(client, CERTIFICATES + "/challenge", status=201)
    signature = get_suite(suite).sign(key_pem, challenge["to_sign"].encode())
    bind = {
        "certificate": cert_pem.decode(),
        "nonce": challenge["nonce"],
        "signature": base64.b64encode(signature).decode(),
    }
    post(client, CERTIFICATES + "/bind", bind, 201)
    keys.mkdir(parents=True, exist_ok=True)
    cert_file.write_bytes(cert_pem)
    key_file.write_bytes(key_pem)
    key_file.chmod(0o600)
    return key_pem, suite, True


def seat(client: Client, username: str) -> Seat:
    user = User.objects.get(username=username)
    key, suite, bound = _signing_key(client, user)
    return Seat(username, user.real_name, client, key, suite, bound)


@dataclass(frozen=True)
class DrawSpec:
    """What the centre asks of an expert draw."""

    procedure: str  # the draw's procedure family, e.g. works_tender, gp_tender
    supervisor: str
    requirements: list[dict[str, Any]]


def draw_committee(
    say: Print,
    staff: Client,
    spec: DrawSpec,
    *,
    code: str,
    lot_name: str,
    bidders: Sequence[str],
    opening_at: datetime,
) -> Timeline[tuple[int, list[Seat]]]:
    """Request and draw the experts; the centre opens accounts for those without one; each
    expert confirms within the hour and binds a signing certificate."""
    yield clock.now()
    venue = next(v for v in ok(staff.get(f"{EXPERTS}/draws/venues")) if v["name"] == VENUE)
    size = 1 + sum(r["count"] for r in spec.requirements)
    body = {
        "project_code": code,
        "lot_name": lot_name,
        "procedure": spec.procedure,
        "supervisor_id": Organisation.objects.get(name=spec.supervisor).pk,
        "initiator_uscc": entity("demo_initiator").uscc,
        "agent_uscc": entity("demo_agent").uscc,
        "bidder_usccs": [entity(u).uscc for u in bidders],
        "opening_at": opening_at.isoformat(),
        "mode": "local",
        "committee_size": size,
        "owner_representatives": 1,
        "requirements": spec.requirements,
        "main_venue_id": venue["id"],
    }
    request = post(staff, f"{EXPERTS}/draws", body, 201)
    drawn = post(staff, f"{EXPERTS}/draws/{request['id']}/draw")
    attempt = drawn["attempts"][-1]
    hours = (opening_at - clock.now()) / timedelta(hours=1)
    say(
        f"  专家抽取申请 #{request['id']}（开标前 {hours:.0f} 小时，{VENUE}）："
        f"第 {attempt['number']} 次抽取，快照摘要 {attempt['snapshot_digest'][:16]}…，"
        f"回避 {len(attempt['exclusions'])} 人"
    )
    seats = []
    for invitation in drawn["invitations"]:
        yield clock.now() + timedelta(minutes=7)
        expert = Invitation.objects.select_related("expert__user").get(pk=invitation["id"]).expert
        if expert.user is None:
            account = post(staff, f"{EXPERTS}/{expert.pk}/account", status=201)
            username, opened = account["username"], "，交易中心为其开通账号"
        else:
            username, opened = expert.user.username, ""
        client = login(username)
        post(client, f"{EXPERTS}/draws/invitations/{invitation['id']}/reply", {"accept": True})
        member = seat(client, username)
        seats.append(member)
        bound = "，绑定本人签名证书" if member.bound_now else ""
        say(
            f"    抽中 {expert.name}（{expert.employer_name}，{invitation['bucket']}）{opened}："
            f"确认参加{bound}"
        )
    status = ok(staff.get(f"{EXPERTS}/draws/{request['id']}"))["status"]
    if status != "complete":
        raise DemoError(f"专家抽取未完成：{status}")
    return request["id"], seats


def _score(maximum: str, bidder: int, member: int) -> str:
    value = Decimal(maximum) * (QUALITY[bidder % len(QUALITY)] + Decimal(member - 2) / 100)
    return str(min(Decimal(maximum), value).quantize(Decimal("0.1")))


def _resolve_flags(say: Print, chair: Seat, url: str, size: int) -> None:
    """The chair enters the committee's vote on each candidate for rejection: a price above
    the ceiling is rejected (Reg. Art 51(5)); anything else is dismissed, with the ground."""
    state = ok(chair.client.get(url))
    names = {b["id"]: b["entity"] for b in state["bids"]}
    for flag in state["flags"]:
        if flag["resolution"]:
            continue
        if flag["kind"] == "above_ceiling":
            price, ceiling = flag["detail"]["price"], flag["detail"]["ceiling"]
            body: dict[str, Any] = {
                "votes_for": size,
                "votes_against": 0,
                "reason": "price",
                "ground": f"投标报价 {format_cny(price)} 高于招标文件设定的最高投标限价 "
                f"{format_cny(ceiling)}",
            }
        else:
            body = {
                "votes_for": 0,
                "votes_against": size,
                "ground": f"经评标委员会核查，“{flag['label']}”不构成否决投标的情形",
            }
        state = post(chair.client, f"{EVALUATION}/flags/{flag['id']}/resolve", body)
        head = f"  否决提示「{flag['label']}」（{names[flag['bid']]}）"
        rejection = next((r for r in state["rejections"] if r["bid"] == flag["bid"]), None)
        if rejection is None:
            say(f"{head}：不予否决 — {body['ground']}")
        else:
            votes = "：".join(map(str, rejection["votes"]))
            say(
                f"{head}：表决 {votes} 否决投标 — {rejection['reason_text']}"
                f"（{rejection['reason']}）；{rejection['ground']}"
            )


def _review(member: Seat, url: str, position: int, bidder_of: dict[int, int]) -> None:
    """The member passes every check and scores every bid still under review, then submits."""
    state = ok(member.client.get(url))
    method = state["method"]
    checks = {c["id"]: {"passed": True} for c in method["checks"]}
    for bid in state["bids"]:
        if bid["rejected"]:
            continue
        scores = {
            i["id"]: _score(i["max"], bidder_of[bid["id"]], position) for i in method["items"]
        }
        ok(
            member.client.put(
                f"{url}/bids/{bid['id']}/sheet",
                {"checks": checks, "scores": scores},
                content_type="application/json",
            )
        )
    post(member.client, f"{url}/submit")


def start_evaluation(
    say: Print, staff: Client, lot_id: int, request_id: int, seats: list[Seat]
) -> Timeline[str]:
    """The centre starts the evaluation, every member signs in, the staff draw their seats,
    the committee elects its chair, who puts the candidates for rejection to the vote.
    Returns the evaluation's URL."""
    yield clock.now()
    representative = User.objects.get(username=REPRESENTATIVE)
    start = {"draw_request": request_id, "representatives": [representative.pk]}
    state = post(staff, f"{EVALUATION}/lots/{lot_id}/start", start, 201)
    url = f"{EVALUATION}/{state['id']}"
    k = f"，开标记录摘要定出 K 值 {state['k']}" if state["k"] else ""
    say(
        f"  交易中心开启评标：委员会 {len(seats)} 人（专家 {len(seats) - 1} 名、"
        f"招标人代表 1 名）{k}"
    )
    for member in seats:
        yield clock.now() + timedelta(minutes=4)
        member.member = post(member.client, f"{url}/sign-in")["me"]["id"]
    seated = {m["id"]: m["seat"] for m in post(staff, f"{url}/seats")["members"]}
    chair = seats[0]
    post(staff, f"{url}/chair", {"member": chair.member})
    order = "、".join(f"{m.name} {seated[m.member]} 号" for m in seats)
    say(f"  全体成员签到，随机分配座位（{order}），委员会推举 {chair.name} 为主任委员")
    _resolve_flags(say, chair, url, len(seats))
    return url


def review(
    say: Print, url: str, seats: Sequence[Seat], bidder_of: dict[int, int]
) -> Timeline[None]:
    """The given members review and score independently, each in about forty minutes."""
    for position, member in enumerate(seats):
        yield clock.now() + timedelta(minutes=40)
        _review(member, url, position, bidder_of)
        say(f"  {member.name} 独立评审、评分并提交评审表")


def conclude(say: Print, url: str, seats: list[Seat]) -> Timeline[dict[str, Any]]:
    """The chair concludes, the report is drawn up and every member signs it."""
    yield clock.now() + timedelta(minutes=20)
    chair = seats[0]
    _resolve_flags(say, chair, url, len(seats))  # checks a majority failed, if any
    post(chair.client, f"{url}/conclude")
    post(chair.client, f"{url}/report")
    state: dict[str, Any] = {}
    for member in seats:
        statement = ok(member.client.get(f"{url}/report/statement"))
        signature = get_suite(member.suite).sign(
            member.sign_key, base64.b64decode(statement["statement"])
        )
        body = {"signature": base64.b64encode(signature).decode()}
        state = post(member.client, f"{url}/report/signatures", body)
    say(
        f"  评标报告（SHA-256 {state['report_digest'][:16]}…）已由全体 {len(seats)} 名成员"
        f"以本人数字证书签署：{state['status_label']}"
    )
    result: dict[str, Any] = state["result"]
    benchmark = format_cny(result["benchmark"]) if result["benchmark"] else "—"
    k = f"K={result['k']}，" if result["k"] else ""
    say(f"  评标结果（{k}评标基准价 {benchmark}）：")
    for row in result["rows"]:
        say(
            f"    第 {row['rank']} 名 {row['entity']}：报价 {format_cny(row['price'])}，"
            f"技术 {row['technical']} + 商务 {row['commercial']} + 价格 {row['price_score']}"
            f" = {row['total']} 分"
        )
    return result
