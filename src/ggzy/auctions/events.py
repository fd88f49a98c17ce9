"""Ledger event kinds recorded by auctions (竞价交易台账事件): each a named constant
with what it witnesses. ``docs/events.md`` lists every app's; other apps react to them
through ``core.events``."""

AUCTION_ANNOUNCED = "auction.announced"
"""Publish the announcement (出让/转让公告); the statutory period runs from now. Recorded by
``services.setup.announce``."""

AUCTION_APPLIED = "auction.applied"
"""A market entity applies to bid (提交竞买申请). Recorded by
``services.registration.apply``."""

AUCTION_BID = "auction.bid"
"""A bid accepted in the live hall, in the engine's order. Recorded by
``services.bidding._order``."""

AUCTION_CLOSED = "auction.closed"
"""Bidding has ended (inside the caller's transaction): record it, and settle at once when there
is no reserve to open. Recorded by ``services.results.close``."""

AUCTION_DECLARED = "auction.declared"
"""During the listing period, a bidder says it will go on to timed bidding (参加限时竞价).
Recorded by ``services.bidding.declare``."""

AUCTION_DEPOSIT_CONFIRMED = "auction.deposit_confirmed"
"""The centre confirms the deposit arrived (bank transfer) or was lodged (guarantee). Recorded
by ``services.registration.confirm_deposit``."""

AUCTION_PRE_EMPTION = "auction.pre_emption"
"""A holder says whether it buys at the final price. Recorded by
``services.pre_emption.answer``."""

AUCTION_PRE_EMPTION_OPENED = "auction.pre_emption_opened"
"""The final price is offered to the holders of pre-emption rights (优先购买权). Recorded by
``services.results.settle``."""

AUCTION_QUALIFIED = "auction.qualified"
"""An applicant's review passed and its deposit arrived: it may bid, under an anonymous bidder
number. Recorded by ``services.registration._qualify_if_ready``."""

AUCTION_REGISTERED = "auction.registered"
"""Enter a sale on the platform (进场登记), by centre staff, for the transferor. Recorded by
``services.setup.register_auction``."""

AUCTION_RESERVE_OPENED = "auction.reserve_opened"
"""The keyholders' shares opened the sealed reserve price after the close. Recorded by
``services.results._open_all``."""

AUCTION_RESERVE_SEALED = "auction.reserve_sealed"
"""The transferor enters the reserve price; it is sealed at once and never stored open. Recorded
by ``services.setup.seal_reserve``."""

AUCTION_REVIEWED = "auction.reviewed"
"""The centre reviews an application (资格审查), and records a pre-emption right (优先购买权,
e.g. an existing shareholder's) where the trade type has one. Recorded by
``services.registration.review``."""

AUCTION_SEALED_BID = "auction.sealed_bid"
"""A bidder's sealed bid (密封报价) was received, sealed on its machine. Recorded by
``services.sealed.submit_sealed_bid``."""

AUCTION_SEALED_BID_OPENED = "auction.sealed_bid_opened"
"""Open every sealed bid; an invalid one is recorded as such. Recorded by
``services.results._open_bids``."""

AUCTION_SETTLED = "auction.settled"
"""The sale is final: move the deposits, issue the confirmation and publish. Recorded by
``services.results.finalise``."""

AUCTION_SHARES = "auction.shares"
"""A keyholder hands in its shares after the close, one per sealed envelope; when every envelope
has k shares, the reserve and the sealed bids open and the result follows. Recorded by
``services.results.submit_shares``."""

AUCTION_TIMED_STARTED = "auction.timed_started"
"""A listing's free period turned into timed bidding (限时竞价). Recorded by
``services.bidding._timed_started``."""
