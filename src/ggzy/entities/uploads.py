"""Checking uploaded scans (扫描件): type by magic bytes, size limit, digest.

The file name and the declared content type are ignored: only the first bytes decide
whether a file is a PDF, a JPEG or a PNG, and the stored name is random.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from ggzy.kernel.errors import InvalidInput

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class CheckedFile:
    file_type: str
    size: int
    sha256: str

    def stored_name(self) -> str:
        return f"{secrets.token_hex(16)}.{self.file_type}"


def _size_of(handle: IO[bytes]) -> int:
    size = getattr(handle, "size", None)
    if isinstance(size, int):
        return size
    position = handle.tell()
    handle.seek(0, 2)
    end = handle.tell()
    handle.seek(position)
    return end


def check_scan(handle: IO[bytes] | None, *, field: str = "file") -> CheckedFile:
    """Return the detected type, size and SHA-256 of an upload, or raise ``InvalidInput``."""
    if handle is None:
        raise InvalidInput(
            "请上传扫描件（PDF、JPEG 或 PNG）",
            "Upload the scanned copy (PDF, JPEG or PNG)",
            code="file_required",
            field=field,
        )
    limit = int(settings.GGZY_UPLOAD_MAX_BYTES)
    size = _size_of(handle)
    if size == 0:
        raise InvalidInput(
            "上传的文件是空的", "The uploaded file is empty", code="file_empty", field=field
        )
    if size > limit:
        raise InvalidInput(
            f"文件大小为{size}字节，超过上限{limit}字节（{limit / 1024 / 1024:.1f} MB）",
            f"The file is {size} bytes, over the limit of {limit} bytes "
            f"({limit / 1024 / 1024:.1f} MB)",
            code="file_too_large",
            field=field,
        )
    handle.seek(0)
    head = handle.read(16)
    file_type = next((kind for magic, kind in MAGIC if head.startswith(magic)), None)
    if file_type is None:
        raise InvalidInput(
            "文件类型不符：只接受 PDF、JPEG 或 PNG 文件（按文件内容判断，与扩展名无关）",
            "Wrong file type: only PDF, JPEG or PNG files are accepted (judged by the "
            "content, not the file name)",
            code="file_type",
            field=field,
        )
    digest = hashlib.sha256(head)
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
    handle.seek(0)
    return CheckedFile(file_type=file_type, size=size, sha256=digest.hexdigest())
