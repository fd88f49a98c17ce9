"""The expert pool (专家库): profiles, the specialty classification, leave, sanctions and
Excel import/export. Every function that writes is one business action: keyword-only
arguments, one transaction, ledger entries in the same transaction, nothing half-saved.

Who may do what: centre staff (交易中心) manage the pool — create, edit, sanction, review
profile changes, import; an expert edits only their own profile and leave. Contact,
education, bank account and declared conflicts apply at once; employer, title and
specialties go to the centre for review (信息变更审核).

Ledger payloads carry ids, statuses and SHA-256 digests — never names, ID numbers or phone
numbers: the ledger is public.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet

from ggzy.accounts.models import Region, Role, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.accounts.services import notify
from ggzy.core.services import record
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from ggzy.kernel.ids import normalise, validate_resident_id, validate_uscc
from ggzy.kernel.ledger import canonical_json
from ggzy.kernel.text import clean_text

from ..models import Expert, ExpertStatus, Leave, ProfileChange, Sanction, Specialty

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
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


# --- field validation --------------------------------------------------------------------------

# Labels for messages (and the Excel header, in this order).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name": ("姓名", "name"),
    "resident_id": ("身份证号", "resident ID number"),
    "employer_name": ("工作单位", "employer"),
    "employer_uscc": ("工作单位统一社会信用代码", "employer's unified social credit code"),
    "title": ("职称", "title"),
    "years_of_practice": ("从业年限", "years of practice"),
    "education": ("学历", "education"),
    "mobile": ("手机号码", "mobile number"),
    "email": ("电子邮箱", "email"),
    "region": ("所在地区代码", "region code"),
    "main_specialty": ("主专业代码", "main specialty code"),
    "other_specialties": ("其他专业代码", "other specialty codes"),
    "in_comprehensive_pool": ("综合评标专家库", "comprehensive pool"),
    "in_procurement_pool": ("政府采购评审专家库", "government procurement pool"),
    "bank_name": ("开户银行", "bank"),
    "bank_account": ("银行账号", "bank account"),
    "declared_conflicts": ("申报回避单位代码", "declared conflicts (USCCs)"),
}
EXPERT_FIELDS = tuple(FIELD_LABELS)
REQUIRED_FIELDS = frozenset(
    {
        "name",
        "resident_id",
        "employer_name",
        "employer_uscc",
        "title",
        "years_of_practice",
        "mobile",
        "region",
        "main_specialty",
    }
)
# What an expert changes directly, and what needs the centre's review.
SELF_DIRECT_FIELDS = frozenset(
    {"mobile", "email", "education", "bank_name", "bank_account", "declared_conflicts"}
)
SELF_REVIEWED_FIELDS = frozenset(
    {"employer_name", "employer_uscc", "title", "main_specialty", "other_specialties"}
)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_ACCOUNT = re.compile(r"[0-9]{8,32}")
_SPLIT = re.compile(r"[\s,，、;；]+")
_TRUE = {"是", "y", "yes", "true", "1", "√"}
_FALSE = {"否", "n", "no", "false", "0", ""}


def _invalid(name: str, zh: str, en: str, code: str = "invalid") -> InvalidInput:
    label_zh, label_en = FIELD_LABELS.get(name, (name, name))
    return InvalidInput(f"{label_zh}{zh}", f"The {label_en} {en}", code=code, field=name)


def _text(name: str, max_length: int, *, required: bool = True) -> Callable[[Any], str]:
    label_zh, label_en = FIELD_LABELS[name]

    def clean(value: Any) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        return clean_text(
            value,
            field=name,
            max_length=max_length,
            required=required,
            label_zh=label_zh,
            label_en=label_en,
        )

    return clean


def _as_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _years(value: Any) -> int:
    name = "years_of_practice"
    if isinstance(value, bool) or value is None or value == "":
        raise _invalid(name, "不能为空，应为整数", "is required and must be a whole number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise _invalid(name, f"“{value}”不是整数", f"'{value}' is not a whole number")
    if not 0 <= value <= 70:
        raise _invalid(name, "应在0到70之间", "must be between 0 and 70")
    minimum = rules.int_value("works.expert_min_years")
    if value < minimum:
        raise rules.violation(
            "works.expert_min_years",
            f"评标专家从业年限应不少于{minimum}年，填写的是{value}年",
            f"an expert needs at least {minimum} years of practice; got {value}",
            field=name,
            code="expert_years",
        )
    return value


def _mobile(value: Any) -> str:
    text = normalise(_as_str(value))
    if not _MOBILE.fullmatch(text):
        raise _invalid(
            "mobile", f"“{value}”不是有效的11位手机号码", f"'{value}' is not an 11-digit mobile"
        )
    return text


def _email(value: Any) -> str:
    text = _as_str(value).strip()
    if not text:
        return ""
    try:
        validate_email(text)
    except DjangoValidationError:
        raise _invalid("email", f"“{text}”格式无效", f"'{text}' is not a valid address") from None
    if len(text) > 254:
        raise _invalid("email", "过长", "is too long")
    return text


def _region(value: Any) -> str:
    code = normalise(_as_str(value))
    if not code:
        raise _invalid("region", "不能为空", "is required")
    if not Region.objects.filter(code=code).exists():
        raise _invalid("region", f"“{code}”不存在", f"'{code}' does not exist", code="region")
    return code


def _specialty_codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items = [part for part in _SPLIT.split(value) if part]
    elif isinstance(value, list | tuple):
        items = [_as_str(part) for part in value]
    else:
        items = [_as_str(value)]
    return [normalise(item) for item in items if item.strip()]


def _check_specialties(name: str, codes: list[str]) -> None:
    known = set(
        Specialty.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True)
    )
    unknown = [code for code in codes if code not in known]
    if unknown:
        listed = "、".join(unknown)
        raise _invalid(
            name,
            f"中的专业代码{listed}不存在或已停用（见专家专业分类）",
            f"contains unknown or inactive specialty codes: {', '.join(unknown)}",
            code="unknown_specialty",
        )


def _main_specialty(value: Any) -> str:
    codes = _specialty_codes(value)
    if len(codes) != 1:
        raise _invalid("main_specialty", "应为一个专业代码", "must be exactly one specialty code")
    _check_specialties("main_specialty", codes)
    return codes[0]


def _other_specialties(value: Any) -> list[str]:
    codes = list(dict.fromkeys(_specialty_codes(value)))
    if len(codes) > MAX_OTHER_SPECIALTIES:
        raise _invalid(
            "other_specialties",
            f"最多{MAX_OTHER_SPECIALTIES}个",
            f"may list at most {MAX_OTHER_SPECIALTIES} codes",
        )
    _check_specialties("other_specialties", codes)
    return sorted(codes)


def _flag(name: str) -> Callable[[Any], bool]:
    def clean(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = _as_str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _invalid(
            name, f"应填“是”或“否”，填写的是“{value}”", f"must be yes or no; got '{value}'"
        )

    return clean


def _bank_account(value: Any) -> str:
    text = normalise(_as_str(value))
    if not text:
        return ""
    if not _ACCOUNT.fullmatch(text):
        raise _invalid(
            "bank_account", "应为8到32位数字", "must be 8 to 32 digits", code="bank_account"
        )
    return text


def _conflicts(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items = _specialty_codes(value)  # same splitting rules
    if len(items) > MAX_CONFLICTS:
        raise _invalid(
            "declared_conflicts", f"最多{MAX_CONFLICTS}个", f"may list at most {MAX_CONFLICTS}"
        )
    return sorted({validate_uscc(item, field="declared_conflicts") for item in items})


CLEANERS: dict[str, Callable[[Any], Any]] = {
    "name": _text("name", 64),
    "resident_id": lambda v: validate_resident_id(_as_str(v), field="resident_id"),
    "employer_name": _text("employer_name", 200),
    "employer_uscc": lambda v: validate_uscc(_as_str(v), field="employer_uscc"),
    "title": _text("title", 64),
    "years_of_practice": _years,
    "education": _text("education", 32, required=False),
    "mobile": _mobile,
    "email": _email,
    "region": _region,
    "main_specialty": _main_specialty,
    "other_specialties": _other_specialties,
    "in_comprehensive_pool": _flag("in_comprehensive_pool"),
    "in_procurement_pool": _flag("in_procurement_pool"),
    "bank_name": _text("bank_name", 100, required=False),
    "bank_account": _bank_account,
    "declared_conflicts": _conflicts,
}


def clean_fields(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[DomainError]]:
    """Clean every field present in ``data``; return the cleaned values and *all* errors."""
    unknown = sorted(set(data) - set(CLEANERS))
    errors: list[DomainError] = [
        InvalidInput(f"未知字段“{name}”", f"unknown field '{name}'", field=name) for name in unknown
    ]
    cleaned: dict[str, Any] = {}
    for name, cleaner in CLEANERS.items():
        if name not in data:
            continue
        try:
            cleaned[name] = cleaner(data[name])
        except DomainError as exc:
            errors.append(exc)
    return cleaned, errors


def _cross_checks(merged: Mapping[str, Any]) -> list[DomainError]:
    errors: list[DomainError] = []
    if not (merged.get("in_comprehensive_pool") or merged.get("in_procurement_pool")):
        errors.append(
            InvalidInput(
                "专家至少应属于一个专家库（综合评标专家库或政府采购评审专家库）",
                "an expert belongs to at least one pool (comprehensive or procurement)",
                field="in_comprehensive_pool",
            )
        )
    if merged.get("main_specialty") and merged.get("main_specialty") in (
        merged.get("other_specialties") or []
    ):
        errors.append(
            _invalid("other_specialties", "不能包含主专业", "must not repeat the main specialty")
        )
    if bool(merged.get("bank_name")) != bool(merged.get("bank_account")):
        errors.append(
            _invalid(
                "bank_account",
                "与开户银行应同时填写或同时留空",
                "and the bank must be given together or both left empty",
            )
        )
    return errors


def validate_new_expert(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[DomainError]]:
    """All errors of a new expert's data (for import reports); the first one is raised
    elsewhere."""
    defaults: dict[str, Any] = {
        "education": "",
        "email": "",
        "other_specialties": [],
        "in_comprehensive_pool": True,
        "in_procurement_pool": False,
        "bank_name": "",
        "bank_account": "",
        "declared_conflicts": [],
    }
    cleaned, errors = clean_fields(data)
    for name in sorted(REQUIRED_FIELDS - set(data)):
        label_zh, label_en = FIELD_LABELS[name]
        errors.append(
            InvalidInput(f"{label_zh}不能为空", f"The {label_en} is required", field=name)
        )
    merged = {**defaults, **cleaned}
    if not errors:
        errors.extend(_cross_checks(merged))
    return merged, errors


def current_data(expert: Expert) -> dict[str, Any]:
    """The expert's fields in the cleaned shape (codes, lists)."""
    data = {name: getattr(expert, name) for name in EXPERT_FIELDS if name not in _RELATIONS}
    data["region"] = expert.region_id
    data["main_specialty"] = expert.main_specialty_id
    data["other_specialties"] = sorted(s.code for s in expert.other_specialties.all())
    data["declared_conflicts"] = sorted(expert.declared_conflicts or [])
    return data


_RELATIONS = frozenset({"region", "main_specialty", "other_specialties", "declared_conflicts"})


def _apply(expert: Expert, data: Mapping[str, Any]) -> None:
    """Write cleaned ``data`` onto ``expert`` and save it (the caller holds the lock)."""
    for name, value in data.items():
        if name == "region":
            expert.region_id = value
        elif name == "main_specialty":
            expert.main_specialty_id = value
        elif name != "other_specialties":
            setattr(expert, name, value)
    expert.save()
    if "other_specialties" in data:
        expert.other_specialties.set(data["other_specialties"])


def _check_unique_id(resident_id: str, *, exclude: int | None = None) -> None:
    clash = Expert.objects.filter(resident_id=resident_id)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise Conflict(
            "该身份证号已在专家库中",
            "an expert with this resident ID is already in the pool",
            code="duplicate_expert",
            field="resident_id",
        )


def _record_expert(
    kind: str, expert: Expert, *, user: User | None, ip: str | None, **extra: Any
) -> None:
    record(
        kind,
        subject=subject_of(expert),
        actor=user.actor if user is not None else "system",
        ip=ip,
        payload={
            "expert_id": expert.pk,
            "status": expert.status,
            "data_sha256": digest(current_data(expert)),
            **extra,
        },
    )


# --- create and edit (centre staff) ---------------------------------------------------------


def _raise_first(errors: list[DomainError]) -> None:
    if errors:
        raise errors[0]


def _create(data: dict[str, Any]) -> Expert:
    expert = Expert(status=ExpertStatus.ACTIVE)
    _apply(expert, data)
    return expert


@transaction.atomic
def create_expert(*, user: User, data: Mapping[str, Any], ip: str | None = None) -> Expert:
    """Add an expert to the pool (入库)."""
    require_centre(user)
    cleaned, errors = validate_new_expert(data)
    _raise_first(errors)
    _check_unique_id(cleaned["resident_id"])
    expert = _create(cleaned)
    _record_expert("expert.created", expert, user=user, ip=ip, source="form")
    return expert


@transaction.atomic
def update_expert(
    *, user: User, expert_id: int, changes: Mapping[str, Any], ip: str | None = None
) -> Expert:
    """Centre staff correct any profile field (status changes go through sanctions)."""
    require_centre(user)
    expert = lock_expert(expert_id)
    cleaned, errors = clean_fields(changes)
    _raise_first(errors)
    merged = {**current_data(expert), **cleaned}
    _raise_first(_cross_checks(merged))
    if "resident_id" in cleaned:
        _check_unique_id(cleaned["resident_id"], exclude=expert.pk)
    _apply(expert, cleaned)
    _record_expert("expert.updated", expert, user=user, ip=ip, fields=sorted(cleaned))
    return expert


@dataclass(frozen=True)
class ProfileUpdate:
    expert: Expert
    applied: list[str]
    change: ProfileChange | None


@transaction.atomic
def update_own_profile(
    *, user: User, changes: Mapping[str, Any], ip: str | None = None
) -> ProfileUpdate:
    """An expert's own update: contact, education, bank account and declared conflicts
    apply at once; employer, title and specialties become a change for centre review."""
    found = expert_of(user)
    if found is None:
        raise Forbidden("只有专家本人才能修改专家信息", "only the expert may change their profile")
    expert = lock_expert(found.pk)
    locked = sorted(set(changes) - SELF_DIRECT_FIELDS - SELF_REVIEWED_FIELDS)
    if locked:
        name = locked[0]
        label_zh, label_en = FIELD_LABELS.get(name, (name, name))
        raise Forbidden(
            f"{label_zh}由交易中心维护，专家本人不能修改",
            f"the {label_en} is maintained by the trading centre; the expert cannot change it",
            field=name,
        )
    cleaned, errors = clean_fields(changes)
    _raise_first(errors)
    current = current_data(expert)
    changed = {name: value for name, value in cleaned.items() if current.get(name) != value}
    direct = {k: v for k, v in changed.items() if k in SELF_DIRECT_FIELDS}
    reviewed = {k: v for k, v in changed.items() if k in SELF_REVIEWED_FIELDS}
    _raise_first(_cross_checks({**current, **changed}))
    change = None
    if reviewed:
        if ProfileChange.objects.filter(
            expert=expert, status=ProfileChange.Status.PENDING
        ).exists():
            raise Conflict(
                "已有一项信息变更正在审核，请等待审核完成后再提交",
                "a profile change is already waiting for review; wait for it first",
                code="change_pending",
            )
        change = ProfileChange.objects.create(
            expert=expert,
            data=reviewed,
            status=ProfileChange.Status.PENDING,
            submitted_at=clock.now(),
        )
        record(
            "expert.change_submitted",
            subject=subject_of(expert),
            actor=user.actor,
            ip=ip,
            payload={
                "expert_id": expert.pk,
                "change_id": change.pk,
                "fields": sorted(reviewed),
                "data_sha256": digest(reviewed),
            },
        )
    if direct:
        _apply(expert, direct)
        _record_expert("expert.profile_updated", expert, user=user, ip=ip, fields=sorted(direct))
    return ProfileUpdate(expert=expert, applied=sorted(direct), change=change)


def _lock_pending_change(change_id: int) -> tuple[ProfileChange, Expert]:
    expert_id = (
        ProfileChange.objects.filter(pk=change_id).values_list("expert_id", flat=True).first()
    )
    if expert_id is None:
        raise NotFound(
            f"变更申请 {change_id} 不存在", f"no profile change {change_id}", field="change"
        )
    expert = lock_expert(expert_id)
    change = ProfileChange.objects.select_for_update().get(pk=change_id)
    if change.status != ProfileChange.Status.PENDING:
        raise Conflict(
            f"该变更申请已审核（{change.get_status_display()}）",
            f"the profile change was already reviewed ({change.status})",
            code="change_not_pending",
        )
    return change, expert


@transaction.atomic
def approve_profile_change(
    *, reviewer: User, change_id: int, ip: str | None = None
) -> ProfileChange:
    require_centre(reviewer)
    change, expert = _lock_pending_change(change_id)
    # Re-check: a specialty may have been deactivated since the request.
    cleaned, errors = clean_fields(change.data)
    _raise_first(errors)
    _raise_first(_cross_checks({**current_data(expert), **cleaned}))
    _apply(expert, cleaned)
    now = clock.now()
    change.status = ProfileChange.Status.APPROVED
    change.reviewed_by = reviewer
    change.reviewed_at = now
    change.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    _record_expert("expert.change_approved", expert, user=reviewer, ip=ip, change_id=change.pk)
    _notify_expert(
        expert,
        kind="experts.change_approved",
        zh="您提交的专家信息变更已审核通过。",
        en="Your profile change was approved.",
        key=f"experts.change:{change.pk}",
    )
    return change


@transaction.atomic
def return_profile_change(
    *, reviewer: User, change_id: int, reason: str, ip: str | None = None
) -> ProfileChange:
    require_centre(reviewer)
    clean_reason = clean_text(
        reason,
        field="reason",
        max_length=REASON_MAX,
        multiline=True,
        label_zh="退回理由",
        label_en="reason for returning",
    )
    change, expert = _lock_pending_change(change_id)
    change.status = ProfileChange.Status.RETURNED
    change.reviewed_by = reviewer
    change.reviewed_at = clock.now()
    change.reason = clean_reason
    change.save(update_fields=["status", "reviewed_by", "reviewed_at", "reason"])
    record(
        "expert.change_returned",
        subject=subject_of(expert),
        actor=reviewer.actor,
        ip=ip,
        payload={
            "expert_id": expert.pk,
            "change_id": change.pk,
            "reason_sha256": digest(clean_reason),
        },
    )
    _notify_expert(
        expert,
        kind="experts.change_returned",
        zh=f"您提交的专家信息变更被退回：{clean_reason}",
        en=f"Your profile change was returned: {clean_reason}",
        key=f"experts.change:{change.pk}",
    )
    return change


# --- accounts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewAccount:
    expert_id: int
    username: str
    password: str  # shown once to the centre user, who hands it to the expert


def _make_account(expert: Expert) -> NewAccount:
    base = f"expert{expert.pk}"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    password = secrets.token_urlsafe(12)
    account = User.objects.create_user(
        username=username,
        password=password,
        role=Role.EXPERT,
        real_name=expert.name,
        mobile=expert.mobile,
        resident_id=expert.resident_id,
    )
    expert.user = account
    expert.save(update_fields=["user"])
    return NewAccount(expert_id=expert.pk, username=username, password=password)


def _record_account(expert: Expert, account: NewAccount, *, user: User, ip: str | None) -> None:
    record(
        "expert.account_created",
        subject=subject_of(expert),
        actor=user.actor,
        ip=ip,
        payload={"expert_id": expert.pk, "user_id": expert.user_id},
    )


@transaction.atomic
def create_expert_account(*, user: User, expert_id: int, ip: str | None = None) -> NewAccount:
    """Give an expert a login (role expert) with a one-time initial password."""
    require_centre(user)
    expert = lock_expert(expert_id)
    if expert.user_id is not None:
        raise Conflict(
            "该专家已有登录账号", "the expert already has an account", code="has_account"
        )
    account = _make_account(expert)
    _record_account(expert, account, user=user, ip=ip)
    return account


# --- leave ---------------------------------------------------------------------------------


def _date(value: Any, name: str, label_zh: str, label_en: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            f"{label_zh}“{value}”不是有效日期（YYYY-MM-DD）",
            f"the {label_en} '{value}' is not a date (YYYY-MM-DD)",
            field=name,
        ) from None


@transaction.atomic
def add_leave(
    *,
    user: User,
    expert_id: int,
    start: date,
    end: date,
    reason: str = "",
    ip: str | None = None,
) -> Leave:
    """A period the expert cannot serve; it must not overlap another and end ≥ start."""
    expert = lock_expert(expert_id)
    require_self_or_centre(user, expert)
    start = _date(start, "start", "开始日期", "start date")
    end = _date(end, "end", "结束日期", "end date")
    clean_reason = clean_text(
        reason, field="reason", max_length=200, required=False, label_zh="事由", label_en="reason"
    )
    if end < start:
        raise InvalidInput(
            "结束日期不能早于开始日期", "the end date is before the start date", field="end"
        )
    if end < clock.today():
        raise InvalidInput(
            "请假期间已经结束，不能登记过去的请假", "the leave period is already over", field="end"
        )
    clash = Leave.objects.filter(expert=expert, start__lte=end, end__gte=start).first()
    if clash is not None:
        raise Conflict(
            f"与已登记的请假（{clash.start:%Y-%m-%d}至{clash.end:%Y-%m-%d}）重叠",
            f"overlaps the leave already recorded from {clash.start} to {clash.end}",
            code="leave_overlap",
            field="start",
        )
    leave = Leave.objects.create(expert=expert, start=start, end=end, reason=clean_reason)
    record(
        "expert.leave_added",
        subject=subject_of(expert),
        actor=user.actor,
        ip=ip,
        payload={
            "expert_id": expert.pk,
            "leave_id": leave.pk,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    )
    return leave


@transaction.atomic
def cancel_leave(*, user: User, leave_id: int, ip: str | None = None) -> None:
    expert_id = Leave.objects.filter(pk=leave_id).values_list("expert_id", flat=True).first()
    if expert_id is None:
        raise NotFound(f"请假记录 {leave_id} 不存在", f"no leave {leave_id}", field="leave")
    expert = lock_expert(expert_id)
    require_self_or_centre(user, expert)
    Leave.objects.filter(pk=leave_id).delete()
    record(
        "expert.leave_cancelled",
        subject=subject_of(expert),
        actor=user.actor,
        ip=ip,
        payload={"expert_id": expert.pk, "leave_id": leave_id},
    )


# --- sanctions ----------------------------------------------------------------------------


@transaction.atomic
def sanction_expert(
    *,
    user: User,
    expert_id: int,
    kind: str,
    reason: str,
    document: str,
    start: date,
    until: date | None = None,
    ip: str | None = None,
) -> Sanction:
    """Suspend (暂停, for a period) or blacklist (列入黑名单, for a period or indefinitely)
    an expert for a violation, with the decision's document number (处理文号)."""
    require_centre(user)
    if kind not in {ExpertStatus.SUSPENDED, ExpertStatus.BLACKLISTED}:
        raise InvalidInput(
            "处理类型应为暂停（suspended）或列入黑名单（blacklisted）",
            "the kind must be suspended or blacklisted",
            field="kind",
        )
    clean_reason = clean_text(
        reason,
        field="reason",
        max_length=REASON_MAX,
        multiline=True,
        label_zh="处理原因",
        label_en="reason",
    )
    clean_document = clean_text(
        document, field="document", max_length=100, label_zh="处理文号", label_en="document number"
    )
    start = _date(start, "start", "开始日期", "start date")
    today = clock.today()
    if start > today:
        raise InvalidInput(
            "开始日期不能晚于今天（处理自决定之日起生效）",
            "the start date cannot be in the future (a sanction takes effect when decided)",
            field="start",
        )
    if until is not None:
        until = _date(until, "until", "截止日期", "end date")
        if until < start or until < today:
            raise InvalidInput(
                "截止日期不能早于开始日期或今天",
                "the end date cannot be before the start date or today",
                field="until",
            )
    elif kind == ExpertStatus.SUSPENDED:
        raise InvalidInput("暂停须写明截止日期", "a suspension needs an end date", field="until")
    expert = lock_expert(expert_id)
    if expert.status == ExpertStatus.BLACKLISTED and kind == ExpertStatus.SUSPENDED:
        raise Conflict(
            "该专家已列入黑名单，不能改为暂停；请先解除黑名单",
            "the expert is blacklisted; lift the blacklisting before suspending",
            code="already_blacklisted",
        )
    sanction = Sanction.objects.create(
        expert=expert,
        kind=kind,
        reason=clean_reason,
        document=clean_document,
        start=start,
        until=until,
        author=user,
        created_at=clock.now(),
    )
    expert.status = kind
    expert.status_reason = clean_reason
    expert.status_document = clean_document
    expert.status_until = until
    expert.save(update_fields=["status", "status_reason", "status_document", "status_until"])
    record(
        f"expert.{kind}",
        subject=subject_of(expert),
        actor=user.actor,
        ip=ip,
        payload={
            "expert_id": expert.pk,
            "sanction_id": sanction.pk,
            "status": kind,
            "document": clean_document,
            "start": start.isoformat(),
            "until": until.isoformat() if until else None,
            "reason_sha256": digest(clean_reason),
        },
    )
    period_zh = f"至{until:%Y-%m-%d}" if until else "（无期限）"
    period_en = f"until {until}" if until else "(no end date)"
    label_zh = "暂停抽取" if kind == ExpertStatus.SUSPENDED else "列入黑名单"
    _notify_expert(
        expert,
        kind=f"experts.{kind}",
        zh=f"您已被{label_zh}{period_zh}，文号{clean_document}，原因：{clean_reason}",
        en=f"You were {kind} {period_en}, document {clean_document}, reason: {clean_reason}",
    )
    return sanction


def _restore(expert: Expert, *, user: User | None, ip: str | None, cause: str) -> None:
    previous = expert.status
    expert.status = ExpertStatus.ACTIVE
    expert.status_reason = ""
    expert.status_document = ""
    expert.status_until = None
    expert.save(update_fields=["status", "status_reason", "status_document", "status_until"])
    record(
        "expert.restored",
        subject=subject_of(expert),
        actor=user.actor if user is not None else "system",
        ip=ip,
        payload={
            "expert_id": expert.pk,
            "status": expert.status,
            "previous": previous,
            "cause": cause,
        },
    )


@transaction.atomic
def lift_sanction(*, user: User, expert_id: int, reason: str, ip: str | None = None) -> Expert:
    """Restore an expert before the period ends (or end an indefinite blacklisting)."""
    require_centre(user)
    clean_text(reason, field="reason", max_length=REASON_MAX, label_zh="原因", label_en="reason")
    expert = lock_expert(expert_id)
    if expert.status == ExpertStatus.ACTIVE:
        raise Conflict(
            "该专家状态正常，无需解除", "the expert is not sanctioned", code="not_sanctioned"
        )
    _restore(expert, user=user, ip=ip, cause="lifted")
    return expert


def restore_expired_sanctions(*, today: date | None = None) -> list[int]:
    """Restore every expert whose suspension or time-limited blacklisting ended before
    ``today`` (the period runs through its last day). Idempotent; one transaction each."""
    day = today or clock.today()
    restored: list[int] = []
    due = Expert.objects.filter(
        status__in=[ExpertStatus.SUSPENDED, ExpertStatus.BLACKLISTED], status_until__lt=day
    ).values_list("pk", flat=True)
    for expert_id in list(due):
        with transaction.atomic():
            expert = lock_expert(expert_id)
            if expert.status == ExpertStatus.ACTIVE or expert.status_until is None:
                continue
            if expert.status_until >= day:
                continue
            _restore(expert, user=None, ip=None, cause="period_ended")
            restored.append(expert.pk)
    return restored


# --- the classification --------------------------------------------------------------------

_CODE = re.compile(r"[ABC](?:[0-9]{2}){0,3}")


def specialty_level(code: str) -> int:
    return (len(code) + 1) // 2


def specialty_parent(code: str) -> str | None:
    return code[:-2] if len(code) > 1 else None


def _check_code(code: str) -> str:
    code = normalise(code)
    if not _CODE.fullmatch(code):
        raise InvalidInput(
            f"专业代码“{code}”格式无效：应为 A/B/C 加0至3组两位数字（如 A08、A0801）",
            f"the specialty code '{code}' is malformed: A, B or C followed by 0 to 3 pairs of "
            "digits (e.g. A08, A0801)",
            field="code",
            code="specialty_code",
        )
    return code


def _upsert_specialties(rows: Iterable[tuple[str, str, bool]]) -> tuple[int, int]:
    """Create or update (code, name, active) rows, parents first. Returns (created, updated)."""
    created = updated = 0
    for code, name, active in sorted(rows, key=lambda r: (len(r[0]), r[0])):
        _, was_created = Specialty.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": specialty_level(code),
                "parent_id": specialty_parent(code),
                "is_active": active,
            },
        )
        created += was_created
        updated += not was_created
    return created, updated


def _parent_errors(codes: Iterable[str]) -> dict[str, str]:
    """Codes whose parent is neither in ``codes`` nor already stored."""
    wanted = set(codes)
    parents = {specialty_parent(c) for c in wanted} - {None} - wanted
    stored = set(Specialty.objects.filter(code__in=parents).values_list("code", flat=True))
    return {
        c: p
        for c in wanted
        if (p := specialty_parent(c)) is not None and p not in wanted and p not in stored
    }


@transaction.atomic
def load_specialties(path: Path | str = DEFAULT_SPECIALTIES) -> int:
    """Load the classification from the JSON data file; running it twice changes nothing.
    Codes added in the admin are kept. Returns the number of codes in the file."""
    raw = Path(path).read_bytes()
    body = json.loads(raw)
    rows: list[tuple[str, str, bool]] = []
    for item in body["specialties"]:
        code = _check_code(item["code"])
        name = clean_text(item["name"], field="name", max_length=100)
        rows.append((code, name, bool(item.get("active", True))))
    missing = _parent_errors(code for code, _, _ in rows)
    if missing:
        code, parent = sorted(missing.items())[0]
        raise InvalidInput(
            f"专业代码{code}的上级{parent}不存在",
            f"the parent {parent} of {code} is missing",
            field="code",
        )
    before = {s.code: (s.name, s.is_active) for s in Specialty.objects.all()}
    if all(before.get(code) == (name, active) for code, name, active in rows):
        return len(rows)  # nothing to do, nothing to witness
    created, updated = _upsert_specialties(rows)
    record(
        "expert.specialties_loaded",
        subject="experts:specialties",
        payload={
            "file_sha256": hashlib.sha256(raw).hexdigest(),
            "version": body.get("meta", {}).get("version", ""),
            "codes": len(rows),
            "created": created,
            "updated": updated,
        },
    )
    return len(rows)


# --- Excel import and export --------------------------------------------------------------------

SPECIALTY_COLUMNS = (("code", "专业代码"), ("name", "专业名称"), ("is_active", "启用"))
EXPERT_COLUMNS = tuple((name, label_zh) for name, (label_zh, _) in FIELD_LABELS.items())
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet row number (the header is row 1)
    field: str | None
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass
class ImportReport:
    """What an import did: all rows saved, or none (``ok`` false, every bad row listed)."""

    kind: str
    rows: int = 0
    created: list[Any] = field(default_factory=list)
    updated: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    accounts: list[NewAccount] = field(default_factory=list)
    file_sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
            "accounts": [
                {"expert_id": a.expert_id, "username": a.username, "password": a.password}
                for a in self.accounts
            ],
        }


def _read_sheet(
    upload: IO[bytes], columns: tuple[tuple[str, str], ...]
) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    """The file's SHA-256 and its data rows as (row number, {field: value}); the header
    row must name the columns (in any order). Blank rows are skipped."""
    from openpyxl import load_workbook

    data = upload.read()
    limit = int(settings.GGZY_UPLOAD_MAX_BYTES)
    if not data:
        raise InvalidInput("上传的文件是空的", "the uploaded file is empty", field="file")
    if len(data) > limit:
        raise InvalidInput(
            f"文件大小为{len(data)}字节，超过上限{limit}字节",
            f"the file is {len(data)} bytes, over the limit of {limit}",
            field="file",
            code="file_too_large",
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise InvalidInput(
            "文件不是有效的 Excel 工作簿（.xlsx）",
            "the file is not an Excel workbook (.xlsx)",
            field="file",
            code="file_type",
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        names = [_as_str(h).strip() for h in header]
        by_label = {label: name for name, label in columns}
        missing = [label for _, label in columns if label not in names]
        if missing:
            raise InvalidInput(
                f"第1行（表头）缺少列：{'、'.join(missing)}",
                f"row 1 (the header) lacks the columns: {', '.join(missing)}",
                field="file",
                code="import_header",
            )
        result: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows, start=2):
            if all(v is None or _as_str(v).strip() == "" for v in values):
                continue
            if len(result) >= MAX_IMPORT_ROWS:
                raise InvalidInput(
                    f"一次最多导入{MAX_IMPORT_ROWS}行",
                    f"at most {MAX_IMPORT_ROWS} rows at a time",
                    field="file",
                )
            item = {
                by_label[label]: value
                for label, value in zip(names, values, strict=False)
                if label in by_label
            }
            result.append((number, item))
    finally:
        book.close()
    return hashlib.sha256(data).hexdigest(), result


def _row_error(number: int, exc: DomainError) -> RowError:
    return RowError(number, exc.field, exc.message_zh, exc.message_en)


def _workbook(title: str, columns: tuple[tuple[str, str], ...], rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([label for _, label in columns])
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe_cell(value: Any) -> Any:
    """Keep text from being read as a formula when the file is opened (CSV/formula
    injection): a leading = + - @ gets an apostrophe."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value


@transaction.atomic
def import_specialties(*, user: User, file: IO[bytes], ip: str | None = None) -> ImportReport:
    """Add or update classification codes from Excel (columns 专业代码, 专业名称, 启用);
    all rows or none."""
    require_centre(user)
    file_sha, rows = _read_sheet(file, SPECIALTY_COLUMNS)
    report = ImportReport(kind="specialties", rows=len(rows), file_sha256=file_sha)
    parsed: list[tuple[str, str, bool]] = []
    seen: dict[str, int] = {}
    for number, item in rows:
        try:
            code = _check_code(_as_str(item.get("code")))
            name = clean_text(
                _as_str(item.get("name")),
                field="name",
                max_length=100,
                label_zh="专业名称",
                label_en="specialty name",
            )
            active = _flag("is_active")(item.get("is_active", "是") or "是")
        except DomainError as exc:
            report.errors.append(_row_error(number, exc))
            continue
        if code in seen:
            report.errors.append(
                RowError(
                    number,
                    "code",
                    f"专业代码{code}与第{seen[code]}行重复",
                    f"the code {code} repeats row {seen[code]}",
                )
            )
            continue
        seen[code] = number
        parsed.append((code, name, active))
    for code, parent in _parent_errors(c for c, _, _ in parsed).items():
        report.errors.append(
            RowError(
                seen[code],
                "code",
                f"专业代码{code}的上级{parent}不存在",
                f"the parent {parent} of {code} does not exist",
            )
        )
    report.errors.sort(key=lambda e: e.row)
    if not report.ok or not parsed:
        if not parsed and report.ok:
            report.errors.append(RowError(2, None, "文件中没有数据行", "the file has no data rows"))
        return report
    existing = set(
        Specialty.objects.filter(code__in=[c for c, _, _ in parsed]).values_list("code", flat=True)
    )
    _upsert_specialties(parsed)
    report.created = [c for c, _, _ in parsed if c not in existing]
    report.updated = [c for c, _, _ in parsed if c in existing]
    record(
        "expert.specialties_imported",
        subject="experts:specialties",
        actor=user.actor,
        ip=ip,
        payload={
            "file_sha256": file_sha,
            "created": len(report.created),
            "updated": len(report.updated),
        },
    )
    return report


def export_specialties() -> bytes:
    rows = (
        [s.code, s.name, "是" if s.is_active else "否"] for s in Specialty.objects.order_by("code")
    )
    return _workbook("专家专业分类", SPECIALTY_COLUMNS, rows)


@transaction.atomic
def import_experts(
    *, user: User, file: IO[bytes], create_accounts: bool = False, ip: str | None = None
) -> ImportReport:
    """Add experts from Excel (the columns of ``EXPERT_COLUMNS``). Every row is checked —
    resident ID and employer USCC check characters, specialty codes, numbers, duplicates in
    the file and in the pool — and if any row is bad nothing is saved and the report lists
    each bad row with its number and reason. With ``create_accounts`` every new expert gets
    a login whose one-time password is in the report."""
    require_centre(user)
    file_sha, rows = _read_sheet(file, EXPERT_COLUMNS)
    report = ImportReport(kind="experts", rows=len(rows), file_sha256=file_sha)
    valid: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, item in rows:
        data = {k: v for k, v in item.items() if not (v is None or _as_str(v).strip() == "")}
        cleaned, errors = validate_new_expert(data)
        report.errors.extend(_row_error(number, exc) for exc in errors)
        resident_id = cleaned.get("resident_id")
        if errors or not resident_id:
            continue
        if resident_id in seen:
            report.errors.append(
                RowError(
                    number,
                    "resident_id",
                    f"身份证号与第{seen[resident_id]}行重复",
                    f"the resident ID repeats row {seen[resident_id]}",
                )
            )
            continue
        seen[resident_id] = number
        valid.append(cleaned)
    for resident_id in Expert.objects.filter(resident_id__in=list(seen)).values_list(
        "resident_id", flat=True
    ):
        report.errors.append(
            RowError(
                seen[resident_id],
                "resident_id",
                "该身份证号已在专家库中",
                "an expert with this resident ID is already in the pool",
            )
        )
    report.errors.sort(key=lambda e: e.row)
    if not rows:
        report.errors.append(RowError(2, None, "文件中没有数据行", "the file has no data rows"))
    if not report.ok:
        return report
    for cleaned in valid:
        expert = _create(cleaned)
        _record_expert("expert.created", expert, user=user, ip=ip, source="import")
        report.created.append(expert.pk)
        if create_accounts:
            account = _make_account(expert)
            _record_account(expert, account, user=user, ip=ip)
            report.accounts.append(account)
    record(
        "expert.imported",
        subject="experts:pool",
        actor=user.actor,
        ip=ip,
        payload={
            "file_sha256": file_sha,
            "created": len(report.created),
            "accounts": len(report.accounts),
        },
    )
    return report


def _expert_row(expert: Expert) -> list[Any]:
    data = current_data(expert)
    row: list[Any] = []
    for name in EXPERT_FIELDS:
        value = data[name]
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, list):
            value = "、".join(value)
        row.append(value)
    return row


def export_experts(experts: QuerySet[Expert]) -> bytes:
    """The experts as an Excel workbook with the import's columns (so it imports back)."""
    rows = (
        _expert_row(e)
        for e in experts.select_related("region", "main_specialty").prefetch_related(
            "other_specialties"
        )
    )
    return _workbook("专家库", EXPERT_COLUMNS, rows)
