"""What tendering asks of the apps above it, answered by them at start-up.

Tendering sits below deposits (a deposit belongs to a lot), yet the signed opening record
lists each bidder's deposit. Rather than import deposits, which would make a cycle,
tendering declares the question here and deposits answers it from its ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .models import Lot


class DepositLine(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def sufficient(self) -> bool: ...


DepositsOnHand = Callable[["Lot"], Mapping[int, DepositLine]]

_answers: dict[str, DepositsOnHand] = {}


def answer_deposits_on_hand(source: DepositsOnHand) -> None:
    _answers["deposits_on_hand"] = source


def deposits_on_hand(lot: Lot) -> Mapping[int, DepositLine]:
    """Every bidder's deposits on hand for ``lot``, keyed by entity id."""
    source = _answers.get("deposits_on_hand")
    if source is None:
        raise RuntimeError("the deposits app has not registered deposits_on_hand")
    return source(lot)
