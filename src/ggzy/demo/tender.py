"""`ggzy demo scenario tender-to-opening`: a works open tender and a procurement open tender,
five bidders each, through the HTTP API on an accelerated clock, printing what happened.
The steps are timelines (``timeline.py``), so the living demo runs the same steps on its
shared clock.

The requests go through Django's whole HTTP stack (URLs, middleware, authentication, the
API) in-process, as the demo's own users; bids are sealed with the demo users' keys from
the demo's keys (``keys.py``) exactly as ``ggzy bid seal`` would on a bidder's machine.
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from ggzy.accounts.models import Organisation, User
from ggzy.accounts.otp import device_for
from ggzy.core import pdf
from ggzy.core.selectors import verify_ledger
from ggzy.kernel import clock
from ggzy.kernel.crypto import read_header
from ggzy.kernel.money import format_cny
from ggzy.tendering.bidfile import LotInfo, release_key, seal_bid
from ggzy.tendering.procedures import get as get_procedure
from ggzy.workcalendar.periods import last_day

from .keys import demo_keys
from .timeline import Timeline, alone

Print = Callable[[str], object]
API = "/api/v1/tendering"
BIDDERS = ["demo_b01", "demo_b02", "demo_b03", "demo_b04", "demo_b05"]
FINGERPRINT = {
    "creator_id": "demo",
    "mac": "",
    "cpu_id": "",
    "disk_serial": "",
    "memory_serial": "",
    "ip": "127.0.0.1",
    "hostname": "demo",
    "os": "demo",
}


class DemoError(RuntimeError):
    pass


def login(username: str) -> Client:
    """A session as the demo user (the demo skips typing the password)."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    return client


def ok(response: Any, status: int = 200) -> Any:
    if response.status_code != status:
        raise DemoError(f"{response.status_code}: {response.content.decode()[:500]}")
    return response.json()


def demo_key(username: str, usage: str, kind: str) -> bytes:
    return (demo_keys() / f"{username}-{usage}.{kind}.pem").read_bytes()


def entity(username: str) -> Any:
    """The market entity of a demo user."""
    return User.objects.get(username=username).entity_link.entity


def post(client: Client, path: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
    """POST JSON and return the answer, or stop the demo with the error."""
    return ok(client.post(path, body or {}, content_type="application/json"), status)


_sessions: dict[str, Client] = {}


def session(username: str) -> Client:
    """One session per demo user for the run. Like the password, the demo skips typing the
    staff's one-time code: the session is marked as past the second factor with the user's
    confirmed demo authenticator (a code can be used once per 30 s, and demos run back to
    back)."""
    if username not in _sessions:
        client = login(username)
        user = User.objects.get(username=username)
        if user.needs_second_factor:
            marked = client.session
            marked[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
            marked.save()
        _sessions[username] = client
    return _sessions[username]


def forget_sessions() -> None:
    """A new run may be on a new database."""
    _sessions.clear()


def _seal_and_upload(
    client: Client, username: str, lot_id: int, sheet: dict[str, Any], workdir: Path
) -> dict[str, Any]:
    info = ok(client.get(f"{API}/lots/{lot_id}/sealing"))
    user = User.objects.get(username=username)
    own = user.entity_link.entity
    attachment = workdir / f"{username}-technical.txt"
    attachment.write_text(f"{own.name} 技术标（演示）\n" * 200, encoding="utf-8")
    out = workdir / f"{username}-{lot_id}-{clock.now():%H%M%S%f}.sealed"
    seal_bid(
        lot=LotInfo.from_json(info),
        bidder_id=own.uscc,
        bidder_name=own.name,
        price_sheet=sheet,
        attachments=[attachment],
        signer_key_pem=demo_key(username, "sign", "key"),
        encryption_cert_pem=demo_key(username, "encrypt", "crt"),
        out=out,
        fingerprint=FINGERPRINT | {"creator_id": f"demo-{username}"},
    )
    with open(out, "rb") as f:
        sealed = read_header(f)
    start = ok(
        client.post(
            f"{API}/lots/{lot_id}/uploads",
            {
                "size": out.stat().st_size,
                "header": base64.b64encode(sealed.header_bytes).decode(),
                "signature": base64.b64encode(sealed.signature).decode(),
            },
            content_type="application/json",
        ),
        201,
    )
    data, chunk = out.read_bytes(), 256 * 1024
    for offset in range(0, len(data), chunk):
        ok(
            client.put(
                f"{API}/uploads/{start['token']}?offset={offset}",
                data[offset : offset + chunk],
                content_type="application/octet-stream",
            )
        )
    return ok(client.post(f"{API}/uploads/{start['token']}/complete"), 201)


def _documents(project: dict[str, Any], label: str) -> SimpleUploadedFile:
    """The tender documents as a real PDF (they are published with a GP result)."""
    content = pdf.render(
        title=f"{project['name']}招标文件",
        blocks=[
            pdf.Fields([("项目编号", project["code"]), ("交易类型", label)]),
            pdf.Heading("第一章 投标人须知"),
            pdf.Para("本招标文件为演示数据，投标人应按本文件要求编制并加密提交投标文件。"),
        ],
        created=clock.now(),
    )
    return SimpleUploadedFile("招标文件.pdf", content, content_type="application/pdf")


def enter_project(
    say: Print,
    agent: Client,
    *,
    label: str,
    item: str,
    procedure: str,
    supervisor: str,
    estimate: str,
) -> dict[str, Any]:
    """Register the project with one lot (进场登记) and upload its tender documents."""
    initiator = User.objects.get(username="demo_initiator").entity_link.entity
    registered = ok(
        agent.post(
            f"{API}/projects",
            {
                "name": f"{label}（演示）",
                "catalogue_item": item,
                "procedure": procedure,
                "funding": "state",
                "estimate": estimate,
                "region": "433100",
                "centre": Organisation.objects.get(name="湘西州公共资源交易中心").pk,
                "supervisor": Organisation.objects.get(name=supervisor).pk,
                "initiator_uscc": initiator.uscc,
                "lots": [
                    {
                        "name": "第一标段/包",
                        "estimate": estimate,
                        "ceiling_price": estimate,
                        "deposit_amount": str(int(float(estimate) * 0.01)),
                        "decryption_minutes": 30,
                    }
                ],
            },
            content_type="application/json",
        ),
        201,
    )
    project: dict[str, Any] = registered["project"]
    say(f"\n== {project['code']} {label} · {project['procedure']} ==")
    say(f"  进场登记：{registered['message_zh']}")
    ok(
        agent.post(
            f"{API}/projects/{project['id']}/documents",
            {"title": "招标文件", "file": _documents(project, label)},
        ),
        201,
    )
    return project


def publish_notice(
    say: Print, agent: Client, project_id: int, deadline: datetime | None = None
) -> datetime:
    """Publish the tender notice; returns the bid deadline (by default 21 days on). The
    documents are on sale for a week, longer when holidays leave too few working days."""
    now = clock.now()
    deadline = deadline or now + timedelta(days=21)
    project = ok(agent.get(f"{API}/projects/{project_id}"))
    rule = get_procedure(project["procedure"]).doc_sale_rule
    sale_ends = now + timedelta(days=7)
    if rule is not None and (last := last_day(rule, now)) is not None:
        sale_ends = max(sale_ends, datetime.combine(last, time(17), clock.SHANGHAI))
    notice = ok(
        agent.post(
            f"{API}/projects/{project_id}/notice",
            {
                "sale_starts_at": now.isoformat(),
                "sale_ends_at": sale_ends.isoformat(),
                "bid_deadline": deadline.isoformat(),
                "body": "欢迎符合条件的投标人投标。",
            },
            content_type="application/json",
        ),
        201,
    )
    say(f"  公告已发布（账本 #{notice['ledger_seq']}）：{notice['title']}")
    return deadline


def obtain_documents(username: str, project_id: int) -> Client:
    """The bidder downloads the tender documents (recorded: it now takes part)."""
    client = login(username)
    documents = ok(client.get(f"{API}/projects/{project_id}/documents"))
    client.get(f"{API}/documents/{documents[0]['id']}/download")
    return client


def submit_bid(
    say: Print,
    workdir: Path,
    username: str,
    project_id: int,
    lot_id: int,
    sheet: dict[str, Any],
) -> Timeline[dict[str, Any]]:
    """The bidder downloads the documents, six hours later seals and uploads its bid."""
    yield clock.now()
    client = obtain_documents(username, project_id)
    yield clock.now() + timedelta(hours=6)
    r = _seal_and_upload(client, username, lot_id, sheet, workdir)
    say(
        f"  {username} 递交密封投标文件：{r['size']} 字节，回执账本 #{r['ledger_seq']} "
        f"{r['ledger_hash'][:16]}…（平台已签名）"
    )
    return r


def decrypt_bid(say: Print, username: str, lot_id: int, bid_id: int) -> dict[str, Any]:
    """The bidder signs in to the opening hall and decrypts its bid on its own machine."""
    client = login(username)
    ok(client.post(f"{API}/lots/{lot_id}/sign-in"))
    envelope = ok(client.get(f"{API}/bids/{bid_id}/envelope"))
    key = release_key(
        base64.b64decode(envelope["header"]),
        base64.b64decode(envelope["signature"]),
        demo_key(username, "encrypt", "key"),
    )
    bid: dict[str, Any] = ok(
        client.post(
            f"{API}/bids/{bid_id}/key",
            {"data_key": key.hex()},
            content_type="application/json",
        )
    )
    say(f"  {username} 签到并在本机解密：报价 {format_cny(bid['price_sheet']['price'])}")
    return bid


def say_record(say: Print, record: dict[str, Any]) -> None:
    say(f"  解密时限届满，开标记录已签名并公布（{len(record['bids'])} 家）：")
    for line in record["bids"]:
        sheet_line = line["price_sheet"]
        price = format_cny(sheet_line["price"]) if sheet_line.get("price") else "—"
        reason = f" — {line['failure_reason']}" if line["failure_reason"] else ""
        say(f"    {line['bidder']}：{price}，{line['status_label']}{reason}")


def _tender(
    say: Print,
    workdir: Path,
    *,
    label: str,
    item: str,
    procedure: str,
    supervisor: str,
    estimate: str,
    sheet: Callable[[int], dict[str, Any]],
) -> Timeline[bool]:
    yield clock.now()
    agent = login("demo_agent")
    project = enter_project(
        say,
        agent,
        label=label,
        item=item,
        procedure=procedure,
        supervisor=supervisor,
        estimate=estimate,
    )
    lot_id = project["lots"][0]["id"]
    publish_notice(say, agent, project["id"])
    receipts: dict[str, dict[str, Any]] = {}
    for n, username in enumerate(BIDDERS):
        receipts[username] = yield from submit_bid(
            say, workdir, username, project["id"], lot_id, sheet(n)
        )
    first = BIDDERS[0]
    ok(login(first).post(f"{API}/bids/{receipts[first]['bid_id']}/withdraw"))
    say(f"  {first} 撤回投标文件（保证金退还到期日已计算）")
    receipts[first] = _seal_and_upload(login(first), first, lot_id, sheet(9), workdir)
    say(f"  {first} 重新递交：回执账本 #{receipts[first]['ledger_seq']}")
    yield clock.now() + timedelta(days=21)
    hall = ok(agent.get(f"{API}/lots/{lot_id}/hall"))
    window = datetime.fromisoformat(hall["opening"]["window_ends_at"]).astimezone(clock.SHANGHAI)
    status = hall["lot"]["status_label"]
    say(f"  投标截止，系统自动开标：{status}，解密截止 {window:%Y-%m-%d %H:%M:%S}")
    silent = BIDDERS[-1]
    for username in BIDDERS[:-1]:
        decrypt_bid(say, username, lot_id, receipts[username]["bid_id"])
    say(f"  {silent} 未在解密时限内解密")
    yield clock.now() + timedelta(minutes=31)
    hall = ok(agent.get(f"{API}/lots/{lot_id}/hall"))
    record = hall["opening"]["record"]
    say_record(say, record)
    return hall["lot"]["status"] == "opened" and len(record["bids"]) == len(BIDDERS)


def say_ledger(say: Print) -> bool:
    """Verify the whole ledger and say so."""
    report = verify_ledger()
    verdict = "完整" if report.ok else f"发现问题：{report.problem}"
    say(f"\n账本校验：{report.checked} 条记录，{verdict}")
    return report.ok


def works_sheet(n: int) -> dict[str, Any]:
    """The n-th demo bidder's price sheet for a works tender."""
    return {
        "price": f"{8_200_000 + n * 37_000}.00",
        "duration_days": 300 + n,
        "quality": "合格",
        "project_manager": f"项目经理{n + 1}",
    }


def goods_sheet(n: int) -> dict[str, Any]:
    """The n-th demo bidder's price sheet for a goods procurement."""
    return {
        "price": f"{2_150_000 + n * 12_500}.00",
        "delivery_days": 30 + n,
        "warranty_months": 36,
        "quality": "原厂正品，三年质保",
    }


def _both(say: Print, workdir: Path) -> Timeline[bool]:
    works = yield from _tender(
        say,
        workdir,
        label="湘西州某中学教学楼施工",
        item="CON-WORKS-HOUSING",
        procedure="works_open_post",
        supervisor="湖南省住房和城乡建设厅",
        estimate="8600000.00",
        sheet=works_sheet,
    )
    gp = yield from _tender(
        say,
        workdir,
        label="州人民医院医用设备采购",
        item="GP-GOODS-MEDICAL",
        procedure="gp_open",
        supervisor="湖南省财政厅",
        estimate="2400000.00",
        sheet=goods_sheet,
    )
    return works and gp


def tender_to_opening(say: Print = print) -> bool:
    """Run both tenders, then verify the whole ledger."""
    with tempfile.TemporaryDirectory() as tmp:
        passed = alone(lambda: _both(say, Path(tmp)))
    return say_ledger(say) and passed
