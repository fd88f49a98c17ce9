"""The admin never writes around a service: every model the ledger covers is read-only
there; only configuration without a service of its own stays editable."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from ggzy.accounts.models import Role, User

# Configuration set up by administrators, with no service and no ledger entry of its own.
EDITABLE = {
    "auth.Group",
    "otp_totp.TOTPDevice",
    "accounts.User",
    "accounts.Region",
    "accounts.Organisation",
    "experts.Venue",
    "catalogue.TradeCategory",  # saved through catalogue.services.save_category
}
LIBRARY_OWNED = {"axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"}


def _request() -> object:
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", role=Role.ADMIN, is_superuser=True, is_staff=True)
    return request


@pytest.mark.parametrize(
    "model",
    sorted(
        (m for m in admin.site._registry if m._meta.label not in EDITABLE | LIBRARY_OWNED),
        key=lambda m: m._meta.label,
    ),
    ids=lambda m: m._meta.label,
)
def test_ledger_covered_models_are_read_only_in_the_admin(model: type) -> None:
    model_admin = admin.site._registry[model]
    request = _request()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_editable_list_names_registered_models() -> None:
    registered = {m._meta.label for m in admin.site._registry}
    assert registered >= EDITABLE
