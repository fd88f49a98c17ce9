from __future__ import annotations

import os

import pytest
from gmssl import sm2 as gmssl_sm2

from ggzy.kernel.crypto import CryptoSuite, _sm2, get_suite
from ggzy.kernel.errors import InvalidInput

from .conftest import flip, keypair

# GB/T 32918.5-2017 example key on the recommended curve.
KAT_D = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
KAT_X = 0x09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020
KAT_Y = 0xCCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13
KAT_K = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21


def _kat_public_pem() -> bytes:
    from tongsuopy.crypto import serialization
    from tongsuopy.crypto.asymciphers import ec

    key = ec.EllipticCurvePublicNumbers(KAT_X, KAT_Y, ec.SM2()).public_key()
    return bytes(
        key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def _kat_private_pem() -> bytes:
    from tongsuopy.crypto import serialization
    from tongsuopy.crypto.asymciphers import ec

    key = ec.derive_private_key(KAT_D, ec.SM2())
    return bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


# -- known answers ----------------------------------------------------------------------


def test_hash_known_answers() -> None:
    assert get_suite("gm").hash(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert get_suite("intl").hash(b"abc").hex() == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_hasher_is_incremental(suite: CryptoSuite) -> None:
    h = suite.hasher()
    for part in (b"a", b"", b"bc"):
        h.update(part)
    assert h.digest() == suite.hash(b"abc")
    assert suite.hash_name in ("sm3", "sha256")


def test_sm4_gcm_known_answer_rfc8998() -> None:
    gm = get_suite("gm")
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = b"".join(bytes([c]) * 8 for c in (0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0xEE, 0xAA))
    expected = bytes.fromhex(
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
        "83DE3541E4C2B58177E065A9BF7B62EC"
    )
    assert gm.aead_encrypt(key, nonce, plaintext, aad) == expected
    assert gm.aead_decrypt(key, nonce, expected, aad) == plaintext


def test_sm2_signature_known_answer_uses_default_id() -> None:
    """GB/T 32918.5 example signature of "message digest" with ID 1234567812345678."""
    r = 0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
    s = 0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA
    der = _der_signature(r, s)
    gm = get_suite("gm")
    assert gm.verify(_kat_public_pem(), b"message digest", der)
    assert not gm.verify(_kat_public_pem(), b"message digest!", der)


def _der_signature(r: int, s: int) -> bytes:
    from ggzy.kernel.crypto import _der

    return _der.sequence(_der.integer(r), _der.integer(s))


def test_sm2_encryption_known_answer() -> None:
    """GB/T 32918.5 example: "encryption standard" with the fixed k, laid out C1C3C2."""
    ciphertext = _sm2.encrypt((KAT_X, KAT_Y), b"encryption standard", k=KAT_K)
    assert ciphertext.hex().upper() == (
        "04"
        "04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73"
        "E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0"
        "59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766"
        "21886CA989CA9C7D58087307CA93092D651EFA"
    )
    assert get_suite("gm").unwrap_key(_kat_private_pem(), ciphertext + b"") == (
        b"encryption standard"
    )


def test_sm2_wrap_interoperates_with_gmssl() -> None:
    gm = get_suite("gm")
    data_key = os.urandom(16)
    wrapped = gm.wrap_key(_kat_public_pem(), data_key)
    peer = gmssl_sm2.CryptSM2(private_key=f"{KAT_D:064x}", public_key=f"{KAT_X:064x}{KAT_Y:064x}")
    peer.mode = 1  # C1C3C2
    assert peer.decrypt(wrapped[1:]) == data_key  # gmssl writes C1 without the 04 byte
    theirs = b"\x04" + peer.encrypt(data_key)
    assert gm.unwrap_key(_kat_private_pem(), theirs) == data_key


def test_sm2_signatures_interoperate_with_gmssl() -> None:
    gm = get_suite("gm")
    signature = gm.sign(_kat_private_pem(), b"bid receipt")
    peer = gmssl_sm2.CryptSM2(
        private_key=f"{KAT_D:064x}", public_key=f"{KAT_X:064x}{KAT_Y:064x}", asn1=True
    )
    assert peer.verify_with_sm3(signature.hex(), b"bid receipt")
    theirs = bytes.fromhex(peer.sign_with_sm3(b"bid receipt"))
    assert gm.verify(_kat_public_pem(), b"bid receipt", theirs)


# -- round trips and tampering ----------------------------------------------------------


def test_sign_verify(suite: CryptoSuite) -> None:
    private, public = keypair(suite)
    signature = suite.sign(private, b"bid")
    assert suite.verify(public, b"bid", signature)
    assert not suite.verify(public, b"bid ", signature)
    assert not suite.verify(keypair(suite, 1)[1], b"bid", signature)
    assert not suite.verify(public, b"bid", b"")
    assert not suite.verify(public, b"bid", b"\x30\x00")
    for i in range(len(signature)):
        assert not suite.verify(public, b"bid", flip(signature, i))


def test_public_key_and_key_id(suite: CryptoSuite) -> None:
    private, public = keypair(suite)
    assert suite.public_key(private) == public
    assert suite.key_id(public) == suite.key_id(suite.public_key(private))
    assert suite.key_id(public) != suite.key_id(keypair(suite, 1)[1])
    assert len(suite.key_id(public)) == 64


def test_wrap_unwrap(suite: CryptoSuite) -> None:
    private, public = keypair(suite)
    data_key = os.urandom(suite.aead_key_size)
    wrapped = suite.wrap_key(public, data_key)
    assert wrapped != suite.wrap_key(public, data_key)  # randomised
    assert suite.unwrap_key(private, wrapped) == data_key
    with pytest.raises(InvalidInput) as wrong:
        suite.unwrap_key(keypair(suite, 1)[0], wrapped)
    assert wrong.value.code == "unwrap_failed"


def test_any_change_to_a_wrapped_key_is_detected(suite: CryptoSuite) -> None:
    private, public = keypair(suite)
    wrapped = suite.wrap_key(public, os.urandom(suite.aead_key_size))
    # every byte for INTL; for GM (pure-Python point multiplication) every 4th byte and
    # every byte of C3 and C2
    positions = (
        range(len(wrapped))
        if suite.name == "intl"
        else [
            *range(0, 65, 4),
            *range(65, len(wrapped)),
        ]
    )
    for i in positions:
        with pytest.raises(InvalidInput) as err:
            suite.unwrap_key(private, flip(wrapped, i))
        assert err.value.code == "unwrap_failed"
    for cut in (wrapped[:-1], wrapped + b"\x00", b""):
        with pytest.raises(InvalidInput):
            suite.unwrap_key(private, cut)


def test_aead(suite: CryptoSuite) -> None:
    key, nonce = os.urandom(suite.aead_key_size), os.urandom(12)
    sealed = suite.aead_encrypt(key, nonce, b"price: 1000000.00", b"lot-7")
    assert suite.aead_decrypt(key, nonce, sealed, b"lot-7") == b"price: 1000000.00"
    for i in range(len(sealed)):
        with pytest.raises(InvalidInput) as err:
            suite.aead_decrypt(key, nonce, flip(sealed, i), b"lot-7")
        assert err.value.code == "decrypt_failed"
    with pytest.raises(InvalidInput):
        suite.aead_decrypt(key, nonce, sealed, b"lot-8")
    with pytest.raises(InvalidInput) as size:
        suite.aead_encrypt(b"short", nonce, b"", b"")
    assert size.value.code == "key_wrong_size"


def test_malformed_and_foreign_keys(suite: CryptoSuite) -> None:
    other = get_suite("intl" if suite.name == "gm" else "gm")
    foreign_private, foreign_public = keypair(other)
    for bad in (b"", b"not a key", b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"):
        with pytest.raises(InvalidInput) as err:
            suite.verify(bad, b"x", b"sig")
        assert err.value.code == "key_malformed"
    with pytest.raises(InvalidInput) as wrong:
        suite.verify(foreign_public, b"x", b"sig")
    assert wrong.value.code == "key_wrong_type"
    with pytest.raises(InvalidInput) as wrong_private:
        suite.sign(foreign_private, b"x")
    assert wrong_private.value.code == "key_wrong_type"
    with pytest.raises(InvalidInput):
        suite.wrap_key(foreign_public, os.urandom(16))


def test_unknown_suite() -> None:
    with pytest.raises(InvalidInput) as err:
        get_suite("rot13")
    assert err.value.code == "suite_unknown"
