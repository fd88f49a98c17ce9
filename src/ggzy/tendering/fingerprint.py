"""The machine fingerprint recorded in a sealed bid (投标文件特征码, dataset 519).

Regulators compare these across bids to spot bids made on the same computer. Everything
here is best effort: no root, never an exception, "" where a value cannot be read.
"""

from __future__ import annotations

import hashlib
import os
import platform
import socket
import uuid
from collections.abc import Callable
from pathlib import Path

_IGNORED_DISKS = ("loop", "ram", "zram", "dm-", "sr", "fd", "md")
_NO_SERIAL = {"", "not specified", "unknown", "none", "to be filled by o.e.m."}


def _creator_id_path() -> Path:
    override = os.environ.get("GGZY_CREATOR_ID_FILE")
    return Path(override) if override else Path.home() / ".config" / "ggzy" / "creator-id"


def _stored_id(path: Path) -> str:
    try:
        return str(uuid.UUID(path.read_text().strip()))
    except (OSError, ValueError):
        return ""


def creator_id() -> str:
    """A random id made once per installation and kept in a file."""
    path = _creator_id_path()
    if found := _stored_id(path):
        return found
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}")
    part.write_text(f"{uuid.uuid4()}\n")
    os.replace(part, path)
    return _stored_id(path)  # another process may have won the race: use what is stored


def mac_address() -> str:
    node = uuid.getnode()
    if node >> 40 & 1:  # the multicast bit: getnode() found no card and made a number up
        return ""
    return ":".join(f"{node:012x}"[i : i + 2] for i in range(0, 12, 2))


def cpu_id() -> str:
    fields: dict[str, str] = {}
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    if fields.get("Serial", "").strip("0"):
        return fields["Serial"]
    # x86 has no readable CPU serial; model and feature flags identify the type, not the unit.
    basis = f"{fields.get('model name', '')}|{fields.get('flags', '')}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32] if basis != "|" else ""


def disk_serial() -> str:
    for block in sorted(Path("/sys/block").iterdir()):
        if block.name.startswith(_IGNORED_DISKS):
            continue
        try:
            serial = (block / "device" / "serial").read_text().strip()
        except OSError:
            continue
        if serial:
            return serial
    for entry in sorted(os.listdir("/dev/disk/by-id")):
        bus, sep, rest = entry.partition("-")
        if sep and "-part" not in rest and bus in ("ata", "nvme", "scsi", "usb", "virtio"):
            return rest.rsplit("_", 1)[-1]  # <bus>-<model>_<serial>
    return ""


def memory_serial(entries: Path = Path("/sys/firmware/dmi/entries")) -> str:
    """From SMBIOS type 17 (memory device) when the firmware tables are world-readable."""
    for entry in sorted(entries.glob("17-*")):
        try:
            raw = (entry / "raw").read_bytes()
        except OSError:
            continue
        length = raw[1] if len(raw) > 1 else 0
        if length <= 0x18 or not raw[0x18]:
            continue
        strings = raw[length:].split(b"\x00")
        index = raw[0x18]
        if index <= len(strings):
            serial = strings[index - 1].decode("ascii", "replace").strip()
            if serial.lower() not in _NO_SERIAL:
                return serial
    return ""


def primary_ip() -> str:
    """The source address of the default route; connecting a UDP socket sends nothing."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            return str(s.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def _safe(read: Callable[[], str]) -> str:
    try:
        return read()
    except Exception:  # a fingerprint never stops a bid from being sealed
        return ""


def collect() -> dict[str, str]:
    return {
        "creator_id": _safe(creator_id),
        "mac": _safe(mac_address),
        "cpu_id": _safe(cpu_id),
        "disk_serial": _safe(disk_serial),
        "memory_serial": _safe(memory_serial),
        "ip": _safe(primary_ip) or "127.0.0.1",
        "hostname": _safe(socket.gethostname),
        "os": _safe(platform.platform),
    }
