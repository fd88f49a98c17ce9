"""REST API for tendering, mounted at /api/v1/tendering (thin: parse, authorise, call)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from ggzy.core.http import acting_user, client_ip
from ggzy.kernel.errors import InvalidInput
from ggzy.workcalendar.schemas import CalendarNoteOut

from . import selectors, services
from .models import Bid, Document, Lot, Notice, Objection, OpeningObjection, Project
from .periods import calendar_note
from .procedures import PROCEDURES
from .services.bids import receipt

router = Router(tags=["tendering 招标投标与政府采购"])


# --- schemas -----------------------------------------------------------------------------


class LotIn(Schema):
    name: str = Field(max_length=200)
    estimate: Decimal
    ceiling_price: Decimal | None = None
    deposit_amount: Decimal = Decimal(0)
    escrow_threshold: int = Field(0, ge=0, le=255)
    escrow_keyholders: list[int] = []
    decryption_minutes: int | None = Field(None, ge=1, le=1440)


class ProjectIn(Schema):
    name: str = Field(max_length=200)
    catalogue_item: str = Field(max_length=64)
    procedure: str = Field(max_length=32)
    funding: str = Field(max_length=20)
    estimate: Decimal
    region: str = Field(max_length=6)
    centre: int
    supervisor: int
    initiator_uscc: str = Field("", max_length=18)
    lots: list[LotIn] = []


class LotOut(Schema):
    id: int
    number: int
    code: str
    name: str
    estimate: Decimal
    ceiling_price: Decimal | None
    deposit_amount: Decimal
    escrow_threshold: int
    decryption_minutes: int
    status: str


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    sector: str
    category: str
    procedure: str
    funding: str
    estimate: Decimal
    status: str
    entry_basis: str
    entry_reason: str
    split_warning: dict[str, Any] | None
    sale_starts_at: datetime | None
    sale_ends_at: datetime | None
    bid_deadline: datetime | None
    calendar_note: CalendarNoteOut | None
    lots: list[LotOut]

    @staticmethod
    def resolve_lots(obj: Project) -> list[Lot]:
        return list(obj.lots.all())

    @staticmethod
    def resolve_calendar_note(obj: Project) -> dict[str, object] | None:
        return calendar_note(obj)


class RegisteredOut(Schema):
    project: ProjectOut
    message_zh: str
    message_en: str
    split_warning: dict[str, Any] | None


class NoticeIn(Schema):
    sale_starts_at: datetime
    sale_ends_at: datetime
    bid_deadline: datetime
    body: str = Field(max_length=20000)


class AmendIn(Schema):
    body: str = Field(max_length=20000)
    new_deadline: datetime | None = None


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    digest: str
    published_at: datetime
    ledger_seq: int
    project: str = Field(alias="project.code")


class DocumentOut(Schema):
    id: int
    version: int
    kind: str
    title: str
    filename: str
    size: int
    digest: str
    affects_bids: bool
    issued_at: datetime | None


class TextIn(Schema):
    text: str = Field(max_length=5000)


class AnswerIn(Schema):
    answer: str = Field(max_length=5000)


class ObjectionOut(Schema):
    id: int
    text: str
    raised_at: datetime
    answer_due: datetime | None = None
    answer: str
    answered_at: datetime | None


class UploadIn(Schema):
    size: int = Field(ge=0)
    header: str = Field(max_length=2_000_000)
    signature: str = Field(max_length=10_000)


class UploadOut(Schema):
    token: str
    received: int
    size: int
    status: str
    chunk_max: int = services.bids.CHUNK_MAX


class KeyIn(Schema):
    data_key: str = Field(max_length=128)


class ShareIn(Schema):
    share: str = Field(max_length=1000)


class BidOut(Schema):
    id: int
    lot: str = Field(alias="lot.code")
    status: str
    size: int
    ciphertext_digest: str
    received_at: datetime
    ledger_seq: int
    price_sheet: dict[str, Any] | None
    price_sheet_problems: list[dict[str, str]]
    failure_reason: str


# --- projects ----------------------------------------------------------------------------


@router.get("/procedures", auth=None)
def procedures(request: HttpRequest) -> list[dict[str, Any]]:
    """The procedure matrix (招标/采购方式配置表): flags and the rules behind each period."""
    return [p.__dict__ | {"label": p.label} for p in PROCEDURES.values()]


@router.post("/projects", response={201: RegisteredOut})
def register_project(request: HttpRequest, payload: ProjectIn) -> Status:
    result = services.register_project(
        user=acting_user(request), data=payload.dict(), ip=client_ip(request)
    )
    return Status(
        201,
        {
            "project": result.project,
            "message_zh": result.message_zh,
            "message_en": result.message_en,
            "split_warning": result.split_warning,
        },
    )


@router.get("/projects", response=list[ProjectOut])
def list_projects(request: HttpRequest) -> list[Project]:
    return list(selectors.projects_visible_to(acting_user(request))[:200])


@router.get("/projects/{project_id}", response=ProjectOut)
def get_project(request: HttpRequest, project_id: int) -> Project:
    return selectors.get_project(acting_user(request), project_id)


@router.post("/projects/{project_id}/lots", response={201: LotOut})
def add_lot(request: HttpRequest, project_id: int, payload: LotIn) -> Status:
    return Status(
        201, services.add_lot(user=acting_user(request), project_id=project_id, data=payload.dict())
    )


@router.post("/projects/{project_id}/documents", response={201: DocumentOut})
def upload_document(
    request: HttpRequest,
    project_id: int,
    title: Form[str],
    file: File[UploadedFile],
    kind: Form[str] = Document.Kind.TENDER,
    affects_bids: Form[bool] = True,
) -> Status:
    document = services.upload_document(
        user=acting_user(request),
        project_id=project_id,
        title=title,
        file=file,
        filename=file.name or "document",
        kind=kind,
        affects_bids=affects_bids,
    )
    return Status(201, document)


@router.get("/projects/{project_id}/documents", response=list[DocumentOut])
def list_documents(request: HttpRequest, project_id: int) -> list[Document]:
    return list(selectors.issued_documents(selectors.get_project(acting_user(request), project_id)))


@router.get("/documents/{document_id}/download")
def download_document(request: HttpRequest, document_id: int) -> FileResponse:
    """Bidders obtain the documents here; each download is recorded (获取招标文件)."""
    document = services.record_download(
        user=acting_user(request), document_id=document_id, ip=client_ip(request)
    )
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename)


@router.post("/projects/{project_id}/notice", response={201: NoticeOut})
def publish_notice(request: HttpRequest, project_id: int, payload: NoticeIn) -> Status:
    return Status(
        201,
        services.publish_tender_notice(
            user=acting_user(request),
            project_id=project_id,
            ip=client_ip(request),
            **payload.dict(),
        ),
    )


@router.post("/projects/{project_id}/amendments", response={201: NoticeOut})
def amend(request: HttpRequest, project_id: int, payload: AmendIn) -> Status:
    return Status(
        201,
        services.amend(
            user=acting_user(request),
            project_id=project_id,
            ip=client_ip(request),
            **payload.dict(),
        ),
    )


@router.post("/projects/{project_id}/terminate", response={201: NoticeOut})
def terminate(request: HttpRequest, project_id: int, payload: TextIn) -> Status:
    return Status(
        201,
        services.terminate_project(
            user=acting_user(request),
            project_id=project_id,
            reason=payload.text,
            ip=client_ip(request),
        ),
    )


@router.post("/projects/{project_id}/retender", response={201: ProjectOut})
def retender(request: HttpRequest, project_id: int) -> Status:
    return Status(
        201,
        services.retender(user=acting_user(request), project_id=project_id, ip=client_ip(request)),
    )


@router.post("/projects/{project_id}/objections", response={201: ObjectionOut})
def raise_objection(request: HttpRequest, project_id: int, payload: TextIn) -> Status:
    return Status(
        201,
        services.raise_objection(
            user=acting_user(request),
            project_id=project_id,
            text=payload.text,
            ip=client_ip(request),
        ),
    )


@router.post("/objections/{objection_id}/answer", response=ObjectionOut)
def answer_objection(request: HttpRequest, objection_id: int, payload: AnswerIn) -> Objection:
    return services.answer_objection(
        user=acting_user(request),
        objection_id=objection_id,
        answer=payload.answer,
        ip=client_ip(request),
    )


@router.get("/notices", response=list[NoticeOut], auth=None)
def list_notices(request: HttpRequest) -> list[Notice]:
    return list(selectors.public_notices()[:100])


# --- sealed bids -------------------------------------------------------------------------


@router.get("/lots/{lot_id}/sealing")
def sealing(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    return selectors.sealing_info(selectors.get_lot(acting_user(request), lot_id))


@router.post("/lots/{lot_id}/uploads", response={201: UploadOut})
def start_upload(request: HttpRequest, lot_id: int, payload: UploadIn) -> Status:
    return Status(
        201,
        services.start_upload(
            user=acting_user(request), lot_id=lot_id, ip=client_ip(request), **payload.dict()
        ),
    )


@router.put("/uploads/{token}", response=UploadOut)
def put_chunk(request: HttpRequest, token: str, offset: int) -> Any:
    """Raw bytes (application/octet-stream) at ``offset``; read in pieces, never whole."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise InvalidInput(
            "Content-Length 无效", "invalid Content-Length", code="bad_chunk"
        ) from None
    stream: Any = request  # HttpRequest reads like a file
    return services.receive_chunk(
        user=acting_user(request), token=token, offset=offset, stream=stream, length=length
    )


@router.get("/uploads/{token}", response=UploadOut)
def get_upload(request: HttpRequest, token: str) -> Any:
    return services.bids.get_upload(acting_user(request), token)


@router.post("/uploads/{token}/complete", response={201: dict[str, Any]})
def complete_upload(request: HttpRequest, token: str) -> Status:
    bid = services.complete_upload(user=acting_user(request), token=token, ip=client_ip(request))
    return Status(201, receipt(bid))


@router.get("/bids", response=list[BidOut])
def my_bids(request: HttpRequest) -> list[Bid]:
    return list(selectors.bids_of(acting_user(request)))


@router.get("/bids/{bid_id}/receipt")
def bid_receipt(request: HttpRequest, bid_id: int) -> dict[str, Any]:
    return receipt(services.bids.own_bid(acting_user(request), bid_id))


@router.get("/bids/{bid_id}/envelope")
def envelope(request: HttpRequest, bid_id: int) -> dict[str, str]:
    """The signed header (wrapped keys): for the bidder, or a keyholder, to unwrap locally."""
    return selectors.envelope_of(acting_user(request), bid_id)


@router.post("/bids/{bid_id}/withdraw", response=BidOut)
def withdraw(request: HttpRequest, bid_id: int) -> Bid:
    return services.withdraw(user=acting_user(request), bid_id=bid_id, ip=client_ip(request))


# --- the opening -------------------------------------------------------------------------


@router.get("/lots/{lot_id}/hall")
def hall(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    user = acting_user(request)
    lot = selectors.get_lot(user, lot_id)
    selectors.require_watch(user, lot)
    return selectors.hall_state(user, lot)


@router.post("/lots/{lot_id}/sign-in")
def sign_in(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    signed = services.sign_in(user=acting_user(request), lot_id=lot_id, ip=client_ip(request))
    return {"at": signed.at}


@router.post("/bids/{bid_id}/key", response=BidOut)
def release_key(request: HttpRequest, bid_id: int, payload: KeyIn) -> Bid:
    return services.release_key(
        user=acting_user(request), bid_id=bid_id, data_key=payload.data_key, ip=client_ip(request)
    )


@router.post("/bids/{bid_id}/escrow-shares")
def escrow_share(request: HttpRequest, bid_id: int, payload: ShareIn) -> dict[str, str]:
    bid = services.submit_escrow_share(
        user=acting_user(request), bid_id=bid_id, share=payload.share, ip=client_ip(request)
    )
    return {"status": bid.status}


@router.post("/lots/{lot_id}/opening-objections", response={201: ObjectionOut})
def raise_opening_objection(request: HttpRequest, lot_id: int, payload: TextIn) -> Status:
    return Status(
        201,
        services.raise_opening_objection(
            user=acting_user(request), lot_id=lot_id, text=payload.text, ip=client_ip(request)
        ),
    )


@router.post("/opening-objections/{objection_id}/answer", response=ObjectionOut)
def answer_opening_objection(
    request: HttpRequest, objection_id: int, payload: AnswerIn
) -> OpeningObjection:
    return services.answer_opening_objection(
        user=acting_user(request),
        objection_id=objection_id,
        answer=payload.answer,
        ip=client_ip(request),
    )


@router.post("/lots/{lot_id}/close")
def close_opening(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    opening = services.close_opening(
        user=acting_user(request), lot_id=lot_id, ip=client_ip(request)
    )
    return {"record": opening.record, "signature": opening.record_signature}
