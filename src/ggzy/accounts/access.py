"""Page guards by role, shared by every app's views."""

from __future__ import annotations

from ggzy.core.http import requires

from .selectors import is_centre_staff

CENTRE_ONLY = ("此页面仅供交易中心工作人员使用。", "this page is for trading-centre staff only")

centre_only = requires(is_centre_staff, *CENTRE_ONLY, code="centre_staff_only")

OVERSIGHT_ONLY = (
    "此页面仅供交易中心、行政监督和纪检审计人员使用。",
    "this page is for trading-centre staff, supervisors and discipline or audit users only",
)

EXPERTS_ONLY = (
    "此页面仅供评标评审专家本人使用。",
    "this page is for the expert themself only",
)
