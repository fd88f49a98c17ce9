from __future__ import annotations

import base64
import io
import json
import os
import struct

import pytest

from ggzy.kernel.crypto import (
    CryptoSuite,
    Escrow,
    get_suite,
    open_envelope,
    open_with_shares,
    read_header,
    recover_data_key,
    seal,
    unwrap_data_key,
    unwrap_escrow_share,
    verify_envelope,
    verify_header_signature,
)
from ggzy.kernel.crypto.canonical import canonical_json
from ggzy.kernel.errors import InvalidInput

from .conftest import flip, keypair

META = {"lot": "GC-2026-0042-01", "bidder": "91350100M000100Y43", "fingerprint": "ab:cd", "n": 3}
PAYLOAD = "投标报价：人民币壹佰万元整 / bid: CNY 1,000,000.00\n".encode() * 5


def _seal(
    suite: CryptoSuite,
    payload: bytes = PAYLOAD,
    *,
    escrow: Escrow | None = None,
    recipients: list[bytes] | None = None,
    chunk_size: int = 64,
) -> bytes:
    out = io.BytesIO()
    seal(
        suite,
        io.BytesIO(payload),
        out,
        signer_private_pem=keypair(suite, 0)[0],
        recipients=[keypair(suite, 1)[1]] if recipients is None else recipients,
        metadata=META,
        escrow=escrow,
        chunk_size=chunk_size,
    )
    return out.getvalue()


def _open(suite: CryptoSuite, blob: bytes, **kwargs: object) -> bytes:
    out = io.BytesIO()
    opened = open_envelope(
        io.BytesIO(blob),
        out,
        signer_public_pem=keypair(suite, 0)[1],
        **kwargs,  # type: ignore[arg-type]
    )
    assert opened.plaintext_digest == suite.hash(out.getvalue())
    return out.getvalue()


def test_round_trip_with_recipient_key(suite: CryptoSuite) -> None:
    blob = _seal(suite)
    assert _open(suite, blob, recipient_private_pem=keypair(suite, 1)[0]) == PAYLOAD


def test_platform_checks_without_private_keys(suite: CryptoSuite) -> None:
    blob = _seal(suite)
    sealed = verify_envelope(io.BytesIO(blob), keypair(suite, 0)[1])
    header = sealed.header
    assert header.suite == suite.name
    assert header.metadata == META
    assert header.size == len(PAYLOAD)
    assert header.sender_key_id == suite.key_id(keypair(suite, 0)[1])
    assert [r.key_id for r in header.recipients] == [suite.key_id(keypair(suite, 1)[1])]
    assert PAYLOAD not in blob and suite.hash(PAYLOAD).hex().encode() not in blob
    # the header is canonical JSON, signed as is
    assert canonical_json(json.loads(sealed.header_bytes)) == sealed.header_bytes
    with pytest.raises(InvalidInput) as err:
        verify_header_signature(sealed, keypair(suite, 1)[1])
    assert err.value.code == "envelope_wrong_signer"


def test_released_data_key_opens_and_a_wrong_one_is_refused(suite: CryptoSuite) -> None:
    blob = _seal(suite)
    sealed = read_header(io.BytesIO(blob))
    data_key = unwrap_data_key(sealed, keypair(suite, 1)[0])  # on the bidder's machine
    assert _open(suite, blob, data_key=data_key) == PAYLOAD
    with pytest.raises(InvalidInput) as err:
        _open(suite, blob, data_key=os.urandom(len(data_key)))
    assert err.value.code == "envelope_key_mismatch"
    with pytest.raises(InvalidInput) as both:
        _open(suite, blob, data_key=data_key, recipient_private_pem=keypair(suite, 1)[0])
    assert both.value.code == "envelope_open_args"


def test_not_a_recipient(suite: CryptoSuite) -> None:
    blob = _seal(suite)
    with pytest.raises(InvalidInput) as err:
        _open(suite, blob, recipient_private_pem=keypair(suite, 2)[0])
    assert err.value.code == "envelope_not_recipient"


def test_escrow_k_of_n(suite: CryptoSuite) -> None:
    holders = [keypair(suite, slot) for slot in (2, 3, 4)]
    blob = _seal(suite, escrow=Escrow(2, [pub for _, pub in holders]), recipients=[])
    sealed = read_header(io.BytesIO(blob))
    assert sealed.header.escrow_threshold == 2 and len(sealed.header.escrow_shares) == 3
    shares = [unwrap_escrow_share(sealed, holders[i][0]) for i in (2, 0)]
    with pytest.raises(InvalidInput) as few:
        recover_data_key(sealed, shares[:1])
    assert few.value.code == "shamir_too_few_shares"
    out = io.BytesIO()
    opened = open_with_shares(
        io.BytesIO(blob), out, signer_public_pem=keypair(suite, 0)[1], shares=shares
    )
    assert out.getvalue() == PAYLOAD and opened.recovered_from == "escrow"
    with pytest.raises(InvalidInput) as outsider:
        unwrap_escrow_share(sealed, keypair(suite, 1)[0])
    assert outsider.value.code == "envelope_not_keyholder"


def test_any_changed_byte_is_detected_on_receipt_and_opening(suite: CryptoSuite) -> None:
    blob = _seal(suite, payload=PAYLOAD[:100], chunk_size=48)
    sealed = read_header(io.BytesIO(blob))
    data_key = unwrap_data_key(sealed, keypair(suite, 1)[0])
    signer = keypair(suite, 0)[1]
    for i in range(len(blob)):
        tampered = flip(blob, i)
        with pytest.raises(InvalidInput):
            verify_envelope(io.BytesIO(tampered), signer)
        with pytest.raises(InvalidInput):
            open_envelope(
                io.BytesIO(tampered), io.BytesIO(), signer_public_pem=signer, data_key=data_key
            )


def test_changed_wrapped_key_is_refused(suite: CryptoSuite) -> None:
    """A sender who re-signs a header around a damaged wrapped key gets nothing opened."""
    blob = _seal(suite)
    header = json.loads(read_header(io.BytesIO(blob)).header_bytes)
    entry = header["recipients"][0]
    wrapped = base64.b64decode(entry["wrapped_key"])
    entry["wrapped_key"] = base64.b64encode(flip(wrapped, len(wrapped) - 1)).decode()
    resigned = _replace_header(suite, blob, canonical_json(header))
    with pytest.raises(InvalidInput) as err:
        _open(suite, resigned, recipient_private_pem=keypair(suite, 1)[0])
    assert err.value.code == "unwrap_failed"


def _replace_header(suite: CryptoSuite, blob: bytes, header_bytes: bytes) -> bytes:
    """Swap in a new header, signed with the sender's real key."""
    sealed = read_header(io.BytesIO(blob))
    stream_end = sealed.stream_offset + sealed.header.ciphertext_size
    signature = suite.sign(keypair(suite, 0)[0], header_bytes)
    return (
        blob[:stream_end]
        + header_bytes
        + signature
        + struct.pack(">II", len(header_bytes), len(signature))
        + b"GGZYSEAL"
    )


def test_truncated_or_extended_containers(suite: CryptoSuite) -> None:
    blob = _seal(suite)
    signer = keypair(suite, 0)[1]
    for bad in (blob[:-1], blob + b"\x00", blob[:40], b"", b"GGZYSEAL\x01"):
        with pytest.raises(InvalidInput) as err:
            verify_envelope(io.BytesIO(bad), signer)
        assert err.value.code == "envelope_malformed"


def test_non_canonical_header_is_refused(suite: CryptoSuite) -> None:
    blob = _seal(suite)
    sealed = read_header(io.BytesIO(blob))
    spaced = json.dumps(json.loads(sealed.header_bytes), sort_keys=True).encode()
    with pytest.raises(InvalidInput) as err:
        read_header(io.BytesIO(_replace_header(suite, blob, spaced)))
    assert err.value.code == "envelope_malformed"


def test_empty_payload(suite: CryptoSuite) -> None:
    blob = _seal(suite, payload=b"")
    assert _open(suite, blob, recipient_private_pem=keypair(suite, 1)[0]) == b""


@pytest.mark.parametrize(
    ("metadata", "code"),
    [
        ({"price": 1.5}, "envelope_metadata_invalid"),
        ({"n": 2**60}, "envelope_metadata_invalid"),
        ({"nested": {1: "x"}}, "envelope_metadata_invalid"),
        ({"when": object()}, "envelope_metadata_invalid"),
    ],
)
def test_metadata_must_be_portable_json(metadata: dict[str, object], code: str) -> None:
    suite = get_suite("intl")
    with pytest.raises(InvalidInput) as err:
        seal(
            suite,
            io.BytesIO(b"x"),
            io.BytesIO(),
            signer_private_pem=keypair(suite)[0],
            recipients=[keypair(suite, 1)[1]],
            metadata=metadata,
        )
    assert err.value.code == code


def test_seal_needs_someone_to_open_it(suite: CryptoSuite) -> None:
    with pytest.raises(InvalidInput) as err:
        _seal(suite, recipients=[])
    assert err.value.code == "envelope_no_recipient"
    with pytest.raises(InvalidInput) as dup:
        _seal(suite, recipients=[keypair(suite, 1)[1], keypair(suite, 1)[1]])
    assert dup.value.code == "envelope_duplicate_recipient"
