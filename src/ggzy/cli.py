"""The ``ggzy`` command. Every subcommand honours DATABASE_URL (default: SQLite under var/)."""

from __future__ import annotations

import argparse
import gc
import getpass
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from ggzy import bidder_cli
from ggzy.workcalendar import cli as calendar_cli


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ggzy.settings")
    import django

    django.setup()


def _bind() -> bool:
    """The database's own files' directory, checked (``core.instance``); False, said on
    stderr, when it belongs to another database."""
    from ggzy.core import instance
    from ggzy.kernel.errors import DomainError

    try:
        instance.bind()
    except DomainError as exc:
        print(exc.message_zh, file=sys.stderr)
        print(exc.message_en, file=sys.stderr)
        return False
    return True


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("数据库已迁移 / database migrated")
    return 0 if _bind() else 2


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn
    from django.conf import settings

    from ggzy.core import scheduler

    if not _bind():
        return 2
    stop = threading.Event()
    if not args.no_worker:
        worker = threading.Thread(
            target=scheduler.loop, args=(settings.GGZY_WORKER_INTERVAL, stop), daemon=True
        )
        worker.start()
    if args.demo:
        from ggzy.demo import bots

        threading.Thread(target=bots.run, args=(stop,), daemon=True).start()
        print("演示：模拟竞买人、投标人与托管方在线 / demo: simulated bidders and keyholders on")
    base = f"http://{args.host}:{args.port}"
    print(f"门户 / portal:      {base}/")
    print(f"登录 / login:       {base}/accounts/login/")
    print(f"后台 / admin:       {base}/admin/")
    print(f"接口 / API:         {base}/api/v1/docs  (OpenAPI: {base}/api/v1/openapi.json)")
    print(f"数据库 / database:  {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    try:
        # No per-message deflate: the bidding hall sends small messages to thousands of
        # sockets, and compressing each copy costs more CPU than it saves bandwidth.
        from ggzy.asgi import application

        # A full collection walks every object of thousands of hall sockets: up to 345 ms
        # was measured, stalling every bid meanwhile. What is loaded by now lives as long as
        # the process, so it leaves the collector's view, and collections come less often.
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
        uvicorn.run(
            application,
            host=args.host,
            port=args.port,
            log_level="info",
            ws_per_message_deflate=False,
        )
    finally:
        stop.set()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from django.conf import settings

    from ggzy.core import scheduler

    if not _bind():
        return 2
    if args.once:
        ran = scheduler.run_due()
        print("已运行 / ran:", ", ".join(ran) or "-")
        return 0
    stop = threading.Event()
    try:
        scheduler.loop(args.interval or settings.GGZY_WORKER_INTERVAL, stop)
    except KeyboardInterrupt:
        stop.set()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ggzy import demo
    from ggzy.demo.living import load_living

    if not _bind():
        return 2
    if args.words:
        return _run_scenario(args.words)
    if not demo.has_data():
        load_living(say=print)
    elif args.if_empty:
        print("已有数据，未重新载入演示数据 / database not empty: demo data not loaded again")
    else:
        demo.load(progress=print)
    demo.print_logins()
    return 0


def _run_scenario(words: list[str]) -> int:
    from ggzy.demo.scenarios import SCENARIOS, run

    if len(words) != 2 or words[0] != "scenario" or words[1] not in SCENARIOS:
        print(f"用法 / usage: ggzy demo scenario {{{'|'.join(SCENARIOS)}}}", file=sys.stderr)
        return 2
    return 0 if run(words[1]) else 1


def cmd_experts_verify(args: argparse.Namespace) -> int:
    from ggzy.experts.models import DrawAttempt
    from ggzy.experts.verification import verify_attempt

    attempts = DrawAttempt.objects.select_related("request").order_by("request_id", "number")
    if not args.all:
        if args.draw_id is None:
            print("给出抽取申请编号或 --all / give a draw id or --all", file=sys.stderr)
            return 2
        attempts = attempts.filter(request_id=args.draw_id)
    failed = checked = 0
    for attempt in attempts:
        verdict = verify_attempt(attempt)
        checked += 1
        status = "一致 ok" if verdict.ok else "不一致 FAILED"
        print(f"抽取 #{attempt.request_id} 第 {attempt.number} 次（{attempt.status}）：{status}")
        for problem in verdict.problems:
            print(f"    {problem}")
        failed += not verdict.ok
    if checked == 0:
        print("没有可复核的抽取 / no draws to verify", file=sys.stderr)
        return 2 if not args.all else 0
    print(f"复核 {checked} 次抽取，{failed} 次不一致 / {checked} verified, {failed} failed")
    return 1 if failed else 0


def cmd_beacon_init(args: argparse.Namespace) -> int:
    from ggzy.core.services import ledger_alg
    from ggzy.experts.beacon import Chain

    out = Path(args.out)
    if out.exists():
        print(f"{out} 已存在，不覆盖 / exists: not overwritten", file=sys.stderr)
        return 2
    chain = Chain.create(args.alg or ledger_alg(), args.length)
    out.write_text(chain.to_json())
    out.chmod(0o600)
    print(f"链锚 / anchor: {chain.anchor}  ({chain.alg}, {chain.length})")
    print("请妥善保管该文件，只在本单位的机器上运行 `ggzy beacon serve`。")
    print("Keep this file on your own machine only and run `ggzy beacon serve` there.")
    return 0


def cmd_beacon_serve(args: argparse.Namespace) -> int:
    from ggzy.experts.beacon_server import Releaser, make_server

    chain = Path(args.chain)
    releaser = Releaser(chain, Path(args.log or f"{chain}.log"))
    server = make_server(releaser, args.host, args.port)
    print(f"随机数贡献服务 / randomness party on http://{args.host}:{args.port}/")
    print(f"链锚 / anchor {releaser.describe()['anchor']}, 已释放 / released {releaser.last_index}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    from ggzy.accounts.models import Role, User

    username = args.username or input("用户名 / username: ").strip()
    password = (
        args.password
        or os.environ.get("GGZY_ADMIN_PASSWORD")
        or getpass.getpass("密码 / password: ")
    )
    if not username or not password:
        print("需要用户名和密码 / username and password are required", file=sys.stderr)
        return 2
    if User.objects.filter(username=username).exists():
        print(f"用户 {username} 已存在 / user {username} exists", file=sys.stderr)
        return 2
    User.objects.create_superuser(username=username, password=password, role=Role.ADMIN)
    print(f"管理员 {username} 已创建，首次登录须绑定认证器")
    print(f"admin {username} created; bind an authenticator at the first login")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    from ggzy.accounts import lockout
    from ggzy.accounts.services import release_lockout
    from ggzy.kernel import clock
    from ggzy.kernel.errors import DomainError

    if args.user is None and args.ip is None:
        locks = lockout.current_locks()
        for lock in locks:
            what = "账号 account" if lock.parameter == lockout.ACCOUNT else "地址 address"
            count = f"{lock.failures}/{lock.limit}"
            until = clock.local_text(lock.until)
            print(f"{what}  {lock.value}  失败 failures {count}  解锁 unlocks {until}")
        print(f"当前锁定 {len(locks)} 个 / {len(locks)} locked now")
        return 0
    try:
        forgotten = release_lockout(
            by=f"cli:{getpass.getuser()}", username=args.user or "", ip_address=args.ip or ""
        )
    except DomainError as exc:
        print(exc.message_zh, file=sys.stderr)
        print(exc.message_en, file=sys.stderr)
        return 1
    what = f"账号 {args.user}" if args.user else f"地址 {args.ip}"
    print(f"已解除{what}的登录锁定，清除失败记录 {forgotten} 条（已记入账本）")
    print(f"released: {forgotten} records of failed logins forgotten (witnessed in the ledger)")
    return 0


def cmd_ledger_verify(args: argparse.Namespace) -> int:
    from ggzy.core.selectors import verify_ledger

    def progress(seq: int) -> None:
        if sys.stderr.isatty():
            print(f"\r已读取 / read #{seq} …", end="", file=sys.stderr, flush=True)

    report = verify_ledger(progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if report.problem is None:
        print(
            f"账本完好：{report.checked} 条记录、{report.checkpoints} 个检查点均已核验 / "
            f"ledger intact: {report.checked} entries and {report.checkpoints} checkpoints verified"
        )
        return 0
    p = report.problem
    print(f"账本核验失败 / ledger verification FAILED at entry #{p.seq} [{p.code}]")
    print(f"  {p.message_zh}")
    print(f"  {p.message_en}")
    return 1


def cmd_ledger_checkpoint(args: argparse.Namespace) -> int:
    from ggzy.core.services import write_checkpoints

    written = write_checkpoints()
    for c in written:
        print(f"{c.day}  #{c.first_seq}–#{c.last_seq}  {c.alg} {c.root}")
    print(f"新增检查点 {len(written)} 个 / {len(written)} checkpoint(s) written")
    return 0


def cmd_ca_issue(args: argparse.Namespace) -> int:
    from django.conf import settings

    from ggzy.kernel.crypto.pki import DevCA

    ca_dir = Path(args.ca_dir or settings.GGZY_CA_DIR)
    suite = args.suite or settings.GGZY_CRYPTO_SUITE
    ca = DevCA.load(ca_dir) if (ca_dir / "ca.pem").exists() else DevCA.create(ca_dir, suite)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for usage in args.usage:
        cert_pem, key_pem = ca.issue(
            args.cn,
            serial_number_attr=args.id,
            organisation=args.org or "",
            usage=usage,
            days=args.days,
        )
        stem = out / f"{args.id}-{usage}"
        stem.with_suffix(".crt.pem").write_bytes(cert_pem)
        key_path = stem.with_suffix(".key.pem")
        key_path.write_bytes(key_pem)
        key_path.chmod(0o600)
        print(f"{usage}: {stem}.crt.pem  {key_path}")
    print(
        f"开发 CA / development CA: {ca_dir}（仅用于开发和测试 / for development and tests only）"
    )
    return 0


def cmd_otp_code(args: argparse.Namespace) -> int:
    from ggzy.accounts.models import User
    from ggzy.accounts.otp import current_code, device_for
    from ggzy.demo import DEMO_PREFIX

    user = User.objects.filter(username=args.username).first()
    if user is None or not args.username.startswith(DEMO_PREFIX):
        print(
            f"{args.username} 不是演示用户 / not a demo user: only demo accounts' codes are shown",
            file=sys.stderr,
        )
        return 2
    if not user.needs_second_factor:
        print(f"{args.username} 登录无需动态验证码 / needs no TOTP code", file=sys.stderr)
        return 2
    print(current_code(device_for(user)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ggzy", description="统一的公共资源交易平台 ggzy")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.set_defaults(handler=handler)
        return p

    p = add("serve", cmd_serve, "start the ASGI server (and the worker unless --no-worker)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-worker", action="store_true")
    p.add_argument(
        "--demo",
        action="store_true",
        help="the living demo's simulated bidders and keyholders act in real time",
    )

    p = add("migrate", cmd_migrate, "create or update the database schema")
    p.add_argument("--verbose", action="store_true")

    p = add("demo", cmd_demo, "load the demo data (idempotent) and print the demo logins")
    p.add_argument("--if-empty", action="store_true", help="load only into an empty database")
    p.add_argument("words", nargs="*", help="scenario NAME: run a demo scenario, e.g. expert-draw")

    p = add("createadmin", cmd_createadmin, "create a platform administrator")
    p.add_argument("--username")
    p.add_argument("--password")

    p = add(
        "unlock",
        cmd_unlock,
        "release a login lock (account or address); without options, list the locks",
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument("--user", metavar="NAME", help="release this account")
    who.add_argument("--ip", metavar="ADDRESS", help="release this network address")

    p = add("worker", cmd_worker, "run the scheduler loop")
    p.add_argument("--once", action="store_true", help="run the due jobs once and exit")
    p.add_argument("--interval", type=float)

    ledger = sub.add_parser("ledger", help="the tamper-evident ledger").add_subparsers(
        dest="ledger_command", required=True
    )
    ledger.add_parser("verify", help="verify the whole chain").set_defaults(
        handler=cmd_ledger_verify
    )
    ledger.add_parser("checkpoint", help="write daily Merkle checkpoints").set_defaults(
        handler=cmd_ledger_checkpoint
    )

    ca = sub.add_parser("ca", help="the built-in development CA").add_subparsers(
        dest="ca_command", required=True
    )
    p = ca.add_parser("issue", help="issue a certificate and key for a person or entity")
    p.set_defaults(handler=cmd_ca_issue)
    p.add_argument("--cn", required=True, help="subject common name, e.g. the entity's name")
    p.add_argument("--id", required=True, help="USCC or resident ID (subject serialNumber)")
    p.add_argument("--org", help="organisation")
    p.add_argument("--usage", nargs="+", choices=["sign", "encrypt"], default=["sign", "encrypt"])
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--suite", choices=["gm", "intl"])
    p.add_argument("--ca-dir", help="directory of the development CA (default var/ca)")
    p.add_argument("--out", default=".", help="where to write the certificate and key")

    experts = sub.add_parser("experts", help="the expert pool").add_subparsers(
        dest="experts_command", required=True
    )
    p = experts.add_parser("verify-draw", help="re-run draws from their records")
    p.set_defaults(handler=cmd_experts_verify)
    p.add_argument("draw_id", nargs="?", type=int)
    p.add_argument("--all", action="store_true")

    beacon = sub.add_parser("beacon", help="a randomness party's hash chain").add_subparsers(
        dest="beacon_command", required=True
    )
    p = beacon.add_parser("init", help="create a hash chain and print its anchor")
    p.set_defaults(handler=cmd_beacon_init)
    p.add_argument("--out", required=True)
    p.add_argument("--length", type=int, default=100_000)
    p.add_argument("--alg", choices=["sm3", "sha256"])
    p = beacon.add_parser("serve", help="release the chain's secrets in order over HTTP")
    p.set_defaults(handler=cmd_beacon_serve)
    p.add_argument("--chain", required=True)
    p.add_argument("--log")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)

    bidder_cli.add_parser(sub)
    calendar_cli.add_parser(sub)

    p = add("otp-code", cmd_otp_code, "print a demo user's current TOTP code")
    p.add_argument("username")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "django", True):
        _setup()
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
