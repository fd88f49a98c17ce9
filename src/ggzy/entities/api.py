"""REST API for market entities, mounted at /api/v1/entities (thin: parse, authorise, call).

Errors are mapped in ``ggzy.api``: domain errors to their status with
``{code, message_zh, message_en, field}``, schema violations to 422.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from ggzy.core.http import acting_user, client_ip

from . import selectors, services
from .models import Certificate, EntityRevision, MarketEntity, Qualification, StaffMember
from .uploads import CONTENT_TYPES

router = Router(tags=["entities 市场主体"])

# --- schemas -----------------------------------------------------------------------------


class EntityFieldsIn(Schema):
    """Changeable fields; in a change request, omitted fields keep their current value."""

    name: str | None = Field(None, max_length=200)
    legal_rep_name: str | None = Field(None, max_length=64)
    legal_rep_id: str | None = Field(None, max_length=30)
    address: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=6)
    contact_name: str | None = Field(None, max_length=64)
    contact_mobile: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    bank_name: str | None = Field(None, max_length=100)
    bank_account: str | None = Field(None, max_length=64)
    is_initiator: bool | None = None
    is_agent: bool | None = None
    is_respondent: bool | None = None


class RegisterIn(Schema):
    kind: Literal["legal", "person"]
    name: str = Field(max_length=200)
    uscc: str = Field("", max_length=30)
    resident_id: str = Field("", max_length=30)
    legal_rep_name: str = Field("", max_length=64)
    legal_rep_id: str = Field("", max_length=30)
    address: str = Field(max_length=200)
    region: str | None = Field(None, max_length=6)
    contact_name: str = Field(max_length=64)
    contact_mobile: str = Field(max_length=20)
    email: str = Field("", max_length=254)
    bank_name: str = Field("", max_length=100)
    bank_account: str = Field("", max_length=64)
    is_initiator: bool = False
    is_agent: bool = False
    is_respondent: bool = False
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)


class EntityOut(Schema):
    id: int
    kind: str
    name: str
    uscc: str
    status: str
    version: int
    region: str | None = Field(None, alias="region_id")
    is_initiator: bool
    is_agent: bool
    is_respondent: bool
    created_at: datetime
    approved_at: datetime | None


class EntityDetailOut(EntityOut):
    resident_id: str
    legal_rep_name: str
    legal_rep_id: str
    address: str
    contact_name: str
    contact_mobile: str
    email: str
    bank_name: str
    bank_account: str
    updated_at: datetime


class EntityPage(Schema):
    count: int
    items: list[EntityOut]


class RegisteredOut(Schema):
    entity: EntityOut
    revision: int
    username: str
    receipt: dict[str, Any]


class RevisionOut(Schema):
    id: int
    number: int
    status: str
    data: dict[str, Any]
    submitted_at: datetime
    reviewed_at: datetime | None
    reason: str


class ReasonIn(Schema):
    reason: str = Field(max_length=1000)


class QualificationIn(Schema):
    type: str = Field(max_length=100)
    level: str = Field("", max_length=32)
    certificate_no: str = Field(max_length=64)
    issuer: str = Field(max_length=100)
    valid_until: date


class QualificationOut(Schema):
    id: int
    type: str
    level: str
    certificate_no: str
    issuer: str
    valid_until: date
    file_type: str
    file_size: int
    file_sha256: str
    approved: bool
    revision: int | None = Field(None, alias="revision_id")


class StaffIn(Schema):
    name: str = Field(max_length=64)
    resident_id: str = Field(max_length=30)
    position: str = Field("", max_length=64)
    certificate_no: str = Field("", max_length=64)


class StaffOut(Schema):
    id: int
    name: str
    position: str
    certificate_no: str
    approved: bool


class ChallengeOut(Schema):
    nonce: str
    purpose: str
    to_sign: str
    expires_in_seconds: int


class CertificateIn(Schema):
    certificate: str = Field(max_length=services.certificates.MAX_PEM_CHARS)
    nonce: str = Field(max_length=64)
    signature: str = Field(max_length=1024, description="base64 DER signature of to_sign")


class CertificateOut(Schema):
    id: int
    usage: str
    suite: str
    serial: str
    subject_cn: str
    subject_serial_number: str
    issuer: str
    not_before: datetime
    not_after: datetime
    fingerprint: str
    bound_at: datetime
    revoked_at: datetime | None
    entity: int | None = Field(None, alias="entity_id")


class LoginOut(Schema):
    username: str
    role: str
    entity: int | None


class ListQuery(Schema):
    status: Literal["pending", "approved", "returned"] | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


# --- helpers -----------------------------------------------------------------------------


def _challenge_out(challenge: Any) -> dict[str, Any]:
    return {
        "nonce": challenge.nonce,
        "purpose": challenge.purpose,
        "to_sign": services.challenge_message(challenge).decode(),
        "expires_in_seconds": int(services.certificates.CHALLENGE_TTL.total_seconds()),
    }


# --- registration and reads -----------------------------------------------------------------


@router.post("/register", auth=None, response={201: RegisteredOut})
def register(request: HttpRequest, payload: RegisterIn) -> Status[dict[str, Any]]:
    data = payload.dict(exclude={"username", "password"})
    result = services.register_entity(
        data=data, username=payload.username, password=payload.password, ip=client_ip(request)
    )
    return Status(
        201,
        {
            "entity": result.entity,
            "revision": result.revision.number,
            "username": result.user.username,
            "receipt": result.receipt,
        },
    )


@router.get("/", response=EntityPage)
def list_entities(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    entities = selectors.entities_visible_to(acting_user(request)).order_by("-created_at", "-id")
    if query.status:
        entities = entities.filter(status=query.status)
    page = entities[query.offset : query.offset + query.limit]
    return {"count": entities.count(), "items": list(page)}


@router.get("/{int:entity_id}", response=EntityDetailOut)
def get_entity(request: HttpRequest, entity_id: int) -> MarketEntity:
    return selectors.get_entity(acting_user(request), entity_id)


@router.get("/{int:entity_id}/revisions", response=list[RevisionOut])
def list_revisions(request: HttpRequest, entity_id: int) -> Any:
    return selectors.revisions_of(acting_user(request), entity_id)


@router.get("/{int:entity_id}/qualifications", response=list[QualificationOut])
def list_qualifications(request: HttpRequest, entity_id: int) -> Any:
    return selectors.get_entity(acting_user(request), entity_id).qualifications.all()


@router.get("/qualifications/{int:qualification_id}/file", response={200: None})
def qualification_file(request: HttpRequest, qualification_id: int) -> HttpResponseBase:
    """The scanned certificate (PDF, JPEG or PNG)."""
    qualification = selectors.qualification_for(acting_user(request), qualification_id)
    return FileResponse(
        qualification.file.open("rb"),
        content_type=CONTENT_TYPES.get(qualification.file_type, "application/octet-stream"),
        filename=f"qualification-{qualification.pk}.{qualification.file_type}",
    )


@router.get("/{int:entity_id}/staff", response=list[StaffOut])
def list_staff(request: HttpRequest, entity_id: int) -> Any:
    return selectors.staff_of(selectors.get_entity(acting_user(request), entity_id))


# --- the entity's own writes ------------------------------------------------------------------


@router.post("/{int:entity_id}/changes", response={201: RevisionOut})
def submit_change(
    request: HttpRequest, entity_id: int, payload: EntityFieldsIn
) -> Status[EntityRevision]:
    changes = payload.dict(exclude_unset=True)
    revision = services.submit_change(
        user=acting_user(request), entity_id=entity_id, changes=changes, ip=client_ip(request)
    )
    return Status(201, revision)


@router.post("/{int:entity_id}/qualifications", response={201: QualificationOut})
def add_qualification(
    request: HttpRequest,
    entity_id: int,
    payload: Form[QualificationIn],
    file: File[UploadedFile],
) -> Status[Qualification]:
    qualification = services.add_qualification(
        user=acting_user(request),
        entity_id=entity_id,
        file=file,
        ip=client_ip(request),
        **payload.dict(),
    )
    return Status(201, qualification)


@router.post("/{int:entity_id}/staff", response={201: StaffOut})
def add_staff(request: HttpRequest, entity_id: int, payload: StaffIn) -> Status[StaffMember]:
    member = services.add_staff_member(
        user=acting_user(request), entity_id=entity_id, ip=client_ip(request), **payload.dict()
    )
    return Status(201, member)


# --- review (centre staff) -----------------------------------------------------------------------


@router.get("/revisions/pending", response=list[RevisionOut])
def pending_revisions(request: HttpRequest) -> Any:
    return selectors.pending_revisions(acting_user(request))


@router.post("/revisions/{int:revision_id}/approve", response=RevisionOut)
def approve(request: HttpRequest, revision_id: int) -> EntityRevision:
    return services.approve(
        reviewer=acting_user(request), revision_id=revision_id, ip=client_ip(request)
    )


@router.post("/revisions/{int:revision_id}/return", response=RevisionOut)
def return_for_revision(
    request: HttpRequest, revision_id: int, payload: ReasonIn
) -> EntityRevision:
    return services.return_for_revision(
        reviewer=acting_user(request),
        revision_id=revision_id,
        reason=payload.reason,
        ip=client_ip(request),
    )


# --- certificates -------------------------------------------------------------------------------


@router.get("/certificates", response=list[CertificateOut])
def list_certificates(request: HttpRequest) -> Any:
    return selectors.certificates_of(acting_user(request))


@router.post("/certificates/challenge", response={201: ChallengeOut})
def bind_challenge(request: HttpRequest) -> Status[dict[str, Any]]:
    challenge = services.issue_challenge(user=acting_user(request), purpose="bind")
    return Status(201, _challenge_out(challenge))


@router.post("/certificates/bind", response={201: CertificateOut})
def bind_certificate(request: HttpRequest, payload: CertificateIn) -> Status[Certificate]:
    certificate = services.bind_certificate(
        user=acting_user(request),
        cert_pem=payload.certificate,
        challenge_nonce=payload.nonce,
        signature=services.decode_signature(payload.signature),
        ip=client_ip(request),
    )
    return Status(201, certificate)


@router.post("/certificates/{int:certificate_id}/revoke", response=CertificateOut)
def revoke_certificate(request: HttpRequest, certificate_id: int) -> Certificate:
    return services.revoke_certificate(
        user=acting_user(request), certificate_id=certificate_id, ip=client_ip(request)
    )


@router.post("/certificates/login/challenge", auth=None, response={201: ChallengeOut})
def login_challenge(request: HttpRequest) -> Status[dict[str, Any]]:
    return Status(201, _challenge_out(services.issue_challenge(user=None, purpose="login")))


@router.post("/certificates/login", auth=None, response=LoginOut)
def login(request: HttpRequest, payload: CertificateIn) -> dict[str, Any]:
    user = services.login_with_certificate(
        request=request,
        cert_pem=payload.certificate,
        nonce=payload.nonce,
        signature=services.decode_signature(payload.signature),
    )
    entity = selectors.entity_of(user)
    return {"username": user.username, "role": user.role, "entity": entity.pk if entity else None}
