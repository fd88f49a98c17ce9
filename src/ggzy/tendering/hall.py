"""The live opening hall's signal: every change bumps the hall; pages re-read its state."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def group_name(lot_id: int) -> str:
    return f"opening-hall-{lot_id}"


def broadcast(lot_id: int) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group_name(lot_id), {"type": "hall.changed"})
