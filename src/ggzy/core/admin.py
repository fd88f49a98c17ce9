from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Checkpoint, LedgerEntry, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "kind", "subject", "actor", "hash")
    list_filter = ("kind",)
    search_fields = ("subject", "actor", "hash")


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("day", "first_seq", "last_seq", "alg", "root")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """What waits to leave, and why it has not: read-only, the worker delivers it."""

    list_display = ("id", "kind", "created_at", "attempts", "due_at", "delivered_at", "last_error")
    list_filter = ("kind", ("delivered_at", admin.EmptyFieldListFilter))
