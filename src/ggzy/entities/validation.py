"""Checking what people submit about a market entity, field by field.

Every message names the field (``InvalidInput.field`` is the form/API field name) in
Chinese and English. Nothing here writes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ggzy.accounts.models import Region
from ggzy.kernel.errors import InvalidInput
from ggzy.kernel.ids import validate_resident_id, validate_uscc
from ggzy.kernel.text import clean_text

from .models import EntityKind


class EntityData(TypedDict, total=False):
    """The submitted data of an entity (keys are also the form and API field names)."""

    kind: str
    name: str
    uscc: str
    resident_id: str
    legal_rep_name: str
    legal_rep_id: str
    address: str
    region: str | None
    contact_name: str
    contact_mobile: str
    email: str
    bank_name: str
    bank_account: str
    is_initiator: bool
    is_agent: bool
    is_respondent: bool


# field → (Chinese label, English label), in display order.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "kind": ("主体类型", "entity type"),
    "name": ("名称/姓名", "name"),
    "uscc": ("统一社会信用代码", "unified social credit code"),
    "resident_id": ("身份证号", "resident ID number"),
    "legal_rep_name": ("法定代表人", "legal representative"),
    "legal_rep_id": ("法定代表人身份证号", "legal representative's resident ID number"),
    "address": ("注册地址/住所", "registered address"),
    "region": ("所在行政区划", "region"),
    "contact_name": ("联系人", "contact person"),
    "contact_mobile": ("联系人手机", "contact mobile number"),
    "email": ("电子邮箱", "email address"),
    "bank_name": ("基本存款账户开户银行", "bank of the basic deposit account"),
    "bank_account": ("基本存款账户账号", "basic deposit account number"),
    "is_initiator": ("招标人/采购人/出让方", "initiator (tenderer, purchaser, transferor)"),
    "is_agent": ("代理机构", "procurement agent"),
    "is_respondent": ("投标人/供应商/竞买人", "respondent (bidder, supplier, buyer)"),
}
ENTITY_FIELDS = tuple(FIELD_LABELS)
ROLE_FIELDS = ("is_initiator", "is_agent", "is_respondent")
# Identity fields: a different USCC or ID number is a different entity (register anew).
IDENTITY_FIELDS = ("kind", "uscc", "resident_id")

MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_NOISE = re.compile(r"[\s\-()（）]")
_ACCOUNT_NOISE = re.compile(r"[\s\-]")

MAX_LENGTHS = {
    "name": 200,
    "legal_rep_name": 64,
    "address": 200,
    "contact_name": 64,
    "email": 254,
    "bank_name": 100,
}


def text(
    raw: Mapping[str, Any], name: str, *, required: bool = True, multiline: bool = False
) -> str:
    zh, en = FIELD_LABELS[name]
    return clean_text(
        raw.get(name),
        field=name,
        max_length=MAX_LENGTHS[name],
        required=required,
        multiline=multiline,
        label_zh=zh,
        label_en=en,
    )


def clean_mobile(value: object, *, field: str = "contact_mobile") -> str:
    zh, en = FIELD_LABELS.get(field, ("手机号码", "mobile number"))
    raw = clean_text(value, field=field, max_length=20, label_zh=zh, label_en=en)
    number = _MOBILE_NOISE.sub("", raw)
    if number.startswith("+86"):
        number = number[3:]
    if not MOBILE.match(number):
        raise InvalidInput(
            f"{zh}应为11位中国大陆手机号码（以1开头，第二位为3–9），实际为“{raw}”",
            f"The {en} must be an 11-digit mainland China mobile number (1, then 3–9, "
            f"then 9 digits); got '{raw}'",
            code="mobile_invalid",
            field=field,
        )
    return number


def clean_email(value: object) -> str:
    zh, en = FIELD_LABELS["email"]
    email = clean_text(
        value, field="email", max_length=254, required=False, label_zh=zh, label_en=en
    )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(
                f"{zh}格式不正确：“{email}”",
                f"The {en} is not a valid address: '{email}'",
                code="email_invalid",
                field="email",
            ) from None
    return email.lower()


def clean_bank_account(value: object, *, required: bool) -> str:
    zh, en = FIELD_LABELS["bank_account"]
    raw = clean_text(
        value, field="bank_account", max_length=64, required=required, label_zh=zh, label_en=en
    )
    number = _ACCOUNT_NOISE.sub("", raw)
    if number and (not number.isascii() or not number.isdigit() or not 8 <= len(number) <= 32):
        raise InvalidInput(
            f"{zh}应为8至32位数字，实际为“{raw}”",
            f"The {en} must be 8 to 32 digits; got '{raw}'",
            code="bank_account_invalid",
            field="bank_account",
        )
    return number


def clean_region(value: object) -> str | None:
    if value in (None, ""):
        return None
    zh, en = FIELD_LABELS["region"]
    code = clean_text(value, field="region", max_length=6, label_zh=zh, label_en=en)
    if not Region.objects.filter(code=code).exists():
        raise InvalidInput(
            f"{zh}代码“{code}”不存在",
            f"There is no region with code '{code}'",
            code="region_unknown",
            field="region",
        )
    return code


def clean_flag(raw: Mapping[str, Any], name: str) -> bool:
    value = raw.get(name, False)
    if not isinstance(value, bool):
        zh, en = FIELD_LABELS[name]
        raise InvalidInput(
            f"{zh}应为是或否", f"The {en} must be true or false", code="bool_invalid", field=name
        )
    return value


def clean_kind(value: object) -> str:
    if value not in EntityKind.values:
        raise InvalidInput(
            "主体类型应为“法人或其他组织”（legal）或“自然人”（person）",
            "The entity type must be 'legal' (legal entity or other organisation) or "
            "'person' (natural person)",
            code="kind_invalid",
            field="kind",
        )
    return str(value)


def clean_entity_data(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise a complete set of entity data; return the clean dict.

    Legal entities need a USCC, a legal representative with a resident ID and a basic
    deposit account; natural persons need their resident ID (the fields of the other kind
    are dropped). At least one role must be chosen.
    """
    kind = clean_kind(raw.get("kind"))
    legal = kind == EntityKind.LEGAL
    data: dict[str, Any] = {"kind": kind, "name": text(raw, "name")}
    if legal:
        data["uscc"] = validate_uscc(raw.get("uscc"), field="uscc")
        data["resident_id"] = ""
        data["legal_rep_name"] = text(raw, "legal_rep_name")
        data["legal_rep_id"] = validate_resident_id(raw.get("legal_rep_id"), field="legal_rep_id")
    else:
        data["uscc"] = ""
        data["resident_id"] = validate_resident_id(raw.get("resident_id"), field="resident_id")
        data["legal_rep_name"] = ""
        data["legal_rep_id"] = ""
    data["address"] = text(raw, "address")
    data["region"] = clean_region(raw.get("region"))
    data["contact_name"] = text(raw, "contact_name")
    data["contact_mobile"] = clean_mobile(raw.get("contact_mobile"))
    data["email"] = clean_email(raw.get("email"))
    data["bank_name"] = text(raw, "bank_name", required=legal)
    data["bank_account"] = clean_bank_account(raw.get("bank_account"), required=legal)
    for flag in ROLE_FIELDS:
        data[flag] = clean_flag(raw, flag)
    if not any(data[flag] for flag in ROLE_FIELDS):
        raise InvalidInput(
            "请至少选择一种主体角色：招标人/采购人/出让方、代理机构、投标人/供应商/竞买人",
            "Choose at least one role: initiator, agent or respondent",
            code="roles_required",
            field="is_respondent",
        )
    return data
