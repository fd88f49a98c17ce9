"""Forms of the centre finance page. Bidders are named by their USCC."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import User
from ggzy.entities.models import MarketEntity
from ggzy.tendering.models import Lot

from . import selectors


class LotForm(forms.Form):
    """A form about one lot, chosen among those the user may see that have a deadline."""

    lot = forms.ModelChoiceField(label=_("标段/包"), queryset=Lot.objects.none())

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        lot_field = self.fields["lot"]
        assert isinstance(lot_field, forms.ModelChoiceField)
        lot_field.queryset = selectors.lots_visible_to(user).filter(
            project__bid_deadline__isnull=False
        )


def _entity_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("投标人统一社会信用代码"),
        queryset=MarketEntity.objects.all(),
        to_field_name="uscc",
        widget=forms.TextInput(attrs={"maxlength": 18}),
        error_messages={"invalid_choice": _("没有使用这个统一社会信用代码的市场主体")},
    )


def _amount_field() -> forms.DecimalField:
    return forms.DecimalField(label=_("金额（元）"), max_digits=14, decimal_places=2)


class TransferForm(LotForm):
    entity = _entity_field()
    amount = _amount_field()
    payer_bank = forms.CharField(label=_("付款银行"), max_length=100, required=False)
    payer_account = forms.CharField(label=_("付款账号"), max_length=32)
    paid_at = forms.DateTimeField(
        label=_("到账时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    bank_reference = forms.CharField(label=_("银行流水号"), max_length=64)


class StatementForm(LotForm):
    file = forms.FileField(
        label=_("银行流水 CSV"),
        help_text=_("表头：交易时间、付款人名称、付款账号、付款银行、金额、流水号、附言"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class GuaranteeForm(LotForm):
    entity = _entity_field()
    guarantee_no = forms.CharField(label=_("保函编号"), max_length=64)
    issuer = forms.CharField(label=_("出具机构"), max_length=200)
    amount = _amount_field()
    valid_from = forms.DateField(
        label=_("有效期起"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RefundedForm(forms.Form):
    reference = forms.CharField(label=_("退还凭证号"), max_length=64)
