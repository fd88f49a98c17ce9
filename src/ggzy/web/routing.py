"""WebSocket routes (Channels). The opening and auction halls add theirs here."""

from django.urls import URLPattern, URLResolver

websocket_urlpatterns: list[URLPattern | URLResolver] = []
