"""The entry form (进场登记) of the auction pages: it only parses; the services check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import Organisation, Region
from ggzy.tendering.forms import DATETIME, aware
from ggzy.tendering.models import Keyholder

from .models import DIRECTION_CHOICES, METHOD_CHOICES
from .trade_types import all_types


class AuctionForm(forms.Form):
    trade_type = forms.ChoiceField(label=_("交易品种"))
    method = forms.ChoiceField(label=_("交易方式"), choices=METHOD_CHOICES)
    title = forms.CharField(label=_("标的名称"), max_length=200)
    description = forms.CharField(
        label=_("标的情况"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    transferor_uscc = forms.CharField(label=_("出让人/转让方统一社会信用代码"), max_length=18)
    region = forms.ModelChoiceField(label=_("标的所在地"), queryset=Region.objects.none())
    centre = forms.ModelChoiceField(label=_("交易中心"), queryset=Organisation.objects.none())
    supervisor = forms.ModelChoiceField(
        label=_("行政监督部门"), queryset=Organisation.objects.none()
    )
    direction = forms.ChoiceField(label=_("竞价方向"), choices=DIRECTION_CHOICES)
    start_price = forms.DecimalField(label=_("起始价（元）"), max_digits=16, decimal_places=2)
    increment = forms.DecimalField(label=_("加价幅度（元）"), max_digits=16, decimal_places=2)
    deposit = forms.DecimalField(label=_("竞买保证金（元）"), max_digits=16, decimal_places=2)
    starts_at = forms.DateTimeField(label=_("竞价（挂牌）开始时间"), widget=DATETIME)
    free_ends_at = forms.DateTimeField(label=_("挂牌/自由报价截止时间"), widget=DATETIME)
    timed_seconds = forms.IntegerField(
        label=_("限时竞价时长（秒）"), min_value=10, max_value=3600, initial=300
    )
    keyholders = forms.ModelMultipleChoiceField(
        label=_("密钥托管方（设底价或一次报价时必选）"),
        queryset=Keyholder.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    escrow_threshold = forms.IntegerField(
        label=_("开启所需托管方数（至少 2）"), min_value=2, required=False
    )
    has_reserve = forms.BooleanField(label=_("设底价（由出让人/转让方密封）"), required=False)
    weighted = forms.BooleanField(
        label=_("权重报价（审查时为每个竞买人设定权重系数）"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["trade_type"].choices = [(t.code, t.name_zh) for t in all_types().values()]
        fields["region"].queryset = Region.objects.order_by("code")
        fields["centre"].queryset = Organisation.objects.filter(kind=Organisation.Kind.CENTRE)
        fields["supervisor"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.DEPARTMENT
        )
        fields["keyholders"].queryset = Keyholder.objects.filter(
            is_active=True, suite=settings.GGZY_CRYPTO_SUITE
        )

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data = {
            **{k: d[k] for k in ("trade_type", "method", "title", "description")},
            **{k: d[k] for k in ("transferor_uscc", "direction", "timed_seconds")},
            **{k: str(d[k]) for k in ("start_price", "increment", "deposit")},
            "region": d["region"].pk,
            "centre": d["centre"].pk,
            "supervisor": d["supervisor"].pk,
            "starts_at": aware(d["starts_at"]),
            "free_ends_at": aware(d["free_ends_at"]),
            "keyholders": [h.pk for h in d["keyholders"]],
            "escrow_threshold": d["escrow_threshold"],
            "has_reserve": d["has_reserve"],
            "weighted": d["weighted"],
        }
        return data
