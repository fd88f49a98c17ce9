"""Cryptography for ggzy: two suites (国密 GM and international), streaming encryption,
sealed envelopes, k-of-n secret sharing and X.509. Pure Python, no Django.

See docs/crypto.md for the formats and the security reasoning.
"""

from ggzy.kernel.crypto.envelope import (
    EnvelopeHeader,
    Escrow,
    OpenedEnvelope,
    SealedHeader,
    check_ciphertext,
    container_size,
    open_envelope,
    open_with_shares,
    parse_header,
    read_header,
    recover_data_key,
    seal,
    unwrap_data_key,
    unwrap_escrow_share,
    verify_envelope,
    verify_header_signature,
)
from ggzy.kernel.crypto.pki import (
    CertInfo,
    DevCA,
    load_certificate,
    read_revocation_list,
    require_usage,
    verify_chain,
)
from ggzy.kernel.crypto.shamir import Share, combine, split
from ggzy.kernel.crypto.stream import StreamInfo, decrypt_stream, encrypt_stream
from ggzy.kernel.crypto.suites import SUITE_NAMES, CryptoSuite, Hasher, get_suite

__all__ = [
    "SUITE_NAMES",
    "CertInfo",
    "CryptoSuite",
    "DevCA",
    "EnvelopeHeader",
    "Escrow",
    "Hasher",
    "OpenedEnvelope",
    "SealedHeader",
    "Share",
    "StreamInfo",
    "check_ciphertext",
    "combine",
    "container_size",
    "decrypt_stream",
    "encrypt_stream",
    "get_suite",
    "load_certificate",
    "open_envelope",
    "open_with_shares",
    "parse_header",
    "read_header",
    "read_revocation_list",
    "recover_data_key",
    "require_usage",
    "seal",
    "split",
    "unwrap_data_key",
    "unwrap_escrow_share",
    "verify_chain",
    "verify_envelope",
    "verify_header_signature",
]
