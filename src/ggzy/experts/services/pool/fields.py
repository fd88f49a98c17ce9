"""Expert field validation: labels, cleaners, cross-field checks, the cleaned shape of an
expert's data and writing it back (with its ledger entry)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from ggzy.accounts.models import Region, User
from ggzy.core.services import record
from ggzy.kernel import rules
from ggzy.kernel.errors import Conflict, DomainError, InvalidInput
from ggzy.kernel.ids import normalise, validate_resident_id, validate_uscc
from ggzy.kernel.text import clean_text

from ...models import Expert, Specialty
from ._common import MAX_CONFLICTS, MAX_OTHER_SPECIALTIES, digest, subject_of

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
