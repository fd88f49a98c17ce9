"""Files published with a notice (公告附件): checked, stored once by content, and named in
the notice's digest and ledger entry.

Only document, archive and image formats are accepted, and every download is served as an
attachment (never rendered by the browser), so an attachment cannot carry script into the
portal. Attachments are published as the trading app hands them over: unlike the body they
cannot be masked, so an app attaches only documents meant for the public (the tender
documents published with a GP result, GP Reg. Art 43). File names are masked like bodies.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from django.core.files import File as DjangoFile
from django.core.files.storage import default_storage

from ggzy.kernel.errors import InvalidInput

from . import policy

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".ofd": "application/ofd",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".rar": "application/vnd.rar",
    ".7z": "application/x-7z-compressed",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
MAX_FILES = 20
MAX_BYTES = 200 * 1024 * 1024  # per file
MAX_NAME_CHARS = 120
_CHUNK = 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class File:
    """A file to publish: its name as the public will see it (before masking) and a
    seekable stream of its bytes."""

    name: str
    stream: BinaryIO


@dataclass(frozen=True)
class Stored:
    name: str
    content_type: str
    size: int
    sha256: str
    path: str


def public_format(name: str) -> str:
    """The content type of a file named ``name``; a format the portal does not publish is
    refused."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in CONTENT_TYPES:
        allowed = "、".join(sorted(CONTENT_TYPES))
        raise InvalidInput(
            f"文件格式不受支持：{suffix or '无扩展名'}（可用：{allowed}）",
            f"unsupported file format {suffix or '(none)'}; allowed: {allowed}",
            code="file_format",
            field="file",
        )
    return CONTENT_TYPES[suffix]


def clean_name(name: str) -> tuple[str, str]:
    """The public name of a file (no folders, no control characters, personal numbers
    masked) and its content type; an unsupported format is refused."""
    base = _CONTROL.sub("", PurePosixPath(name.replace("\\", "/")).name).strip()
    if not base or base.startswith(".") or len(base) > MAX_NAME_CHARS:
        raise InvalidInput(
            f"附件文件名无效（1 至 {MAX_NAME_CHARS} 个字符）：{base[:40]!r}",
            f"invalid attachment name (1 to {MAX_NAME_CHARS} characters)",
            code="attachment_name",
            field="attachments",
        )
    return policy.mask(base), public_format(base)


def check(files: Sequence[File]) -> list[tuple[str, str]]:
    """Names and content types of ``files``, before anything is written."""
    if len(files) > MAX_FILES:
        raise InvalidInput(
            f"附件不能超过 {MAX_FILES} 个", f"at most {MAX_FILES} attachments", field="attachments"
        )
    return [clean_name(f.name) for f in files]


def _digest(stream: BinaryIO) -> tuple[str, int]:
    stream.seek(0)
    sha, size = hashlib.sha256(), 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise InvalidInput(
                f"附件不能超过 {MAX_BYTES // (1024 * 1024)} MB",
                f"an attachment may not exceed {MAX_BYTES // (1024 * 1024)} MB",
                code="attachment_size",
                field="attachments",
            )
        sha.update(chunk)
    if size == 0:
        raise InvalidInput(
            "附件为空文件", "an attachment is empty", code="attachment_empty", field="attachments"
        )
    return sha.hexdigest(), size


def store(files: Sequence[File]) -> list[Stored]:
    """Check and store ``files``; identical contents are stored once (``disclosure/<sha>``).
    A file stored for a publication that is then rolled back is unreferenced, never served."""
    named = check(files)
    measured = [_digest(f.stream) for f in files]
    stored = []
    for file, (name, content_type), (sha, size) in zip(files, named, measured, strict=True):
        path = f"disclosure/{sha[:2]}/{sha}"
        if not default_storage.exists(path):
            file.stream.seek(0)
            path = default_storage.save(path, DjangoFile(file.stream))
        stored.append(Stored(name, content_type, size, sha, path))
    return stored
