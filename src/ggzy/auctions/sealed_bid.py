"""A single sealed bid (一次报价), sealed on the bidder's own machine: the offer is encrypted
to the auction's keyholders, k of n needed to open it, with no other recipient — not the
platform, not the bidder — and the header is signed with the bidder's bound signing key.
Nobody can read an offer before the keyholders hand in their shares after the deadline."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Sequence

from ggzy.kernel.crypto import get_suite
from ggzy.kernel.crypto.envelope import Escrow, seal

PURPOSE = "auction-sealed-bid"
MAX_BYTES = 64 * 1024
PLAINTEXT_BYTES = 256  # every sealed amount is padded to this, so its length tells nothing


def padded(content: dict[str, object]) -> bytes:
    """``content`` as JSON padded with spaces to ``PLAINTEXT_BYTES`` (still valid JSON)."""
    text = json.dumps(content).encode()
    if len(text) > PLAINTEXT_BYTES:
        raise ValueError("the sealed content is too long")
    return text + b" " * (PLAINTEXT_BYTES - len(text))


def aad(auction_code: str, bidder_no: str) -> dict[str, str]:
    """What the envelope's metadata and its plaintext must both name."""
    return {"purpose": PURPOSE, "auction": auction_code, "bidder_no": bidder_no}


def seal_offer(
    *,
    suite: str,
    auction_code: str,
    bidder_no: str,
    amount: int,
    keyholders: Sequence[bytes],
    threshold: int,
    sign_key_pem: bytes,
) -> bytes:
    """The envelope of an offer of ``amount`` fen (the API's ``GET …/sealing`` gives the
    keyholders' public keys and the threshold)."""
    named = aad(auction_code, bidder_no)
    out = io.BytesIO()
    seal(
        get_suite(suite),
        io.BytesIO(padded({**named, "amount": amount})),
        out,
        signer_private_pem=sign_key_pem,
        recipients=[],
        metadata=named,
        escrow=Escrow(threshold, list(keyholders)),
    )
    return out.getvalue()


def keyholder_shares(
    envelopes: Sequence[dict[str, str]], keyholder_key_pem: bytes
) -> dict[str, str]:
    """On a keyholder's own machine: its share of every envelope the API lists
    (``GET …/envelopes``), ready for ``POST …/shares``."""
    from ggzy.tendering.bidfile import escrow_share

    return {
        part["envelope"]: base64.b64encode(
            escrow_share(
                base64.b64decode(part["header"]),
                base64.b64decode(part["signature"]),
                keyholder_key_pem,
            )
        ).decode()
        for part in envelopes
    }
