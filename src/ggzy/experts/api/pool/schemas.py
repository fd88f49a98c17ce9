"""Request and response schemas of the expert API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from ...services import pool as services

# --- schemas -----------------------------------------------------------------------------


class ExpertFieldsIn(Schema):
    """Expert fields; in an update, omitted fields keep their value."""

    name: str | None = Field(None, max_length=64)
    resident_id: str | None = Field(None, max_length=30)
    employer_name: str | None = Field(None, max_length=200)
    employer_uscc: str | None = Field(None, max_length=30)
    title: str | None = Field(None, max_length=64)
    years_of_practice: int | None = Field(None, ge=0, le=100)
    education: str | None = Field(None, max_length=32)
    mobile: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    region: str | None = Field(None, max_length=6)
    main_specialty: str | None = Field(None, max_length=16)
    other_specialties: list[str] | None = Field(None, max_length=services.MAX_OTHER_SPECIALTIES)
    in_comprehensive_pool: bool | None = None
    in_procurement_pool: bool | None = None
    bank_name: str | None = Field(None, max_length=100)
    bank_account: str | None = Field(None, max_length=40)
    declared_conflicts: list[str] | None = Field(None, max_length=services.MAX_CONFLICTS)


class ExpertOut(Schema):
    id: int
    name: str
    resident_id: str
    employer_name: str
    employer_uscc: str
    title: str
    years_of_practice: int
    education: str
    mobile: str
    email: str
    region: str
    main_specialty: str
    other_specialties: list[str]
    in_comprehensive_pool: bool
    in_procurement_pool: bool
    status: str
    status_reason: str
    status_document: str
    status_until: date | None
    bank_name: str
    bank_account: str
    declared_conflicts: list[str]
    has_account: bool


class ExpertPage(Schema):
    count: int
    items: list[ExpertOut]


class ChangeOut(Schema):
    id: int
    expert: int = Field(alias="expert_id")
    data: dict[str, Any]
    status: str
    submitted_at: datetime
    reviewed_at: datetime | None
    reason: str


class ProfileUpdateOut(Schema):
    expert: ExpertOut
    applied: list[str]
    change: ChangeOut | None


class AccountOut(Schema):
    expert_id: int
    username: str
    password: str


class LeaveIn(Schema):
    start: date
    end: date
    reason: str = Field("", max_length=200)


class LeaveOut(Schema):
    id: int
    expert: int = Field(alias="expert_id")
    start: date
    end: date
    reason: str


class SanctionIn(Schema):
    kind: Literal["suspended", "blacklisted"]
    reason: str = Field(max_length=500)
    document: str = Field(max_length=100)
    start: date
    until: date | None = None


class SanctionOut(Schema):
    id: int
    expert: int = Field(alias="expert_id")
    kind: str
    reason: str
    document: str
    start: date
    until: date | None
    created_at: datetime


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class SpecialtyOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None = Field(None, alias="parent_id")
    is_active: bool


class RowErrorOut(Schema):
    row: int
    field: str | None
    message_zh: str
    message_en: str


class ImportOut(Schema):
    kind: str
    ok: bool
    rows: int
    created: list[Any]
    updated: list[Any]
    errors: list[RowErrorOut]
    accounts: list[AccountOut]


class ExpertQuery(Schema):
    specialty: str = Field("", max_length=16)
    status: Literal["", "active", "suspended", "blacklisted"] = ""
    region: str = Field("", max_length=6)
    q: str = Field("", max_length=64)
    pool: Literal["", "comprehensive", "procurement"] = ""
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class InvitationOut(Schema):
    id: int
    request: int = Field(alias="request_id")
    project_code: str
    lot_name: str
    opening_at: datetime
    venue: str
    status: str
    reply_by: datetime
    replied_at: datetime | None
    signed_in_at: datetime | None
    seat: int | None
    is_chair: bool
    replaced_at: datetime | None


class AppraisalIn(Schema):
    invitation: int
    attitude: int
    discipline: int
    professional: int
    confidentiality: int
    remarks: str = Field("", max_length=500)


class AppraisalOut(Schema):
    id: int
    invitation: int = Field(alias="invitation_id")
    by: str
    attitude: int
    discipline: int
    professional: int
    confidentiality: int
    overall: Decimal
    remarks: str
    created_at: datetime


class AssessmentOut(Schema):
    expert_id: int
    year: int
    projects: int
    appraisals: int
    averages: dict[str, Decimal | None]
    overall: Decimal | None
    sanctions: list[SanctionOut]
    hours: Decimal
    amount: Decimal


class RemunerationIn(Schema):
    invitation: int
    hours: str = Field(max_length=8, description="hours, at most one decimal place, e.g. 4.5")
    amount: str = Field(max_length=20, description="yuan as a plain string, e.g. 800.00")


class RemunerationOut(Schema):
    id: int
    invitation: int = Field(alias="invitation_id")
    project_code: str
    hours: Decimal
    amount: Decimal
    created_at: datetime
    exported_at: datetime | None


class BankBatchIn(Schema):
    request: int | None = None
    period_from: date | None = None
    period_to: date | None = None
    include_exported: bool = False
