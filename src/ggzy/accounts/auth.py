"""API authentication: a bearer token (connected systems) or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from .models import ApiToken, User
from .services import authenticate_token

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        if request.method in WRITE_METHODS and ApiToken.Scope.WRITE not in api_token.scopes:
            return None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The Django session, with CSRF checked on writes; staff must have passed 2FA."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if getattr(user, "needs_second_factor", False) and not user.is_verified():
            return None
        return user


api_auth = [TokenAuth(), SessionAuth()]
