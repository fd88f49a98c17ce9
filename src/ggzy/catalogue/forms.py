"""Forms of the catalogue management pages; rules are checked by ``services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import Industry
from ggzy.core.http import bilingual
from ggzy.kernel.errors import InvalidInput

from .models import CatalogueItem, CatalogueVersion, Procedure, TradeCategory
from .services import item_state
from .validation import (
    CODE_MAX,
    DOCUMENT_NUMBER_MAX,
    NAME_MAX,
    TEXT_MAX,
    TITLE_MAX,
    ItemSpec,
    clean_code,
    clean_text,
    clean_threshold,
)

AMOUNT_HELP = _("单位：元，最多两位小数，如 4000000.00；不要带逗号或 ¥")


class DraftForm(forms.Form):
    title = forms.CharField(label=_("目录名称"), max_length=TITLE_MAX)
    document_number = forms.CharField(
        label=_("发文字号"), max_length=DOCUMENT_NUMBER_MAX, required=False
    )
    based_on = forms.ModelChoiceField(
        label=_("基于版本"),
        queryset=CatalogueVersion.objects.order_by("-number"),
        required=False,
        empty_label=_("最新发布的版本"),
        help_text=_("新草稿复制该版本的全部事项"),
    )


class ItemForm(forms.Form):
    code = forms.CharField(
        label=_("事项代码"),
        max_length=CODE_MAX,
        help_text=_("大写字母、数字、“-”和“.”，以字母开头，如 CON-WORKS-HOUSING"),
    )
    category = forms.ModelChoiceField(
        label=_("交易类别"),
        queryset=TradeCategory.objects.filter(is_active=True),
        to_field_name="code",
    )
    name = forms.CharField(label=_("事项名称"), max_length=NAME_MAX)
    name_en = forms.CharField(label=_("英文名称"), max_length=NAME_MAX, required=False)
    description = forms.CharField(
        label=_("范围说明"), max_length=TEXT_MAX, required=False, widget=forms.Textarea
    )
    must_enter = forms.BooleanField(label=_("必须进场"), required=False, initial=True)
    entry_threshold = forms.CharField(
        label=_("进场金额标准（元）"),
        max_length=24,
        required=False,
        help_text=format_lazy(
            "{}{}", _("达到或超过该金额必须进场；必须进场且为空表示不论金额均须进场。"), AMOUNT_HELP
        ),
    )
    voluntary_threshold = forms.CharField(
        label=_("自愿进场金额（元）"),
        max_length=24,
        required=False,
        help_text=format_lazy(
            "{}{}", _("未达进场金额标准但达到该金额的可自愿进场；为空表示不适用。"), AMOUNT_HELP
        ),
    )
    supervising_industry = forms.ChoiceField(label=_("行政监督行业"), choices=Industry.choices)
    procedure_families = forms.MultipleChoiceField(
        label=_("交易方式"), choices=Procedure.choices, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("备注"), max_length=TEXT_MAX, required=False, widget=forms.Textarea
    )
    legal_basis = forms.CharField(
        label=_("依据"), max_length=TEXT_MAX, required=False, widget=forms.Textarea
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=100_000, initial=0)

    # Each field is checked with the services' own rules, so every bad field is shown at once;
    # the cross-field rules (thresholds, procedures per family) stay in ``services``.
    def _checked(self, name: str, check: Callable[[Any], Any]) -> Any:
        try:
            return check(self.cleaned_data[name])
        except InvalidInput as exc:
            raise forms.ValidationError(bilingual(exc)) from None

    def clean_code(self) -> str:
        return str(self._checked("code", clean_code))

    def _amount(self, name: str, label: str) -> str:
        self._checked(name, lambda v: clean_threshold(v, field=name, label_zh=label))
        return str(self.cleaned_data[name])

    def clean_entry_threshold(self) -> str:
        return self._amount("entry_threshold", "进场金额标准")

    def clean_voluntary_threshold(self) -> str:
        return self._amount("voluntary_threshold", "自愿进场金额")

    def _text(self, name: str, label: str, max_length: int, multiline: bool = False) -> str:
        return str(
            self._checked(
                name,
                lambda v: clean_text(
                    v, field=name, label_zh=label, max_length=max_length, multiline=multiline
                ),
            )
        )

    def clean_name(self) -> str:
        return self._text("name", "事项名称", NAME_MAX)

    def clean_name_en(self) -> str:
        return self._text("name_en", "英文名称", NAME_MAX)

    def clean_description(self) -> str:
        return self._text("description", "范围说明", TEXT_MAX, multiline=True)

    def clean_notes(self) -> str:
        return self._text("notes", "备注", TEXT_MAX, multiline=True)

    def clean_legal_basis(self) -> str:
        return self._text("legal_basis", "依据", TEXT_MAX, multiline=True)

    @staticmethod
    def initial_for(item: CatalogueItem) -> dict[str, Any]:
        """The item's stored content, with a missing amount shown as an empty box."""
        initial = item_state(item)
        for name in ("entry_threshold", "voluntary_threshold"):
            if initial[name] is None:
                initial[name] = ""
        return initial

    def spec(self) -> ItemSpec:
        data = self.cleaned_data
        return ItemSpec(
            category=data["category"].code,
            name=data["name"],
            name_en=data["name_en"],
            description=data["description"],
            must_enter=data["must_enter"],
            entry_threshold=data["entry_threshold"] or None,
            voluntary_threshold=data["voluntary_threshold"] or None,
            supervising_industry=data["supervising_industry"],
            procedure_families=data["procedure_families"],
            notes=data["notes"],
            legal_basis=data["legal_basis"],
            sort_order=data["sort_order"],
        )


class PublishForm(forms.Form):
    effective_from = forms.DateField(
        label=_("生效日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不早于今天，且晚于现行版本的生效日期；现行版本自该日起废止。"),
    )
