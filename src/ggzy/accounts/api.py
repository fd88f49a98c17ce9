from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ggzy.core.http import acting_user

from . import selectors, services
from .models import ApiToken

router = Router(tags=["accounts 账户"])


class MeOut(Schema):
    username: str
    real_name: str
    role: str
    organisation: str | None


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=64)
    scopes: list[str] = Field(default=["read"], max_length=2)
    days: int = 90


class TokenOut(Schema):
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    user = acting_user(request)
    return {
        "username": user.username,
        "real_name": user.real_name,
        "role": user.role,
        "organisation": user.organisation.name if user.organisation else None,
    }


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest) -> Any:
    return selectors.tokens_of(acting_user(request))


@router.post("/tokens", response={201: TokenCreated})
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    token, secret = services.create_token(
        user=acting_user(request), name=payload.name, scopes=payload.scopes, days=payload.days
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": secret})


@router.post("/tokens/{prefix}/revoke", response=TokenOut)
def revoke_token(request: HttpRequest, prefix: str) -> ApiToken:
    return services.revoke_token(user=acting_user(request), prefix=prefix)
