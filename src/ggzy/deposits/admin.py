"""Back office: deposits are read-only here; they change only through the services, which
write the ledger."""

from django.contrib import admin

from ggzy.core.admin import ReadOnlyAdmin

from .models import Deposit


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin):
    list_display = ["lot", "entity", "kind", "amount", "status", "refund_due_on", "recorded_at"]
    list_filter = ["kind", "status"]
    search_fields = ["lot__code", "entity__name", "bank_reference", "guarantee_no"]
