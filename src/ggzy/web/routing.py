"""WebSocket routes (Channels). The opening and auction halls add theirs here."""

from django.urls import URLPattern, URLResolver, path

from ggzy.auctions.consumers import AuctionHallConsumer
from ggzy.tendering.consumers import HallConsumer

websocket_urlpatterns: list[URLPattern | URLResolver] = [
    path("ws/tendering/lots/<int:lot_id>/hall/", HallConsumer.as_asgi()),
    path("ws/auctions/<int:auction_id>/hall/", AuctionHallConsumer.as_asgi()),
]
