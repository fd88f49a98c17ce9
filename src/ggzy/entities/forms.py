"""Web forms. They only shape input; the services check every rule and the views put the
services' errors on the right field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import Region

from .models import EntityKind


class ChineseForm(forms.Form):
    """Labels without Django's ASCII colon (the templates lay labels out above inputs)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EntityFieldsForm(ChineseForm):
    """The fields an entity may change after registration."""

    name = forms.CharField(label=_("名称/姓名"), max_length=200)
    legal_rep_name = forms.CharField(label=_("法定代表人"), max_length=64, required=False)
    legal_rep_id = forms.CharField(label=_("法定代表人身份证号"), max_length=20, required=False)
    address = forms.CharField(label=_("注册地址/住所"), max_length=200)
    region = forms.ModelChoiceField(
        label=_("所在行政区划"),
        queryset=Region.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("（不选）"),
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=64)
    contact_mobile = forms.CharField(label=_("联系人手机"), max_length=20)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)
    bank_name = forms.CharField(label=_("基本存款账户开户银行"), max_length=100, required=False)
    bank_account = forms.CharField(label=_("基本存款账户账号"), max_length=64, required=False)
    is_initiator = forms.BooleanField(label=_("招标人/采购人/出让方"), required=False)
    is_agent = forms.BooleanField(label=_("代理机构"), required=False)
    is_respondent = forms.BooleanField(label=_("投标人/供应商/竞买人"), required=False)

    def entity_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.entity_fields()}
        region = data.get("region")
        data["region"] = region.code if isinstance(region, Region) else None
        return data

    def entity_fields(self) -> set[str]:
        return set(EntityFieldsForm.base_fields) | {"kind", "uscc", "resident_id"}


class RegisterForm(EntityFieldsForm):
    kind = forms.ChoiceField(
        label=_("主体类型"),
        choices=EntityKind.choices,
        initial=EntityKind.LEGAL,
        widget=forms.RadioSelect,
    )
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("法人或其他组织必填，18位"),
    )
    resident_id = forms.CharField(
        label=_("身份证号"), max_length=30, required=False, help_text=_("自然人必填，18位")
    )
    username = forms.CharField(label=_("登录用户名"), max_length=150)
    password1 = forms.CharField(label=_("登录密码"), max_length=128, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("确认密码"), max_length=128, widget=forms.PasswordInput)

    field_order = [
        "kind",
        "name",
        "uscc",
        "resident_id",
        "legal_rep_name",
        "legal_rep_id",
        "address",
        "region",
        "contact_name",
        "contact_mobile",
        "email",
        "bank_name",
        "bank_account",
        "is_initiator",
        "is_agent",
        "is_respondent",
        "username",
        "password1",
        "password2",
    ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return cleaned


class QualificationForm(ChineseForm):
    type = forms.CharField(
        label=_("资质类别"), max_length=100, help_text=_("如：建筑工程施工总承包")
    )
    level = forms.CharField(label=_("等级"), max_length=32, required=False)
    certificate_no = forms.CharField(label=_("证书编号"), max_length=64)
    issuer = forms.CharField(label=_("发证机关"), max_length=100)
    valid_until = forms.DateField(
        label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(
        label=_("证书扫描件"),
        help_text=_("PDF、JPEG 或 PNG 文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class StaffForm(ChineseForm):
    name = forms.CharField(label=_("姓名"), max_length=64)
    resident_id = forms.CharField(label=_("身份证号"), max_length=30)
    position = forms.CharField(label=_("职务/岗位"), max_length=64, required=False)
    certificate_no = forms.CharField(
        label=_("执业证书编号"),
        max_length=64,
        required=False,
        help_text=_("如注册建造师证书编号"),
    )


class ReturnForm(ChineseForm):
    reason = forms.CharField(label=_("退回理由"), max_length=1000, widget=forms.Textarea)
