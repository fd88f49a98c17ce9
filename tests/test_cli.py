"""The `ggzy` command end to end, in subprocesses, on a database of its own: migrate, load
the demo data, verify the ledger, then tamper with a row directly and see verify name it."""

import os
import socket
import sqlite3
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.db import connection

GGZY = [sys.executable, "-m", "ggzy.cli"]


def ggzy(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GGZY, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL database when the suite runs on PostgreSQL."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'cli.sqlite3'}"
        return
    config = settings.DATABASES["default"]
    name = f"ggzy_cli_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        dbname="postgres",
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = dj_database_url.parse(os.environ["DATABASE_URL"])
        yield f"postgres://{url['USER'] or ''}@{url['HOST']}:{url['PORT'] or 5432}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def tamper(url: str, seq: int) -> None:
    """Edit one ledger row behind the platform's back, as someone with database access."""
    config = dj_database_url.parse(url)
    if config["ENGINE"].endswith("sqlite3"):
        with sqlite3.connect(config["NAME"]) as db:
            db.execute("DROP TRIGGER core_ledgerentry_no_update")
            db.execute("UPDATE core_ledgerentry SET body = '{\"edited\":1}' WHERE seq = ?", (seq,))
        return
    with psycopg.connect(
        dbname=config["NAME"],
        host=config["HOST"],
        port=config["PORT"],
        user=config["USER"] or None,
        autocommit=True,
    ) as db:
        db.execute("ALTER TABLE core_ledgerentry DISABLE TRIGGER USER")
        db.execute("UPDATE core_ledgerentry SET body = '{\"edited\":1}' WHERE seq = %s", (seq,))


@pytest.mark.django_db
def test_migrate_demo_verify_then_tamper(database_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "GGZY_VAR_DIR": str(tmp_path)}
    assert ggzy(env, "migrate").returncode == 0
    demo = ggzy(env, "demo", "--if-empty")
    assert demo.returncode == 0, demo.stderr
    assert "demo_centre" in demo.stdout and "ggzy-Demo-2026" in demo.stdout
    again = ggzy(env, "demo", "--if-empty")
    assert "未重新载入" in again.stdout
    ok = ggzy(env, "ledger", "verify")
    assert ok.returncode == 0, ok.stdout
    assert "账本完好" in ok.stdout
    assert ggzy(env, "otp-code", "demo_centre").stdout.strip().isdigit()
    assert ggzy(env, "otp-code", "demo_bidder").returncode == 2

    tamper(database_url, 17)
    bad = ggzy(env, "ledger", "verify")
    assert bad.returncode == 1
    assert "#17" in bad.stdout and "altered" in bad.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.mark.django_db
def test_serve_answers_http(database_url: str, tmp_path: Path) -> None:
    """`ggzy serve` (uvicorn, ASGI) serves the portal, static files and the OpenAPI document."""
    env = {**os.environ, "DATABASE_URL": database_url, "GGZY_VAR_DIR": str(tmp_path)}
    assert ggzy(env, "migrate").returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [*GGZY, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        seen = []
        for line in server.stdout:  # uvicorn says when it is ready; no polling, no sleep
            seen.append(line)
            if "Uvicorn running on" in line or len(seen) > 200:
                break
        assert any("Uvicorn running on" in line for line in seen), "".join(seen)
        base = f"http://127.0.0.1:{port}"
        status, home = fetch(f"{base}/")
        assert status == 200
        assert "公共资源交易平台" in home
        assert fetch(f"{base}/static/web/site.css")[0] == 200
        assert '"title": "ggzy API"' in fetch(f"{base}/api/v1/openapi.json")[1].replace(
            '":"', '": "'
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
