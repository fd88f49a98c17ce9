"""One error hierarchy for the whole platform.

Every rule that fails raises a ``DomainError`` carrying a stable code, a Chinese and an
English message, the offending field when there is one, and the rule it enforces (an id
in ``kernel.rules``) when there is one. The API and the web layer map it to a response in
one place; nothing else needs to know HTTP.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "invalid"

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        code: str | None = None,
        field: str | None = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message_en)
        self.code = code or self.default_code
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        self.rule = rule

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "field": self.field,
        }
        if self.rule:
            body["rule"] = self.rule
        return body

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


class InvalidInput(DomainError):
    """The input is malformed or breaks a rule about its own content (400)."""


class RuleViolation(DomainError):
    """The action breaks a statutory or configured rule (422); ``rule`` names it."""

    status = 422
    default_code = "rule_violation"


class NotFound(DomainError):
    status = 404
    default_code = "not_found"


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"


class Conflict(DomainError):
    """The action clashes with the current state: a duplicate, a wrong state (409)."""

    status = 409
    default_code = "conflict"


class TooManyAttempts(DomainError):
    """Refused for a while after too many failed attempts, e.g. a locked login (429)."""

    status = 429
    default_code = "locked"
