"""`ggzy demo scenario full-tender`: a works open tender and a procurement open tender from
project entry to the contract, five bidders each, through the HTTP API on an accelerated
clock, printing what happened.

Everyone acts through Django's whole HTTP stack in-process, as the demo's own users (see
``tender.py``). The centre's staff pass the second factor with the code of their demo
authenticator on the TOTP page. The committee is drawn from the demo expert pool through the
experts API; the centre opens accounts for drawn experts who have none, and every member
binds their own signing certificate (from the development CA; keys under
``var/demo-keys/``) by challenge and proof of possession before signing the report.

In each tender one bid above the ceiling price is rejected; in the works tender the second
candidate objects during the publicity and the agent answers. The procurement runs first:
its periods count working days, which the holiday calendar knows only year by year, and the
works tender's periods are calendar days.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

from ggzy.accounts.models import Organisation, User
from ggzy.accounts.otp import current_code, device_for
from ggzy.awards.models import Letter
from ggzy.core import seal
from ggzy.core.scheduler import run_due
from ggzy.experts.models import Invitation
from ggzy.kernel import clock
from ggzy.kernel.crypto import DevCA, get_suite, load_certificate
from ggzy.kernel.money import format_cny

from .tender import (
    API,
    BIDDERS,
    DemoError,
    Print,
    decrypt_bid,
    enter_project,
    login,
    ok,
    publish_notice,
    say_ledger,
    submit_bid,
)

EXPERTS = "/api/v1/experts"
EVALUATION = "/api/v1/evaluation"
AWARDS = "/api/v1/awards"
DEPOSITS = "/api/v1/deposits"
CERTIFICATES = "/api/v1/entities/certificates"
STAFF = "demo_centre_xx"  # the staff of the projects' centre (湘西州)
REPRESENTATIVE = "demo_initiator"  # the initiator's representative on the committee
VENUE = "湘西州中心远程评标室"
JSON = "application/json"

WORKS_METHOD = {
    "kind": "comprehensive",
    "checks": [
        {"id": "Q1", "name": "营业执照与施工总承包资质有效", "stage": "qualification"},
        {"id": "C1", "name": "投标函签章齐全、工期与质量响应", "stage": "compliance"},
    ],
    "items": [
        {"id": "T1", "name": "施工组织设计", "group": "technical", "max": "20"},
        {"id": "T2", "name": "项目管理机构", "group": "technical", "max": "10"},
        {"id": "B1", "name": "类似工程业绩", "group": "commercial", "max": "10"},
    ],
    "price_points": "60",
    "price_formula": "average_k",
    "average_k": {
        "k_min": "0.95",
        "k_max": "0.98",
        "k_step": "0.01",
        "above_penalty": "2",
        "below_penalty": "1",
        "trim": False,
    },
}

GP_METHOD = {
    "kind": "comprehensive",
    "checks": [
        {"id": "Q1", "name": "供应商资格条件", "stage": "qualification"},
        {"id": "C1", "name": "实质性技术参数响应", "stage": "compliance"},
    ],
    "items": [
        {"id": "T1", "name": "技术参数响应", "group": "technical", "max": "40"},
        {"id": "T2", "name": "售后服务与培训", "group": "technical", "max": "20"},
        {"id": "B1", "name": "同类设备供货业绩", "group": "commercial", "max": "10"},
    ],
    "price_points": "30",  # goods: at least 30 (87号令 Art 55)
    "price_formula": "lowest_benchmark",
}

# How good each bidder's technical and commercial offer is (a fraction of each item's
# maximum); the members' scores differ around it by a point or two.
QUALITY = [Decimal(q) for q in ("0.84", "0.78", "0.91", "0.73", "0.86")]


@dataclass(frozen=True)
class Spec:
    """One tender of the scenario."""

    label: str
    item: str
    procedure: str
    supervisor: str
    estimate: str
    method: dict[str, Any]
    draw_procedure: str
    requirements: list[dict[str, Any]]
    sheet: Callable[[int], dict[str, Any]]  # bidder index → price sheet
    publicity: bool  # works: the candidates are published before the award
    duration: str
    progress: str


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


def staff_login(username: str) -> Client:
    """A centre staff session past the second factor: the current code of the user's demo
    authenticator, entered on the TOTP page."""
    client = login(username)
    device = device_for(User.objects.get(username=username))
    response = client.post("/accounts/otp/", {"token": current_code(device)})
    if response.status_code != 302:
        raise DemoError(f"{username} 动态验证码未通过（同一验证码只能用一次，请 30 秒后重试）")
    return client


def post(client: Client, path: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
    """POST JSON and return the answer, or stop the demo with the error."""
    return ok(client.post(path, body or {}, content_type=JSON), status)


def _signing_key(client: Client, user: User) -> tuple[bytes, str, bool]:
    """The user's signing key and its suite: a key kept in ``var/demo-keys/`` whose
    certificate is bound to the user and valid, else a new certificate bound through the API
    (challenge, then bind with a signature over it) — the flag says which."""
    keys = Path(settings.VAR_DIR) / "demo-keys"
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


def _seat(client: Client, username: str) -> Seat:
    user = User.objects.get(username=username)
    key, suite, bound = _signing_key(client, user)
    return Seat(username, user.real_name, client, key, suite, bound)


def _entity(username: str) -> Any:
    return User.objects.get(username=username).entity_link.entity


def _pay_deposits(say: Print, staff: Client, lot: dict[str, Any]) -> None:
    """The centre's staff enter each bidder's transfer from the bank statement."""
    for n, username in enumerate(BIDDERS, 1):
        entity = _entity(username)
        transfer = {
            "entity": entity.pk,
            "amount": lot["deposit_amount"],
            "payer_bank": entity.bank_name,
            "payer_account": entity.bank_account,
            "paid_at": clock.now().isoformat(),
            "bank_reference": f"DEMO{lot['id']:05d}{n:02d}",
        }
        post(staff, f"{DEPOSITS}/lots/{lot['id']}/transfers", transfer, 201)
    amount = format_cny(lot["deposit_amount"])
    say(f"  交易中心据银行流水登记保证金：{len(BIDDERS)} 家各 {amount}，均从基本存款账户转入")


def _draw(
    say: Print, staff: Client, project: dict[str, Any], spec: Spec, opening_at: datetime
) -> tuple[int, list[Seat]]:
    """Request and draw the experts; the centre opens accounts for those without one; every
    expert confirms and binds a signing certificate."""
    venue = next(v for v in ok(staff.get(f"{EXPERTS}/draws/venues")) if v["name"] == VENUE)
    size = 1 + sum(r["count"] for r in spec.requirements)
    body = {
        "project_code": project["code"],
        "lot_name": f"{spec.label}（演示）{project['lots'][0]['name']}",
        "procedure": spec.draw_procedure,
        "supervisor_id": Organisation.objects.get(name=spec.supervisor).pk,
        "initiator_uscc": _entity("demo_initiator").uscc,
        "agent_uscc": _entity("demo_agent").uscc,
        "bidder_usccs": [_entity(u).uscc for u in BIDDERS],
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
        expert = Invitation.objects.select_related("expert__user").get(pk=invitation["id"]).expert
        if expert.user is None:
            account = post(staff, f"{EXPERTS}/{expert.pk}/account", status=201)
            username, opened = account["username"], "，交易中心为其开通账号"
        else:
            username, opened = expert.user.username, ""
        client = login(username)
        post(client, f"{EXPERTS}/draws/invitations/{invitation['id']}/reply", {"accept": True})
        seat = _seat(client, username)
        seats.append(seat)
        bound = "，绑定本人签名证书" if seat.bound_now else ""
        say(
            f"    抽中 {expert.name}（{expert.employer_name}，{invitation['bucket']}）{opened}："
            f"确认参加{bound}"
        )
    status = ok(staff.get(f"{EXPERTS}/draws/{request['id']}"))["status"]
    if status != "complete":
        raise DemoError(f"专家抽取未完成：{status}")
    return request["id"], seats


def _open(
    say: Print,
    manual: clock.ManualClock,
    agent: Client,
    lot_id: int,
    deadline: datetime,
    receipts: dict[str, dict[str, Any]],
) -> None:
    """The deadline passes (the scheduler opens), every bidder decrypts, the agent closes."""
    manual.set(deadline + timedelta(minutes=1))
    run_due()
    hall = ok(agent.get(f"{API}/lots/{lot_id}/hall"))
    say(f"  投标截止，系统自动开标：{hall['lot']['status_label']}")
    for username in BIDDERS:
        decrypt_bid(say, username, lot_id, receipts[username]["bid_id"])
    post(agent, f"{API}/lots/{lot_id}/close")
    hall = ok(agent.get(f"{API}/lots/{lot_id}/hall"))
    record = hall["opening"]["record"]
    say(f"  全部解密，代理机构结束开标：开标记录已签名并公布（{len(record['bids'])} 家）")


def _score(maximum: str, bidder: int, member: int) -> str:
    value = Decimal(maximum) * (QUALITY[bidder] + Decimal(member - 2) / 100)
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


def _review(seat: Seat, url: str, position: int, bidder_of: dict[int, int]) -> None:
    """The member passes every check and scores every bid still under review, then submits."""
    state = ok(seat.client.get(url))
    method = state["method"]
    checks = {c["id"]: {"passed": True} for c in method["checks"]}
    for bid in state["bids"]:
        if bid["rejected"]:
            continue
        scores = {
            i["id"]: _score(i["max"], bidder_of[bid["id"]], position) for i in method["items"]
        }
        ok(
            seat.client.put(
                f"{url}/bids/{bid['id']}/sheet",
                {"checks": checks, "scores": scores},
                content_type=JSON,
            )
        )
    post(seat.client, f"{url}/submit")


def _evaluate(
    say: Print,
    staff: Client,
    lot_id: int,
    request_id: int,
    seats: list[Seat],
    bidder_of: dict[int, int],
) -> dict[str, Any]:
    """From the start of the evaluation to the report signed by every member."""
    representative = User.objects.get(username=REPRESENTATIVE)
    start = {"draw_request": request_id, "representatives": [representative.pk]}
    state = post(staff, f"{EVALUATION}/lots/{lot_id}/start", start, 201)
    url = f"{EVALUATION}/{state['id']}"
    k = f"，开标记录摘要定出 K 值 {state['k']}" if state["k"] else ""
    say(
        f"  交易中心开启评标：委员会 {len(seats)} 人（专家 {len(seats) - 1} 名、"
        f"招标人代表 1 名）{k}"
    )
    for seat in seats:
        seat.member = post(seat.client, f"{url}/sign-in")["me"]["id"]
    chair = seats[0]
    post(staff, f"{url}/chair", {"member": chair.member})
    say(f"  全体成员签到，委员会推举 {chair.name} 为主任委员")
    _resolve_flags(say, chair, url, len(seats))
    for position, seat in enumerate(seats):
        _review(seat, url, position, bidder_of)
    say("  各成员独立评审、评分并提交评审表")
    _resolve_flags(say, chair, url, len(seats))  # checks a majority failed, if any
    post(chair.client, f"{url}/conclude")
    post(chair.client, f"{url}/report")
    for seat in seats:
        statement = ok(seat.client.get(f"{url}/report/statement"))
        signature = get_suite(seat.suite).sign(
            seat.sign_key, base64.b64decode(statement["statement"])
        )
        body = {"signature": base64.b64encode(signature).decode()}
        state = post(seat.client, f"{url}/report/signatures", body)
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


def _publicity(
    say: Print,
    manual: clock.ManualClock,
    agent: Client,
    lot_id: int,
    candidates: list[int],
    bidder_of: dict[int, int],
) -> bool:
    """Works: the candidates are published for three days; the second candidate objects, the
    agent answers, the publicity ends. Whether the answer is on record."""
    ends = clock.now() + timedelta(days=3)
    post(agent, f"{AWARDS}/lots/{lot_id}/publicity", {"ends_at": ends.isoformat()}, 201)
    say(f"  中标候选人及得分公示，至 {ends.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}")
    objector = BIDDERS[bidder_of[candidates[1]]]
    text = "第一中标候选人拟派项目经理同时担任其他在建工程的项目经理，请予核查。"
    state = post(login(objector), f"{AWARDS}/lots/{lot_id}/objections", {"text": text}, 201)
    objection = state["objections"][0]
    say(f"  {objector}（{_entity(objector).name}）提出异议：{text}")
    manual.advance(timedelta(days=1))
    answer = "经核查全国建筑市场监管公共服务平台，该项目经理无在建工程，异议不成立。"
    state = post(agent, f"{AWARDS}/objections/{objection['id']}/answer", {"answer": answer})
    say(f"  代理机构答复异议：{answer}")
    manual.set(ends + timedelta(minutes=1))
    run_due()
    say("  公示期满")
    return state["objections"][0]["answered_at"] is not None


def _award_and_contract(
    say: Print,
    manual: clock.ManualClock,
    agent: Client,
    lot: dict[str, Any],
    winner_bid: int,
    winner: str,
    spec: Spec,
) -> bool:
    """The initiator awards the first candidate; the sealed letters go out (the winner checks
    the seal on its notice); the contract and a performance report are recorded."""
    state = post(
        login("demo_initiator"), f"{AWARDS}/lots/{lot['id']}/award", {"bid": winner_bid}, 201
    )
    award = state["award"]
    say(
        f"  招标人/采购人确定中标人：{award['entity']}（排名第 {award['rank']}），"
        f"中标金额 {format_cny(award['amount'])}，中标结果已公告"
    )
    letters = ok(agent.get(f"{AWARDS}/lots/{lot['id']}"))["letters"]
    for letter in letters:
        label = Letter.Kind(letter["kind"]).label
        say(f"    {label} → {letter['entity']}：SHA-256 {letter['digest']}")
    notice = next(x for x in letters if x["kind"] == Letter.Kind.AWARD)
    response = login(winner).get(f"{AWARDS}/letters/{notice['id']}.pdf")
    if response.status_code != 200:
        raise DemoError(f"下载中标通知书失败：{response.status_code}")
    pdf = response.getvalue()
    check = seal.verify_pdf(pdf)
    sealed = check.intact and check.valid and check.trusted and check.covers_document
    same = hashlib.sha256(pdf).hexdigest() == notice["digest"]
    say(
        f"  {winner} 通过接口下载中标通知书（{len(pdf)} 字节，"
        f"摘要{'一致' if same else '不一致'}），"
        f"电子印章核验{'通过' if sealed else '未通过'}（签章人 {check.signer}）"
    )
    today = clock.local_now().date()
    contract = post(
        agent,
        f"{AWARDS}/lots/{lot['id']}/contract",
        {
            "number": f"HT-{lot['code']}",
            "amount": award["amount"],
            "signed_on": today.isoformat(),
            "duration": spec.duration,
        },
        201,
    )["contract"]
    agreed = contract["amount"] == award["amount"]
    say(
        f"  合同已签订并公开：{contract['number']}，金额 {format_cny(contract['amount'])}"
        f"（与中标金额{'一致' if agreed else '不一致'}），{spec.duration}"
    )
    manual.advance(timedelta(days=7))
    run_due()
    paid = (Decimal(contract["amount"]) * Decimal("0.3")).quantize(Decimal("0.01"))
    state = post(
        agent,
        f"{AWARDS}/lots/{lot['id']}/performance",
        {
            "reported_on": clock.local_now().date().isoformat(),
            "progress": spec.progress,
            "paid": str(paid),
        },
        201,
    )
    say(f"  履约情况：{spec.progress}，已支付 {format_cny(paid)}")
    return bool(
        sealed
        and same
        and agreed
        and state["lot"]["status"] == "contracted"
        and state["contract"]["performance"]
    )


def _tender(
    say: Print, manual: clock.ManualClock, workdir: Path, staff: Client, spec: Spec
) -> bool:
    agent = login("demo_agent")
    project = enter_project(
        say,
        agent,
        label=spec.label,
        item=spec.item,
        procedure=spec.procedure,
        supervisor=spec.supervisor,
        estimate=spec.estimate,
    )
    lot = project["lots"][0]
    method = ok(
        agent.put(
            f"{EVALUATION}/lots/{lot['id']}/method",
            {"method": spec.method},
            content_type=JSON,
        )
    )["method"]
    formula = {"average_k": "平均值×K 基准价", "lowest_benchmark": "最低价基准价"}
    say(
        f"  评标办法写入招标文件：综合评估法，价格分 {method['price_points']} 分"
        f"（{formula[method['price_formula']]}）"
    )
    deadline = publish_notice(say, agent, project["id"])
    _pay_deposits(say, staff, lot)
    receipts = {
        username: submit_bid(
            say, manual, workdir, username, project["id"], lot["id"], spec.sheet(n)
        )
        for n, username in enumerate(BIDDERS)
    }
    bidder_of = {r["bid_id"]: n for n, r in enumerate(receipts.values())}
    manual.set(deadline - timedelta(days=1))
    request_id, experts = _draw(say, staff, project, spec, deadline)
    _open(say, manual, agent, lot["id"], deadline, receipts)
    seats = [*experts, _seat(login(REPRESENTATIVE), REPRESENTATIVE)]
    result = _evaluate(say, staff, lot["id"], request_id, seats, bidder_of)
    post(staff, f"{EXPERTS}/draws/{request_id}/publish")
    verdict = ok(staff.get(f"{EXPERTS}/draws/{request_id}/verify"))
    say(
        "  专家抽取的随机数与种子已上账本公开，重算每次抽取："
        + ("一致" if verdict["ok"] else "不一致")
    )
    candidates = result["candidates"]
    answered = not spec.publicity or _publicity(
        say, manual, agent, lot["id"], candidates, bidder_of
    )
    winner = BIDDERS[bidder_of[candidates[0]]]
    done = _award_and_contract(say, manual, agent, lot, candidates[0], winner, spec)
    return done and answered and verdict["ok"] and len(result["rejected"]) == 1


WORKS = Spec(
    label="湘西州某中学教学楼施工",
    item="CON-WORKS-HOUSING",
    procedure="works_open_post",
    supervisor="湖南省住房和城乡建设厅",
    estimate="8600000.00",
    method=WORKS_METHOD,
    draw_procedure="works_tender",
    requirements=[
        {"specialty": "A0801", "venue": "main", "count": 3},
        {"specialty": "A0802", "venue": "main", "count": 1},
    ],
    # demo_b04 bids above the ceiling price (the estimate) and is rejected
    sheet=lambda n: {
        "price": ["8260000.00", "8195000.00", "8342000.00", "8720000.00", "8230000.00"][n],
        "duration_days": 300 + n * 5,
        "quality": "合格",
        "project_manager": f"项目经理{n + 1}",
    },
    publicity=True,
    duration="300日历天",
    progress="主体结构施工完成 30%",
)

GP = Spec(
    label="州人民医院医用设备采购",
    item="GP-GOODS-MEDICAL",
    procedure="gp_open",
    supervisor="湖南省财政厅",
    estimate="2400000.00",
    method=GP_METHOD,
    draw_procedure="gp_tender",
    requirements=[
        {"specialty": "B", "venue": "main", "count": 2},
        {"specialty": "C", "venue": "main", "count": 2},
    ],
    # demo_b02 bids above the ceiling price (the budget) and is rejected
    sheet=lambda n: {
        "price": ["2236000.00", "2465000.00", "2188000.00", "2302000.00", "2251000.00"][n],
        "delivery_days": 30 + n * 5,
        "warranty_months": 36,
        "quality": "原厂正品，三年质保",
    },
    publicity=False,
    duration="交货期 30 日",
    progress="设备已到货并安装调试，验收合格",
)


def full_tender(say: Print = print) -> bool:
    """Run both tenders to the contract, then verify the whole ledger."""
    passed = True
    manual = clock.ManualClock(clock.now().replace(microsecond=0))
    with tempfile.TemporaryDirectory() as tmp, clock.use_clock(manual):
        staff = staff_login(STAFF)
        for spec in (GP, WORKS):
            passed &= _tender(say, manual, Path(tmp), staff, spec)
    return say_ledger(say) and passed
