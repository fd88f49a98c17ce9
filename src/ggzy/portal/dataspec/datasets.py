"""The datasets: each one's number, audience, records and field table, and the catalogue."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ggzy.kernel.errors import NotFound

from . import records
from .records import Records
from .result_fields import (
    CANDIDATE_FIELDS,
    CONTRACT_FIELDS,
    EXPERT_FIELDS,
    FINGERPRINT_FIELDS,
    PUBLICITY_FIELDS,
    REPORT_FIELDS,
    RESULT_FIELDS,
    TENDER_LIST_FIELDS,
)
from .rows import Row, Source, Viewer, describe, render, resolve
from .spec import SpecTable, spec_tables
from .tender_fields import (
    ANNOUNCEMENT_FIELDS,
    DOCUMENT_FIELDS,
    INVITATION_FIELDS,
    OPENING_FIELDS,
    PROJECT_FIELDS,
    SECTION_FIELDS,
    TENDER_PROJECT_FIELDS,
)


@dataclass(frozen=True)
class Dataset:
    number: int
    public: bool
    unit: Literal["project", "lot"]
    records: Callable[[Any, Viewer], Records]
    fields: Mapping[str, Source]
    when: str  # when records appear, for people

    @property
    def spec(self) -> SpecTable:
        return spec_tables()[self.number]

    def record(self, row: Row) -> dict[str, object]:
        """One record keyed by the specification's field codes, in its order."""
        return {f.code: render(resolve(self.fields[f.code], row)) for f in self.spec.fields}


DATASETS: dict[int, Dataset] = {
    d.number: d
    for d in (
        Dataset(500, True, "project", records.project_record, PROJECT_FIELDS, "项目登记后"),
        Dataset(501, True, "project", records.project_record, TENDER_PROJECT_FIELDS, "项目登记后"),
        Dataset(502, True, "lot", records.lot_record, SECTION_FIELDS, "项目登记后"),
        Dataset(503, True, "project", records.tender_notices, ANNOUNCEMENT_FIELDS,
                "公开招标/采购的公告及其变更、终止公告发布后，每则一条"),
        Dataset(504, True, "lot", records.documents, DOCUMENT_FIELDS,
                "招标文件及每版澄清/修改文件发出后，每标段每版一条"),
        Dataset(505, True, "lot", records.invitations, INVITATION_FIELDS,
                "邀请招标发出投标邀请书后，邀请书及其变更、终止公告各一条"),
        Dataset(506, True, "lot", records.opening_record, OPENING_FIELDS, "开标记录签署发布后"),
        Dataset(507, False, "lot", records.bidders, TENDER_LIST_FIELDS,
                "开标开始后（此前投标人保密）"),
        Dataset(508, False, "lot", records.experts, EXPERT_FIELDS,
                "评标开始后（身份证号在评标完成后）"),
        Dataset(509, False, "lot", records.report, REPORT_FIELDS, "评标报告生成后"),
        Dataset(510, True, "lot", records.candidates, CANDIDATE_FIELDS,
                "中标候选人公示发布后；交换方在评标完成后"),
        Dataset(511, True, "lot", records.publicity, PUBLICITY_FIELDS, "中标候选人公示发布后"),
        Dataset(512, True, "lot", records.contract, CONTRACT_FIELDS, "合同公告发布后"),
        Dataset(513, True, "lot", records.result, RESULT_FIELDS, "中标/成交结果公告发布后"),
        Dataset(519, False, "lot", records.fingerprints, FINGERPRINT_FIELDS,
                "开标开始后（此前投标人保密）"),
    )
}  # fmt: skip


def get_dataset(name: object) -> Dataset:
    """A dataset by number (``"502"``) or table name (``"SECTION"``)."""
    text = str(name).strip().upper()
    for dataset in DATASETS.values():
        if text in (str(dataset.number), dataset.spec.table):
            return dataset
    raise NotFound(
        f"没有数据集“{str(name)[:40]}”；可用：{'、'.join(map(str, DATASETS))}",
        f"no dataset {str(name)[:40]!r}; available: {', '.join(map(str, DATASETS))}",
        code="unknown_dataset",
        field="dataset",
    )


def catalogue() -> list[dict[str, Any]]:
    """Every dataset with its name, whether it is public, and each field's source."""
    return [
        {
            "number": d.number,
            "table": d.spec.table,
            "name_zh": d.spec.name_zh,
            "public": d.public,
            "records_when": d.when,
            "fields": [
                {
                    "code": f.code,
                    "name_zh": f.name_zh,
                    "required": f.required,
                    "domain": f.domain,
                    "source": describe(d.fields[f.code]),
                }
                for f in d.spec.fields
            ],
        }
        for d in DATASETS.values()
    ]
