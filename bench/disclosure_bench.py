"""Public disclosure at scale: search, list pages and the home page over a million notices,
beside baselines measured in the same run on the same database.

    python bench/disclosure_bench.py [--notices 1000000] [--queries 200] [--concurrency 16]
                                     [--seconds 20] [--db URL] [--keep] [--seed 2026]

By default a fresh SQLite file in a temporary directory. ``--db URL`` uses that database
as it is (it is not dropped afterwards, so that ``--keep`` can reuse a loaded one): it must
hold no notices, or with ``--keep`` at most ``--notices`` of them (the missing ones are
added: an interrupted load resumes with the same options). Without ``--keep`` a database
that already holds notices is refused rather than emptied. A million notices take about
8 GB of database (SQLite or PostgreSQL) and about 100 MB of this process's memory.

Set-up (timed, not part of the figures): a province, six cities and their counties, one
trading centre per province and city and a branch per county; ``--notices`` realistic
notices (Chinese titles and bodies of several paragraphs from a vocabulary per category:
construction works, medical and other equipment, services, land parcels, mining rights,
equity and asset transfers, other rights) for all six categories and all twelve kinds,
following each trade's life (tender → change → opening → candidates → result → contract …)
with about a month between the first and the last notice of a trade, spread over three
years up to today. They are inserted with ``bulk_create`` in batches of 5,000 and indexed
with ``search.index_many`` in the same transaction, then ``search.optimize()``; on
PostgreSQL ``VACUUM ANALYZE`` of the table, as autovacuum would do on a live system.

Measured (p50 / p95 / max over ``--queries`` calls per case, in ms, after one warm-up call;
filter values vary from call to call over the cities and over the three years):
* ``search.search`` for common words (工程, 采购, 教学楼, 医疗设备) with no filter, with a
  category, a city prefix, a 90-day range, and all three combined (one year); a rare word
  (in about 1 notice of 2,000), a word found nowhere, and page 51 of a common word;
* ``search.listing`` first page with no filter, each filter alone and combined, and page 51
  (after following ``next`` 50 times) with and without filters;
* through a real server (``ggzy serve --no-worker``: uvicorn, ``ggzy.asgi:application``) on
  loopback: single-client latency of the home page, list pages and search pages, then
  requests per second and latency of ``GET /`` under ``--concurrency`` clients (threads with
  keep-alive ``http.client`` connections) for ``--seconds`` seconds, beside the same load on
  a static file and on ``/api/v1/ledger/platform-key`` (Django with no database work), with
  the CPU used by the server and by the load generator (both on this machine).

Baselines, same database, same run: a raw single-row commit; the raw newest-first query
``SELECT id … ORDER BY published_at DESC, id DESC LIMIT 20`` on the publication table
(no filter, and one category) on a raw cursor.

Goals (the issue): search p95 ≤ 100 ms, list p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _measure import baseline_commits, cpu_seconds, free_port, pct  # noqa: E402

BATCH = 5_000
YEARS = 3
RARE_EVERY = 2_000  # one notice in this many mentions the rare word
SEARCH_GOAL_MS = 100.0
LIST_GOAL_MS = 50.0
DISK_PER_NOTICE = 9_000  # bytes of database per notice, measured at 50,000 (7.5 to 8 KiB)
DEPTH = 50  # "a deep page": the page after following ``next`` this many times

COMMON_WORDS = {
    "工程": "works",
    "采购": "procurement",
    "教学楼": "works",
    "医疗设备": "procurement",
}
RARE_WORD = "直线加速器"
ABSENT_WORD = "潜水艇"

# --- the regions and centres -----------------------------------------------------------------

PROVINCE = ("430000", "湖南省")
CITIES = {
    "430100": ("长沙市", [("430102", "芙蓉区"), ("430104", "岳麓区"), ("430121", "长沙县"),
                          ("430181", "浏阳市"), ("430182", "宁乡市")]),
    "430200": ("株洲市", [("430202", "荷塘区"), ("430223", "攸县"), ("430224", "茶陵县"),
                          ("430281", "醴陵市")]),
    "430300": ("湘潭市", [("430321", "湘潭县"), ("430381", "湘乡市"), ("430382", "韶山市")]),
    "430400": ("衡阳市", [("430421", "衡阳县"), ("430422", "衡南县"), ("430481", "耒阳市")]),
    "430600": ("岳阳市", [("430621", "岳阳县"), ("430623", "华容县"), ("430681", "汨罗市")]),
    "430700": ("常德市", [("430722", "汉寿县"), ("430725", "桃源县"), ("430781", "津市市")]),
}  # fmt: skip
AREA_CODES = {"430000": "0731", "430100": "0731", "430200": "0731", "430300": "0731",
              "430400": "0734", "430600": "0730", "430700": "0736"}  # fmt: skip

# --- the vocabularies ------------------------------------------------------------------------

CATEGORY_WEIGHTS = {
    "works": 30, "procurement": 40, "land": 10, "mining": 4, "property": 10, "other": 6,
}  # fmt: skip
CODE_PREFIX = {"works": "JSGC", "procurement": "ZFCG", "land": "TDCR", "mining": "KYQ",
               "property": "GYCQ", "other": "QTJY"}  # fmt: skip

WORKS_SUBJECTS = [
    "第一中学教学楼", "实验小学教学楼", "职业中专学校教学楼", "第二中学学生宿舍",
    "人民医院住院大楼", "中医医院门诊综合楼", "妇幼保健院迁建", "体育中心", "图书馆",
    "城市污水处理厂", "第二水厂", "生活垃圾焚烧发电厂", "保障性住房", "棚户区改造",
    "老旧小区改造", "农贸市场", "高标准农田建设", "农村公路安防", "国道G107线", "省道S208线",
    "滨江风光带", "城区主干道", "河道综合治理", "小型水库除险加固", "灌区续建配套与节水改造",
    "产业园标准厂房", "职业技术学院实训楼", "消防救援站", "公安局业务技术用房", "公办幼儿园",
    "养老服务中心", "城区供水管网",
]  # fmt: skip
WORKS_TYPES = ["新建工程", "改扩建工程", "维修改造工程", "提质改造项目", "建设项目", "一期工程",
               "二期工程"]  # fmt: skip
WORKS_LOTS = ["施工", "施工", "施工", "监理", "勘察设计", "工程总承包（EPC）"]
BUYERS = [
    "人民医院", "中心医院", "中医医院", "妇幼保健院", "疾病预防控制中心", "教育局", "第一中学",
    "职业中专学校", "公安局", "交通运输局", "自然资源局", "城市管理和综合执法局", "财政局",
    "卫生健康局", "农业农村局", "人民法院", "人民检察院", "档案馆", "融媒体中心",
    "住房保障服务中心",
]  # fmt: skip
MEDICAL_GOODS = ["医疗设备", "医疗设备（第二批）", "急救医疗设备", "彩色多普勒超声诊断仪",
                 "医学影像设备", "检验科医疗设备", "手术室医疗设备"]  # fmt: skip
OTHER_GOODS = [
    "办公家具", "多媒体教学设备", "计算机及网络设备", "服务器及存储设备", "物业管理服务",
    "食堂食材配送服务", "保安服务", "印刷服务", "公务车辆维修保养服务", "信息化系统建设",
    "视频监控系统", "智慧校园建设", "图书", "学生课桌椅", "空调设备", "电梯维保服务", "审计服务",
    "法律顾问服务", "绿化养护服务", "道路清扫保洁服务", "救护车", "校服",
]  # fmt: skip
PROCUREMENT_MODES = ["公开招标公告", "公开招标公告", "竞争性磋商公告", "竞争性谈判公告", "询价公告"]
LAND_USES = ["城镇住宅用地", "商业服务业设施用地", "工业用地", "商住混合用地", "仓储用地"]
MINING_SITES = ["老虎冲", "石门坎", "大坪", "黄土岭", "青山", "白沙", "龙潭", "金鸡岭", "狮子山"]
MINERALS = ["建筑用花岗岩矿", "建筑用砂岩矿", "水泥用灰岩矿", "饰面用大理岩矿", "砖瓦用页岩矿",
            "萤石矿", "锰矿", "河道砂石"]  # fmt: skip
PROPERTY_ASSETS = ["闲置办公用房", "临街商铺", "报废机器设备", "国有房产", "闲置厂房及土地使用权",
                   "公务用车"]  # fmt: skip
OTHER_ITEMS = ["公务用车拍卖", "排污权交易", "碳排放配额交易", "户外广告位经营权出让",
               "公共停车场特许经营权出让", "林权流转", "农村土地经营权流转", "罚没物资处置",
               "水库水面养殖权出让"]  # fmt: skip

COMPANY_PLACES = ["湖南", "长沙", "株洲", "湘潭", "衡阳", "岳阳", "常德", "湖南省第六工程",
                  "中建五局"]  # fmt: skip
BRANDS = ["恒达", "宏图", "鑫源", "华泰", "远大", "金桥", "中晟", "博远", "天成", "瑞丰", "弘毅",
          "正和", "湘江", "楚天", "芙蓉", "永安", "盛世", "新锐", "润泽", "嘉禾", "长兴",
          "德信"]  # fmt: skip
COMPANY_TYPES = {
    "works": ["建设工程有限公司", "建筑工程有限公司", "路桥建设有限公司", "水利水电工程有限公司",
              "市政工程有限公司", "工程监理有限公司", "工程咨询有限公司"],
    "procurement": ["医疗器械有限公司", "科技有限公司", "信息技术有限公司", "物业管理有限公司",
                    "贸易有限公司", "家具有限公司", "医药有限公司"],
    "land": ["置业有限公司", "房地产开发有限公司", "实业有限公司", "投资发展有限公司"],
    "mining": ["矿业有限公司", "建材有限公司", "石业有限公司"],
    "property": ["实业有限公司", "投资有限公司", "商贸有限公司", "资产经营有限公司"],
    "other": ["贸易有限公司", "实业有限公司", "文化传媒有限公司", "环保科技有限公司"],
}  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
ROADS = ["人民路", "解放路", "建设路", "湘江路", "芙蓉路", "麓山南路", "迎宾路", "滨江大道",
         "文化路", "新华路", "长征路", "车站路", "韶山路", "劳动路"]  # fmt: skip
FUNDS = ["财政资金", "财政资金和自筹资金", "地方政府专项债券资金", "中央预算内投资", "业主自筹"]
STOP_REASONS = ["因有效投标人不足三家", "因所有投标均被否决", "因无竞买人报名",
                "因出现影响交易公正的违法违规行为", "因项目建设内容调整",
                "因上级主管部门要求暂缓实施"]  # fmt: skip


MEDICAL_QUALS = ["具备《医疗器械经营许可证》或第二类医疗器械经营备案凭证",
                 "所投医疗设备须取得医疗器械注册证", "具备医疗设备售后维修能力"]  # fmt: skip
MEDICAL_TECH = ["彩色多普勒超声诊断仪", "全自动生化分析仪", "128排螺旋CT", "1.5T磁共振成像系统",
                "数字化X射线摄影系统", "多参数监护仪", "高频电刀", "麻醉工作站", "电子胃肠镜",
                "血液透析机", "有创呼吸机", "医疗设备维保", "医用中心供氧系统",
                "消毒供应中心设备"]  # fmt: skip
PROPERTY_OWNERS = ["国有资产投资经营有限公司", "城市建设投资集团有限公司", "交通建设投资有限公司",
                   "文化旅游投资集团有限公司", "机关事务管理局"]  # fmt: skip
OTHER_OWNERS = ["机关事务管理局", "生态环境局", "林业局", "公安局", "城市管理和综合执法局",
                "农业农村局"]  # fmt: skip


@dataclass(frozen=True)
class Vocabulary:
    """How one category speaks: the verbs of its notices and the phrases of its bodies."""

    mode: str  # 公开招标, 挂牌出让 …
    party: str  # 投标人, 供应商, 竞买人 …
    document: str
    submission: str
    organiser: str  # who runs it: 招标人, 采购人, 出让人 …
    evaluation: str
    amount: str  # the label of the price announced
    scope: list[str]
    quals: list[str]
    tech: list[str]
    suffix: dict[str, str] = field(default_factory=dict)  # kind → end of the title


# fmt: off
VOCABULARY = {
    "works": Vocabulary(
        "公开招标", "投标人", "招标文件", "投标文件递交", "招标人", "评标", "最高投标限价",
        scope=["总建筑面积约{n}平方米", "地上{s}层、地下1层，框架结构",
               "主要包括土建、给排水、电气、暖通及室外配套工程", "含桩基础、基坑支护及土石方工程",
               "装饰装修及幕墙工程", "道路全长约{n}米，设计速度40公里/小时", "新建桥梁{s}座",
               "管网改造约{s}公里", "海绵城市配套设施", "绿化及亮化工程", "消防及智能化工程",
               "钢结构厂房及附属用房", "计划工期{d}日历天", "质量标准：合格"],
        quals=["具备建筑工程施工总承包二级及以上资质", "具备市政公用工程施工总承包三级及以上资质",
               "具备有效的安全生产许可证",
               "拟派项目经理须具备建筑工程专业二级及以上注册建造师执业资格，"
               "且未担任其他在建工程项目的项目经理",
               "近三年内无重大工程质量安全事故", "未被列入失信被执行人名单",
               "具备水利水电工程施工总承包三级及以上资质", "具备公路工程施工总承包二级及以上资质",
               "具备工程监理综合资质或房屋建筑工程监理甲级资质"],
        tech=["钢筋混凝土框架结构", "抗震设防烈度6度", "执行绿色建筑二星级标准", "装配式建筑",
              "BIM技术应用", "扬尘治理与文明施工", "安全文明施工标准化工地", "采用预拌混凝土",
              "外墙保温与建筑节能", "屋面防水等级Ⅰ级", "沥青混凝土路面", "雨污分流改造",
              "边坡支护与排水", "水泥稳定碎石基层", "农民工工资专用账户", "工程款支付担保"],
        suffix={"tender": "招标公告", "prequalification": "资格预审公告",
                "invitation": "投标邀请书", "change": "变更公告", "termination": "终止招标公告",
                "failure": "招标失败公告", "opening_record": "开标记录",
                "bidder_list": "投标人名单公示", "candidates": "中标候选人公示",
                "result": "中标结果公告", "contract": "合同订立信息公开",
                "performance": "合同履约信息公开"},
    ),
    "procurement": Vocabulary(
        "采购", "供应商", "采购文件", "响应文件递交", "采购人", "评审", "预算金额",
        scope=["采购内容详见采购需求", "包含运输、安装、调试、培训及售后服务", "质保期不少于{s}年",
               "本项目专门面向中小企业采购", "本项目不接受进口产品", "允许进口产品参与",
               "交货期为合同签订后{s}0日内", "服务期{s}年", "本项目采用综合评分法",
               "本项目采用最低评标价法", "落实节能环保产品政府采购政策"],
        quals=["符合《中华人民共和国政府采购法》第二十二条规定的条件",
               "具有独立承担民事责任的能力", "具有良好的商业信誉和健全的财务会计制度",
               "参加政府采购活动前三年内在经营活动中没有重大违法记录",
               "未被列入信用中国失信被执行人、重大税收违法失信主体名单"],
        tech=["服务器", "核心交换机", "下一代防火墙", "高清视频监控摄像机", "交互式智能平板",
              "学生课桌椅", "变频空调", "保洁人员不少于{s}名", "7×24小时响应", "驻场服务",
              "网络安全等级保护三级", "国产化适配", "正版软件授权", "物业服务经验",
              "食品安全管理", "车辆维修资质", "绿化养护", "办公家具环保等级E1"],
        suffix={"prequalification": "资格预审公告", "invitation": "采购邀请书",
                "change": "更正公告", "termination": "终止公告", "failure": "废标公告",
                "opening_record": "开标记录", "bidder_list": "供应商名单",
                "candidates": "中标（成交）候选人公示", "result": "中标（成交）结果公告",
                "contract": "政府采购合同公告", "performance": "履约验收公告"},
    ),
    "land": Vocabulary(
        "挂牌出让", "竞买人", "出让文件", "竞买申请", "出让人", "挂牌交易", "起始价",
        scope=["宗地面积{n}平方米", "容积率不大于2.{s}", "建筑密度不大于{s}0%",
               "绿地率不小于{s}0%", "建筑限高{s}0米", "竞买保证金为起始价的{s}0%",
               "增价幅度为每次{s}0万元", "按现状净地出让", "规划条件详见出让文件",
               "出让年限{y}年"],
        quals=["中华人民共和国境内外的法人、自然人和其他组织均可申请参加",
               "申请人可以单独申请，也可以联合申请", "欠缴土地出让价款的单位不得参与竞买",
               "须按规定足额缴纳竞买保证金"],
        tech=["城镇住宅用地", "商业服务业设施用地", "工业用地", "商住混合用地", "净地出让",
              "配建保障性住房", "装配式建筑比例", "约定开竣工时间", "投资强度", "亩均税收",
              "土壤污染状况调查", "地下空间开发利用"],
        suffix={"tender": "挂牌出让公告", "prequalification": "竞买资格审查公告",
                "invitation": "招商推介公告", "change": "补充公告",
                "termination": "终止出让公告", "failure": "流拍公告",
                "opening_record": "挂牌报价记录", "bidder_list": "竞买人名单",
                "candidates": "竞得人公示", "result": "成交结果公示",
                "contract": "出让合同公示", "performance": "开竣工履约信息"},
    ),
    "mining": Vocabulary(
        "挂牌出让", "竞买人", "出让文件", "竞买申请", "出让人", "挂牌交易", "出让收益起始价",
        scope=["矿区面积{s}.{s}平方公里", "开采标高+{s}00米至+{s}0米", "保有资源量{n}万吨",
               "生产规模{s}0万吨/年", "开采方式：露天开采", "矿区范围由{s}个拐点圈定",
               "编制矿山地质环境保护与土地复垦方案", "按绿色矿山标准建设", "出让年限{s}年"],
        quals=["在中华人民共和国境内注册的企业法人", "具备相应的资金能力和技术能力",
               "符合国家产业政策和矿产资源规划", "无违法开采和超层越界开采记录"],
        tech=["建筑用花岗岩", "建筑用砂岩", "水泥用灰岩", "砖瓦用页岩", "萤石", "露天开采",
              "边坡稳定", "爆破作业", "粉尘治理", "矿山生态修复", "储量核实报告",
              "资源储量评审备案"],
        suffix={"tender": "采矿权挂牌出让公告", "prequalification": "竞买资格审查公告",
                "invitation": "出让推介公告", "change": "补充公告",
                "termination": "终止出让公告", "failure": "流拍公告",
                "opening_record": "挂牌报价记录", "bidder_list": "竞买人名单",
                "candidates": "竞得人公示", "result": "采矿权出让结果公示",
                "contract": "采矿权出让合同公示", "performance": "开采信息公示"},
    ),
    "property": Vocabulary(
        "挂牌转让", "意向受让方", "转让公告及相关资料", "受让申请", "转让方", "网络竞价",
        "转让底价",
        scope=["标的企业注册资本{n}万元", "评估基准日为{date}", "资产评估值{m}万元",
               "审计报告已出具", "职工安置方案已经职工代表大会审议通过",
               "债权债务由标的企业继续享有和承担", "已经国有资产监督管理机构批准",
               "挂牌期为20个工作日", "交易价款一次性支付"],
        quals=["意向受让方应为依法设立并有效存续的企业法人或具有完全民事行为能力的自然人",
               "具有良好的财务状况和支付能力", "具有良好的商业信用", "本项目不接受联合受让"],
        tech=["股权转让", "增资扩股", "国有资产", "资产评估报告", "审计报告", "职工安置",
              "债权债务处置", "产权交割", "交易保证金", "国有房产", "经营权", "优先购买权"],
        suffix={"tender": "转让公告", "prequalification": "受让资格审查公告",
                "invitation": "意向受让方征集公告", "change": "变更公告",
                "termination": "终止公告", "failure": "流拍公告", "opening_record": "竞价记录",
                "bidder_list": "意向受让方名单", "candidates": "拟受让方公示",
                "result": "交易结果公告", "contract": "产权交易合同公示",
                "performance": "价款支付及交割信息"},
    ),
    "other": Vocabulary(
        "公开竞价", "竞买人", "竞价文件", "竞买报名", "委托方", "网络竞价", "起拍价",
        scope=["标的物按现状交付", "竞价采用网络竞价方式", "设有保留价", "竞买保证金{s}万元",
               "自由竞价期30分钟", "成交后{s}个工作日内签订成交确认书"],
        quals=["具有完全民事行为能力的自然人、法人或其他组织", "按规定缴纳竞买保证金",
               "在交易系统完成注册和实名认证"],
        tech=["公务用车", "罚没物资", "排污权", "碳排放配额", "户外广告位经营权",
              "停车场特许经营权", "林权", "农村土地经营权", "水面养殖权", "报废资产"],
        suffix={"tender": "竞价公告", "prequalification": "报名资格审查公告",
                "invitation": "竞价邀请书", "change": "变更公告", "termination": "终止公告",
                "failure": "流拍公告", "opening_record": "竞价记录",
                "bidder_list": "竞买人名单", "candidates": "拟成交人公示",
                "result": "成交公告", "contract": "成交确认书公示", "performance": "履约信息"},
    ),
}
# fmt: on

# After the first notice (tender, or prequalification then tender, or invitation), an
# optional change, then either a stop (termination, failure) or these, each with its chance.
CHANGE_CHANCE = {"works": 0.35, "procurement": 0.3, "land": 0.15, "mining": 0.15,
                 "property": 0.2, "other": 0.1}  # fmt: skip
TAIL = {
    "works": [("bidder_list", 0.4), ("opening_record", 0.9), ("candidates", 0.95),
              ("result", 0.95), ("contract", 0.6), ("performance", 0.3)],
    "procurement": [("opening_record", 0.5), ("bidder_list", 0.2), ("candidates", 0.3),
                    ("result", 0.95), ("contract", 0.8), ("performance", 0.3)],
    "land": [("bidder_list", 0.3), ("opening_record", 0.5), ("candidates", 0.3),
             ("result", 0.9), ("contract", 0.6), ("performance", 0.2)],
    "mining": [("bidder_list", 0.3), ("opening_record", 0.5), ("candidates", 0.3),
               ("result", 0.9), ("contract", 0.6), ("performance", 0.2)],
    "property": [("bidder_list", 0.2), ("opening_record", 0.3), ("candidates", 0.2),
                 ("result", 0.85), ("contract", 0.4), ("performance", 0.1)],
    "other": [("opening_record", 0.2), ("result", 0.8), ("contract", 0.2)],
}  # fmt: skip


# --- set-up ----------------------------------------------------------------------------------


def server_env(url: str, var_dir: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "GGZY_VAR_DIR": var_dir,
        "GGZY_LOG_LEVEL": "WARNING",
        "GGZY_DEBUG": "0",  # DEBUG keeps every query's SQL: not what is measured
        "DJANGO_SETTINGS_MODULE": "ggzy.settings",
        "PYTHONPATH": str(ROOT / "src"),  # this checkout's code, even from a git worktree
    }


def setup(url: str, var_dir: str) -> None:
    os.environ.update(server_env(url, var_dir))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@dataclass(frozen=True)
class Place:
    code: str
    name: str  # as written in a title: 长沙市岳麓区
    city: str  # 长沙市 (湖南省 for the province)
    centre_id: int
    centre_name: str
    area_code: str


def make_world() -> list[tuple[Place, float]]:
    """Regions and centres (idempotent, so that ``--keep`` finds them again); the places a
    notice can come from, with their weights: 10 % province, 40 % cities, 50 % counties."""
    from ggzy.accounts.models import Level, Organisation, Region

    def region(code: str, name: str, level: str, parent: Region | None) -> Region:
        found, _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent}
        )
        return found

    def centre(name: str, where: Region, level: str, parent: Organisation | None) -> Organisation:
        found, _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": Organisation.Kind.CENTRE,
                "region": where,
                "level": level,
                "parent": parent,
            },
        )
        return found

    province = region(*PROVINCE, Level.PROVINCE, None)
    top = centre(f"{PROVINCE[1]}公共资源交易中心", province, Level.PROVINCE, None)
    places = [(Place(PROVINCE[0], PROVINCE[1], PROVINCE[1], top.pk, top.name, "0731"), 10.0)]
    for city_code, (city_name, counties) in CITIES.items():
        city = region(city_code, city_name, Level.CITY, province)
        city_centre = centre(f"{city_name}公共资源交易中心", city, Level.CITY, top)
        area = AREA_CODES[city_code]
        places.append(
            (Place(city_code, city_name, city_name, city_centre.pk, city_centre.name, area), 40 / 6)
        )
        for code, name in counties:
            county = region(code, name, Level.COUNTY, city)
            branch = centre(
                f"{city_name}公共资源交易中心{name}分中心", county, Level.COUNTY, city_centre
            )
            weight = 50 / 6 / len(counties)
            places.append(
                (Place(code, city_name + name, city_name, branch.pk, branch.name, area), weight)
            )
    return places


# --- the notices -----------------------------------------------------------------------------


@dataclass
class Trade:
    """One project or transaction and what its notices say about it."""

    code: str
    title: str  # the trade's name (项目名称)
    lot: str  # the part of the title after the name (施工, 监理 …), may be empty
    lot_code: str
    category: str
    place: Place
    owner: str
    agent: str
    quals: list[str]
    tech: list[str]
    amount: float  # 万元
    parties: list[str]  # bidders / suppliers / bidders for the right
    suffix: str  # the tender notice's title end (procurement varies its method)
    kinds: list[str]  # notices still to come, in order


def _company(rng: random.Random, category: str) -> str:
    return rng.choice(COMPANY_PLACES) + rng.choice(BRANDS) + rng.choice(COMPANY_TYPES[category])


def _person(rng: random.Random, title: str = "") -> str:
    return rng.choice(SURNAMES) + (title or rng.choice(["先生", "女士", "工"]))


def _mobile(rng: random.Random) -> str:
    """A mobile number as published: masked by ``policy.mask`` (first 3, last 4)."""
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}"


def _when(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日{moment.hour}时{moment.minute:02d}分"


def _day(moment: datetime | date) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def _fill(template: str, rng: random.Random) -> str:
    if "{" not in template:
        return template
    return template.format(
        n=rng.randint(800, 60000),
        s=rng.randint(2, 9),
        d=rng.randint(120, 720),
        y=rng.choice([40, 50, 70]),
        m=f"{rng.uniform(50, 9000):,.2f}",
        date=f"{rng.randint(2022, 2025)}年{rng.randint(1, 12)}月{rng.choice([30, 31, 28])}日",
    )


class NoticeMaker:
    """Realistic notices in publication order. Trades are kept open in a pool whose size
    makes a trade's notices span about a month of the three years; each new notice is the
    next step of a trade picked at random in the pool."""

    def __init__(
        self, places: list[tuple[Place, float]], total: int, end: datetime, seed: int
    ) -> None:
        from ggzy.disclosure import policy

        self.policy = policy
        self.rng = random.Random(seed)
        self.places = [p for p, _ in places]
        self.place_weights = [w for _, w in places]
        self.categories = list(CATEGORY_WEIGHTS)
        self.category_weights = list(CATEGORY_WEIGHTS.values())
        self.total = total
        self.start = end - timedelta(days=365 * YEARS)
        self.step = (end - self.start) / total
        # ~5 notices per trade; a trade lasts about pool × 5 notices ≈ a month of the span
        self.pool_size = max(20, total // (YEARS * 12 * 5))
        self.pool: list[Trade] = []
        self.trades = 0

    # a trade ------------------------------------------------------------------------------

    def _lifecycle(self, category: str) -> list[str]:
        rng = self.rng
        first = rng.random()
        if first < 0.05:
            kinds = ["prequalification", "tender"]
        elif first < 0.09:
            kinds = ["invitation"]
        else:
            kinds = ["tender"]
        if rng.random() < CHANGE_CHANCE[category]:
            kinds.append("change")
        stop = rng.random()
        if stop < 0.02:
            return [*kinds, "termination"]
        if stop < 0.08:
            return [*kinds, *(["opening_record"] if rng.random() < 0.5 else []), "failure"]
        return kinds + [kind for kind, chance in TAIL[category] if rng.random() < chance]

    def _trade(self, moment: datetime) -> Trade:
        rng = self.rng
        category = rng.choices(self.categories, self.category_weights)[0]
        place = rng.choices(self.places, self.place_weights)[0]
        self.trades += 1
        code = f"HN-{CODE_PREFIX[category]}-{moment.year}-{self.trades:07d}"
        vocabulary = VOCABULARY[category]
        lot, lot_code, suffix = "", "", vocabulary.suffix.get("tender", "")
        quals, tech = vocabulary.quals, vocabulary.tech
        owner = place.name + rng.choice(BUYERS)
        authority = (  # of land and mining rights
            f"{place.city}自然资源和规划局" if place.city.endswith("市") else "湖南省自然资源厅"
        )
        if category == "works":
            title = place.name + rng.choice(WORKS_SUBJECTS) + rng.choice(WORKS_TYPES)
            lot = rng.choice(WORKS_LOTS)
            lot_code = f"{code}-BD{rng.randint(1, 3):02d}"
            owner = place.name + rng.choice(["教育局", "住房和城乡建设局", "城市建设投资有限公司",
                                             "交通运输局", "水利局", "人民医院"])  # fmt: skip
            amount = rng.lognormvariate(7, 1.2)
        elif category == "procurement":
            medical = rng.random() < 0.3
            goods = rng.choice(MEDICAL_GOODS if medical else OTHER_GOODS)
            if medical:
                quals, tech = quals + MEDICAL_QUALS, MEDICAL_TECH
            title = f"{owner}{goods}采购项目"
            lot_code = f"{code}-B{rng.randint(1, 4)}" if rng.random() < 0.3 else ""
            suffix = rng.choice(PROCUREMENT_MODES)
            amount = rng.lognormvariate(5, 1.3)
        elif category == "land":
            use = rng.choice(LAND_USES)
            title = (
                f"{place.name}{moment.year}-{rng.randint(1, 120):03d}号宗地（{use}）"
                "国有建设用地使用权"
            )
            owner = authority
            amount = rng.lognormvariate(8, 1.1)
        elif category == "mining":
            title = f"{place.name}{rng.choice(MINING_SITES)}{rng.choice(MINERALS)}"
            owner = authority
            amount = rng.lognormvariate(7, 1.0)
        elif category == "property":
            owner = place.name + rng.choice(PROPERTY_OWNERS)
            if rng.random() < 0.6:
                company = _company(rng, "property")
                title = f"{company}{rng.choice([10, 20, 30, 35, 49, 51, 100])}%股权转让项目"
            else:
                title = f"{owner}{rng.choice(PROPERTY_ASSETS)}转让项目"
            amount = rng.lognormvariate(6, 1.4)
        else:
            owner = place.name + rng.choice(OTHER_OWNERS)
            title = f"{place.name}{rng.choice(OTHER_ITEMS)}项目"
            amount = rng.lognormvariate(3, 1.2)
        parties = [_company(rng, category) for _ in range(rng.randint(3, 9))]
        return Trade(
            code=code,
            title=title,
            lot=lot,
            lot_code=lot_code,
            category=category,
            place=place,
            owner=owner,
            agent=rng.choice(["湖南", "长沙", place.name[:3]])
            + rng.choice(BRANDS)
            + "招标代理有限公司",
            quals=quals,
            tech=tech,
            amount=amount,
            parties=parties,
            suffix=suffix,
            kinds=self._lifecycle(category),
        )

    # a notice -----------------------------------------------------------------------------

    def _body(self, trade: Trade, kind: str, moment: datetime) -> list[str]:
        rng = self.rng
        v = VOCABULARY[trade.category]
        name = trade.title + trade.lot
        contact = (
            f"联系方式：{v.organiser}：{trade.owner}，地址：{trade.place.name}{rng.choice(ROADS)}"
            f"{rng.randint(1, 399)}号，联系人：{_person(rng)}，电话：{trade.place.area_code}-"
            f"{rng.randint(22000000, 89999999)}；代理机构：{trade.agent}，联系人：{_person(rng)}，"
            f"手机：{_mobile(rng)}；交易场所：{trade.place.centre_name}。"
        )
        tech = "主要技术要求：" + "、".join(_fill(t, rng) for t in rng.sample(trade.tech, 5)) + "。"
        if rng.random() * RARE_EVERY < 1:  # the rare word of the search cases
            tech += "另含医用直线加速器机房防护改造一项。"
        if kind in ("tender", "prequalification", "invitation"):
            deadline = moment + timedelta(days=rng.randint(20, 30), hours=rng.randint(0, 3))
            scope = "；".join(_fill(s, rng) for s in rng.sample(v.scope, 4))
            quals = "；".join(rng.sample(trade.quals, min(3, len(trade.quals))))
            if trade.category in ("works", "procurement"):
                intro = (
                    f"{trade.owner}的{name}（项目编号：{trade.code}）已具备{v.mode}条件，资金来源"
                    f"为{rng.choice(FUNDS)}，现进行{v.mode}，欢迎符合条件的{v.party}参加。"
                )
                quals += f"；本项目{rng.choice(['不', ''])}接受联合体"
            else:
                intro = (
                    f"经有批准权的机关批准，{trade.owner}决定以{v.mode}方式交易{name}"
                    f"（项目编号：{trade.code}），欢迎符合条件的{v.party}参加。"
                )
            paragraphs = [
                intro,
                f"一、项目概况：建设（实施）地点为{trade.place.name}{rng.choice(ROADS)}；{scope}；"
                f"{v.amount}：{trade.amount:,.2f}万元。",
                f"二、资格要求：{quals}。",
                f"三、文件获取：凡有意参加者，请于{_day(moment)}至{_day(deadline)}，登录"
                f"{trade.place.centre_name}电子交易平台下载{v.document}，不再提供纸质文件。",
                f"四、递交与开启：{v.submission}截止时间为{_when(deadline)}，地点为"
                f"{trade.place.centre_name}第{rng.randint(1, 6)}开标室（全流程电子化，"
                f"{v.party}无需到场）。逾期送达的文件，{v.organiser}不予受理。",
                tech,
                "五、" + contact,
            ]
        elif kind == "change":
            before = moment + timedelta(days=rng.randint(5, 15))
            after = before + timedelta(days=rng.randint(3, 10))
            paragraphs = [
                f"{name}（项目编号：{trade.code}）的{v.document}作如下变更和澄清：",
                f"一、{v.submission}截止时间由{_when(before)}变更为{_when(after)}。",
                "二、补充和调整："
                + "；".join(_fill(s, rng) for s in rng.sample(v.scope, 2))
                + "。",
                tech,
                f"三、其余内容不变。本变更公告是{v.document}的组成部分，与其具有同等效力。",
                contact,
            ]
        elif kind in ("termination", "failure"):
            reason = rng.choice(STOP_REASONS)
            paragraphs = [
                f"{name}（项目编号：{trade.code}）于{_day(moment - timedelta(days=3))}在"
                f"{trade.place.centre_name}开展{v.evaluation}。",
                f"{reason}，根据相关规定，本项目{'终止' if kind == 'termination' else '失败'}。"
                f"{v.organiser}将依法重新组织。",
                f"已缴纳保证金的{v.party}，保证金将于五个工作日内原路退还。",
                contact,
            ]
        elif kind in ("opening_record", "bidder_list"):
            rows = [
                f"{n}. {party}，报价：{trade.amount * rng.uniform(0.85, 1.0):,.2f}万元，"
                f"{rng.choice(['保证金已缴纳', '已提交电子保函', '保证金已缴纳，文件解密成功'])}"
                for n, party in enumerate(trade.parties, 1)
            ]
            paragraphs = [
                f"{name}（项目编号：{trade.code}）于{_when(moment)}在{trade.place.centre_name}"
                f"电子开标系统开启，共有{len(rows)}家{v.party}递交文件：",
                *rows,
                f"{v.amount}：{trade.amount:,.2f}万元。开标过程由监督人员在线监督，全程录音录像。",
            ]
        elif kind in ("candidates", "result"):
            ranked = rng.sample(trade.parties, min(3, len(trade.parties)))
            rows = [
                f"第{'一二三'[n]}名：{party}，"
                f"报价：{trade.amount * rng.uniform(0.8, 0.99):,.2f}万元，"
                f"评审得分：{rng.uniform(80, 98):.2f}分，"
                f"{'项目负责人：' + _person(rng, '工') if trade.category == 'works' else '无异常'}"
                for n, party in enumerate(ranked)
            ]
            committee = "、".join(_person(rng, "某某") for _ in range(rng.choice([5, 7])))
            paragraphs = [
                f"{name}（项目编号：{trade.code}）于{_day(moment - timedelta(days=2))}在"
                f"{trade.place.centre_name}完成{v.evaluation}，现将结果公示如下：",
                *rows,
                f"{v.evaluation}委员会成员：{committee}。",
                "公示期自本公告发布之日起三日。对结果有异议的，应在公示期内以书面形式向"
                f"{v.organiser}提出。",
                tech,
                contact,
            ]
        else:  # contract, performance
            winner = rng.choice(trade.parties)
            price = trade.amount * rng.uniform(0.8, 0.99)
            paragraphs = [
                f"合同名称：{name}合同；合同编号：{trade.code}-HT{rng.randint(1, 99):02d}。",
                f"甲方：{trade.owner}；乙方：{winner}；合同金额：{price:,.2f}万元；签订日期："
                f"{_day(moment - timedelta(days=rng.randint(1, 10)))}。",
                "主要内容：" + "；".join(_fill(s, rng) for s in rng.sample(v.scope, 3)) + "。",
                tech,
                (
                    f"履约情况：已完成{rng.randint(30, 100)}%，验收结论："
                    f"{rng.choice(['合格', '合格', '优良', '整改后合格'])}。"
                    if kind == "performance"
                    else "合同履行期限内，双方按合同约定履行各自义务。"
                ),
                contact,
            ]
        return paragraphs

    def make(self, i: int) -> Any:
        """Notice number ``i`` (0-based) of the whole load, as an unsaved ``Publication``."""
        from ggzy.disclosure.models import Publication
        from ggzy.disclosure.services import digest_of
        from ggzy.kernel.clock import SHANGHAI

        rng = self.rng
        moment = self.start + self.step * (i + rng.random())  # increasing with i
        slot = rng.randrange(self.pool_size)
        if slot >= len(self.pool):
            self.pool.append(self._trade(moment.astimezone(SHANGHAI)))
            slot = len(self.pool) - 1
        trade = self.pool[slot]
        kind = trade.kinds.pop(0)
        if not trade.kinds:
            self.pool[slot] = self.pool[-1]
            self.pool.pop()
        v = VOCABULARY[trade.category]
        suffix = trade.suffix if kind == "tender" else v.suffix[kind]
        local = moment.astimezone(SHANGHAI)  # what the body says is in local time
        paragraphs = self._body(trade, kind, local)
        body = self.policy.plain_to_html("\n\n".join(paragraphs))
        publication = Publication(
            # unique and random-looking: an odd multiplier is a bijection modulo 2^48
            uid=f"{local:%Y%m%d}{(i * 0x9E3779B97F4B) % (1 << 48):012X}",
            kind=kind,
            category=trade.category,
            region_id=trade.place.code,
            centre_id=trade.place.centre_id,
            trade_code=trade.code,
            trade_title=trade.title,
            lot_code=trade.lot_code,
            title=f"{trade.title}{trade.lot}{suffix}",
            body=body,
            text="\n".join(paragraphs),  # what policy.text_of(body) gives (checked once)
            published_at=moment,
            ledger_seq=0,  # no ledger entry: see load()
        )
        publication.digest = digest_of(publication)
        return publication


# --- the load --------------------------------------------------------------------------------


@dataclass
class LoadReport:
    existing: int
    added: int
    seconds: float = 0.0
    make_s: float = 0.0
    insert_s: float = 0.0
    index_s: float = 0.0
    optimize_s: float = 0.0
    vacuum_s: float = 0.0
    bytes_text: int = 0


def load(args: argparse.Namespace, places: list[tuple[Place, float]]) -> LoadReport:
    """Bring the database to ``--notices`` notices.

    Not through ``services.publish``: one publish per notice (its own transaction, the
    sanitiser, the masking and a ledger entry with its hash chain) would take hours for a
    million. The bodies are built already clean (escaped paragraphs, masked mobiles), and the
    per-notice cost of sanitising and of the ledger entry is measured in ``ledger_bench``;
    here what matters is what the portal reads. Each batch is inserted with ``bulk_create``
    and indexed with ``search.index_many`` in one transaction."""
    from django.db import connection, transaction

    from ggzy.disclosure import search
    from ggzy.disclosure.models import Publication
    from ggzy.kernel import clock

    existing = Publication.objects.count()
    if existing and not args.keep:
        raise SystemExit(
            f"the database already holds {existing:,} notices: pass --keep to reuse them, "
            "or give an empty database"
        )
    if existing > args.notices:
        raise SystemExit(
            f"the database holds {existing:,} notices, more than --notices {args.notices:,}"
        )
    report = LoadReport(existing=existing, added=args.notices - existing)
    if not report.added:
        return report
    local = clock.local_now()
    end = local.replace(hour=0, minute=0, second=0, microsecond=0)  # midnight today (China)
    maker = NoticeMaker(places, args.notices, end, args.seed + existing)
    first = maker.make(existing)
    assert first.text == maker.policy.text_of(first.body), "text differs from text_of(body)"
    pending = [first]
    started = time.perf_counter()
    done, last_print = existing, started
    for i in range(existing + 1, args.notices + 1):
        if i < args.notices and len(pending) < BATCH:
            t0 = time.perf_counter()
            pending.append(maker.make(i))
            report.make_s += time.perf_counter() - t0
            continue
        with transaction.atomic():
            t0 = time.perf_counter()
            saved = Publication.objects.bulk_create(pending)
            t1 = time.perf_counter()
            search.index_many(saved)
            t2 = time.perf_counter()
        report.insert_s += t1 - t0
        report.index_s += t2 - t1
        report.bytes_text += sum(len(p.body.encode()) + len(p.text.encode()) for p in saved)
        done += len(saved)
        pending = []
        if i < args.notices:
            t0 = time.perf_counter()
            pending.append(maker.make(i))
            report.make_s += time.perf_counter() - t0
        if time.perf_counter() - last_print > 30:
            last_print = time.perf_counter()
            rate = (done - existing) / (last_print - started)
            left = (args.notices - done) / rate
            print(f"  {done:,} notices, {rate:,.0f}/s, ~{left / 60:.0f} min left", flush=True)
    t0 = time.perf_counter()
    search.optimize()
    report.optimize_s = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        # What autovacuum does on a live system: the index's UPDATE left a dead version of
        # every row, and the planner has no statistics right after a bulk load.
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Publication._meta.db_table}")
        report.vacuum_s = time.perf_counter() - t0
    report.seconds = time.perf_counter() - started
    return report


# --- timing helpers --------------------------------------------------------------------------


def timed(call: Callable[[int], Any], k: int) -> tuple[list[float], Any]:
    """``call(i)`` for i in 0..k-1 after one warm-up call: the times and the last result."""
    result = call(k)
    times = []
    for i in range(k):
        start = time.perf_counter()
        result = call(i)
        times.append(time.perf_counter() - start)
    return times, result


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` columns of a terminal (CJK characters take two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


LABEL = 52


def row(label: str, values: list[float], rows: int | None = None, note: str = "") -> str:
    count = f"{rows:6d}" if rows is not None else " " * 6
    return (
        f"    {pad(label, LABEL)} {pct(values, 50):8.2f} {pct(values, 95):8.2f} "
        f"{max(values) * 1000:8.2f} {count}  {note}"
    )


def verdict(values: list[float], goal_ms: float) -> str:
    return "ok" if pct(values, 95) <= goal_ms else f"ABOVE the {goal_ms:.0f} ms goal"


HEADER = f"  {pad('(milliseconds)', LABEL + 2)} {'p50':>8} {'p95':>8} {'max':>8} {'rows':>6}"


# --- baselines -------------------------------------------------------------------------------


def baseline_select(k: int, category: str | None) -> list[float]:
    from django.db import connection

    from ggzy.disclosure.models import Publication

    where = "WHERE category = %s " if category else ""
    sql = (
        f"SELECT id FROM {Publication._meta.db_table} {where}"
        "ORDER BY published_at DESC, id DESC LIMIT 20"
    )
    params = [category] if category else []

    def run(_: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    return timed(run, k)[0]


# --- search and list pages -------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """The local dates the notices cover."""

    first: date
    last: date

    def window(self, i: int, days: int) -> tuple[date, date]:
        room = max(1, (self.last - self.first).days - days)
        start = self.first + timedelta(days=(i * 37) % room)
        return start, start + timedelta(days=days - 1)


def data_span() -> Span:
    from django.db.models import Max, Min

    from ggzy.disclosure.models import Publication
    from ggzy.kernel.clock import SHANGHAI

    bounds = Publication.objects.aggregate(first=Min("published_at"), last=Max("published_at"))
    return Span(
        bounds["first"].astimezone(SHANGHAI).date(), bounds["last"].astimezone(SHANGHAI).date()
    )


CITY_PREFIXES = [code[:4] for code in CITIES]


def filter_cases(span: Span, category: str) -> list[tuple[str, Callable[[int], Any]]]:
    """Filter variants, each a function of the call number (the values rotate)."""
    from ggzy.disclosure.search import Filters

    def days(i: int, n: int) -> dict[str, date]:
        start, end = span.window(i, n)
        return {"date_from": start, "date_to": end}

    def city(i: int) -> str:
        return CITY_PREFIXES[i % len(CITY_PREFIXES)]

    return [
        ("no filter", lambda i: Filters()),
        (f"category={category}", lambda i: Filters(category=category)),
        ("city prefix (6 cities)", lambda i: Filters(region=city(i))),
        ("90-day range", lambda i: Filters(**days(i, 90))),
        (
            f"{category} + city + 1 year",
            lambda i: Filters(category=category, region=city(i), **days(i, 365)),
        ),
    ]


def follow(fetch: Callable[[str | None], Any], depth: int) -> tuple[str | None, int]:
    """The page key after following ``next`` ``depth`` times (fewer if the pages run out)."""
    after, reached = None, 0
    for _ in range(depth):
        page = fetch(after)
        if page.next is None:
            break
        after, reached = page.next, reached + 1
    return after, reached


def measure_search(k: int, span: Span) -> list[tuple[str, list[float], int]]:
    from ggzy.disclosure import search
    from ggzy.disclosure.search import Filters

    results = []
    for word, category in COMMON_WORDS.items():
        for label, make in filter_cases(span, category):
            times, page = timed(lambda i, w=word, f=make: search.search(w, filters=f(i)), k)
            results.append((f"{word}: {label}", times, len(page.items)))
    for word, label in ((RARE_WORD, f"rare: ~1 in {RARE_EVERY:,}"), (ABSENT_WORD, "found nowhere")):
        times, page = timed(lambda i, w=word: search.search(w), k)
        results.append((f"{word} ({label})", times, len(page.items)))
        times, page = timed(
            lambda i, w=word: search.search(w, filters=Filters(category="works")), k
        )
        results.append((f"{word} ({label}): category=works", times, len(page.items)))
    after, reached = follow(lambda a: search.search("工程", after=a), DEPTH)
    times, page = timed(lambda i: search.search("工程", after=after), k)
    results.append((f"工程: page {reached + 1} (next × {reached})", times, len(page.items)))
    return results


def measure_listing(k: int, span: Span) -> list[tuple[str, list[float], int]]:
    from ggzy.disclosure import search
    from ggzy.disclosure.search import Filters

    results = []
    cases = filter_cases(span, "works")
    cases.insert(2, ("kind=result", lambda i: Filters(kind="result")))
    cases.insert(4, ("county 430104", lambda i: Filters(region="430104")))
    cases.append(("mining + county 430104", lambda i: Filters(category="mining", region="430104")))
    for label, make in cases:
        times, page = timed(lambda i, f=make: search.listing(f(i)), k)
        results.append((f"first page: {label}", times, len(page.items)))
    for label, make in [cases[0], cases[1], cases[3], cases[6]]:
        filters = make(0)
        after, reached = follow(lambda a, f=filters: search.listing(f, after=a), DEPTH)
        times, page = timed(lambda i, f=filters, a=after: search.listing(f, after=a), k)
        results.append((f"page {reached + 1} (next × {reached}): {label}", times, len(page.items)))
    return results


# --- the server ------------------------------------------------------------------------------


class Server:
    """``ggzy serve --no-worker`` (uvicorn, one process, as in production) on a free port."""

    def __init__(self, url: str, var_dir: str, log: Path) -> None:
        self.port = free_port()
        self._log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.log = log
        command = ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--no-worker"]
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "ggzy"), *command],
            env=os.environ | server_env(url, var_dir),
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}; see {log}")
            try:
                with urllib.request.urlopen(self.url("/api/v1/ledger/platform-key"), timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start; see {log}") from None
                time.sleep(0.3)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@contextlib.contextmanager
def serving(url: str, var_dir: str) -> Iterator[Server]:
    from django.db import connections

    connections.close_all()  # nothing of this process holds the database meanwhile
    server = Server(url, var_dir, Path(var_dir) / "server.log")
    try:
        yield server
    finally:
        server.stop()


class Client:
    """One keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> int:
        try:
            self.conn.request("GET", path, headers={"Accept-Language": "zh-hans"})
            response = self.conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0

    def close(self) -> None:
        self.conn.close()


def sequential(server: Server, path: str, k: int) -> tuple[list[float], int]:
    """One client, ``k`` requests after 3 warm-up ones: times and the number not 200."""
    client = Client(server.port)
    for _ in range(3):
        client.get(path)
    times, bad = [], 0
    for _ in range(k):
        start = time.perf_counter()
        bad += client.get(path) != 200
        times.append(time.perf_counter() - start)
    client.close()
    return times, bad


@dataclass
class Load:
    path: str
    requests: int
    errors: int
    wall: float
    times: list[float]
    server_cpu: float  # CPU seconds per wall second (1.0 = one core busy)
    client_cpu: float

    @property
    def rps(self) -> float:
        return self.requests / self.wall


def hammer(server: Server, path: str, clients: int, seconds: float) -> Load:
    """``clients`` threads, each with its own keep-alive connection, request ``path`` in a
    loop for ``seconds``; only 200 answers count as requests."""
    warm = Client(server.port)
    for _ in range(20):
        warm.get(path)  # warm-up: first-request costs are not the load
    warm.close()
    gate = threading.Barrier(clients + 1)
    per_thread: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop_at = [0.0]

    def worker(n: int) -> None:
        client = Client(server.port)
        gate.wait()
        times = per_thread[n]
        while (now := time.perf_counter()) < stop_at[0]:
            status = client.get(path)
            if status == 200:
                times.append(time.perf_counter() - now)
            else:
                errors[n] += 1
        client.close()

    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(worker, n) for n in range(clients)]
        cpu_server, cpu_client = cpu_seconds(server.proc.pid), time.process_time()
        started = time.perf_counter()
        stop_at[0] = started + seconds
        gate.wait()
        for future in futures:
            future.result()
        wall = time.perf_counter() - started
        cpu_server = cpu_seconds(server.proc.pid) - cpu_server
        cpu_client = time.process_time() - cpu_client
    times = [t for thread in per_thread for t in thread]
    return Load(path, len(times), sum(errors), wall, times, cpu_server / wall, cpu_client / wall)


PAGES = [  # (label, path, goal in ms)
    ("GET / (home page)", "/", None),
    ("GET /notices/", "/notices/", LIST_GOAL_MS),
    (
        "GET /notices/?category=works&region=4301",
        "/notices/?category=works&region=4301",
        LIST_GOAL_MS,
    ),
    ("GET /search?q=工程", f"/search?q={quote('工程')}", SEARCH_GOAL_MS),
    (
        "GET /search?q=医疗设备&category=…&region=4301",
        f"/search?q={quote('医疗设备')}&category=procurement&region=4301",
        SEARCH_GOAL_MS,
    ),
]
LOADS = [  # (label, path): the baselines, then the home page
    ("baseline: static file (WhiteNoise)", "/static/web/site.css"),
    ("baseline: platform-key (no database)", "/api/v1/ledger/platform-key"),
    ("home page GET /", "/"),
]


# --- the run ---------------------------------------------------------------------------------


def facts() -> tuple[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    machine = (
        f"cpus: {os.cpu_count()}  python: {platform.python_version()}  "
        f"platform: {platform.platform()}"
    )
    return machine, f"{connection.vendor} {version}"


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            )
        else:
            cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def print_load(report: LoadReport) -> None:
    from ggzy.disclosure.models import Publication

    size = database_bytes()
    total = Publication.objects.count()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    if not report.added:
        print(f"loaded: {report.existing:,} notices already there (--keep), nothing generated")
    else:
        n = report.added
        print(
            f"loaded {n:,} notices in {report.seconds:,.1f} s ({n / report.seconds:,.0f}/s; "
            f"{report.existing:,} were there): generating {report.make_s:,.1f} s, bulk_create "
            f"{report.insert_s:,.1f} s, index_many {report.index_s:,.1f} s, optimize "
            f"{report.optimize_s:,.1f} s"
            + (f", VACUUM ANALYZE {report.vacuum_s:,.1f} s" if report.vacuum_s else "")
        )
        per = (report.seconds - report.optimize_s - report.vacuum_s) / n
        print(
            f"  {report.bytes_text / n / 1024:,.1f} KiB of body + text per notice; at this rate "
            f"1,000,000 would take {per * 1_000_000 / 60:,.0f} min (linear: a lower bound) "
            "+ optimize / vacuum"
        )
    print(
        f"  database {size / 1e6:,.0f} MB ({size / max(total, 1) / 1024:,.1f} KiB per notice); "
        f"peak memory of this process {peak:,.0f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200, help="calls per case")
    parser.add_argument("--concurrency", type=int, default=16, help="clients of the home page")
    parser.add_argument("--seconds", type=float, default=20, help="length of each load test")
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--keep", action="store_true", help="reuse the notices already loaded")
    parser.add_argument("--seed", type=int, default=2026)
    args, _ = parser.parse_known_args()
    if args.notices < 1 or args.queries < 1 or args.concurrency < 1:
        raise SystemExit("--notices, --queries and --concurrency must be positive")
    k = args.queries

    with tempfile.TemporaryDirectory(prefix="ggzy-disclosure-") as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.sqlite3"
        need = args.notices * DISK_PER_NOTICE
        if not args.db and shutil.disk_usage(tmp).free < need:
            raise SystemExit(
                f"not enough disk in {tmp}: about {need / 1e9:,.1f} GB needed; set TMPDIR, "
                "pass --db or lower --notices"
            )
        setup(url, tmp)
        machine, database = facts()
        print(machine)
        print(f"database: {database}  notices: {args.notices:,}  calls per case: {k}", flush=True)
        places = make_world()
        report = load(args, places)
        print_load(report)
        from ggzy.disclosure import search

        search.terms("工程")  # jieba loads its dictionary on first use
        span = data_span()
        print(f"published from {span.first} to {span.last}; measuring …", flush=True)

        commits = baseline_commits(500)
        print()
        print(HEADER)
        print("  baseline, same database")
        rate = f"{len(commits) / sum(commits):,.0f} commits/s"
        print(row("raw single-row commit", commits, note=rate))
        print(row("raw SELECT id … ORDER BY published_at DESC LIMIT 20", baseline_select(k, None)))
        print(row("  the same, WHERE category = 'works'", baseline_select(k, "works")))
        print(f"  search.search (goal p95 ≤ {SEARCH_GOAL_MS:.0f} ms)")
        for label, times, rows in measure_search(k, span):
            print(row(label, times, rows, verdict(times, SEARCH_GOAL_MS)))
        print(f"  search.listing (goal p95 ≤ {LIST_GOAL_MS:.0f} ms)")
        for label, times, rows in measure_listing(k, span):
            print(row(label, times, rows, verdict(times, LIST_GOAL_MS)))
        sys.stdout.flush()

        with serving(url, tmp) as server:
            print(f"  pages over HTTP, one client, keep-alive ({k} requests each)")
            for label, path, goal in PAGES:
                times, bad = sequential(server, path, k)
                note = (f"{bad} not 200; " if bad else "") + (verdict(times, goal) if goal else "")
                print(row(label, times, note=note))
            sys.stdout.flush()
            loads = [
                (label, hammer(server, path, args.concurrency, args.seconds))
                for label, path in LOADS
            ]
    print()
    print(
        f"  load: {args.concurrency} clients × {args.seconds:g} s each, keep-alive, "
        f"on {os.cpu_count()} CPUs shared by the server and the clients"
    )
    print(
        f"  {pad('', 40)} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} "
        f"{'server CPU':>11} {'client CPU':>11}"
    )
    for label, result in loads:
        p50 = pct(result.times, 50) if result.times else float("nan")
        p95 = pct(result.times, 95) if result.times else float("nan")
        print(
            f"    {pad(label, 38)} {result.rps:8,.0f} {p50:8.1f} {p95:8.1f} {result.errors:7d} "
            f"{result.server_cpu:11.0%} {result.client_cpu:11.0%}"
        )
    home, trivial = loads[-1][1], loads[-2][1]
    if trivial.rps:
        print(f"  home page: {home.rps / trivial.rps:.0%} of the no-database endpoint's rate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
