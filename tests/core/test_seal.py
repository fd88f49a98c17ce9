import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from django.test import Client
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from ggzy.core import pdf, seal
from ggzy.kernel import clock
from ggzy.kernel.errors import InvalidInput
from tests.conftest import START

SIGNED_AT = START + timedelta(hours=1, minutes=15, seconds=30)


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    """The database's own directory (``core.instance``), where the seal is made."""
    settings.GGZY_INSTANCE_DIR = tmp_path / "var"
    return Path(settings.GGZY_INSTANCE_DIR)


@pytest.fixture
def notice() -> bytes:
    return pdf.render(
        title="中标通知书",
        blocks=[pdf.Fields([("中标人", "湖南第一建设有限公司"), ("中标价", "壹佰万元整")])],
        created=SIGNED_AT,
    )


def sealed(document: bytes) -> bytes:
    return seal.seal_pdf(document, reason="中标通知书", location="长沙", signed_at=SIGNED_AT)


def test_a_sealed_pdf_verifies(var_dir: Path, notice: bytes) -> None:
    check = seal.verify_pdf(sealed(notice))

    assert check.intact
    assert check.valid
    assert check.trusted
    assert check.covers_document
    assert "电子印章" in check.signer
    assert check.signed_at == SIGNED_AT
    assert check.summary.startswith("电子印章有效")
    assert (var_dir / "platform-seal" / "seal.key").stat().st_mode & 0o077 == 0


def test_seal_time_defaults_to_the_platform_clock(
    var_dir: Path, notice: bytes, manual_clock: clock.ManualClock
) -> None:
    check = seal.verify_pdf(seal.seal_pdf(notice, reason="中标通知书"))

    assert check.signed_at == manual_clock.now()


def test_the_seal_is_intl_whatever_the_suite(var_dir: Path, settings: Any) -> None:
    settings.GGZY_CRYPTO_SUITE = "gm"

    certificate = x509.load_pem_x509_certificate(seal.certificate_pem())
    root = x509.load_pem_x509_certificate(seal.root_pem())
    assert certificate.signature_algorithm_oid == x509.SignatureAlgorithmOID.ECDSA_WITH_SHA256
    assert certificate.issuer == root.subject
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment


def test_a_changed_byte_breaks_the_seal(var_dir: Path, notice: bytes) -> None:
    document = sealed(notice)
    at = document.index(b"ReportLab")  # in the /Producer string, inside the signed range
    tampered = document[:at] + b"X" + document[at + 1 :]

    check = seal.verify_pdf(tampered)

    assert check.signer  # the file was read; only the seal failed
    assert not check.intact
    assert not check.valid
    assert not check.trusted
    assert check.summary.startswith("电子印章无效")


def test_content_appended_after_sealing_is_not_covered(var_dir: Path, notice: bytes) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed(notice)))
    writer.document_meta.title = "篡改后的标题"
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    check = seal.verify_pdf(out.getvalue())

    assert check.intact
    assert check.valid
    assert not check.covers_document
    assert "追加" in check.summary


def test_a_seal_from_another_root_is_not_trusted(
    settings: Any, tmp_path: Path, notice: bytes
) -> None:
    settings.GGZY_INSTANCE_DIR = tmp_path / "elsewhere"
    foreign = sealed(notice)
    settings.GGZY_INSTANCE_DIR = tmp_path / "var"

    check = seal.verify_pdf(foreign)

    assert seal.root_pem() != _root_of(tmp_path / "elsewhere")
    assert check.intact
    assert check.valid
    assert not check.trusted
    assert "不受信任" in check.summary
    assert seal.verify_pdf(foreign, root=_root_of(tmp_path / "elsewhere")).trusted


def _root_of(var_dir: Path) -> bytes:
    return (var_dir / "platform-seal" / "ca" / "ca.pem").read_bytes()


@pytest.mark.parametrize(
    "document", [b"", b"garbage", b"%PDF-1.4\n%%EOF\n", b"%PDF-1.7\n" + bytes(range(256)) * 8]
)
def test_garbage_is_reported_not_raised(var_dir: Path, document: bytes) -> None:
    check = seal.verify_pdf(document)

    assert check == seal.SealCheck(
        intact=False,
        valid=False,
        trusted=False,
        covers_document=False,
        signer="",
        signed_at=None,
        summary=check.summary,
    )
    assert check.summary


def test_a_bad_root_is_reported_not_raised(var_dir: Path, notice: bytes) -> None:
    check = seal.verify_pdf(sealed(notice), root=b"not a certificate")

    assert not check.trusted
    assert "根证书" in check.summary


def test_an_unsealed_pdf_has_no_seal(var_dir: Path, notice: bytes) -> None:
    check = seal.verify_pdf(notice)

    assert not check.intact
    assert check.summary == "文件中没有平台电子印章"


def test_sealing_garbage_is_refused(var_dir: Path) -> None:
    with pytest.raises(InvalidInput):
        seal.seal_pdf(b"garbage", reason="x")


def test_a_naive_seal_time_is_refused(var_dir: Path, notice: bytes) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        seal.seal_pdf(notice, reason="x", signed_at=SIGNED_AT.replace(tzinfo=None))


def test_losing_the_creation_race_keeps_the_winners_seal(var_dir: Path) -> None:
    root = seal.root_pem()
    directory = var_dir / "platform-seal"

    seal._create(directory)  # a second process arriving late

    assert _root_of(var_dir) == root
    assert [p.name for p in var_dir.iterdir()] == ["platform-seal"]


@pytest.mark.django_db
def test_the_api_publishes_both_certificates(var_dir: Path, client: Client) -> None:
    response = client.get("/api/v1/ledger/seal-certificate")

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "certificate_pem": seal.certificate_pem().decode(),
        "root_pem": seal.root_pem().decode(),
    }
    assert body["root_pem"].startswith("-----BEGIN CERTIFICATE-----")
