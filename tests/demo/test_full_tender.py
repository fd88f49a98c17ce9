"""`ggzy demo scenario full-tender` on the demo data: both tenders reach their contracts."""

from __future__ import annotations

from typing import Any

from ggzy.awards.models import Contract
from ggzy.demo.full_tender import full_tender
from ggzy.demo.load import load
from ggzy.kernel import clock
from ggzy.tendering.models import Lot


def test_full_tender_runs_on_the_demo_data(
    db: Any, tender_settings: Any, manual_clock: clock.ManualClock
) -> None:
    lines: list[str] = []
    load(progress=lambda *_: None)
    assert full_tender(lines.append), "\n".join(lines)
    text = "\n".join(lines)
    assert text.count("否决投标 — ") == 2 and "（price）" in text  # one rejection per tender
    assert "提出异议" in text and "代理机构答复异议" in text  # the works publicity
    assert text.count("电子印章核验通过") == 2
    assert text.count("合同已签订并公开") == 2
    assert lines[-1].startswith("\n账本校验：") and lines[-1].endswith("条记录，完整")
    assert Contract.objects.count() == 2
    assert set(Lot.objects.values_list("status", flat=True)) == {Lot.Status.CONTRACTED}
