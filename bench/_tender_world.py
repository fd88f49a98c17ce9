"""Shared set-up for the tendering benchmarks (not measured): a fresh database, the test
world of tests/fixtures/tendering.py, a project with a published notice, and sealed bids
made in parallel processes (sealing is the bidder's machine)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import platform
import secrets
import shutil
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # tests.fixtures.tendering

WORKS_SHEET = {
    "price": "4380000.00",
    "duration_days": 365,
    "quality": "合格",
    "project_manager": "张工",
}


def machine_facts() -> str:
    return (
        f"cpus: {os.cpu_count()}  python: {platform.python_version()}  "
        f"platform: {platform.platform()}"
    )


def free_bytes(path: str | Path) -> int:
    return shutil.disk_usage(path).free


@contextlib.contextmanager
def database(url: str, tmp: str, prefix: str) -> Iterator[str]:
    """A SQLite file under ``tmp``, or a fresh PostgreSQL database dropped afterwards."""
    if not url:
        yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"unsupported database URL: {url}")
    import psycopg

    name = f"{prefix}_{secrets.token_hex(3)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(url: str, var_dir: str, suite: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "GGZY_VAR_DIR": var_dir,
        "GGZY_CRYPTO_SUITE": suite,
        "GGZY_LOG_LEVEL": "WARNING",
        "GGZY_TRUST_DEV_CA": "1",
        "DJANGO_SETTINGS_MODULE": "ggzy.settings",
    }


def setup(url: str, var_dir: str, suite: str) -> None:
    os.environ.update(server_env(url, var_dir, suite))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ggzy.core import instance

    instance.bind(say=None)  # the database's own directory, before a server binds it


def build(tmp: Path, suite: str, bidders: int) -> Any:
    """The test world, its development CA in the database's own directory (GGZY_CA_DIR),
    where the platform and its servers trust it; ``tmp`` is kept for the callers."""
    from django.conf import settings

    from tests.fixtures.tendering import build_world

    return build_world(Path(settings.GGZY_CA_DIR).parent, suite, bidders=bidders)


def open_lot(world: Any, *, days: int = 30) -> tuple[int, dict[str, Any]]:
    """Register a works project through the API and publish its notice: (lot id, sealing info)."""
    from tests.tendering.flow import API, ok, publish, register

    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"], days=days), 201)
    lot_id = project["lots"][0]["id"]
    info = ok(world.bidders[0].client.get(f"{API}/lots/{lot_id}/sealing"))
    return lot_id, info


def _seal_one(job: dict[str, Any]) -> tuple[str, int]:
    from ggzy.tendering.bidfile import LotInfo, seal_bid

    out = Path(job["out"])
    attachment = out.with_suffix(".att") / "proposal.bin"
    attachment.parent.mkdir(exist_ok=True)
    with open(attachment, "wb") as f:
        left = job["size"]
        while left:
            piece = min(left, 8 << 20)
            f.write(os.urandom(piece))
            left -= piece
    try:
        seal_bid(
            lot=LotInfo.from_json(job["info"]),
            bidder_id=job["bidder_id"],
            bidder_name=job["bidder_name"],
            price_sheet=job["sheet"],
            attachments=[attachment],
            signer_key_pem=job["sign_key"],
            encryption_cert_pem=job["encrypt_cert"],
            out=out,
            fingerprint={},
        )
    finally:
        shutil.rmtree(attachment.parent, ignore_errors=True)
    return str(out), out.stat().st_size


def seal_all(
    world: Any, info: dict[str, Any], out_dir: Path, size: int, workers: int
) -> list[Path]:
    """One sealed bid per bidder, each with ``size`` bytes of random attachment, sealed by
    its own bidder (own header, own signature, own data key)."""
    from django.db import connections

    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = []
    for n, party in enumerate(world.bidders):
        jobs.append(
            {
                "out": str(out_dir / f"bid-{party.entity.pk}.sealed"),
                "size": size,
                "info": info,
                "bidder_id": party.entity.uscc,
                "bidder_name": party.entity.name,
                "sheet": WORKS_SHEET | {"price": f"{4380000 + n * 100}.00"},
                "sign_key": party.keys["sign_key"],
                "encrypt_cert": party.keys["encrypt_cert"],
            }
        )
    connections.close_all()  # no connection shared across the fork
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        return [Path(p) for p, _ in pool.map(_seal_one, jobs)]


def fmt_mb(n: float) -> str:
    return f"{n / 1e6:,.1f}"
