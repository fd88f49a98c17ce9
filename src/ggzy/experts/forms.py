"""Web forms for the pool. They only shape input; the services check every rule and the
views put the services' errors on the right field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import Region

from .models import ExpertStatus, Specialty


class ChineseForm(forms.Form):
    """Labels without Django's ASCII colon (the templates lay labels out above inputs)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _specialty_field(*, required: bool) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("主专业"),
        queryset=Specialty.objects.filter(is_active=True),
        to_field_name="code",
        required=required,
    )


def _others_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("其他专业"),
        queryset=Specialty.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


def _codes(data: dict[str, Any]) -> dict[str, Any]:
    """Model choices back to the codes the services take."""
    out = dict(data)
    for name in ("region", "main_specialty"):
        if name in out:
            value = out[name]
            out[name] = getattr(value, "code", value) or ""
    if "other_specialties" in out:
        out["other_specialties"] = [s.code for s in out["other_specialties"] or []]
    if "declared_conflicts" in out:
        text = out["declared_conflicts"] or ""
        out["declared_conflicts"] = [p for p in text.replace("，", ",").split(",") if p.strip()]
    return out


class ExpertForm(ChineseForm):
    """Every profile field (centre staff)."""

    name = forms.CharField(label=_("姓名"), max_length=64)
    resident_id = forms.CharField(label=_("身份证号"), max_length=30)
    employer_name = forms.CharField(label=_("工作单位"), max_length=200)
    employer_uscc = forms.CharField(label=_("工作单位统一社会信用代码"), max_length=30)
    title = forms.CharField(label=_("职称"), max_length=64)
    years_of_practice = forms.IntegerField(label=_("从业年限"), min_value=0, max_value=100)
    education = forms.CharField(label=_("学历"), max_length=32, required=False)
    mobile = forms.CharField(label=_("手机号码"), max_length=20)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)
    region = forms.ModelChoiceField(
        label=_("所在地区"), queryset=Region.objects.all(), to_field_name="code"
    )
    main_specialty = _specialty_field(required=True)
    other_specialties = _others_field()
    in_comprehensive_pool = forms.BooleanField(label=_("综合评标专家库"), required=False)
    in_procurement_pool = forms.BooleanField(label=_("政府采购评审专家库"), required=False)
    bank_name = forms.CharField(label=_("开户银行"), max_length=100, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False)
    declared_conflicts = forms.CharField(
        label=_("申报回避单位代码"),
        max_length=2000,
        required=False,
        help_text=_("统一社会信用代码，多个用逗号分隔"),
    )

    def expert_data(self) -> dict[str, Any]:
        return _codes(self.cleaned_data)


class OwnProfileForm(ChineseForm):
    """What an expert may change: the first group applies at once, the second is reviewed."""

    mobile = forms.CharField(label=_("手机号码"), max_length=20)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)
    education = forms.CharField(label=_("学历"), max_length=32, required=False)
    bank_name = forms.CharField(label=_("开户银行"), max_length=100, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False)
    declared_conflicts = forms.CharField(
        label=_("申报回避单位代码"),
        max_length=2000,
        required=False,
        help_text=_("统一社会信用代码，多个用逗号分隔"),
    )
    employer_name = forms.CharField(
        label=_("工作单位"), max_length=200, help_text=_("变更需交易中心审核")
    )
    employer_uscc = forms.CharField(
        label=_("工作单位统一社会信用代码"), max_length=30, help_text=_("变更需交易中心审核")
    )
    title = forms.CharField(label=_("职称"), max_length=64, help_text=_("变更需交易中心审核"))
    main_specialty = _specialty_field(required=True)
    other_specialties = _others_field()

    def expert_data(self) -> dict[str, Any]:
        return _codes(self.cleaned_data)


class LeaveForm(ChineseForm):
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("事由"), max_length=200, required=False)


class SanctionForm(ChineseForm):
    kind = forms.ChoiceField(
        label=_("处理类型"),
        choices=[
            (ExpertStatus.SUSPENDED.value, _("暂停抽取")),
            (ExpertStatus.BLACKLISTED.value, _("列入黑名单")),
        ],
    )
    reason = forms.CharField(label=_("处理原因"), max_length=500, widget=forms.Textarea)
    document = forms.CharField(label=_("处理文号"), max_length=100, required=False)
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("暂停必填；黑名单可不填（无期限）"),
    )


class ReasonForm(ChineseForm):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea)


class ImportForm(ChineseForm):
    kind = forms.ChoiceField(
        label=_("导入内容"),
        choices=[("experts", _("专家")), ("specialties", _("专家专业分类"))],
    )
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    create_accounts = forms.BooleanField(label=_("为导入的专家创建登录账号"), required=False)


class FilterForm(ChineseForm):
    specialty = forms.CharField(label=_("专业代码"), max_length=16, required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *ExpertStatus.choices], required=False
    )
    region = forms.CharField(label=_("地区代码"), max_length=6, required=False)
    q = forms.CharField(label=_("姓名或单位"), max_length=64, required=False)


class YearForm(ChineseForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
