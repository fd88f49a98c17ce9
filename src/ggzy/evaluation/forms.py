"""Forms of the evaluation pages: they only parse; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .services.flags import REJECTION_REASONS


def _reason_choices() -> list[tuple[str, str]]:
    english = (get_language() or "").startswith("en")
    return [("", "—")] + [
        (code, en if english else zh) for code, (zh, en) in REJECTION_REASONS.items()
    ]


class MemberForm(forms.Form):
    member = forms.IntegerField(label=_("成员"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class AddMemberForm(forms.Form):
    invitation = forms.IntegerField(label=_("补抽专家的抽取通知编号"), required=False)
    representative = forms.IntegerField(label=_("招标人代表的用户编号"), required=False)


class VoteForm(forms.Form):
    votes_for = forms.IntegerField(label=_("同意否决"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对否决"), min_value=0)
    reason = forms.ChoiceField(label=_("否决情形"), required=False)
    ground = forms.CharField(label=_("事实与理由"), max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = _reason_choices()  # type: ignore[attr-defined]


class RejectForm(VoteForm):
    bid = forms.IntegerField(label=_("投标"))


class ConcludeForm(forms.Form):
    reject_all = forms.BooleanField(label=_("否决全部投标"), required=False)
    ground = forms.CharField(
        label=_("否决全部投标的理由"), max_length=2000, required=False, widget=forms.Textarea
    )


class DissentForm(forms.Form):
    text = forms.CharField(label=_("不同意见及理由"), max_length=2000, widget=forms.Textarea)


class SignatureForm(forms.Form):
    signature = forms.CharField(label=_("签名（Base64）"), max_length=4000)


def form_errors(form: forms.Form) -> str:
    """A form's errors on one line, each with its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)


def sheet_input(data: QueryDict, checks: list[str], items: list[str]) -> dict[str, Any]:
    """One bid's review from the posted form: ``check-<id>`` pass/fail with ``reason-<id>``,
    ``score-<id>``. Unanswered entries are left out (saved later); the service checks the
    values."""
    verdicts = {}
    for item in checks:
        verdict = data.get(f"check-{item}", "")
        if verdict in ("pass", "fail"):
            verdicts[item] = {
                "passed": verdict == "pass",
                "reason": data.get(f"reason-{item}", "").strip(),
            }
    scores = {item: value for item in items if (value := data.get(f"score-{item}", "").strip())}
    return {"checks": verdicts, "scores": scores}
