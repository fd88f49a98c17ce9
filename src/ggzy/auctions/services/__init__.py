"""The only write path of auctions; every function checks the rules and writes its ledger
entry in the same transaction."""

from .bidding import advance, advance_due, declare, place_bid
from .pre_emption import answer as answer_pre_emption
from .registration import apply, confirm_deposit, review
from .results import envelope_parts, submit_shares
from .sealed import submit_sealed_bid
from .setup import announce, register_auction, seal_reserve

__all__ = [
    "advance",
    "advance_due",
    "announce",
    "answer_pre_emption",
    "apply",
    "confirm_deposit",
    "declare",
    "envelope_parts",
    "place_bid",
    "register_auction",
    "review",
    "seal_reserve",
    "submit_sealed_bid",
    "submit_shares",
]
