"""Shared pieces of the expert pool services: limits, access checks, locking, ledger
digests and expert notifications."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ggzy.accounts.models import Role, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.accounts.services import notify
from ggzy.kernel.errors import Forbidden, NotFound
from ggzy.kernel.ledger import canonical_json

from ...models import Expert

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
DEFAULT_SPECIALTIES = DATA_DIR / "specialties-2018.json"
MAX_IMPORT_ROWS = 10_000
MAX_OTHER_SPECIALTIES = 10
MAX_CONFLICTS = 50
REASON_MAX = 500

# --- small helpers ---------------------------------------------------------------------------


def subject_of(expert: Expert) -> str:
    return f"expert:{expert.pk}"


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value`` (for ledger payloads)."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def require_centre(user: User) -> None:
    if not is_centre_staff(user):
        raise Forbidden(
            "只有交易中心工作人员才能管理专家库",
            "only trading-centre staff may manage the expert pool",
        )


def expert_of(user: User) -> Expert | None:
    """The expert profile of an expert user, if any."""
    if not user.is_authenticated or user.role != Role.EXPERT:
        return None
    return Expert.objects.filter(user=user).first()


def require_self_or_centre(user: User, expert: Expert) -> None:
    """Centre staff act for any expert; an expert only for themself."""
    if is_centre_staff(user):
        return
    if user.is_authenticated and expert.user_id is not None and expert.user_id == user.pk:
        return
    raise Forbidden(
        "专家只能查看和修改本人的信息",
        "an expert may only see and change their own record",
    )


def lock_expert(expert_id: int) -> Expert:
    expert = Expert.objects.select_for_update().filter(pk=expert_id).first()
    if expert is None:
        raise NotFound(f"专家 {expert_id} 不存在", f"no expert {expert_id}", field="expert")
    return expert


def _notify_expert(expert: Expert, *, kind: str, zh: str, en: str, key: str = "") -> None:
    if expert.user_id is not None and expert.user is not None:
        notify(user=expert.user, kind=kind, message_zh=zh, message_en=en, key=key)
