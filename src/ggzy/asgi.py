"""ASGI entry point: HTTP through Django, WebSocket routes through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ggzy.settings")

from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

django_asgi = get_asgi_application()

from ggzy.web.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {"http": django_asgi, "websocket": URLRouter(websocket_urlpatterns)}
)
