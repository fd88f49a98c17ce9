"""Notification providers for drawn experts (通知). Production plugs in SMS and automated
voice calls; the built-in providers are in-app messages and a log, so the demo works
offline. ``GGZY_NOTIFY_PROVIDERS`` lists the providers to use, by name."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from ggzy.accounts.services import notify as notify_in_app

from .models import Expert

log = logging.getLogger("ggzy.notify")


@dataclass(frozen=True)
class Message:
    expert: Expert
    kind: str
    text_zh: str
    text_en: str
    url: str = ""


def _in_app(message: Message) -> None:
    if message.expert.user is not None:
        notify_in_app(
            user=message.expert.user,
            kind=message.kind,
            message_zh=message.text_zh,
            message_en=message.text_en,
            url=message.url,
        )


def _log(message: Message) -> None:
    log.info("notify expert %s (%s): %s", message.expert.pk, message.kind, message.text_en)


PROVIDERS: dict[str, Callable[[Message], None]] = {"in_app": _in_app, "log": _log}


def send(message: Message) -> None:
    for name in getattr(settings, "GGZY_NOTIFY_PROVIDERS", ("in_app", "log")):
        PROVIDERS[name](message)
