"""The file store (文件存储): every file the platform keeps — sealed bids, evaluation reports,
award letters, deal confirmations, documents, attachments — goes through Django's storage API
(``default_storage``, set by ``STORAGES`` from ``GGZY_STORAGE``) under a name relative to the
store's root, such as ``tendering/bids/<lot>/<token>.sealed``. The rows keep that name, never
a path, so the same database works on the local disk and on any S3-compatible store.

A stored file is never overwritten: a name that is taken gets another one (the local disk's
rule, and ``file_overwrite=False`` on S3), and the caller keeps the name the store returns.
Both directions stream with bounded memory (docs/storage.md).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path, PurePath, PurePosixPath
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db.models import Model


def store(name: str, content: bytes) -> str:
    """Store ``content`` (a rendered PDF) as ``name``; returns the name it was stored under."""
    return default_storage.save(name, ContentFile(content, name=PurePosixPath(name).name))


class _Spool(File):
    """A finished local file handed to the store: the local disk moves it into place (the
    hook Django's own temporary uploads use) instead of copying it; S3 reads it in parts."""

    def temporary_file_path(self) -> str:
        return str(self.name)


# At most this many files stream into the store at once in one process: on S3 each holds a
# few 8 MiB parts in memory, so two hundred bidders completing together wait their turn here
# instead of holding two hundred files' parts at once.
_streams = threading.BoundedSemaphore(settings.GGZY_STORE_STREAMS)


def store_spooled(name: str, path: Path) -> str:
    """Store the local file at ``path`` as ``name`` without reading it into memory, and remove
    ``path``: a rename on the local disk, a multipart upload of 8 MiB parts on S3."""
    with _streams, open(path, "rb") as f:
        stored = default_storage.save(name, _Spool(f, name=str(path)))
    path.unlink(missing_ok=True)  # already moved away on the local disk
    return stored


def open_stored(name: str) -> IO[bytes]:
    """A stored file opened for reading, seekable (S3 spools it to a temporary file past
    4 MiB); the caller closes it, or hands it to a ``FileResponse`` that does."""
    return default_storage.open(name, "rb")


def read_stored(name: str) -> bytes:
    """A small stored file's bytes (a PDF to verify against its recorded digest)."""
    with default_storage.open(name, "rb") as f:
        return f.read()


def relative_name(value: str, root: str | os.PathLike[str], layout: str) -> str:
    """The storage name for a value kept before the file store, for the data migrations.

    An absolute path under ``root`` (MEDIA_ROOT) becomes relative to it. An absolute path
    elsewhere that ends in the platform's own layout (``layout``, such as ``evaluation/*/*``)
    was written under an earlier MEDIA_ROOT (an instance directory since moved): it keeps
    that tail, where the files are found once moved with their directory. Anything else —
    empty, already relative, a path in no known layout — is returned unchanged.
    """
    if not value or not PurePath(value).is_absolute():
        return value
    path, base = PurePosixPath(value), PurePosixPath(os.fspath(root))
    if path.is_relative_to(base) and path != base:
        return path.relative_to(base).as_posix()
    depth = len(PurePosixPath(layout).parts)
    if len(path.parts) > depth and path.match(layout):
        return PurePosixPath(*path.parts[-depth:]).as_posix()
    return value


def absolute_path(value: str, root: str | os.PathLike[str]) -> str:
    """The reverse of ``relative_name`` for the local disk: a relative name under ``root``."""
    if not value or PurePath(value).is_absolute():
        return value
    return str(Path(root) / value)


def migrate_names(model: type[Model], field: str, layout: str, *, reverse: bool = False) -> int:
    """Rewrite ``model.field`` from absolute paths under MEDIA_ROOT to storage names (or back,
    ``reverse``), in batches; returns how many rows changed. For the data migrations."""
    root, manager = settings.MEDIA_ROOT, model._default_manager
    changed = []
    for pk, value in manager.exclude(**{field: ""}).values_list("pk", field):
        new = absolute_path(value, root) if reverse else relative_name(value, root, layout)
        if new != value:
            changed.append(model(pk=pk, **{field: new}))
    return manager.bulk_update(changed, [field], batch_size=500)
