"""The opening hall's WebSocket (开标大厅): tells each watcher when the hall changed.

The socket carries only a signal; the page then re-reads the hall through the same scoped
selector as the HTTP views, so nothing reaches a watcher that the page would not show.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .hall import group_name
from .models import Lot
from .selectors import can_watch


@database_sync_to_async
def _may_watch(user: Any, lot_id: int) -> bool:
    lot = Lot.objects.select_related("project").filter(pk=lot_id).first()
    return lot is not None and can_watch(user, lot)


class HallConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.lot_id = int(self.scope["url_route"]["kwargs"]["lot_id"])
        if not await _may_watch(self.scope.get("user"), self.lot_id):
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(group_name(self.lot_id), self.channel_name)
        await self.accept()
        await self.send_json({"type": "changed"})

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "lot_id"):
            await self.channel_layer.group_discard(group_name(self.lot_id), self.channel_name)

    async def hall_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "changed"})
