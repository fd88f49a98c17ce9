"""Notification providers for drawn experts (通知). Production plugs in SMS and automated
voice calls; the built-in providers are in-app messages and a log, so the demo works
offline. ``GGZY_NOTIFY_PROVIDERS`` lists the providers to use: a built-in name, or the dotted
path of a callable that takes a ``Message`` (an SMS gateway's adapter, say).

A notification leaves only after the change that causes it commits: ``enqueue`` writes one
outbox message per provider in the caller's transaction (``core.outbox``), and each is
delivered once after the commit; a provider that fails is retried on its own, without
repeating the others."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from ggzy.accounts.services import notify as notify_in_app
from ggzy.core import outbox
from ggzy.core.models import OutboxMessage

from .models import Expert

log = logging.getLogger("ggzy.notify")

OUTBOX_KIND = "experts.notify"


@dataclass(frozen=True)
class Message:
    expert: Expert
    kind: str
    text_zh: str
    text_en: str
    url: str = ""
    key: str = ""  # the same key is delivered once per provider (the outbox message's)


def _in_app(message: Message) -> None:
    if message.expert.user is not None:
        notify_in_app(
            user=message.expert.user,
            kind=message.kind,
            message_zh=message.text_zh,
            message_en=message.text_en,
            url=message.url,
            key=message.key,
        )


def _log(message: Message) -> None:
    log.info("notify expert %s (%s): %s", message.expert.pk, message.kind, message.text_en)


Provider = Callable[[Message], None]
PROVIDERS: dict[str, Provider] = {"in_app": _in_app, "log": _log}


def provider(name: str) -> Provider:
    return PROVIDERS[name] if name in PROVIDERS else import_string(name)


def enqueue(message: Message) -> None:
    """Queue ``message`` for every configured provider, in the caller's transaction."""
    for name in settings.GGZY_NOTIFY_PROVIDERS:
        provider(name)  # an unknown provider fails now, with the change, not at delivery
        outbox.enqueue(
            OUTBOX_KIND,
            {
                "provider": name,
                "expert_id": message.expert.pk,
                "kind": message.kind,
                "text_zh": message.text_zh,
                "text_en": message.text_en,
                "url": message.url,
            },
        )


@outbox.handler(OUTBOX_KIND)
def deliver(item: OutboxMessage) -> None:
    data = item.payload
    expert = Expert.objects.select_related("user").get(pk=data["expert_id"])
    message = Message(
        expert, data["kind"], data["text_zh"], data["text_en"], data["url"], key=f"outbox:{item.pk}"
    )
    provider(data["provider"])(message)
