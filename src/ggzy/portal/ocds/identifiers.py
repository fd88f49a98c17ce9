"""Identifiers in the open data: ocids, parties' ids (natural persons by a pseudonym only)."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from ggzy.accounts.models import Organisation
from ggzy.entities.models import EntityKind, MarketEntity
from ggzy.tendering.models import Project

# GB 32100-2015 unified social credit code: one national code for every registered
# organisation (companies, public institutions, social organisations, government bodies).
USCC_SCHEME = "CN-USCC"
PERSON_PREFIX = "ggzy-person-"
ORGANISATION_PREFIX = "ggzy-organisation-"
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")


def ocid_of(project: Project) -> str:
    return f"{settings.GGZY_OCID_PREFIX}-{project.code}"


def code_of(ocid: str) -> str | None:
    """The project code inside one of our ocids, or None if ``ocid`` is not one."""
    prefix = f"{settings.GGZY_OCID_PREFIX}-"
    if not ocid.startswith(prefix) or not _CODE.fullmatch(ocid[len(prefix) :]):
        return None
    return ocid[len(prefix) :]


def person_id(entity: MarketEntity) -> str:
    """A pseudonym for a natural person: HMAC-SHA256 of the entity's internal number under a
    key derived from the platform secret (HKDF, info ``ggzy-ocds-person/1``), 20 hex digits.
    Stable for as long as the secret is, the same in every trade, and not computable from the
    resident ID by anyone without the secret."""
    key = HKDF(hashes.SHA256(), 32, salt=None, info=b"ggzy-ocds-person/1").derive(
        settings.SECRET_KEY.encode()
    )
    digest = hmac.new(key, f"market-entity:{entity.pk}".encode(), hashlib.sha256).hexdigest()
    return f"{PERSON_PREFIX}{digest[:20]}"


def entity_id(entity: MarketEntity) -> str:
    if entity.kind == EntityKind.PERSON or not entity.uscc:
        return person_id(entity)
    return f"{USCC_SCHEME}-{entity.uscc}"


def organisation_id(org: Organisation) -> str:
    return f"{USCC_SCHEME}-{org.uscc}" if org.uscc else f"{ORGANISATION_PREFIX}{org.pk}"


def entity_ref(entity: MarketEntity) -> dict[str, Any]:
    return {"id": entity_id(entity), "name": entity.name}
