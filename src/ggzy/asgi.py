"""ASGI entry point: HTTP through Django, WebSocket routes through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ggzy.settings")

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

django_asgi = get_asgi_application()

from ggzy.tendering.upload_asgi import with_streaming_uploads  # noqa: E402
from ggzy.web.routing import websocket_urlpatterns  # noqa: E402
from ggzy.web.ws_auth import SessionUserMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": with_streaming_uploads(django_asgi),
        "websocket": AllowedHostsOriginValidator(
            SessionUserMiddleware(URLRouter(websocket_urlpatterns))
        ),
    }
)
