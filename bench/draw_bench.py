"""Expert draw time on a provincial-size pool, beside baselines measured in the same run.

    python bench/draw_bench.py [--experts 100000] [--draws 200] [--db URL] [--profile 20]

By default a fresh SQLite file in a temporary directory. With ``--db postgres://…`` a fresh
database ``ggzy_bench_<random>`` is created on that server and dropped at the end.

The pool: ``--experts`` experts (default 100,000) over the 38 leaf specialties of the 2018
classification subset in src/ggzy/experts/data/, with a Zipf-like spread (weight 1/(rank+1):
the most common ~15 % of the pool, the next ~10 %, …, the rarest under 1 %, i.e. a few with
ten thousand or more, many with a few hundred to two thousand), ~30 % with one or two other
specialties; ``--employers`` units (default 8,000) with a Zipf-like size spread (the largest
~1,400 experts, the median ~4); a couple of hundred staff of the supervising department;
1 % blacklisted, 2 % suspended, 3 % on leave on the opening days, 5 % with declared
conflicts, 6 % below the minimum years of practice; 3,000 past requests (21,000 confirmed
invitations) in the last 180 days, so the same-initiator rule has something to find. Two
randomness parties with hash chains in files.

Each request: ``create_request`` then ``draw``, a committee of 7 over two specialties (5 + 2,
specialties chosen by popularity), initiator, agent and 3–8 bidders that are real employers
of the pool, the supervisor's USCC set, every avoidance rule on; one request in four is
remote evaluation with one secondary venue. One request in four also has an expert decline,
which runs a supplementary draw. Timed: the wall time of ``draw()``; its phases are timed by
wrapping the draw module's functions (the service code is not changed). ``--profile N``
runs N more draws under cProfile and prints the hot spots.

Baselines, same database, same run: a raw single-row commit; the SQL that ``candidates()``
sends for one specialty, run on a raw cursor (no model instances); the pure selection
(``drawing.select``) on the same buckets; one walk of a party's hash chain.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import gc
import io
import json
import os
import pstats
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import baseline_commits, pct

SPECIALTIES_FILE = (
    Path(__file__).resolve().parent.parent / "src/ggzy/experts/data/specialties-2018.json"
)
AREA = "430100"
BATCH = 2000

# Leaf specialties, most common first (the rank drives the Zipf weights of the pool and of
# the requests). Anything in the file not listed here goes to the end.
POPULARITY = [
    "A080101", "A0401", "A080201", "A0301", "A080501", "A0402", "C020201", "B0201",
    "A080301", "A080202", "A0201", "A080102", "A0302", "B04", "C0101", "A080401",
    "B05", "A0101", "A080302", "A080203", "A0202", "A080502", "C0203", "B010201",
    "C0102", "A0102", "C020101", "A080103", "B0301", "C020202", "A0203", "A080402",
    "B010101", "B0202", "C03", "B010102", "C05", "C04",
]  # fmt: skip


# --- the database ----------------------------------------------------------------------------


@contextlib.contextmanager
def database(url: str, tmp: str) -> Iterator[str]:
    """Yield the URL of a fresh database: a SQLite file under ``tmp``, or a new PostgreSQL
    database on the server of ``url``, dropped afterwards."""
    if not url:
        yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"unsupported database URL: {url}")
    import psycopg

    name = f"ggzy_bench_{secrets.token_hex(4)}"
    admin = url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup(url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["GGZY_VAR_DIR"] = var_dir
    os.environ.setdefault("GGZY_LOG_LEVEL", "WARNING")  # the log notifier: not on the console
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ggzy.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- the pool --------------------------------------------------------------------------------


def zipf_weights(n: int, s: float, offset: float) -> list[float]:
    return [1.0 / (rank + offset) ** s for rank in range(1, n + 1)]


def load_specialties() -> list[str]:
    """Load the classification (with the pool service's loader when there is one) and return
    the leaf codes, most popular first."""
    from ggzy.experts.models import Specialty

    try:
        from ggzy.experts.services.pool import load_specialties as loader
    except ImportError:
        rows = json.loads(SPECIALTIES_FILE.read_text())["specialties"]
        for row in sorted(rows, key=lambda r: (len(r["code"]), r["code"])):
            code = row["code"]
            Specialty.objects.create(
                code=code,
                name=row["name"],
                level=(len(code) + 1) // 2,
                parent_id=code[:-2] if len(code) > 1 else None,
            )
    else:
        loader()
    codes = list(Specialty.objects.values_list("code", flat=True))
    leaves = [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]
    ranked = [c for c in POPULARITY if c in leaves]
    return ranked + sorted(set(leaves) - set(ranked))


def build_pool(n_experts: int, n_employers: int, rng: random.Random) -> dict[str, Any]:
    from django.db import transaction

    from ggzy.accounts.models import Level, Organisation, Region, Role, User
    from ggzy.core.services import ledger_alg
    from ggzy.experts.models import Expert, ExpertStatus, Leave, Venue
    from ggzy.kernel import clock
    from ggzy.kernel.ids import make_resident_id, make_uscc

    started = time.perf_counter()
    region = Region.objects.create(code="430000", name="湖南省", level=Level.PROVINCE)
    centre = Organisation.objects.create(
        kind=Organisation.Kind.CENTRE,
        name="省公共资源交易中心",
        region=region,
        level=Level.PROVINCE,
    )
    supervisor_uscc = make_uscc("1", "1", "430000", "UPP00001")
    supervisor = Organisation.objects.create(
        kind=Organisation.Kind.DEPARTMENT,
        name="省住房和城乡建设厅",
        region=region,
        level=Level.PROVINCE,
        industry="housing",
        uscc=supervisor_uscc,
    )
    staff = User.objects.create_user(
        username="drawer", password=None, role=Role.CENTRE, organisation=centre
    )
    leaves_codes = load_specialties()
    spec_weights = zipf_weights(len(leaves_codes), 1.0, 1.0)
    employers = [make_uscc("9", "1", AREA, f"{n:08d}") for n in range(1, n_employers + 1)]
    employer_weights = zipf_weights(n_employers, 1.0, 10.0)
    employer_of = rng.choices(employers, employer_weights, k=n_experts)
    # Staff of the supervising department (they sit in the pool, but not on its projects).
    for i in rng.sample(range(n_experts), k=max(1, n_experts // 500)):
        employer_of[i] = supervisor_uscc
    # Units that often initiate, act as agents or bid: real employers of the pool.
    # (With the default 8,000 units: initiators among units ranked 50–3,000, agents 20–2,000,
    # bidders among the largest 4,000, weighted by size.)
    mid = employers[n_employers // 160 : n_employers * 3 // 8]
    initiators = rng.sample(mid, min(300, len(mid)))
    agents = rng.sample(employers[n_employers // 400 : n_employers // 4], min(60, len(mid)))
    bidder_pool = employers[: n_employers // 2]
    bidder_weights = employer_weights[: n_employers // 2]

    today = clock.now().astimezone(clock.SHANGHAI).date()
    users = User.objects.bulk_create(
        [User(username=f"expert{n:06d}", password="!", role=Role.EXPERT) for n in range(n_experts)],
        batch_size=BATCH,
    )
    experts = []
    for n, user in enumerate(users):
        status = ExpertStatus.ACTIVE
        roll = rng.random()
        if roll < 0.01:
            status = ExpertStatus.BLACKLISTED
        elif roll < 0.03:
            status = ExpertStatus.SUSPENDED
        comprehensive = rng.random() < 0.85
        conflicts = (
            sorted(set(rng.sample(initiators + agents, rng.randint(1, 3))))
            if rng.random() < 0.05
            else []
        )
        experts.append(
            Expert(
                user=user,
                name=f"专家{n:06d}",
                resident_id=make_resident_id(
                    AREA, date(1950, 1, 1) + timedelta(days=n % 16000), f"{n // 16000:03d}"
                ),
                employer_name=f"单位{employer_of[n][8:16]}",
                employer_uscc=employer_of[n],
                title=rng.choice(["高级工程师", "正高级工程师", "高级经济师", "教授"]),
                years_of_practice=rng.randint(3, 7) if rng.random() < 0.06 else rng.randint(8, 35),
                education="本科",
                mobile=f"13{n:09d}",
                region=region,
                main_specialty_id=rng.choices(leaves_codes, spec_weights)[0],
                in_comprehensive_pool=comprehensive,
                in_procurement_pool=(not comprehensive) or rng.random() < 0.35,
                status=status,
                status_reason="" if status == ExpertStatus.ACTIVE else "考评不合格",
                status_document="" if status == ExpertStatus.ACTIVE else "湘公管〔2026〕1号",
                status_until=None if status == ExpertStatus.ACTIVE else today + timedelta(365),
                declared_conflicts=conflicts,
            )
        )
    with transaction.atomic():
        experts = Expert.objects.bulk_create(experts, batch_size=BATCH)
    through = Expert.other_specialties.through
    others = []
    for expert in experts:
        if rng.random() < 0.3:
            extra = set(rng.choices(leaves_codes, spec_weights, k=rng.randint(1, 2)))
            extra.discard(expert.main_specialty_id)
            others += [through(expert_id=expert.pk, specialty_id=code) for code in extra]
    through.objects.bulk_create(others, batch_size=BATCH)
    leave_rows = []
    for expert in rng.sample(experts, k=n_experts // 12):
        if rng.random() < 0.35:  # on leave over the opening days
            leave_rows.append(Leave(expert=expert, start=today, end=today + timedelta(30)))
        else:  # a leave in the past or later in the year
            start = today + timedelta(rng.choice([-1, 1]) * rng.randint(40, 200))
            leave_rows.append(Leave(expert=expert, start=start, end=start + timedelta(7)))
    Leave.objects.bulk_create(leave_rows, batch_size=BATCH)
    venues = Venue.objects.bulk_create(
        [Venue(name=f"评标室{i:02d}", centre=centre, region=region) for i in range(1, 13)]
    )
    alg = ledger_alg()
    return {
        "region": region,
        "centre": centre,
        "supervisor": supervisor,
        "staff": staff,
        # Only ids are kept: a pool of model instances held by the benchmark would make every
        # cyclic-GC pass during the draws slower than in a server process.
        "active_ids": [e.pk for e in experts if e.status == ExpertStatus.ACTIVE],
        "leaf_codes": leaves_codes,
        "spec_weights": spec_weights,
        "initiators": initiators,
        "agents": agents,
        "bidder_pool": bidder_pool,
        "bidder_weights": bidder_weights,
        "venues": venues,
        "alg": alg,
        "others": len(others),
        "employers_used": len(set(employer_of)),
        "largest_employer": max(_counts(employer_of).values()),
        "median_employer": statistics.median(_counts(employer_of).values()),
        "build_s": time.perf_counter() - started,
    }


def _counts(items: list[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item] += 1
    return counts


def build_history(world: dict[str, Any], n_requests: int, rng: random.Random) -> int:
    """Past requests with confirmed invitations over the last 180 days (the same-initiator
    rule looks back 90), inserted directly."""
    from django.db import transaction

    from ggzy.experts.models import DrawAttempt, DrawMode, DrawRequest, Invitation
    from ggzy.kernel import clock

    now = clock.now()
    active = world["active_ids"]
    with transaction.atomic():
        requests = DrawRequest.objects.bulk_create(
            [
                DrawRequest(
                    project_code=f"HIST-{i:05d}",
                    lot_name=f"历史项目{i}",
                    procedure="works_tender",
                    centre=world["centre"],
                    supervisor=world["supervisor"],
                    initiator_uscc=rng.choice(world["initiators"]),
                    agent_uscc=rng.choice(world["agents"]),
                    bidder_usccs=[],
                    opening_at=now - timedelta(days=rng.uniform(1, 180)),
                    mode=DrawMode.LOCAL,
                    committee_size=7,
                    requirements=[],
                    main_venue=world["venues"][0],
                    status=DrawRequest.Status.PUBLIC,
                    created_by=world["staff"],
                    created_at=now - timedelta(days=181),
                )
                for i in range(n_requests)
            ],
            batch_size=BATCH,
        )
        attempts = DrawAttempt.objects.bulk_create(
            [
                DrawAttempt(
                    request=r,
                    number=1,
                    status=DrawAttempt.Status.DRAWN,
                    started_at=r.created_at,
                    snapshot={},
                    snapshot_digest="",
                    contributions={},
                )
                for r in requests
            ],
            batch_size=BATCH,
        )
        invitations = [
            Invitation(
                attempt=a,
                request=a.request,
                expert_id=expert_id,
                bucket="main:x",
                venue=world["venues"][0],
                status=Invitation.Status.CONFIRMED,
                notified_at=a.started_at,
                reply_by=a.started_at,
            )
            for a in attempts
            for expert_id in rng.sample(active, 7)
        ]
        Invitation.objects.bulk_create(invitations, batch_size=BATCH)
    return len(invitations)


def register_parties(world: dict[str, Any], tmp: str, length: int) -> None:
    from ggzy.experts import beacon
    from ggzy.experts.services import draw as draw_service

    for name, org in [("交易中心", world["centre"]), ("行政监督部门", world["supervisor"])]:
        chain = beacon.Chain.create(world["alg"], length)
        path = Path(tmp) / f"party-{org.pk}.chain"
        path.write_text(chain.to_json())
        draw_service.register_party(
            user=world["staff"], name=name, organisation=org, chain=chain, endpoint=f"file:{path}"
        )


def analyse() -> None:
    """PostgreSQL: fresh planner statistics, as autovacuum would have them on a live pool
    (right after a bulk load the planner guesses row counts, e.g. 3,666 for 85,239).
    SQLite: nothing, as Django never runs ANALYZE there."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- timing helpers --------------------------------------------------------------------------


class Phases:
    """Wall time per call of some of the draw module's functions, by wrapping them."""

    GC = "(cyclic GC pauses, anywhere in draw())"

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.current: dict[str, float] = defaultdict(float)
        self.labels: set[str] = {self.GC}
        self._undo: list[Callable[[], None]] = []
        self._gc_started = 0.0
        gc.callbacks.append(self._on_gc)
        self._undo.append(lambda: gc.callbacks.remove(self._on_gc))

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.current[self.GC] += time.perf_counter() - self._gc_started

    def wrap(self, module: Any, attribute: str, label: str, *, materialise: bool = False) -> None:
        original = getattr(module, attribute)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                result = original(*args, **kwargs)
                return list(result) if materialise else result
            finally:
                self.current[label] += time.perf_counter() - start

        setattr(module, attribute, timed)
        self.labels.add(label)
        self._undo.append(lambda: setattr(module, attribute, original))

    def close_draw(self) -> None:
        for label in self.labels:
            self.samples[label].append(self.current.get(label, 0.0))
        self.current.clear()

    def discard(self) -> None:
        self.current.clear()

    def restore(self) -> None:
        for undo in reversed(self._undo):
            undo()


def summary(values: list[float]) -> tuple[float, float, float, float]:
    return (
        pct(values, 50),
        pct(values, 99),
        statistics.fmean(values) * 1000,
        max(values) * 1000,
    )


# --- baselines -------------------------------------------------------------------------------


def baseline_candidate_sql(code: str, repeat: int) -> tuple[list[float], int]:
    """The plain fetch of one specialty's pool (main specialty only) on a raw cursor."""
    from django.db import connection

    from ggzy.experts.models import Expert, Specialty

    codes = list(Specialty.objects.filter(code__startswith=code).values_list("code", flat=True))
    query = Expert.objects.filter(main_specialty_id__in=codes, in_comprehensive_pool=True)
    sql, params = query.values_list("id", "employer_uscc").query.sql_with_params()
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = len(cursor.fetchall())
        times.append(time.perf_counter() - start)
    return times, rows


def baseline_select(attempt_ids: list[int], alg: str) -> list[float]:
    """Seed and pure selection (``compute``) on the recorded snapshots of the timed draws."""
    from ggzy.experts.models import DrawAttempt
    from ggzy.experts.services import draw as draw_service

    times = []
    for attempt_id in attempt_ids:
        attempt = DrawAttempt.objects.select_related("request").get(pk=attempt_id)
        start = time.perf_counter()
        draw_service.compute(attempt, attempt.reveals, alg)
        times.append(time.perf_counter() - start)
    return times


def baseline_chain_walk(alg: str, length: int, repeat: int = 5) -> list[float]:
    from ggzy.experts import beacon

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        beacon.walk(alg, secrets.token_bytes(32), length)
        times.append(time.perf_counter() - start)
    return times


# --- the draws -------------------------------------------------------------------------------


def make_request(world: dict[str, Any], i: int, rng: random.Random) -> Any:
    from ggzy.experts.services import draw as draw_service
    from ggzy.kernel import clock

    codes, weights = world["leaf_codes"], world["spec_weights"]
    first = rng.choices(codes, weights)[0]
    second = first
    while second == first:
        second = rng.choices(codes, weights)[0]
    remote = i % 4 == 3
    bidders = set(rng.choices(world["bidder_pool"], world["bidder_weights"], k=rng.randint(3, 8)))
    return draw_service.create_request(
        user=world["staff"],
        project_code=f"BENCH-2026-{i:04d}",
        lot_name=f"基准测试标段{i}",
        procedure="works_tender",
        supervisor_id=world["supervisor"].pk,
        initiator_uscc=rng.choice(world["initiators"]),
        agent_uscc=rng.choice(world["agents"]),
        bidder_usccs=sorted(bidders),
        opening_at=clock.now() + timedelta(days=2, hours=rng.randint(0, 72)),
        mode="remote" if remote else "local",
        committee_size=7,
        owner_representatives=0,
        requirements=[
            {"specialty": first, "venue": "main", "count": 5},
            {"specialty": second, "venue": "secondary-1" if remote else "main", "count": 2},
        ],
        main_venue_id=world["venues"][i % len(world["venues"])].pk,
        secondary_venue_count=1 if remote else 0,
    )


def install_phases() -> Phases:
    from ggzy.core import sealing
    from ggzy.experts import drawing, eligibility, notify
    from ggzy.experts.services.draw import attempts, replies

    phases = Phases()
    phases.wrap(attempts, "_start", "1 _start (tx: screen, snapshot, ledger)")
    phases.wrap(attempts, "_snapshot", "1.1  _snapshot (candidates + screen)")
    phases.wrap(attempts, "candidates", "1.1.1  candidates() queries", materialise=True)
    phases.wrap(eligibility.Screening, "split", "1.1.2  Screening.split (rules)")
    phases.wrap(drawing, "snapshot_digest", "1.2  snapshot_digest (canonical JSON)")
    phases.wrap(attempts, "_collect", "2 _collect (hash-chain reveals)")
    phases.wrap(attempts, "_finish", "3 _finish (tx: select, seal, invite)")
    phases.wrap(attempts, "compute", "3.1  compute (seed + select)")
    phases.wrap(sealing, "seal", "3.2  seal")
    phases.wrap(notify, "enqueue", "3.3  notify.enqueue (outbox rows)")
    for module in (attempts, replies):
        phases.wrap(module, "record", "ledger record() (all)")
    return phases


def run_draws(world: dict[str, Any], n: int, warmup: int, rng: random.Random) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ggzy.experts.models import DrawAttempt, Invitation
    from ggzy.experts.services import draw as draw_service
    from ggzy.kernel.ledger import canonical_json

    phases = install_phases()
    create_times, draw_times, decline_times = [], [], []
    attempts, eligible_sizes, excluded_sizes, snapshot_kb = [], [], [], []
    per_draw_eligible: list[int] = []
    queries = 0
    try:
        for i in range(warmup + n):
            start = time.perf_counter()
            request = make_request(world, i, rng)
            created = time.perf_counter() - start
            phases.discard()
            staff = world["staff"]
            if i == warmup - 1:
                with CaptureQueriesContext(connection) as captured:
                    attempt = draw_service.draw(user=staff, request_id=request.pk)
                queries = len(captured.captured_queries)
                phases.discard()  # a warm-up draw: not in the figures
            else:
                start = time.perf_counter()
                attempt = draw_service.draw(user=staff, request_id=request.pk)
                elapsed = time.perf_counter() - start
                if i < warmup:
                    phases.discard()
                else:
                    draw_times.append(elapsed)
                    create_times.append(created)
                    phases.close_draw()
            if i >= warmup:
                attempt = DrawAttempt.objects.select_related("request").get(pk=attempt.pk)
                attempts.append(attempt.pk)
                sizes = [len(b["eligible"]) for b in attempt.snapshot["buckets"]]
                eligible_sizes += sizes
                per_draw_eligible.append(sum(sizes))
                excluded_sizes.append(len(attempt.snapshot["exclusions"]))
                snapshot_kb.append(len(canonical_json(attempt.snapshot).encode()) / 1024)
            if i >= warmup and i % 4 == 1:
                invitation = (
                    Invitation.objects.filter(attempt=attempt).select_related("expert").first()
                )
                assert invitation is not None
                assert invitation.expert.user is not None
                start = time.perf_counter()
                draw_service.respond(
                    user=invitation.expert.user, invitation_id=invitation.pk, accept=False
                )
                decline_times.append(time.perf_counter() - start)
                phases.discard()
    finally:
        phases.restore()
    return {
        "create": create_times,
        "draw": draw_times,
        "decline": decline_times,
        "phases": phases.samples,
        "attempts": attempts,
        "eligible": eligible_sizes,
        "per_draw_eligible": per_draw_eligible,
        "excluded": excluded_sizes,
        "snapshot_kb": snapshot_kb,
        "queries": queries,
    }


def profile_draws(world: dict[str, Any], n: int, rng: random.Random, offset: int) -> str:
    from ggzy.experts.services import draw as draw_service

    requests = [make_request(world, offset + i, rng) for i in range(n)]
    profiler = cProfile.Profile()
    for request in requests:
        profiler.enable()
        draw_service.draw(user=world["staff"], request_id=request.pk)
        profiler.disable()
    out = io.StringIO()
    out.write(f"--- cProfile of {n} draws, by own time (tottime) ---\n")
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(25)
    out.write(f"--- cProfile of {n} draws, by cumulative time, ggzy code only ---\n")
    ours = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    ours.print_stats(r"/ggzy/", 30)
    return out.getvalue().replace(str(Path(__file__).resolve().parent.parent / "src") + "/", "")


# --- report ----------------------------------------------------------------------------------


def row(label: str, values: list[float], note: str = "") -> str:
    p50, p99, mean, worst = summary(values)
    return f"  {label:<46} {p50:9.2f} {p99:9.2f} {mean:9.2f} {worst:9.2f}  {note}"


def report(args: argparse.Namespace, url: str, world: dict[str, Any], r: dict[str, Any]) -> None:
    from django.db import connection

    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    b = r["baselines"]
    print()
    print(
        f"database: {vendor} {version}  experts: {args.experts:,}  employers: "
        f"{world['employers_used']:,} (largest {world['largest_employer']:,}, median "
        f"{world['median_employer']:.0f})  draws: {len(r['draw'])}  suite: "
        f"{os.environ.get('GGZY_CRYPTO_SUITE', 'gm')} ({world['alg']})"
    )
    print(
        f"pool built in {world['build_s']:.1f} s; {world['others']:,} other-specialty links; "
        f"{world['history']:,} past confirmed invitations; hash chains of "
        f"{args.chain_length:,}; {r['queries']} SQL queries per draw; load average (1 min) "
        f"{r['load'][0]:.2f} before the draws, {r['load'][1]:.2f} after, on {os.cpu_count()} CPUs"
    )
    print(
        f"per bucket eligible: p50 {statistics.median(r['eligible']):,.0f}, max "
        f"{max(r['eligible']):,}; per draw excluded: p50 "
        f"{statistics.median(r['excluded']):,.0f}, max {max(r['excluded']):,}; snapshot JSON "
        f"p50 {statistics.median(r['snapshot_kb']):,.0f} KiB, max {max(r['snapshot_kb']):,.0f} KiB"
    )
    print()
    print(f"  {'(milliseconds)':<46} {'p50':>9} {'p99':>9} {'mean':>9} {'max':>9}")
    print("  baseline")
    print(row("raw single-row commit", b["commit"]))
    top, typical = b["sql_top"], b["sql_typical"]
    print(row(f"candidate SQL, raw cursor: {top[2]} ({top[1]:,} rows)", top[0]))
    print(row(f"candidate SQL, raw cursor: {typical[2]} ({typical[1]:,} rows)", typical[0]))
    print(row("drawing.select alone on the same snapshots", b["select"]))
    print(row(f"one hash-chain walk ({args.chain_length:,} × {world['alg']})", b["walk"]))
    print("  service")
    print(row("create_request()", r["create"]))
    verdict = "OK" if pct(r["draw"], 99) <= 50 else "ABOVE the 50 ms goal"
    print(row("draw()", r["draw"], f"goal p99 ≤ 50 ms: {verdict}"))
    print(row("decline → supplementary draw (respond())", r["decline"]))
    print("  draw() by eligible experts in the draw (both buckets)")
    for low, high in [(0, 5_000), (5_000, 15_000), (15_000, 10**9)]:
        values = [
            t for t, n in zip(r["draw"], r["per_draw_eligible"], strict=True) if low <= n < high
        ]
        if values:
            label = f"{low:,}–{high:,}" if high < 10**9 else f"≥ {low:,}"
            print(row(f"{label} eligible ({len(values)} draws)", values))
    print("  phases of draw() (per draw)")
    for label in sorted(r["phases"]):
        values = r["phases"][label]
        share = sum(values) / sum(r["draw"])
        print(row(label, values, f"{share:5.0%} of draw()"))
    if r.get("profile"):
        print()
        print(r["profile"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--experts", type=int, default=100_000)
    parser.add_argument("--employers", type=int, default=8_000)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--history", type=int, default=3_000, help="past requests")
    parser.add_argument("--chain-length", type=int, default=1_000)
    parser.add_argument("--profile", type=int, default=20, help="draws under cProfile (0: none)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    args, _ = parser.parse_known_args()
    rng = random.Random(args.seed)
    args.warmup = max(1, args.warmup)
    draws_needed = (args.warmup + args.draws) * 5 // 4 + args.profile + 10
    if args.chain_length < draws_needed:
        args.chain_length = draws_needed
    with tempfile.TemporaryDirectory() as tmp, database(args.db, tmp) as url:
        setup(url, tmp)
        print(f"building a pool of {args.experts:,} experts …", flush=True)
        world = build_pool(args.experts, args.employers, rng)
        world["history"] = build_history(world, args.history, rng)
        analyse()
        register_parties(world, tmp, args.chain_length)
        gc.collect()  # the pool's construction garbage is not the draws' business
        print("measuring …", flush=True)
        baselines: dict[str, Any] = {"commit": baseline_commits(500)}
        load_before = os.getloadavg()[0]
        results = run_draws(world, args.draws, args.warmup, rng)
        results["load"] = (load_before, os.getloadavg()[0])
        top = world["leaf_codes"][0]
        typical = world["leaf_codes"][len(world["leaf_codes"]) // 4]
        baselines["sql_top"] = (*baseline_candidate_sql(top, 20), top)
        baselines["sql_typical"] = (*baseline_candidate_sql(typical, 20), typical)
        baselines["select"] = baseline_select(results["attempts"], world["alg"])
        baselines["walk"] = baseline_chain_walk(world["alg"], args.chain_length)
        results["baselines"] = baselines
        if args.profile:
            results["profile"] = profile_draws(world, args.profile, rng, args.warmup + args.draws)
        report(args, url, world, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
