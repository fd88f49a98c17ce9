"""The field table from the opening on (datasets 507–519): for every field, where its value
comes from."""

from __future__ import annotations

from pathlib import Path

from .rows import Absent, Computed, Const, Source
from .values import (
    CNY,
    NO_CONSORTIUM,
    NO_EXAMINER,
    NOT_CODED,
    TOTAL_PRICE,
    YUAN,
    bid_price,
    bidder_fields,
    candidate_score,
    candidate_status,
    deposit_time,
    duration,
    entity_code,
    expert_id,
    fingerprint,
    lot_keys,
    make_tool_xml,
    nth_candidate,
    people,
    platform_name,
    published_text,
    report_content,
    sheet,
    when_price,
)

TENDER_LIST_FIELDS: dict[str, Source] = {
    **lot_keys(),
    "BIDDER_NAME": "bid.entity.name",
    "IS_LOST": Absent("平台尚无失信被执行人数据"),
    "BIDDER_ORG_CODE": entity_code("bid.entity", "投标人统一社会信用代码/身份证号"),
    **bidder_fields(),
    "BID_MANAGER": Computed(lambda r: sheet(r, "project_manager"), "开标一览表 project_manager"),
    "PM_CODE": Absent("开标一览表不含项目负责人证件号码"),
    "PM_CERTIFICATES": Absent("开标一览表不含项目负责人证书"),
    "IS_COMMIT_MARGIN": Computed(lambda r: r.deposit is not None, "该投标人在本标段有保证金"),
    "MARGIN_PAY_FORM": Computed(
        lambda r: r.deposit.get_kind_display() if r.deposit else None,
        f"银行转账/电子保函（{NOT_CODED}）",
    ),
    "PRICE_FORM_CODE": TOTAL_PRICE,
    "OTHER_BID_PRICE": Absent("平台只收总价报价"),
    "MARGIN_RECEIVE_TIME": Computed(deposit_time, "保证金到账时间（保函为登记时间）"),
    "UNION_ENTERPRISE_NAME": NO_CONSORTIUM,
    "UNION_ORGAN_SET_CODE": NO_CONSORTIUM,
    "UNION_CONTACT_NAME": NO_CONSORTIUM,
    "UNION_CONTACT_PHONE": NO_CONSORTIUM,
    "BIDDER_INFO_VERSION": "bid.entity.version",
    "BID_PRICE": Computed(bid_price, "开标一览表 price（解密后）"),
    "PRICE_CURRENCY": when_price("CNY"),
    "PRICE_UNIT": when_price("元"),
    "TIME_LIMIT": Computed(duration, "开标一览表 duration_days / delivery_days"),
    "CHECKIN_TIME": "bid.received_at",
    "BIDDER_OPERATION_PERSON": people("bid.submitted_by"),
    "BIDDER_OPERATION_PERSON_ID": "bid.submitted_by.resident_id",
    "BIDDER_OPERATION_PERSON_CON": Computed(
        lambda r: (r.bid.submitted_by.mobile or r.bid.entity.contact_mobile) if r.bid else None,
        "递交投标文件的用户手机（未登记时为投标人联系人手机）",
    ),
}

EXPERT_FIELDS: dict[str, Source] = {
    **lot_keys(),
    "EXPERT_TYPE": Computed(
        lambda r: r.member.get_kind_display() if r.member else None,
        f"评标专家/招标人代表（{NOT_CODED}）",
    ),
    "EXPERT_NAME": "member.name",
    "ID_CARD": Computed(expert_id, "专家（或代表）身份证号，评标完成后才提供"),
    "ID_CARD_TYPE": Computed(
        lambda r: "居民身份证" if expert_id(r) else None, f"居民身份证（{NOT_CODED}）"
    ),
    "EXPERT_CHECK_IN_TIME": "member.signed_in_at",
    "IS_CHAIR_MAN": "member.is_chair",
}

REPORT_FIELDS: dict[str, Source] = {
    **lot_keys(),
    "NOTICE_NAME": Computed(lambda r: f"{r.title}评标报告", "项目名称+标段/包名称+评标报告"),
    "EVALUATION_CONTENT": Computed(report_content, "评标结果摘要及评标报告 PDF 的 SHA-256"),
    "SUBMIT_TIME": "evaluation.reported_at",
    "END_TIME": "evaluation.completed_at",
    "EVALUATION_RESULT": Computed(
        lambda r: "否决全部投标" if r.result.get("failed") else "推荐中标候选人",
        NOT_CODED,
    ),
    "URL": Computed(
        lambda r: f"{r.viewer.base_url}/api/v1/evaluation/{r.evaluation_id}/report.pdf",
        "评标报告 PDF 地址（须登录）",
    ),
}

CANDIDATE_FIELDS: dict[str, Source] = {
    **lot_keys(),
    "WIN_CANDIDATE_NAME": "bid.entity.name",
    "WIN_CANDIDATE_CODE": entity_code("bid.entity", "候选人统一社会信用代码/身份证号（脱敏）"),
    **bidder_fields(),
    "WIN_CANDIDATE_ORDER": "result_row.rank",
    "IS_FLOAT_RATE": Const(False, "平台只收总价报价"),
    "EVALUATION_RESULT": Computed(candidate_score, "综合得分（公示不公开得分时对公众为空）"),
    "PRICE_FORM_CODE": TOTAL_PRICE,
    "BID_PRICE": Computed(lambda r: (r.result_row or {}).get("price"), "评标价（开标一览表报价）"),
    "OTHER_BID_PRICE": Absent("平台只收总价报价"),
    "PRICE_CURRENCY": CNY,
    "PRICE_UINT": YUAN,
    "QUALITY": Computed(lambda r: sheet(r, "quality"), "开标一览表 quality"),
    "EVALUATION_STATUS": Computed(candidate_status, "排名及决定名次的因素"),
    "WIN_CANDIDATE_QUALIFICATION": Const(
        "通过资格审查和符合性审查", "候选人均为未被否决的有效投标"
    ),
}

PUBLICITY_FIELDS: dict[str, Source] = {
    "TENDER_PROJECT_CODE": "project.code",
    "BID_SECTION_CODES": "lot.code",
    "UNIFIED_DEAL_CODE": Computed(lambda r: r.udc, "unified_deal_code(lot)"),
    "PUBLICITY_NAME": "notice.title",
    "PUBLICITY_CONTENT": Computed(lambda r: published_text(r.notice), "公示正文（公开版本）"),
    "PUBLICITY_REFER_TIME": "notice.published_at",
    "NOTICE_MEDIA": Computed(lambda r: platform_name(), "GGZY_PLATFORM_NAME"),
    "URL": Computed(lambda r: r.notice_url(r.notice), "公示公开页面地址"),
    "PUBLICITY_TYPE": Const("中标候选人公示", NOT_CODED),
    "PUBLICITY_START_TIME": Computed(
        lambda r: r.extra["publicity"].starts_at, "Publicity.starts_at"
    ),
    "PUBLICITY_END_TIME": Computed(lambda r: r.extra["publicity"].ends_at, "Publicity.ends_at"),
    "OBJECTION_METHOD": Const("公示期内登录交易平台在线提出异议"),
    "OTHER_CONTENT": Absent("无"),
    "BULLETIN_DUTY": people("notice.published_by"),
    "EXAMINER_NAME": NO_EXAMINER,
    "FIRST_BIDDER_NAME": nth_candidate(1, "name"),
    "FIRST_BIDDER_CODE": nth_candidate(1, "code"),
    "SECOND_BIDDER_NAME": nth_candidate(2, "name"),
    "SECOND_BIDDER_CODE": nth_candidate(2, "code"),
    "THIRD_BIDDER_NAME": nth_candidate(3, "name"),
    "THIRD_BIDDER_CODE": nth_candidate(3, "code"),
}

CONTRACT_FIELDS: dict[str, Source] = {
    **lot_keys(),
    "CONTRACT_NAME": Computed(lambda r: f"{r.title}合同", "项目名称+标段/包名称+合同"),
    "TENDERER_NAME": "tenderer.name",
    "TENDER_CODE": Computed(lambda r: r.code_of(r.tenderer), "招标人统一社会信用代码"),
    "BIDDER_NAME": "bid.entity.name",
    "BIDDER_CODE": entity_code("bid.entity", "中标人统一社会信用代码/身份证号（脱敏）"),
    "CONTRACT_PRICE": Computed(lambda r: r.extra["contract"].amount, "Contract.amount"),
    "PRICE_CURRENCY": CNY,
    "PRICE_UNIT": YUAN,
    "PRICE_FORM_CODE": TOTAL_PRICE,
    "OTHER_CONTRACT_PRICE": Absent("合同按总价登记"),
    "CONTRACT_CONTENT": Computed(lambda r: published_text(r.notice), "合同公告正文"),
    "LIMITE_TIME": Computed(lambda r: r.extra["contract"].duration, "Contract.duration"),
    "QUALITY_REQUIRE": Computed(lambda r: sheet(r, "quality"), "中标人开标一览表 quality"),
    "SUBMIT_TIME": Computed(lambda r: r.extra["contract"].recorded_at, "Contract.recorded_at"),
    "CONTRACT_SIGN_TIME": Computed(lambda r: r.extra["contract"].signed_on, "Contract.signed_on"),
    "CONTRACT_CODE": Computed(lambda r: r.extra["contract"].number, "Contract.number"),
}

RESULT_FIELDS: dict[str, Source] = {
    **lot_keys(),
    "REGION_CODE": "project.region_id",
    "TRA_PLACE_CODE": "project.centre.region_id",
    "TENDER_AGENCY_NAME": "agent.name",
    "TENDER_AGENCY_CODE": entity_code("agent", "代理机构统一社会信用代码（自行招标时为空）"),
    "NOTICE_NAME": "notice.title",
    "NOTICE_CONTENT": Computed(lambda r: published_text(r.notice), "结果公告正文（公开版本）"),
    "NOTICE_SEND_TIME": "notice.published_at",
    "NOTICE_MEDIA": Computed(lambda r: platform_name(), "GGZY_PLATFORM_NAME"),
    "URL": Computed(lambda r: r.notice_url(r.notice), "结果公告公开页面地址"),
    "NOTICE_NATURE": Const("正常公告", NOT_CODED),
    "BULLETIN_TYPE": Computed(
        lambda r: "中标结果公告" if r.construction else "成交结果公告", NOT_CODED
    ),
    "WIN_BIDDER_NAME": "bid.entity.name",
    "WIN_BIDDER_CODE": entity_code("bid.entity", "中标人统一社会信用代码/身份证号（脱敏）"),
    **bidder_fields(),
    "UNION_CODE": NO_CONSORTIUM,
    "UNION_NAME": NO_CONSORTIUM,
    "PRICE_FORM_CODE": TOTAL_PRICE,
    "BID_AMOUNT": Computed(lambda r: r.extra["award"].amount, "Award.amount"),
    "BID_CURRENCY": CNY,
    "PRICE_UNIT": YUAN,
    "OTHER_BID_PRICE": Absent("平台只收总价报价"),
    "OTHER_CONTENT": Absent("无"),
    "BULLETIN_DUTY": people("notice.published_by"),
    "EXAMINER_NAME": NO_EXAMINER,
    "PROJECT_LEAD": Computed(lambda r: sheet(r, "project_manager"), "开标一览表 project_manager"),
    "PROJECT_LEAD_ID": Absent("开标一览表不含项目负责人证件号码"),
}

FINGERPRINT_FIELDS: dict[str, Source] = {
    "TENDER_PROJECT_CODE": "project.code",
    "BID_SECTION_CODE": "lot.code",
    "UNIFIED_DEAL_CODES": Computed(lambda r: r.udc, "unified_deal_code(lot)"),
    "BIDDER_NAME": "bid.entity.name",
    "BIDDER_CODE_TYPE": bidder_fields()["BIDDER_CODE_TYPE"],
    "BIDDER_ORG_CODE": entity_code("bid.entity", "投标人统一社会信用代码/身份证号"),
    "BIDDER_ROLE": bidder_fields()["BIDDER_ROLE"],
    "BID_DOCUMENT_NAME": Computed(
        lambda r: Path(r.bid.file).name if r.bid else None, "密文投标文件名"
    ),
    "BID_DOCUMENT_SIDE": "bid.size",
    "BID_DOCUMENT_MD5": Computed(
        lambda r: r.bid.ciphertext_digest if r.bid else None,
        "密文摘要（SHA-256 或 SM3，随算法体系；平台不计算 MD5）",
    ),
    "TENDER_DOC_SUBMITTIME": "bid.received_at",
    "CPU_ID": fingerprint("cpu_id"),
    "HARD_DISK_SERIAL_NUMBER": fingerprint("disk_serial"),
    "MEMORY_SERIAL_NUMBER": fingerprint("memory_serial"),
    "NET_ID": fingerprint("ip"),
    "MAC_ADDRESS": fingerprint("mac"),
    "TENDER_DOCUMENTS_URL": Absent("投标文件不经 URL 对外提供"),
    "VALUATION_XML": Absent("平台不采集计价软件信息"),
    "MAKE_TOOL_XML": Computed(
        lambda r: make_tool_xml(r.bid.fingerprint or {}) if r.bid else None,
        "Bid.fingerprint 的 creator_id、hostname、os，XML",
    ),
}
