"""A province, a city and a centre to publish under."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ggzy.accounts.models import Organisation
from ggzy.disclosure import services
from ggzy.disclosure.models import Publication
from tests.fixtures.people import hunan, organisation, region


@pytest.fixture
def place(db: Any) -> dict[str, Any]:
    province = hunan()
    city = region("431200", "怀化市", province)
    centre = organisation(Organisation.Kind.CENTRE, "怀化市公共资源交易中心", city)
    return {"province": province, "city": city, "centre": centre}


@pytest.fixture
def publish(place: dict[str, Any]) -> Callable[..., Publication]:
    def make(**fields: Any) -> Publication:
        notice = services.Notice(
            kind=fields.pop("kind", "tender"),
            category=fields.pop("category", "works"),
            region=fields.pop("region", place["city"]),
            centre=fields.pop("centre", place["centre"]),
            trade_code=fields.pop("trade_code", "HH-2026-001"),
            trade_title=fields.pop("trade_title", "怀化市第一中学教学楼新建工程"),
            title=fields.pop("title", "怀化市第一中学教学楼新建工程招标公告"),
            body=fields.pop("body", "招标人：怀化市教育局\n联系电话 13800138000"),
            html=fields.pop("html", False),
            attachments=fields.pop("attachments", ()),
        )
        corrects = fields.pop("corrects", None)
        assert not fields, fields
        return services.publish(notice, actor="test", corrects=corrects)

    return make
