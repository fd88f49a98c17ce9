"""The platform's signing key: it signs receipts and opening records (平台签名).

Generated on first use in the database's own directory (``core.instance``), in the
configured suite. Its public key is published at ``/api/v1/ledger/platform-key`` so anyone
can check a receipt offline.
"""

from __future__ import annotations

import base64
import os
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from ggzy.kernel.crypto import get_suite
from ggzy.kernel.crypto.canonical import canonical_json

from . import instance


def _directory() -> Path:
    return instance.directory() / "platform-key" / settings.GGZY_CRYPTO_SUITE


def _keypair() -> tuple[bytes, bytes]:
    return _load(_directory())


@cache
def _load(directory: Path) -> tuple[bytes, bytes]:
    private, public = directory / "key.pem", directory / "public.pem"
    if not private.exists():
        directory.mkdir(parents=True, exist_ok=True)
        key_pem, public_pem = get_suite(settings.GGZY_CRYPTO_SUITE).generate_keypair()
        try:
            fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first; read theirs
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(key_pem)
            public.write_bytes(public_pem)
    key_pem = private.read_bytes()
    return key_pem, get_suite(settings.GGZY_CRYPTO_SUITE).public_key(key_pem)


def signing_key_pem() -> bytes:
    """The private key, for envelopes the platform seals itself (a reserve price)."""
    return _keypair()[0]


def public_pem() -> bytes:
    return _keypair()[1]


def public_key() -> dict[str, str]:
    suite = get_suite(settings.GGZY_CRYPTO_SUITE)
    public_pem = _keypair()[1]
    return {
        "suite": suite.name,
        "key_id": suite.key_id(public_pem),
        "public_pem": public_pem.decode(),
    }


def sign(document: dict[str, Any]) -> str:
    """Base64 signature over the canonical JSON of ``document``."""
    suite = get_suite(settings.GGZY_CRYPTO_SUITE)
    return base64.b64encode(suite.sign(_keypair()[0], canonical_json(document))).decode()


def verify(document: dict[str, Any], signature: str) -> bool:
    suite = get_suite(settings.GGZY_CRYPTO_SUITE)
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    return suite.verify(_keypair()[1], canonical_json(document), raw)
