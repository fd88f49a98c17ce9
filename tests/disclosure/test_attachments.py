"""Files published with a notice: listed with their digests, downloaded exactly as
published and never rendered, named in the notice's digest and ledger entry; bad files are
refused before anything is written."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from ggzy.core.models import LedgerEntry
from ggzy.disclosure import attachments
from ggzy.disclosure.attachments import File
from ggzy.disclosure.models import Attachment, Publication
from ggzy.disclosure.services import digest_of
from ggzy.kernel.errors import InvalidInput

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% tender documents\n" + bytes(range(256)) * 40


def pdf(name: str = "招标文件.pdf", content: bytes = PDF) -> File:
    return File(name, io.BytesIO(content))


def test_an_attachment_is_listed_downloaded_and_in_the_digest(
    client: Client, publish: Callable[..., Any]
) -> None:
    notice = publish(attachments=(pdf(), File("图纸/总平面图.png", io.BytesIO(b"\x89PNG..."))))
    files = list(notice.attachments.all())
    assert [(f.position, f.name, f.content_type) for f in files] == [
        (1, "招标文件.pdf", "application/pdf"),
        (2, "总平面图.png", "image/png"),  # the folder is dropped
    ]
    assert files[0].sha256 == hashlib.sha256(PDF).hexdigest() and files[0].size == len(PDF)
    page = client.get(f"/notices/{notice.uid}/").content.decode()
    assert f"/notices/{notice.uid}/files/1/" in page and files[0].sha256 in page
    download = client.get(f"/notices/{notice.uid}/files/1/")
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Security-Policy"] == "sandbox"
    assert client.get(f"/notices/{notice.uid}/files/3/").status_code == 404
    stored = [
        attachments.Stored(f.name, f.content_type, f.size, f.sha256, f.file.name) for f in files
    ]
    assert notice.digest == digest_of(notice, stored) != digest_of(notice)
    entry = LedgerEntry.objects.get(seq=notice.ledger_seq)
    assert json.loads(entry.body)["attachments"] == [f.sha256 for f in files]


def test_the_same_file_is_stored_once_and_names_are_masked(publish: Callable[..., Any]) -> None:
    first = publish(attachments=(pdf("联系人13800138000.pdf"),))
    second = publish(trade_code="HH-2026-002", attachments=(pdf("招标文件.PDF"),))
    a, b = first.attachments.get(), second.attachments.get()
    assert a.name == "联系人138****8000.pdf" and b.content_type == "application/pdf"
    assert a.file.name == b.file.name == f"disclosure/{a.sha256[:2]}/{a.sha256}"
    assert first.digest != second.digest


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("公告.html", b"<script>alert(1)</script>", "file_format"),
        ("logo.svg", b"<svg onload=alert(1)>", "file_format"),
        ("setup.exe", b"MZ", "file_format"),
        ("无扩展名", b"x", "file_format"),
        (".pdf", b"x", "attachment_name"),
        ("x" * 200 + ".pdf", b"x", "attachment_name"),
        ("空文件.pdf", b"", "attachment_empty"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_written(
    publish: Callable[..., Any], name: str, content: bytes, code: str
) -> None:
    before = (Publication.objects.count(), LedgerEntry.objects.count(), Attachment.objects.count())
    with pytest.raises(InvalidInput) as refused:
        publish(attachments=(pdf(), pdf(name, content)))
    assert refused.value.code == code and refused.value.message_en
    after = (Publication.objects.count(), LedgerEntry.objects.count(), Attachment.objects.count())
    assert after == before


def test_too_many_or_too_large_files_are_refused(
    publish: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InvalidInput, match="at most 20"):
        publish(attachments=tuple(pdf(f"{n}.pdf") for n in range(21)))
    monkeypatch.setattr(attachments, "MAX_BYTES", 1000)
    with pytest.raises(InvalidInput) as refused:
        publish(attachments=(pdf(),))
    assert refused.value.code == "attachment_size"
    assert not Publication.objects.exists()
