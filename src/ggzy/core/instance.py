"""The files kept beside a database belong to that database.

The platform's signing key and seal, the development CA, stored files and the demo's keys
live in a directory of their own per database, ``var/instances/<database>/`` (or
``GGZY_INSTANCE_DIR``), stamped with the database's identity (``models.Instance``). So an
SQLite and a PostgreSQL database live side by side, and a new database beside an old ``var/``
(after ``make clean`` or a dropped database) gets a fresh directory: the old one is set aside
under ``var/set-aside/``, never mixed in and never deleted. A database whose directory is
missing or belongs to another is refused with a clear message instead of running with keys
that no longer match its certificates.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict

from .models import Instance

STAMP = "instance-id"


def directory() -> Path:
    """This database's directory (read at each call, so a test may move ``VAR_DIR``)."""
    if settings.GGZY_INSTANCE_DIR:
        return Path(settings.GGZY_INSTANCE_DIR)
    return Path(settings.VAR_DIR) / "instances" / settings.GGZY_INSTANCE_NAME


def _set_aside(folder: Path) -> Path:
    aside = Path(settings.VAR_DIR) / "set-aside" / f"{folder.name}-{clock.now():%Y%m%d%H%M%S}"
    aside.parent.mkdir(parents=True, exist_ok=True)
    folder.rename(aside)
    return aside


def _not_its_own(folder: Path, uid: str) -> Conflict:
    return Conflict(
        f"数据库（实例 {uid}）的文件目录 {folder} 不存在或属于另一个数据库：平台密钥、印章、"
        "开发 CA 和已存文件与该数据库不一致。请恢复该目录，或改用一个空数据库",
        f"the directory {folder} of this database (instance {uid}) is missing or belongs to "
        "another database, so the platform key, seal, development CA and stored files do not "
        "match it: restore the directory, or use an empty database",
        code="instance_files_mismatch",
    )


def bind(say: object = print) -> Path:
    """Make sure the files' directory belongs to this database, after ``migrate``.

    A database without an identity gets one; a directory left by another database is set
    aside first. A database whose own directory is gone is refused.
    """
    folder, row = directory(), Instance.objects.first()
    stamp = folder / STAMP
    found = stamp.read_text().strip() if stamp.exists() else None
    if row is not None:
        if found != row.uid:
            raise _not_its_own(folder, row.uid)
        return folder
    if folder.exists() and any(folder.iterdir()):
        aside = _set_aside(folder)
        if callable(say):
            say(f"旧数据库留下的文件已移至 / files of an earlier database set aside: {aside}")
    # Not a trading event, so not in the ledger: a new database's ledger stays empty until
    # its first event (the living demo writes its history in the past).
    with transaction.atomic():
        row = Instance.objects.create(uid=uuid.uuid4().hex, created_at=clock.now())
        folder.mkdir(parents=True, exist_ok=True)
        stamp.write_text(row.uid)
    return folder
