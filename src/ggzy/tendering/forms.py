"""Forms of the tendering pages: they only parse; the services check the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import Organisation, Region
from ggzy.catalogue.models import Sector as CatalogueSector
from ggzy.catalogue.selectors import items
from ggzy.kernel import clock

from .models import Document, Funding
from .procedures import PROCEDURES

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

# Where a service's error field lands in a form with one lot's fields.
FIELD_MAP = {
    "lots.name": "lot_name",
    "lots.estimate": "lot_estimate",
    "lots.ceiling_price": "lot_ceiling",
    "lots.deposit_amount": "lot_deposit",
    "lots": "lot_name",
}


def aware(value: Any) -> Any:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=clock.SHANGHAI)
    return value


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    catalogue_item = forms.ChoiceField(label=_("交易目录事项"))
    procedure = forms.ChoiceField(label=_("招标/采购方式"))
    funding = forms.ChoiceField(label=_("资金来源"), choices=Funding.choices)
    estimate = forms.DecimalField(label=_("估算价/预算金额（元）"), max_digits=16, decimal_places=2)
    region = forms.ModelChoiceField(label=_("项目所在地"), queryset=Region.objects.none())
    centre = forms.ModelChoiceField(label=_("交易中心"), queryset=Organisation.objects.none())
    supervisor = forms.ModelChoiceField(
        label=_("行政监督部门"), queryset=Organisation.objects.none()
    )
    initiator_uscc = forms.CharField(
        label=_("招标人/采购人统一社会信用代码（代理机构填写委托人）"),
        max_length=18,
        required=False,
    )
    lot_name = forms.CharField(label=_("标段/包名称"), max_length=200)
    lot_estimate = forms.DecimalField(
        label=_("标段/包估算价（元）"), max_digits=16, decimal_places=2
    )
    lot_ceiling = forms.DecimalField(
        label=_("最高投标限价（元）"), max_digits=16, decimal_places=2, required=False
    )
    lot_deposit = forms.DecimalField(
        label=_("投标保证金（元）"), max_digits=16, decimal_places=2, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = items().filter(
            category__sector__in=[CatalogueSector.CONSTRUCTION, CatalogueSector.PROCUREMENT]
        )
        self.fields["catalogue_item"].choices = [  # type: ignore[attr-defined]
            (i.code, f"{i.code} {i.name}") for i in rows
        ]
        self.fields["procedure"].choices = [  # type: ignore[attr-defined]
            (p.code, p.label) for p in PROCEDURES.values()
        ]
        self.fields["region"].queryset = Region.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["centre"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.CENTRE
        )
        self.fields["supervisor"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.DEPARTMENT
        )

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "catalogue_item": d["catalogue_item"],
            "procedure": d["procedure"],
            "funding": d["funding"],
            "estimate": str(d["estimate"]),
            "region": d["region"].pk,
            "centre": d["centre"].pk,
            "supervisor": d["supervisor"].pk,
            "initiator_uscc": d["initiator_uscc"],
            "lots": [
                {
                    "name": d["lot_name"],
                    "estimate": str(d["lot_estimate"]),
                    "ceiling_price": str(d["lot_ceiling"])
                    if d["lot_ceiling"] is not None
                    else None,
                    "deposit_amount": str(d["lot_deposit"] or Decimal(0)),
                }
            ],
        }


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    file = forms.FileField(label=_("文件"))
    kind = forms.ChoiceField(label=_("类型"), choices=Document.Kind.choices)
    affects_bids = forms.BooleanField(label=_("影响投标文件编制"), required=False, initial=True)


class NoticeForm(forms.Form):
    sale_starts_at = forms.DateTimeField(label=_("文件发售开始"), widget=DATETIME)
    sale_ends_at = forms.DateTimeField(label=_("文件发售截止"), widget=DATETIME)
    bid_deadline = forms.DateTimeField(label=_("投标截止/开标时间"), widget=DATETIME)
    body = forms.CharField(label=_("公告正文"), max_length=20000, widget=forms.Textarea)

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "sale_starts_at": aware(d["sale_starts_at"]),
            "sale_ends_at": aware(d["sale_ends_at"]),
            "bid_deadline": aware(d["bid_deadline"]),
            "body": d["body"],
        }


class AmendForm(forms.Form):
    body = forms.CharField(label=_("澄清、修改内容"), max_length=20000, widget=forms.Textarea)
    new_deadline = forms.DateTimeField(
        label=_("新的投标截止时间（可空）"), widget=DATETIME, required=False
    )

    def service_data(self) -> dict[str, Any]:
        return {
            "body": self.cleaned_data["body"],
            "new_deadline": aware(self.cleaned_data["new_deadline"]),
        }


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("答复"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
