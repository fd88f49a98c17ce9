"""`ggzy demo scenario full-tender`: a works open tender and a procurement open tender from
project entry to the contract, five bidders each, through the HTTP API on an accelerated
clock, printing what happened.

Everyone acts through Django's whole HTTP stack in-process, as the demo's own users (see
``tender.py``). The centre's staff pass the second factor with the code of their demo
authenticator on the TOTP page. The committee is drawn from the demo expert pool through the
experts API (``committee.py``). In each tender one bid above the ceiling price is rejected; in
the works tender the second candidate objects during the publicity and the agent answers.

The phases (announce, bid, draw, open, evaluate, award) are timelines, so the living demo
stops each of its tenders at the phase it shows.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.test import Client

from ggzy.accounts.models import User
from ggzy.accounts.otp import current_code, device_for
from ggzy.awards.models import Letter
from ggzy.core import seal
from ggzy.kernel import clock
from ggzy.kernel.money import format_cny

from .committee import (
    EVALUATION,
    EXPERTS,
    REPRESENTATIVE,
    DrawSpec,
    Seat,
    conclude,
    draw_committee,
    review,
    seat,
    start_evaluation,
)
from .tender import (
    API,
    BIDDERS,
    DemoError,
    Print,
    decrypt_bid,
    enter_project,
    entity,
    login,
    ok,
    post,
    publish_notice,
    say_ledger,
    submit_bid,
)
from .timeline import Timeline, alone

AWARDS = "/api/v1/awards"
DEPOSITS = "/api/v1/deposits"
STAFF = "demo_centre_xx"  # the staff of the projects' centre (湘西州)

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


@dataclass(frozen=True)
class Spec:
    """One tender."""

    label: str
    item: str
    procedure: str
    supervisor: str
    estimate: str
    method: dict[str, Any]
    draw: DrawSpec
    sheet: Callable[[int], dict[str, Any]]  # bidder index → price sheet
    publicity: bool  # works: the candidates are published before the award
    duration: str
    progress: str


@dataclass
class Tender:
    """A tender as it goes: what each phase leaves for the next."""

    spec: Spec
    agent: Client
    project: dict[str, Any]
    deadline: datetime
    receipts: dict[str, dict[str, Any]] = field(default_factory=dict)
    request_id: int = 0
    seats: list[Seat] = field(default_factory=list)
    url: str = ""  # of the evaluation
    result: dict[str, Any] = field(default_factory=dict)
    done: bool = False  # every step checked out

    @property
    def lot(self) -> dict[str, Any]:
        return dict(self.project["lots"][0])

    @property
    def bidder_of(self) -> dict[int, int]:
        """Bid id → the bidder's place in ``BIDDERS`` (its price sheet and quality)."""
        return {r["bid_id"]: BIDDERS.index(u) for u, r in self.receipts.items()}


def staff_login(username: str) -> Client:
    """A centre staff session past the second factor: the current code of the user's demo
    authenticator, entered on the TOTP page."""
    client = login(username)
    device = device_for(User.objects.get(username=username))
    response = client.post("/accounts/otp/", {"token": current_code(device)})
    if response.status_code != 302:
        raise DemoError(f"{username} 动态验证码未通过（同一验证码只能用一次，请 30 秒后重试）")
    return client


def _pay_deposits(say: Print, staff: Client, lot: dict[str, Any], bidders: Sequence[str]) -> None:
    """The centre's staff enter each bidder's transfer from the bank statement."""
    for n, username in enumerate(bidders, 1):
        payer = entity(username)
        transfer = {
            "entity": payer.pk,
            "amount": lot["deposit_amount"],
            "payer_bank": payer.bank_name,
            "payer_account": payer.bank_account,
            "paid_at": clock.now().isoformat(),
            "bank_reference": f"DEMO{lot['id']:05d}{n:02d}",
        }
        post(staff, f"{DEPOSITS}/lots/{lot['id']}/transfers", transfer, 201)
    amount = format_cny(lot["deposit_amount"])
    say(f"  交易中心据银行流水登记保证金：{len(bidders)} 家各 {amount}，均从基本存款账户转入")


def announce(
    say: Print,
    staff: Client,
    spec: Spec,
    *,
    deadline: datetime | None = None,
    payers: Sequence[str] = BIDDERS,
) -> Timeline[Tender]:
    """Entry, the evaluation method in the documents, the tender notice, the deposits."""
    yield clock.now()
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
            content_type="application/json",
        )
    )["method"]
    formula = {"average_k": "平均值×K 基准价", "lowest_benchmark": "最低价基准价"}
    say(
        f"  评标办法写入招标文件：综合评估法，价格分 {method['price_points']} 分"
        f"（{formula[method['price_formula']]}）"
    )
    yield clock.now() + timedelta(hours=2)
    tender = Tender(spec, agent, project, publish_notice(say, agent, project["id"], deadline))
    if payers:
        yield clock.now() + timedelta(days=2)
        _pay_deposits(say, staff, lot, payers)
    return tender


def bid(say: Print, tender: Tender, workdir: Path, bidders: Sequence[str]) -> Timeline[None]:
    """The bidders download the documents and hand in sealed bids, about a day apart."""
    lot = tender.lot
    for username in bidders:
        yield clock.now() + timedelta(hours=20)
        tender.receipts[username] = yield from submit_bid(
            say,
            workdir,
            username,
            tender.project["id"],
            lot["id"],
            tender.spec.sheet(BIDDERS.index(username)),
        )


def draw(say: Print, staff: Client, tender: Tender) -> Timeline[None]:
    """The day before the opening the centre draws the committee."""
    yield tender.deadline - timedelta(days=1)
    tender.request_id, experts = yield from draw_committee(
        say,
        staff,
        tender.spec.draw,
        code=tender.project["code"],
        lot_name=f"{tender.spec.label}（演示）{tender.lot['name']}",
        bidders=BIDDERS,
        opening_at=tender.deadline,
    )
    tender.seats = [*experts, seat(login(REPRESENTATIVE), REPRESENTATIVE)]


def open_bids(say: Print, tender: Tender) -> Timeline[None]:
    """The deadline passes (the scheduler opens), every bidder decrypts, the agent closes."""
    yield tender.deadline + timedelta(minutes=1)
    lot_id = tender.lot["id"]
    hall = ok(tender.agent.get(f"{API}/lots/{lot_id}/hall"))
    say(f"  投标截止，系统自动开标：{hall['lot']['status_label']}")
    for username, receipt in tender.receipts.items():
        yield clock.now() + timedelta(minutes=2)
        decrypt_bid(say, username, lot_id, receipt["bid_id"])
    post(tender.agent, f"{API}/lots/{lot_id}/close")
    hall = ok(tender.agent.get(f"{API}/lots/{lot_id}/hall"))
    record = hall["opening"]["record"]
    say(f"  全部解密，代理机构结束开标：开标记录已签名并公布（{len(record['bids'])} 家）")


def evaluate(
    say: Print, staff: Client, tender: Tender, *, waiting: Collection[str] = ()
) -> Timeline[bool]:
    """The evaluation an hour after the opening. With ``waiting`` (usernames), those members
    have not handed in their score sheets when it stops (an evaluation under way); otherwise
    the report is signed and the draw's randomness published and re-run. Whether it checks
    out."""
    yield clock.now() + timedelta(hours=1)
    tender.url = yield from start_evaluation(
        say, staff, tender.lot["id"], tender.request_id, tender.seats
    )
    ready = [member for member in tender.seats if member.username not in waiting]
    yield from review(say, tender.url, ready, tender.bidder_of)
    if waiting:
        return True
    tender.result = yield from conclude(say, tender.url, tender.seats)
    post(staff, f"{EXPERTS}/draws/{tender.request_id}/publish")
    verdict = ok(staff.get(f"{EXPERTS}/draws/{tender.request_id}/verify"))
    say(
        "  专家抽取的随机数与种子已上账本公开，重算每次抽取："
        + ("一致" if verdict["ok"] else "不一致")
    )
    return bool(verdict["ok"])


def _publicity(say: Print, tender: Tender) -> Timeline[bool]:
    """Works: the candidates are published for three days; the second candidate objects, the
    agent answers, the publicity ends. Whether the answer is on record."""
    yield clock.now() + timedelta(hours=20)
    lot_id, candidates = tender.lot["id"], tender.result["candidates"]
    ends = clock.now() + timedelta(days=3)
    post(tender.agent, f"{AWARDS}/lots/{lot_id}/publicity", {"ends_at": ends.isoformat()}, 201)
    say(f"  中标候选人及得分公示，至 {ends.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}")
    yield clock.now() + timedelta(hours=26)
    objector = BIDDERS[tender.bidder_of[candidates[1]]]
    text = "第一中标候选人拟派项目经理同时担任其他在建工程的项目经理，请予核查。"
    state = post(login(objector), f"{AWARDS}/lots/{lot_id}/objections", {"text": text}, 201)
    objection = state["objections"][0]
    say(f"  {objector}（{entity(objector).name}）提出异议：{text}")
    yield clock.now() + timedelta(days=1)
    answer = "经核查全国建筑市场监管公共服务平台，该项目经理无在建工程，异议不成立。"
    body = {"answer": answer}
    state = post(tender.agent, f"{AWARDS}/objections/{objection['id']}/answer", body)
    say(f"  代理机构答复异议：{answer}")
    yield ends + timedelta(minutes=1)
    say("  公示期满")
    return state["objections"][0]["answered_at"] is not None


def award(say: Print, tender: Tender) -> Timeline[bool]:
    """The publicity (works), then the initiator awards the first candidate; the sealed
    letters go out (the winner checks the seal on its notice); the contract and a performance
    report are recorded."""
    answered = True
    if tender.spec.publicity:
        answered = yield from _publicity(say, tender)
    yield clock.now() + timedelta(days=1)
    lot, spec = tender.lot, tender.spec
    winner_bid = tender.result["candidates"][0]
    winner = BIDDERS[tender.bidder_of[winner_bid]]
    state = post(
        login("demo_initiator"), f"{AWARDS}/lots/{lot['id']}/award", {"bid": winner_bid}, 201
    )
    decided = state["award"]
    say(
        f"  招标人/采购人确定中标人：{decided['entity']}（排名第 {decided['rank']}），"
        f"中标金额 {format_cny(decided['amount'])}，中标结果已公告"
    )
    letters = ok(tender.agent.get(f"{AWARDS}/lots/{lot['id']}"))["letters"]
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
    yield clock.now() + timedelta(days=4)
    contract = post(
        tender.agent,
        f"{AWARDS}/lots/{lot['id']}/contract",
        {
            "number": f"HT-{lot['code']}",
            "amount": decided["amount"],
            "signed_on": clock.local_now().date().isoformat(),
            "duration": spec.duration,
        },
        201,
    )["contract"]
    agreed = contract["amount"] == decided["amount"]
    say(
        f"  合同已签订并公开：{contract['number']}，金额 {format_cny(contract['amount'])}"
        f"（与中标金额{'一致' if agreed else '不一致'}），{spec.duration}"
    )
    yield clock.now() + timedelta(days=7)
    paid = (Decimal(contract["amount"]) * Decimal("0.3")).quantize(Decimal("0.01"))
    state = post(
        tender.agent,
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
        answered
        and sealed
        and same
        and agreed
        and state["lot"]["status"] == "contracted"
        and state["contract"]["performance"]
    )


def to_contract(say: Print, staff: Client, spec: Spec, workdir: Path) -> Timeline[Tender]:
    """One tender from entry to the performance report; ``Tender.done`` says whether every
    step checked out (one rejection, the draw re-run, the seal, the contract)."""
    tender = yield from announce(say, staff, spec)
    yield from bid(say, tender, workdir, BIDDERS)
    yield from draw(say, staff, tender)
    yield from open_bids(say, tender)
    verified = yield from evaluate(say, staff, tender)
    awarded = yield from award(say, tender)
    tender.done = awarded and verified and len(tender.result["rejected"]) == 1
    return tender


WORKS = Spec(
    label="湘西州某中学教学楼施工",
    item="CON-WORKS-HOUSING",
    procedure="works_open_post",
    supervisor="湖南省住房和城乡建设厅",
    estimate="8600000.00",
    method=WORKS_METHOD,
    draw=DrawSpec(
        "works_tender",
        "湖南省住房和城乡建设厅",
        [
            {"specialty": "A0801", "venue": "main", "count": 3},
            {"specialty": "A0802", "venue": "main", "count": 1},
        ],
    ),
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
    draw=DrawSpec(
        "gp_tender",
        "湖南省财政厅",
        [
            {"specialty": "B", "venue": "main", "count": 2},
            {"specialty": "C", "venue": "main", "count": 2},
        ],
    ),
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

    def both(workdir: Path) -> Timeline[bool]:
        staff = staff_login(STAFF)
        gp = yield from to_contract(say, staff, GP, workdir)
        works = yield from to_contract(say, staff, WORKS, workdir)
        return gp.done and works.done

    with tempfile.TemporaryDirectory() as tmp:
        passed = alone(lambda: both(Path(tmp)))
    return say_ledger(say) and passed
