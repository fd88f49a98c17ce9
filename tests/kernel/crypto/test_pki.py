from __future__ import annotations

import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ggzy.kernel.crypto import (
    CryptoSuite,
    DevCA,
    get_suite,
    load_certificate,
    read_revocation_list,
    require_usage,
    verify_chain,
)
from ggzy.kernel.errors import Conflict, InvalidInput, NotFound

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
USCC = "91350100M000100Y43"


@pytest.fixture
def ca(suite: CryptoSuite, tmp_path: Path) -> DevCA:
    return DevCA.create(tmp_path / f"{suite.name}-root", suite.name, not_before=T0)


def _issue(ca: DevCA, usage: str = "sign", **kwargs: object) -> tuple[bytes, bytes]:
    options: dict[str, object] = {
        "serial_number_attr": USCC,
        "organisation": "福州某某建设有限公司",
        "not_before": T0,
    }
    options.update(kwargs)
    return ca.issue("张三", usage=usage, **options)  # type: ignore[arg-type]


def _code(cert: bytes, roots: list[bytes], **kwargs: object) -> str:
    with pytest.raises(InvalidInput) as err:
        verify_chain(cert, roots, **{"at": T0 + timedelta(days=1), **kwargs})  # type: ignore[arg-type]
    return err.value.code


def _der(pem: bytes) -> bytes:
    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


def _pem(der: bytes) -> bytes:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


def test_issue_and_verify(ca: DevCA, suite: CryptoSuite) -> None:
    cert, key = _issue(ca)
    info = verify_chain(cert, [ca.cert_pem], at=T0 + timedelta(days=1), usage="sign")
    assert info.subject_cn == "张三"
    assert info.serial_number_attr == USCC
    assert info.organisation == "福州某某建设有限公司"
    assert info.suite == suite.name
    assert info.key_usage == {"digital_signature", "content_commitment"}
    assert info.not_before == T0 and info.not_after == T0 + timedelta(days=365)
    assert "ggzy" in info.issuer and not info.is_ca
    assert info.fingerprint_sha256 == load_certificate(cert).fingerprint_sha256
    # the certificate's key is the issued key, usable through the suite
    assert suite.verify(info.public_key_pem, b"bid", suite.sign(key, b"bid"))
    assert suite.key_id(info.public_key_pem) == suite.key_id(suite.public_key(key))


def test_signature_algorithm_is_the_suites(ca: DevCA, suite: CryptoSuite) -> None:
    cert, _ = _issue(ca)
    parsed = x509.load_pem_x509_certificate(cert)
    assert parsed.signature_algorithm_oid.dotted_string == suite.signature_oid
    assert parsed.version == x509.Version.v3
    assert parsed.subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)[0].value == USCC


def test_encryption_certificate_usage(ca: DevCA) -> None:
    cert, _ = _issue(ca, "encrypt")
    info = verify_chain(cert, [ca.cert_pem], at=T0, usage="encrypt")
    assert info.key_usage == {"key_encipherment", "data_encipherment", "key_agreement"}
    assert _code(cert, [ca.cert_pem], usage="sign") == "cert_wrong_usage"
    sign_cert, _ = _issue(ca, "sign")
    with pytest.raises(InvalidInput) as err:
        require_usage(load_certificate(sign_cert), "encrypt")
    assert err.value.code == "cert_wrong_usage"
    with pytest.raises(InvalidInput):
        require_usage(ca.info, "sign")  # a CA certificate signs certificates only


def test_validity_uses_the_given_time(ca: DevCA) -> None:
    cert, _ = _issue(ca, days=30)
    assert verify_chain(cert, [ca.cert_pem], at=T0).serial
    assert verify_chain(cert, [ca.cert_pem], at=T0 + timedelta(days=30)).serial
    assert _code(cert, [ca.cert_pem], at=T0 + timedelta(days=30, seconds=1)) == "cert_expired"
    assert _code(cert, [ca.cert_pem], at=T0 - timedelta(seconds=1)) == "cert_not_yet_valid"
    with pytest.raises(ValueError, match="timezone"):
        verify_chain(cert, [ca.cert_pem], at=datetime(2026, 12, 1))


def test_expired_root(suite: CryptoSuite, tmp_path: Path) -> None:
    short = DevCA.create(tmp_path / "short", suite.name, days=10, not_before=T0)
    cert, _ = _issue(short)
    assert _code(cert, [short.cert_pem], at=T0 + timedelta(days=11)) == "cert_expired"


def test_revocation(ca: DevCA) -> None:
    cert, _ = _issue(ca)
    other, _ = _issue(ca)
    serial = load_certificate(cert).serial
    ca.revoke(serial, at=T0)
    revoked = ca.revoked_serials()
    assert revoked == {serial}
    assert _code(cert, [ca.cert_pem], revoked_serials=revoked) == "cert_revoked"
    assert verify_chain(other, [ca.cert_pem], at=T0, revoked_serials=revoked).serial
    # the verifier reads the published list with nothing but the CA certificate
    assert read_revocation_list(ca.revocation_list(), ca.cert_pem) == {serial}


def test_revocation_list_is_signed(ca: DevCA, tmp_path: Path) -> None:
    cert, _ = _issue(ca)
    ca.revoke(load_certificate(cert).serial, at=T0)
    published = ca.revocation_list()
    emptied = published.replace(b'"revoked":[{', b'"revoked":[],"x":[{')
    for bad in (emptied, published[:-5], b"{}", b"\xff"):
        with pytest.raises(InvalidInput) as err:
            read_revocation_list(bad, ca.cert_pem)
        assert err.value.code == "revocation_list_invalid"
    stranger = DevCA.create(tmp_path / "stranger", ca.suite.name, not_before=T0)
    with pytest.raises(InvalidInput):
        read_revocation_list(published, stranger.cert_pem)


def test_tampered_certificate_is_untrusted(ca: DevCA) -> None:
    cert, _ = _issue(ca)
    der = _der(cert)
    signature_tail = _pem(der[:-1] + bytes([der[-1] ^ 0x01]))
    assert _code(signature_tail, [ca.cert_pem]) == "cert_untrusted"
    at = der.find("张三".encode())
    renamed = _pem(der[:at] + "李四".encode() + der[at + len("张三".encode()) :])
    assert load_certificate(renamed).subject_cn == "李四"
    assert _code(renamed, [ca.cert_pem]) == "cert_untrusted"
    uscc_at = der.find(USCC.encode())
    other_id = _pem(der[:uscc_at] + b"91350100M000100Y44" + der[uscc_at + len(USCC) :])
    assert _code(other_id, [ca.cert_pem]) == "cert_untrusted"


def test_every_signature_byte_matters(ca: DevCA) -> None:
    cert, _ = _issue(ca)
    der = _der(cert)
    signature_len = len(x509.load_der_x509_certificate(der).signature)
    for i in range(len(der) - signature_len, len(der)):
        tampered = der[:i] + bytes([der[i] ^ 0x80]) + der[i + 1 :]
        try:
            pem = _pem(tampered)
        except ValueError:
            continue  # no longer parses at all: cannot be mistaken for valid
        assert _code(pem, [ca.cert_pem]) in ("cert_untrusted", "cert_malformed")


def test_other_ca_is_untrusted(ca: DevCA, suite: CryptoSuite, tmp_path: Path) -> None:
    impostor = DevCA.create(
        tmp_path / "impostor",
        suite.name,
        common_name=ca.info.subject_cn,
        organisation=ca.info.organisation or "",
        not_before=T0,
    )
    cert, _ = _issue(impostor)
    assert impostor.info.issuer == ca.info.issuer  # same name, different key
    assert _code(cert, [ca.cert_pem]) == "cert_untrusted"
    assert _code(cert, []) == "cert_untrusted"
    assert verify_chain(cert, [ca.cert_pem, impostor.cert_pem], at=T0).subject_cn == "张三"


def test_cross_suite_root_is_untrusted(ca: DevCA, suite: CryptoSuite, tmp_path: Path) -> None:
    other = "intl" if suite.name == "gm" else "gm"
    foreign = DevCA.create(tmp_path / "foreign", other, not_before=T0)
    cert, _ = _issue(ca)
    assert _code(cert, [foreign.cert_pem]) == "cert_untrusted"


def test_intermediate(ca: DevCA, tmp_path: Path) -> None:
    sub = ca.create_subordinate(tmp_path / "sub", "ggzy 中间 CA", not_before=T0)
    cert, _ = _issue(sub, "encrypt")
    info = verify_chain(
        cert, [ca.cert_pem], intermediates_pem=[sub.cert_pem], at=T0, usage="encrypt"
    )
    assert info.issuer == sub.info.issuer.replace(sub.info.issuer, info.issuer)
    assert _code(cert, [ca.cert_pem]) == "cert_untrusted"  # intermediate not supplied
    assert (
        _code(
            cert, [ca.cert_pem], intermediates_pem=[sub.cert_pem], revoked_serials={sub.info.serial}
        )
        == "cert_revoked"
    )
    # a leaf cannot act as a CA
    leaf, _ = _issue(ca)
    assert _code(cert, [ca.cert_pem], intermediates_pem=[leaf]) == "cert_untrusted"


def test_malformed(ca: DevCA) -> None:
    for bad in (b"", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"):
        assert _code(bad, [ca.cert_pem]) == "cert_malformed"
        with pytest.raises(InvalidInput):
            load_certificate(bad)


def test_dev_ca_files(ca: DevCA, suite: CryptoSuite) -> None:
    key_file = ca.directory / "ca.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in key_file.read_bytes()
    loaded = DevCA.load(ca.directory)
    assert loaded.cert_pem == ca.cert_pem and loaded.suite.name == suite.name
    assert loaded.info.is_ca and "key_cert_sign" in loaded.info.key_usage
    with pytest.raises(Conflict):
        DevCA.create(ca.directory, suite.name)
    with pytest.raises(NotFound):
        DevCA.load(ca.directory / "nowhere")


def test_certify_an_existing_key(ca: DevCA, suite: CryptoSuite) -> None:
    _, public = suite.generate_keypair()
    cert = ca.certify(public, "李四", usage="sign", serial_number_attr="110101199003077777")
    assert load_certificate(cert).public_key_pem == public
    other = get_suite("intl" if suite.name == "gm" else "gm")
    with pytest.raises(InvalidInput) as err:
        ca.certify(other.generate_keypair()[1], "王五", usage="sign")
    assert err.value.code == "key_wrong_type"
    long_name = "福建省福州市某某建设工程集团有限公司第一工程分公司第二项目部"  # > 64 UTF-8 bytes
    assert load_certificate(ca.certify(public, long_name, usage="sign")).subject_cn == long_name
    for bad in ("x" * 65, ""):
        with pytest.raises(InvalidInput) as bad_name:
            ca.certify(public, bad, usage="sign")
        assert bad_name.value.code == "cert_subject_invalid"


# -- independent checks of the GM certificates --------------------------------------------


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command")
def test_openssl_accepts_gm_certificates(tmp_path: Path) -> None:
    """OpenSSL 3 checks SM2 signatures when told the default ID (its own default is empty)."""
    ca = DevCA.create(tmp_path / "root", "gm", not_before=T0)
    cert, _ = _issue(ca)
    (tmp_path / "leaf.pem").write_bytes(cert)
    at = str(int((T0 + timedelta(days=1)).timestamp()))
    result = subprocess.run(
        [
            "openssl",
            "verify",
            "-vfyopt",
            "distid:1234567812345678",
            "-attime",
            at,
            "-CAfile",
            str(ca.directory / "ca.pem"),
            str(tmp_path / "leaf.pem"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if "vfyopt" in result.stderr:  # OpenSSL older than 3.0
        pytest.skip("this openssl cannot set the SM2 distinguishing ID")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_gmssl_accepts_gm_certificate_signatures(tmp_path: Path) -> None:
    from gmssl import sm2 as gmssl_sm2
    from tongsuopy.crypto import serialization as t_serialization

    ca = DevCA.create(tmp_path / "root", "gm", not_before=T0)
    cert = x509.load_pem_x509_certificate(_issue(ca)[0])
    numbers = t_serialization.load_pem_public_key(ca.info.public_key_pem).public_numbers()
    peer = gmssl_sm2.CryptSM2(
        private_key="", public_key=f"{numbers.x:064x}{numbers.y:064x}", asn1=True
    )
    peer.public_key = f"{numbers.x:064x}{numbers.y:064x}"  # gmssl's lstrip("04") bug
    assert peer.verify_with_sm3(cert.signature.hex(), cert.tbs_certificate_bytes)
