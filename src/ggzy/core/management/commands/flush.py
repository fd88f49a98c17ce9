"""``flush`` wipes every table, the ledger included, so it lifts the append-only triggers
for the duration and puts them back. Django's test runner uses it between transactional
tests; in production, wiping the database is an explicit, destructive act either way."""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from ggzy.core.append_only import create_triggers, drop_triggers


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        drop_triggers(connection)
        try:
            super().handle(**options)
        finally:
            create_triggers(connection)
