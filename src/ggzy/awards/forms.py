"""Forms of the award pages: they only parse; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ggzy.tendering.forms import DATETIME

from .services.award import PASS_OVER_GROUNDS

DATE = forms.DateInput(attrs={"type": "date"})


class PublicityForm(forms.Form):
    ends_at = forms.DateTimeField(label=_("公示结束时间"), widget=DATETIME)


class TextForm(forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}))


class AwardForm(forms.Form):
    bid = forms.TypedChoiceField(label=_("中标/成交候选人"), coerce=int)
    ground = forms.ChoiceField(
        label=_("未选排名第一的情形"),
        required=False,
        choices=[("", "—"), *PASS_OVER_GROUNDS.items()],
    )
    reason = forms.CharField(
        label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, candidates: list[tuple[int, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["bid"].choices = candidates  # type: ignore[attr-defined]


class ContractForm(forms.Form):
    number = forms.CharField(label=_("合同编号"), max_length=64)
    amount = forms.DecimalField(label=_("合同金额（元）"), max_digits=16, decimal_places=2)
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE)
    duration = forms.CharField(label=_("履行期限"), max_length=100)
    amount_reason = forms.CharField(
        label=_("金额与中标金额不一致的理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PerformanceForm(forms.Form):
    reported_on = forms.DateField(label=_("报告日期"), widget=DATE)
    progress = forms.CharField(label=_("履约情况"), widget=forms.Textarea(attrs={"rows": 3}))
    paid = forms.DecimalField(label=_("累计支付（元）"), max_digits=16, decimal_places=2)
    completed = forms.BooleanField(label=_("履约完毕"), required=False)
