"""The hall's relay: updates that arrive together go out as one message to every watcher,
with the newest state and the newest bids (``partial`` when older ones were left out), and
a watcher whose socket fails does not stop the others."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from asgiref.sync import async_to_sync

from ggzy.auctions import relay as relay_module
from ggzy.auctions.hall import UPDATE_BIDS
from ggzy.auctions.relay import Relay
from tests.fixtures.threads import off_loop


class Watcher:
    def __init__(self, fails: bool = False) -> None:
        self.fails, self.frames = fails, []

    async def base_send(self, message: dict[str, Any]) -> None:
        if self.fails:
            raise ConnectionResetError
        self.frames.append(message)


def _event(seqs: list[int], partial: bool = False) -> dict[str, Any]:
    bids = [{"seq": s, "bidder_no": "100001", "amount": 100 + s, "at": "t"} for s in seqs]
    return {"state": {"seq": max(seqs)}, "bids": bids, "partial": partial, "now": "t"}


def _flush(events: list[dict[str, Any]], watchers: list[Watcher]) -> list[dict[str, Any]]:
    async def run() -> None:
        relay = Relay(1, watchers=set(watchers))
        for event in events:
            relay.merge(event)
        assert relay.flusher is not None
        await relay.flusher

    off_loop(async_to_sync(run))
    return [json.loads(frame["text"]) for w in watchers for frame in w.frames]


@pytest.fixture(autouse=True)
def _no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relay_module, "COALESCE_SECONDS", 0)


def test_a_quiet_hall_gets_every_bid() -> None:
    (message,) = _flush([_event([1, 2]), _event([3])], [Watcher()])
    assert [b["seq"] for b in message["bids"]] == [1, 2, 3]
    assert message["state"]["seq"] == 3 and message["partial"] is False


def test_a_busy_hall_gets_the_newest_bids_in_order_and_the_newest_state() -> None:
    seqs = list(range(1, 61))
    batches = [seqs[n : n + 7] for n in range(0, 60, 7)]
    random.Random(7).shuffle(batches)  # commits of two processes may arrive out of order
    first, second = Watcher(), Watcher()
    messages = _flush([_event(b) for b in batches], [first, Watcher(fails=True), second])
    assert len(messages) == 2 and messages[0] == messages[1]
    (message,) = messages[:1]
    assert [b["seq"] for b in message["bids"]] == seqs[-UPDATE_BIDS:]
    assert message["state"]["seq"] == 60 and message["partial"] is True


def test_a_partial_batch_stays_partial() -> None:
    (message,) = _flush([_event([40, 41], partial=True)], [Watcher()])
    assert message["partial"] is True


def test_an_update_arriving_while_a_message_goes_out_follows_it() -> None:
    class Busy(Watcher):
        async def base_send(self, message: dict[str, Any]) -> None:
            await super().base_send(message)
            if len(self.frames) == 1:
                hall.merge(_event([2]))

    busy = Busy()
    hall = Relay(1, watchers={busy})

    async def run() -> None:
        hall.merge(_event([1]))
        while hall.flusher is not None and not hall.flusher.done():
            await hall.flusher

    off_loop(async_to_sync(run))
    assert [json.loads(f["text"])["state"]["seq"] for f in busy.frames] == [1, 2]
