"""The demo province: Hunan's provincial centre, two city centres and a county branch."""

from __future__ import annotations

from ggzy.accounts.models import Industry, Level, Organisation, Region
from ggzy.kernel.ids import make_uscc

REGIONS = [
    ("430000", "湖南省", Level.PROVINCE, None),
    ("430100", "长沙市", Level.CITY, "430000"),
    ("433100", "湘西土家族苗族自治州", Level.CITY, "430000"),
    ("433101", "吉首市", Level.COUNTY, "433100"),
]

CENTRES = [
    ("湖南省公共资源交易中心", "430000", Level.PROVINCE, None),
    ("长沙公共资源交易中心", "430100", Level.CITY, "湖南省公共资源交易中心"),
    ("湘西州公共资源交易中心", "433100", Level.CITY, "湖南省公共资源交易中心"),
    ("湘西州公共资源交易中心吉首分中心", "433101", Level.COUNTY, "湘西州公共资源交易中心"),
]

DEPARTMENTS = [
    ("湖南省发展和改革委员会", "430000", Industry.DEVELOPMENT),
    ("湖南省住房和城乡建设厅", "430000", Industry.HOUSING),
    ("湖南省交通运输厅", "430000", Industry.TRANSPORT),
    ("湖南省水利厅", "430000", Industry.WATER),
    ("湖南省财政厅", "430000", Industry.FINANCE),
    ("湖南省自然资源厅", "430000", Industry.NATURAL_RESOURCES),
    ("湖南省人民政府国有资产监督管理委员会", "430000", Industry.STATE_ASSETS),
    ("长沙市发展和改革委员会", "430100", Industry.DEVELOPMENT),
    ("长沙市住房和城乡建设局", "430100", Industry.HOUSING),
    ("长沙市财政局", "430100", Industry.FINANCE),
    ("湘西州发展和改革委员会", "433100", Industry.DEVELOPMENT),
    ("湘西州住房和城乡建设局", "433100", Industry.HOUSING),
    ("湘西州财政局", "433100", Industry.FINANCE),
    ("湘西州自然资源和规划局", "433100", Industry.NATURAL_RESOURCES),
    ("吉首市住房和城乡建设局", "433101", Industry.HOUSING),
    ("吉首市财政局", "433101", Industry.FINANCE),
]

OVERSIGHT = [
    ("湖南省纪委监委", "430000"),
    ("湖南省审计厅", "430000"),
]


def _level(code: str) -> str:
    return next(level for c, _n, level, _p in REGIONS if c == code)


def load_organisations() -> dict[str, Organisation]:
    for code, name, level, parent in REGIONS:
        Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent_id": parent}
        )
    orgs: dict[str, Organisation] = {}
    for name, code, level, parent in CENTRES:
        orgs[name], _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": Organisation.Kind.CENTRE,
                "region_id": code,
                "level": level,
                "parent": orgs.get(parent) if parent else None,
            },
        )
    for i, (name, code, industry) in enumerate(DEPARTMENTS, start=1):
        orgs[name], _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": Organisation.Kind.DEPARTMENT,
                "region_id": code,
                "level": _level(code),
                "industry": industry,
                # 11: an organ of state (机关), as registered by the staffing authority.
                "uscc": make_uscc("1", "1", code, f"GW{i:06d}"),
            },
        )
    for name, code in OVERSIGHT:
        orgs[name], _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": Organisation.Kind.OVERSIGHT,
                "region_id": code,
                "level": _level(code),
            },
        )
    return orgs
