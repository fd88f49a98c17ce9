"""The field table of the trade up to the opening (datasets 500–506): for every field, where
its value comes from."""

from __future__ import annotations

from django.conf import settings

from .rows import Absent, Computed, Const, Source
from .values import (
    CNY,
    NO_ENTERPRISE_NATURE,
    NO_EXAMINER,
    NOT_CODED,
    ONLINE_DOWNLOAD,
    ONLINE_SUBMISSION,
    TOTAL_PRICE,
    YUAN,
    agent_role,
    code_type,
    entity_code,
    lot_keys,
    method_name,
    notice_nature,
    opening_actors,
    people,
    platform_name,
    published_text,
    qualification_checks,
    qualification_mode,
    tender_content,
    tender_count,
    tender_mode,
    tenderer_role,
)

PROJECT_FIELDS: dict[str, Source] = {
    "PROJECT_CODE": "project.code",
    "PROJECT_NAME": "project.name",
    "REGION_CODE": "project.region_id",
    "RELATE_CODE": Computed(
        lambda r: r.project.catalogue_item.code, "交易目录事项代码（平台目录，非规范分类代码）"
    ),
    "INVEST_PROJECT_CODE": Absent("平台不登记投资项目统一代码"),
    "ADDRESS": Computed(
        lambda r: r.project.region.name, "项目所在行政区划名称（平台不登记详细地址）"
    ),
    "LEGAL_PERSON": "tenderer.name",
    "CLASS_VER_CODE": Computed(
        lambda r: r.project.catalogue_item.version.number,
        "交易目录版本号（CatalogueVersion.number）",
    ),
    "INDUSTRIES_TYPE": Computed(
        lambda r: r.project.catalogue_item.get_supervising_industry_display(),
        f"交易目录事项的监督行业（{NOT_CODED}）",
    ),
    "FUND_SOURCE": Computed(lambda r: r.project.get_funding_display(), "Project.funding 的中文"),
    "CONTRIBUTION_SCALE": Absent("平台不登记出资比例"),
    "PROJECT_SCALE": Computed(lambda r: r.project.estimate, "Project.estimate（估算价/预算，元）"),
    "CONTACTOR": "tenderer.contact_name",
    "CONTACT_INFORMATION": Computed(
        lambda r: r.personal(r.tenderer.contact_mobile), "招标人联系人手机（公开时脱敏）"
    ),
    "APPROVAL_NAME": Absent("平台不登记项目审批文件"),
    "APPROVAL_NUMBER": Absent("平台不登记项目审批文件"),
    "APPROVAL_AUTHORITY": Absent("平台不登记项目审批文件"),
    "CREATE_TIME": "project.created_at",
    "OPERATION_NAME": people("project.created_by"),
}

TENDER_PROJECT_FIELDS: dict[str, Source] = {
    "PROJECT_CODE": "project.code",
    "TENDER_PROJECT_CODE": "project.code",
    "TENDER_SELF_CODE": "project.code",
    "UNIFIED_DEAL_CODE": Absent("统一交易标识码按标段/包赋予，见 502"),
    "IS_TO_LAW": Computed(
        lambda r: r.project.entry_basis == "must", "Project.entry_basis 为依法必须进场"
    ),
    "TENDER_PROJECT_NAME": "project.name",
    "TENDER_PROJECT_TYPE": Computed(
        lambda r: r.project.get_category_display(), f"工程/货物/服务（{NOT_CODED}）"
    ),
    "REGION_CODE": "project.region_id",
    "TENDER_CONTENT": Computed(tender_content, "目录事项；招标/采购方式；各标段/包名称"),
    "OWNER_NAME": "tenderer.name",
    "TENDERER_NAME": "tenderer.name",
    "TENDERER_CODE_TYPE": Computed(lambda r: code_type(r.tenderer), NOT_CODED),
    "TENDERER_CODE": Computed(lambda r: r.code_of(r.tenderer), "招标人统一社会信用代码"),
    "ISUNION": Const(False, "平台不支持联合招标"),
    "TENDERER_ROLE": Computed(tenderer_role, f"招标人/采购人（{NOT_CODED}）"),
    "TENDER_AGENCY_NAME": "agent.name",
    "TENDER_AGENCY_CODE_TYPE": Computed(lambda r: code_type(r.agent), NOT_CODED),
    "TENDER_AGENCY_CODE": entity_code("agent", "代理机构统一社会信用代码（自行招标时为空）"),
    "TENDER_AGENCY_ROLE": Computed(agent_role, f"招标/采购代理机构（{NOT_CODED}）"),
    "TENDER_MODE": Computed(tender_mode, f"招标/采购方式（{NOT_CODED}）"),
    "TENDER_ORGANIZE_FORM": Computed(
        lambda r: "委托招标" if r.agent else "自行招标", f"有无代理机构（{NOT_CODED}）"
    ),
    "CREATE_TIME": "project.created_at",
    "SUPERVISE_DEPT_NAME": "project.supervisor.name",
    "SUPERVISE_DEPT_CODE": "project.supervisor.uscc",
    "APPROVE_DEPT_NAME": Absent("平台不登记项目审批（核准）部门"),
    "APPROVE_DEPT_CODE": Absent("平台不登记项目审批（核准）部门"),
    "REPORT_DUTY": people("project.created_by"),
    "TENDERER_REGION_CODE": "tenderer.region_id",
    "TENDERER_PROPERTY": NO_ENTERPRISE_NATURE,
    "TENDER_AGENCY_REGION_CODE": "agent.region_id",
    "TENDER_AGENCY_PROPERTY": NO_ENTERPRISE_NATURE,
    "OPERATION_NAME": people("project.created_by"),
    "TRADE_SYSTEM_NO": Computed(
        lambda r: settings.GGZY_TRADE_SYSTEM_CODE or None,
        "设置 GGZY_TRADE_SYSTEM_CODE（国家平台分配的交易系统编号；未设置时为空）",
    ),
    "TRADE_SYSTEM_FEE": Absent("平台不登记交易系统使用费"),
}

SECTION_FIELDS: dict[str, Source] = {
    **lot_keys(),
    "BID_SECTION_NAME": "lot.name",
    "BID_ECTION_NUM": Computed(lambda r: tender_count(r.project), "1 + 重新招标的次数"),
    "BID_TENDER_MODE": Computed(tender_mode, f"招标/采购方式（{NOT_CODED}）"),
    "REGION_CODE": "project.region_id",
    "TRA_PLACE_CODE": "project.centre.region_id",
    "BID_SECTION_CONTENT": Computed(
        lambda r: f"{r.project.catalogue_item.name}：{r.lot.name}" if r.lot else None,
        "目录事项：标段/包名称",
    ),
    "TENDER_PROJECT_CLASSIFY_CODE": Computed(
        lambda r: r.project.catalogue_item.category.name_zh, f"交易目录类别（{NOT_CODED}）"
    ),
    "CONTRACT_RECKON_PRICE": "lot.estimate",
    "CURRENCY_CODE": CNY,
    "PRICE_UNIT": YUAN,
    "BID_QUALIFICATION": Computed(
        lambda r: qualification_checks(r.covered), "评标办法中的资格审查项（未设评标办法时为空）"
    ),
    "BEGIN_DATE": Absent("平台不登记计划开工日期"),
    "LIMITE_TIME": Absent("工期由投标人在开标一览表中响应，标段不登记"),
    "CREATE_TIME": "project.created_at",
}

ANNOUNCEMENT_FIELDS: dict[str, Source] = {
    "TENDER_PROJECT_CODE": "project.code",
    "NOTICE_BID_NUM": Computed(lambda r: len(r.covered), "公告涉及的标段/包数"),
    "BID_SECTION_CODES": Computed(lambda r: r.lot_codes, "公告涉及的标段/包编号，逗号分隔"),
    "TRAD_CENTER_NAME": "project.centre.name",
    "UNIFIED_DEAL_CODES": Computed(lambda r: r.udcs, "各标段/包的统一交易标识码，逗号分隔"),
    "TENDER_SELF_CODE": "project.code",
    "NOTICE_NAME": "notice.title",
    "NOTICE_CONTENT": Computed(lambda r: published_text(r.notice), "公告正文（公开版本，已脱敏）"),
    "NOTICE_SEND_TIME": "notice.published_at",
    "NOTICE_MEDIA": Computed(lambda r: platform_name(), "GGZY_PLATFORM_NAME"),
    "URL": Computed(lambda r: r.notice_url(r.notice), "公告公开页面地址"),
    "NOTICE_NATURE": Computed(notice_nature, f"正常/变更/终止（{NOT_CODED}）"),
    "BULLETIN_TYPE": Computed(
        lambda r: "资格预审公告" if qualification_mode(r) == "资格预审" else "招标公告",
        f"招标公告/资格预审公告（{NOT_CODED}）",
    ),
    "DOC_GET_START_TIME": "project.sale_starts_at",
    "DOC_GET_END_TIME": "project.sale_ends_at",
    "TENDER_DOC_GET_METHOD": ONLINE_DOWNLOAD,
    "BID_DOC_REFER_END_TIME": "project.bid_deadline",
    "IS_POSTPONE": Absent("顺延只写在变更公告正文中，不单独登记"),
    "BID_OPEN_TIME": Computed(lambda r: r.project.bid_deadline, "投标截止时间即开标时间"),
    "BID_OPEN_METHOD": Const("网上开标（不见面开标），投标人远程解密"),
    "QUAL_TYPE": Computed(qualification_mode, "资格预审/资格后审"),
    "DOC_PRICE": Absent("平台不登记文件售价"),
    "DOC_PRICE_CURRENCY": Absent("平台不登记文件售价"),
    "DOC_PRICE_UNIT": Absent("平台不登记文件售价"),
    "BID_DOC_REFER_METHOD": ONLINE_SUBMISSION,
    "SYNDICATED_FLAG": Const(False, "平台不支持联合体投标"),
    "TENDERER_CODE": Computed(lambda r: r.code_of(r.tenderer), "招标人统一社会信用代码"),
    "TENDERER_NAME": "tenderer.name",
    "TENDERER_ADDRESS": "tenderer.address",
    "TENDERER_CONTACTOR": "tenderer.contact_name",
    "TENDERER_PHONE_NUMBER": Computed(
        lambda r: r.personal(r.tenderer.contact_mobile), "招标人联系人手机（公开时脱敏）"
    ),
    "TENDERER_EMAIL": "tenderer.email",
    "TENDER_AGENCY_CODE": entity_code("agent", "代理机构统一社会信用代码"),
    "TENDER_AGENCY_NAME": "agent.name",
    "TENDER_AGENCY_ADDRESS": "agent.address",
    "TENDER_AGENCY_CONTACTOR": "agent.contact_name",
    "TENDER_AGENCY_PHONE_NUMBER": Computed(
        lambda r: r.personal(r.agent.contact_mobile) if r.agent else None,
        "代理机构联系人手机（公开时脱敏）",
    ),
    "TENDER_AGENCY_EMAIL": "agent.email",
    "OTHER_CONTENT": Absent("无"),
    "BULLETIN_DUTY": people("notice.published_by"),
    "BULLETIN_DUTY_CODE_TYPE": NO_EXAMINER,
}

DOCUMENT_FIELDS: dict[str, Source] = {
    "TENDER_PROJECT_CODE": "project.code",
    "BID_SECTION_CODE": "lot.code",
    "UNIFIED_DEAL_CODES": Computed(lambda r: r.udc, "unified_deal_code(lot)"),
    "DOC_NO": Computed(lambda r: f"V{r.document.version}" if r.document else None, "文件版本号"),
    "DOC_NAME": "document.title",
    "BID_QUALIFICATION": Computed(
        lambda r: qualification_checks(r.covered), "评标办法中的资格审查项"
    ),
    "BID_DOC_REFER_END_TIME": "project.bid_deadline",
    "VALID_PERIOD": Absent("平台不登记投标有效期"),
    "BID_DOC_REFER_METHOD": ONLINE_SUBMISSION,
    "MARGIN_PAY_TYPE": Const("银行转账、电子保函", f"平台接受的保证金形式（{NOT_CODED}）"),
    "PRICE_FORM_CODE": TOTAL_PRICE,
    "MARGIN_AMOUNT": "lot.deposit_amount",
    "MARGIN_CURRENCY": CNY,
    "MARGIN_AMOUNT_UNIT": YUAN,
    "MARGIN_PERCENT": Absent("保证金按金额登记"),
    "CONTROL_PRICE": "lot.ceiling_price",
    "CONTROL_PRICE_CURRENCY": Computed(
        lambda r: "CNY" if r.lot and r.lot.ceiling_price is not None else None, "CNY（有限价时）"
    ),
    "CONTROL_PRICE_UNIT": Computed(
        lambda r: "元" if r.lot and r.lot.ceiling_price is not None else None, "元（有限价时）"
    ),
    "EVALUATING_METHOD": Computed(lambda r: method_name(r.lot), "Lot.evaluation_method 的办法"),
    "BID_OPEN_TIME": "project.bid_deadline",
    "BID_OPEN_PLACE": Computed(lambda r: f"{platform_name()}网上开标大厅", "网上开标大厅"),
    "BID_OPEN_TYPE": Const("网上开标（不见面开标）"),
    "QUAL_TYPE": Computed(qualification_mode, f"资格预审/资格后审（{NOT_CODED}）"),
    "CLARIFY_TIME": Computed(
        lambda r: r.document.issued_at if r.document and r.document.version > 1 else None,
        "澄清/修改文件的发出时间（首版招标文件为空）",
    ),
    "IS_POSTPONE": Absent("顺延只写在变更公告正文中，不单独登记"),
    "POST_OPEN_TIME": Absent("顺延只写在变更公告正文中，不单独登记"),
    "POST_OPEN_ADDRESS": Absent("网上开标，地点不变"),
    "CLARIFY_CONTENT": Computed(
        lambda r: r.document.title if r.document and r.document.version > 1 else None,
        "澄清/修改文件标题（首版招标文件为空）",
    ),
    "SUBMIT_TIME": "document.uploaded_at",
    "URL": Computed(
        lambda r: r.url("tendering:download", r.document.pk) if r.document else None,
        "文件下载地址（投标人登录后下载）",
    ),
    "EVALUATION_TYPE": Computed(
        lambda r: r.evaluation.draw_request.get_mode_display() if r.evaluation else None,
        f"本地评标/远程异地评标，评标开始后才确定（{NOT_CODED}）",
    ),
}

INVITATION_FIELDS: dict[str, Source] = {
    **lot_keys(),
    "BID_INVITE_ISSUE_NATURE": Computed(notice_nature, f"正常/变更/终止（{NOT_CODED}）"),
    "BID_INVITE_ISSUE_CONTENT": Computed(
        lambda r: published_text(r.notice), "投标邀请书（或其变更、终止公告）正文"
    ),
    "BID_QUALIFICATION": Computed(
        lambda r: qualification_checks(r.covered), "评标办法中的资格审查项"
    ),
    "BIDDER_NAME": Absent("投标邀请书不逐一登记受邀投标人"),
    "BIDDER_CODE_TYPE": Absent("投标邀请书不逐一登记受邀投标人"),
    "BIDDER_CODE": Absent("投标邀请书不逐一登记受邀投标人"),
    "BIDDER_ROLE": Absent("投标邀请书不逐一登记受邀投标人"),
    "DOC_GET_START_TIME": "project.sale_starts_at",
    "DOC_GET_END_TIME": "project.sale_ends_at",
    "TENDER_DOC_GET_METHOD": ONLINE_DOWNLOAD,
    "BID_DOC_REFER_END_TIME": "project.bid_deadline",
    "BID_DOC_REFER_METHOD": ONLINE_SUBMISSION,
    "BID_INVITE_END_TIME": Absent("平台不设回复截止时间"),
    "BID_INVITE_ISSUE_TIME": "notice.published_at",
    "BULLETIN_DUTY": people("notice.published_by"),
}

OPENING_FIELDS: dict[str, Source] = {
    **lot_keys(plural=True),
    "NOTICE_NAME": Computed(
        lambda r: r.notice.title if r.notice else f"{r.title}开标记录",
        "开标记录公告标题",
    ),
    "BID_OPENING_ACTOR": Computed(
        opening_actors, "开标记录中签到的投标人（无人签到时为开标记录所列投标人）"
    ),
    "BID_OPENING_CONTENT": Computed(lambda r: published_text(r.notice), "开标记录公告正文"),
    "BID_OPENING_ADDRESS": Computed(lambda r: f"{platform_name()}网上开标大厅", "网上开标大厅"),
    "BID_OPENING_TIME": Computed(lambda r: r.extra["opening"].started_at, "Opening.started_at"),
    "URL": Computed(lambda r: r.notice_url(r.notice), "开标记录公告公开页面地址"),
    "OPEN_COMPERE": Computed(lambda r: r.extra["opening"].record.get("host"), "开标记录的主持人"),
    "TENDER_AGENCY_PERSON": Absent("网上开标不登记代理机构到场代表"),
    "TENDERER_PERSON": Absent("网上开标不登记招标人到场代表"),
}
