"""The machine fingerprint: every key present, never raising, a stable installation id."""

from __future__ import annotations

import ipaddress
import uuid
from pathlib import Path

import pytest

from ggzy.tendering import fingerprint

KEYS = {"creator_id", "mac", "cpu_id", "disk_serial", "memory_serial", "ip", "hostname", "os"}


@pytest.fixture
def id_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "ggzy" / "creator-id"
    monkeypatch.setenv("GGZY_CREATOR_ID_FILE", str(path))
    return path


def test_collect_has_every_key(id_file: Path) -> None:
    found = fingerprint.collect()
    assert set(found) == KEYS
    assert all(isinstance(v, str) for v in found.values())
    assert ipaddress.ip_address(found["ip"]).version == 4
    assert found["mac"] == "" or len(found["mac"].split(":")) == 6
    assert found["hostname"] and found["os"]


def test_creator_id_is_made_once_and_kept(id_file: Path) -> None:
    first = fingerprint.collect()["creator_id"]
    assert uuid.UUID(first) and id_file.read_text().strip() == first
    assert fingerprint.collect()["creator_id"] == first
    id_file.write_text("garbage")
    renewed = fingerprint.creator_id()
    assert renewed != first and uuid.UUID(renewed)


def test_creator_id_file_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = uuid.uuid4()
    path = tmp_path / "elsewhere"
    path.write_text(f"{chosen}\n")
    monkeypatch.setenv("GGZY_CREATOR_ID_FILE", str(path))
    assert fingerprint.collect()["creator_id"] == str(chosen)


def test_never_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("GGZY_CREATOR_ID_FILE", str(blocker / "creator-id"))  # parent is a file

    def broken() -> str:
        raise PermissionError("no")

    for name in ("cpu_id", "disk_serial", "memory_serial", "mac_address", "primary_ip"):
        monkeypatch.setattr(fingerprint, name, broken)
    found = fingerprint.collect()
    assert found["creator_id"] == found["cpu_id"] == found["disk_serial"] == ""
    assert found["ip"] == "127.0.0.1"


def test_memory_serial_from_smbios(tmp_path: Path) -> None:
    entry = tmp_path / "17-0"
    entry.mkdir()
    formatted = bytearray(0x28)
    formatted[0], formatted[1], formatted[0x18] = 17, 0x28, 2
    (entry / "raw").write_bytes(bytes(formatted) + b"DIMM A\x00SN-1234\x00\x00")
    assert fingerprint.memory_serial(tmp_path) == "SN-1234"
