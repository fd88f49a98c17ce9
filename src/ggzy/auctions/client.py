"""The bidder's and the keyholder's client for auctions (standard library and the kernel's
crypto only): seal a single sealed bid on this machine and hand it in; unwrap a keyholder's
shares of every sealed envelope on this machine and hand them in."""

from __future__ import annotations

import base64
from typing import Any

from ggzy.kernel.money import fen
from ggzy.tendering.client import Client, ClientError, _q

from .sealed_bid import keyholder_shares, seal_offer


class AuctionClient(Client):
    api = "/api/v1/auctions"

    def hand_in_sealed_bid(self, auction_id: int | str, amount: str, sign_key_pem: bytes) -> Any:
        """Seal ``amount`` (yuan) to the sale's keyholders here, then hand in the envelope."""
        info = self._call("GET", f"/{_q(auction_id)}/sealing")
        if not info.get("bidder_no"):
            raise ClientError(
                403,
                "not_qualified",
                "您没有本项目的竞买号（资格审查或保证金未确认）",
                "you have no bidder number in this sale (review or deposit not confirmed)",
            )
        envelope = seal_offer(
            suite=info["suite"],
            auction_code=info["auction"],
            bidder_no=info["bidder_no"],
            amount=fen(amount, field="amount"),
            keyholders=[pem.encode() for pem in info["keyholders"]],
            threshold=info["threshold"],
            sign_key_pem=sign_key_pem,
        )
        body = {"envelope": base64.b64encode(envelope).decode()}
        return self._call("POST", f"/{_q(auction_id)}/sealed-bids", body)

    def hand_in_shares(self, auction_id: int | str, keyholder_key_pem: bytes) -> Any:
        """This keyholder's share of every sealed envelope, unwrapped here."""
        envelopes = self._call("GET", f"/{_q(auction_id)}/envelopes")["envelopes"]
        shares = keyholder_shares(envelopes, keyholder_key_pem)
        return self._call("POST", f"/{_q(auction_id)}/shares", {"shares": shares})
