"""The fact-file vocabulary: every key a fact file may use, with its 中文 label and unit.

This table is the single source for validation (`pysvc.facts`), the JSON Schema
(`pysvc/schema/facts.schema.json`) and `docs/facts.md`. Fact files hold raw business data only;
whether a condition is met is always the knowledge base's to decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["CNY", "USD", "count", "m2"]


@dataclass(frozen=True)
class Term:
    """One vocabulary word: the YAML key, its labels, and for figures its unit."""

    key: str
    zh: str
    en: str
    unit: Unit | None = None
    signed: bool = False


def _index(*terms: Term) -> dict[str, Term]:
    return {t.key: t for t in terms}


ENTITY_KINDS = _index(
    Term("enterprise", "企业", "enterprise"),
    Term("institution", "机构（事业单位、社会组织、医疗机构等）", "institution"),
    Term("administrative_area", "行政区域", "administrative area"),
    Term("development_zone", "开发区和园区", "development zone or park"),
)

BUSINESS_LINES = _index(
    Term("international_freight_forwarding", "国际货代", "international freight forwarding"),
    Term("automotive_logistics", "汽车物流", "automotive logistics"),
    Term("cold_chain_logistics", "冷链物流", "cold-chain logistics"),
    Term("chemical_logistics", "化工物流", "chemical logistics"),
    Term("multimodal_transport", "多式联运", "multimodal transport"),
    Term(
        "cross_border_ecommerce_logistics",
        "为国际贸易服务的跨境电商物流",
        "cross-border e-commerce logistics",
    ),
    Term("star_rated_hotel", "旅游星级酒店", "star-rated tourist hotel"),
    Term("economy_hotel_chain", "经济型酒店连锁集团", "economy hotel chain group"),
    Term("software_development", "软件开发服务", "software development services"),
    Term(
        "data_processing_it_operations",
        "数据处理服务和信息系统运行维护服务",
        "data processing and IT operations",
    ),
    Term(
        "internet_information_services",
        "新兴互联网信息技术及内容服务",
        "internet technology and content services",
    ),
    Term("digital_content_software", "数字内容软件及服务", "digital content software and services"),
    Term("integrated_circuit_design", "集成电路研发设计及服务", "integrated-circuit design and services"),
    Term("overseas_construction", "境外工程承包", "overseas construction contracting"),
    Term("engineering_design", "工程设计", "engineering design"),
    Term("consulting", "咨询服务", "consulting"),
    Term("accounting", "会计服务", "accounting"),
    Term("legal", "法律服务", "legal services"),
    Term("advertising", "广告服务", "advertising"),
    Term("human_resources", "人力资源服务", "human-resources services"),
    Term("exhibition_organising", "展览主（承）办", "exhibition organising"),
    Term("conference_organising", "会议主（承）办", "conference organising"),
    Term("exhibition_engineering", "展示工程", "exhibition engineering"),
    Term("exhibition_venue", "会展场馆", "exhibition venue"),
    Term("publication_export", "出版物输出", "publication export"),
    Term("printing", "印刷服务", "printing services"),
    Term("film_television", "电影电视", "film and television"),
    Term("performing_arts", "演艺及相关服务", "performing arts"),
    Term("games_animation", "游戏动漫", "games and animation"),
    Term(
        "overseas_cultural_establishment",
        "境外文化机构的新设、并购和合作",
        "overseas cultural establishments",
    ),
    Term("crafts_creative_design", "工艺美术品、创意设计服务", "arts and crafts, creative design"),
    Term("cultural_trade_cluster", "文化贸易集聚服务", "cultural-trade cluster services"),
    Term("medical_health", "医药卫生服务（含中医药）", "medical and health services (incl. TCM)"),
    Term("sports_event_import", "引进国际体育赛事", "imported international sports events"),
    Term("sports_event_homegrown", "自主国际体育赛事", "home-grown international sports events"),
    Term("sports_brokerage", "职业体育经纪", "professional sports brokerage"),
    Term("sports_consulting", "体育专业咨询", "sports consulting"),
    Term("sports_broadcast_rights", "体育赛事版权", "sports event broadcasting rights"),
    Term("sports_intangible_assets", "体育无形资产", "sports intangible assets"),
    Term("it_outsourcing", "信息技术服务外包（ITO）", "IT outsourcing"),
    Term("business_process_outsourcing", "业务流程服务外包（BPO）", "business-process outsourcing"),
    Term("knowledge_process_outsourcing", "知识流程服务外包（KPO）", "knowledge-process outsourcing"),
    Term("industrial_design", "工业设计", "industrial design"),
    Term("engineering_technology", "工程技术", "engineering technology"),
    Term("service_design", "服务设计", "service design"),
    Term("cloud_services", "云服务（SaaS/PaaS/IaaS 跨境业务）", "cloud services (cross-border SaaS/PaaS/IaaS)"),
    Term("digital_content", "数字内容跨境业务", "cross-border digital content"),
    Term("digital_services", "行业数字化解决方案跨境服务", "cross-border digital solutions"),
    Term(
        "digital_trade",
        "数字贸易（云服务、数字内容、数字服务等，未限于上列跨境业务）",
        "digital trade (cloud, content or digital services, not limited to the cross-border lines above)",
    ),
)

#: Yearly figures, under ``figures: {YEAR: {key: value}}``. Stock figures (counts of outlets,
#: paid-in capital, net assets) are read as at the end of that year.
FIGURES = _index(
    Term("revenue", "营业额（销售额）", "revenue (turnover)", "CNY"),
    Term("net_profit", "净利润（亏损为负）", "net profit (negative for a loss)", "CNY", signed=True),
    Term("net_assets", "净资产（资不抵债为负）", "net assets (negative when insolvent)", "CNY", signed=True),
    Term("paid_in_capital", "实到注册资本金", "paid-in registered capital", "CNY"),
    Term("export", "出口额（企业全部业务）", "export (the whole firm)", "USD"),
    Term("forex_income", "外汇收入", "foreign-exchange income", "USD"),
    Term("freight_forwarding_revenue", "国际货代及相关辅助业务收入", "international forwarding revenue", "CNY"),
    Term(
        "outlets",
        "具有独立操作功能的国内外物流服务网点数",
        "domestic and overseas logistics outlets",
        "count",
    ),
    Term("guests", "接待客人总数（人次）", "guests received (person-times)", "count"),
    Term("foreign_guests", "接待境外客人数（人次）", "overseas guests received (person-times)", "count"),
    Term("hotels", "品牌直营或加盟的酒店数", "directly operated or franchised hotels", "count"),
    Term(
        "overseas_hotels",
        "境外品牌直营店或加盟店数",
        "overseas directly operated or franchised hotels",
        "count",
    ),
    Term("overseas_hotel_revenue", "国外酒店营业额", "revenue of overseas hotels", "USD"),
    Term(
        "software_export",
        "软件和信息技术出口额（合同登记执行金额及银行收汇凭证为准）",
        "software and IT export",
        "USD",
    ),
    Term(
        "ic_design_export",
        "集成电路研发设计及技术服务出口额",
        "IC design and technical service export",
        "USD",
    ),
    Term(
        "largest_overseas_contract",
        "境外工程单个项目新签合同额（最大一项）",
        "largest new overseas project contract",
        "USD",
    ),
    Term(
        "major_accidents",
        "重大工程质量事故和较大及以上生产安全事故数",
        "major quality or safety accidents",
        "count",
    ),
    Term("patents", "专利数", "patents", "count"),
    Term(
        "know_how",
        "专有技术数（未申请专利的技术秘密等）",
        "items of proprietary technology (unpatented know-how)",
        "count",
    ),
    Term("professional_services_revenue", "专业服务业务营业额", "professional-services revenue", "CNY"),
    Term("professional_services_export", "专业服务业务出口额", "professional-services export", "USD"),
    Term("exhibition_revenue", "展览会业务营业额", "exhibition revenue", "CNY"),
    Term("exhibition_forex_income", "展览会业务外汇收入", "exhibition foreign-exchange income", "USD"),
    Term(
        "exhibition_consecutive_editions",
        "品牌展（上海市国际展览会品牌展）连续举办届数",
        "consecutive editions of the recognised brand exhibition",
        "count",
    ),
    Term("exhibitors", "国际展览会参展商总数", "exhibitors at the international exhibition", "count"),
    Term("foreign_exhibitors", "境外参展商数", "overseas exhibitors", "count"),
    Term("visitors", "国际展览会观众总数", "visitors to the international exhibition", "count"),
    Term("foreign_visitors", "境外观众数", "overseas visitors", "count"),
    Term("conference_revenue", "会议业务营业额", "conference revenue", "CNY"),
    Term("conference_forex_income", "会议业务外汇收入", "conference foreign-exchange income", "USD"),
    Term(
        "largest_international_conference",
        "单项国际性会议规模（人）",
        "attendance of the largest international conference",
        "count",
    ),
    Term("overseas_conferences", "至境外办会次数", "conferences held abroad", "count"),
    Term("international_conferences", "举办国际性会议次数", "international conferences held", "count"),
    Term(
        "conference_consecutive_editions",
        "同一主题国际性会议连续举办届数",
        "consecutive editions of one conference",
        "count",
    ),
    Term(
        "home_court_exhibitions",
        "独立承办展览会主场数",
        "exhibitions served as home-court contractor",
        "count",
    ),
    Term(
        "largest_special_booth_area",
        "特装展位净面积（最大一个，平方米）",
        "net area of the largest special booth",
        "m2",
    ),
    Term(
        "museum_hall_projects",
        "展示厅、博物馆设计制作项目数",
        "showroom or museum design-build projects",
        "count",
    ),
    Term(
        "consecutive_excellent_booth_awards",
        "连续获得市行业协会优秀展台项目的届数",
        "consecutive excellent-booth awards",
        "count",
    ),
    Term("publication_export", "传统出版物出口额", "export of traditional publications", "USD"),
    Term("publication_copyright_export", "出版物版权输出金额", "publication copyright export", "USD"),
    Term("publication_copyright_titles", "出版物版权输出种类数", "publication titles of copyright exported", "count"),
    Term("copyright_export", "版权输出金额（企业全部）", "copyright export (the whole firm)", "USD"),
    Term(
        "copyright_export_titles",
        "版权输出种类数（企业全部）",
        "titles of copyright exported (the whole firm)",
        "count",
    ),
    Term("printing_export", "印刷服务出口额", "printing services export", "USD"),
    Term("film_tv_export", "电影电视出口额", "film and television export", "USD"),
    Term("performing_arts_export", "演艺及相关服务出口额", "performing arts export", "USD"),
    Term("games_export", "游戏动漫出口额", "games and animation export", "USD"),
    Term("games_copyright_export", "游戏动漫版权输出金额", "games and animation copyright export", "USD"),
    Term(
        "derivative_products_export",
        "游戏动漫衍生产品出口额",
        "export of game and animation derivative products",
        "USD",
    ),
    Term("overseas_branches", "境外分支机构数", "overseas branches", "count"),
    Term(
        "overseas_venues",
        "境外演出剧场、产业园区等实体项目数",
        "overseas theatres, parks and similar projects",
        "count",
    ),
    Term("overseas_platforms", "海外营运服务平台数", "overseas operating platforms", "count"),
    Term("overseas_branch_revenue", "境外分支机构营业额", "revenue of overseas branches", "USD"),
    Term(
        "overseas_establishment_revenue",
        "境外分支机构、实体项目及海外营运服务平台营业额",
        "revenue of overseas branches, venues and platforms",
        "USD",
    ),
    Term(
        "crafts_export",
        "民族特色工艺品或国家级非遗出口额",
        "export of ethnic crafts or national intangible heritage",
        "USD",
    ),
    Term("creative_design_export", "创意设计服务出口额", "creative design services export", "USD"),
    Term(
        "clustered_cultural_enterprises",
        "集聚文化贸易企业数",
        "cultural-trade enterprises clustered",
        "count",
    ),
    Term(
        "overseas_cultural_fairs",
        "组织参加境外国际文化交易类展览推介活动次数（单次5家企业以上）",
        "overseas cultural fairs organised (5+ firms each)",
        "count",
    ),
    Term("foreign_patients", "服务境外人士（人次）", "overseas patients served (person-times)", "count"),
    Term("medical_revenue", "医疗业务收入", "medical revenue", "CNY"),
    Term("tcm_service_trade_revenue", "中医药服务贸易收入", "TCM service-trade revenue", "CNY"),
    Term(
        "imported_events_completed",
        "累计完成引进并运营的国际知名体育赛事数（截至年末）",
        "imported well-known international sports events completed and operated (cumulative)",
        "count",
    ),
    Term(
        "homegrown_events_completed",
        "累计举办的自主培育、拥有独立知识产权的国际性赛事数（截至年末）",
        "home-grown international events with own IP held and operated (cumulative)",
        "count",
    ),
    Term(
        "largest_event_transaction",
        "单项国际赛事交易额（最大一项）",
        "largest single event transaction",
        "USD",
    ),
    Term(
        "largest_event_prize_money",
        "单项赛事运动员奖金设置（最大一项）",
        "largest prize fund of a single event",
        "USD",
    ),
    Term(
        "largest_imported_event_revenue",
        "单项引进赛事营业额（最大一项）",
        "largest revenue of a single imported event",
        "CNY",
    ),
    Term(
        "largest_homegrown_event_revenue",
        "单项自主赛事营业额（最大一项）",
        "largest revenue of a single home-grown event",
        "CNY",
    ),
    Term("international_transfers", "国际转会市场转会交易数", "international transfer deals", "count"),
    Term(
        "transfer_spending",
        "国际球员转会、海外教练员引进资金发生额",
        "international transfers and overseas coaches spending",
        "USD",
    ),
    Term(
        "overseas_team_spending",
        "海外体能或医疗康复团队引进资金发生额",
        "overseas fitness or rehabilitation team spending",
        "USD",
    ),
    Term(
        "international_consulting_engagements",
        "国际咨询市场体育咨询项目数",
        "international sports consulting engagements",
        "count",
    ),
    Term("sports_services_revenue", "体育专业服务营业额", "sports services revenue", "CNY"),
    Term("sports_services_export", "体育专业服务出口额", "sports services export", "USD"),
    Term(
        "largest_rights_transaction",
        "单笔赛事版权交易额（最大一笔）",
        "largest single broadcasting-rights transaction",
        "USD",
    ),
    Term("intangible_asset_deals", "体育无形资产开发与交易项目数", "sports intangible-asset deals", "count"),
    Term("outsourcing_execution", "国际服务外包执行额", "international outsourcing execution", "USD"),
    Term("staff", "员工总数", "employees", "count"),
    Term("college_staff", "大专及以上学历员工数", "employees with college education or above", "count"),
    Term("service_export", "服务出口额", "service export", "USD"),
    Term("overseas_data_centres", "海外数据中心数", "overseas data centres", "count"),
    Term("original_content_ips", "原创内容 IP 数", "original content IPs", "count"),
    Term("digital_core_products", "数字技术应用核心产品数", "core digital-technology products", "count"),
    Term(
        "service_trade_enterprises",
        "集聚特定领域的服务贸易企业数",
        "service-trade enterprises of the field clustered",
        "count",
    ),
    Term(
        "service_trade_total",
        "特定领域服务贸易进出口总额",
        "service-trade imports and exports of the field",
        "USD",
    ),
)

#: Figures that are stocks, read as at the end of the year they are filed under (上年度末), not flows
#: over the year: the renderer says so.
STOCK_FIGURES = frozenset(
    {
        "net_assets",
        "paid_in_capital",
        "outlets",
        "hotels",
        "overseas_hotels",
        "patents",
        "know_how",
        "imported_events_completed",
        "homegrown_events_completed",
        "overseas_branches",
        "overseas_venues",
        "overseas_platforms",
        "clustered_cultural_enterprises",
        "staff",
        "college_staff",
        "overseas_data_centres",
        "original_content_ips",
        "digital_core_products",
        "service_trade_enterprises",
    }
)

CERTIFICATIONS = _index(
    Term("cmm", "CMM 认证", "CMM"),
    Term("cmmi", "CMMI 认证", "CMMI"),
    Term("iso9001", "ISO 9001 质量管理体系认证", "ISO 9001"),
    Term("iso20000", "ISO/IEC 20000 信息技术服务管理体系认证", "ISO/IEC 20000"),
    Term("iso27001", "ISO/IEC 27001 信息安全管理体系认证", "ISO/IEC 27001"),
    Term("dcmm", "DCMM 数据管理能力成熟度认证", "DCMM"),
    Term("dama", "DAMA 数据管理体系认证", "DAMA"),
    Term(
        "other_international",
        "其他国际质量管理体系标准认证（名称写入评审认定 other_quality_certification 的说明）",
        "another international quality-management certification (named in the finding's note)",
    ),
)

LICENCES = _index(
    Term(
        "accounting_firm_licence",
        "市财政局颁发的会计师事务所（分所）执业许可",
        "accounting firm practice licence",
    ),
    Term(
        "accounting_branch_filing",
        "会计师事务所分支机构在市财政局完成备案",
        "accounting branch filing with the finance bureau",
    ),
    Term("law_firm_licence", "市司法局颁发的律师事务所执业许可证", "law firm practice licence"),
    Term("hr_service_licence", "人力资源服务许可证", "human-resources service licence"),
    Term("medical_institution_licence", "医疗机构执业许可证", "medical institution practice licence"),
)

RECOGNITIONS = _index(
    Term(
        "tourism_standardisation_demonstration",
        "市级旅游标准化示范单位",
        "municipal tourism standardisation demonstration unit",
    ),
    Term("green_hotel", "绿色饭店称号", "green hotel"),
    Term(
        "shanghai_brand_exhibition",
        "上海市国际展览会品牌展（行业协会认定）",
        "Shanghai international brand exhibition",
    ),
    Term(
        "excellent_museum_or_hall_award",
        "政府主管部门授予的优秀博物馆、展示厅、陈列室等项目",
        "government award for a museum or showroom",
    ),
)

#: Business-licence scope items (《营业执照》经营范围).
REGISTERED_SCOPE = _index(
    Term("advertising_production", "广告制作", "advertising production"),
    Term("advertising_design", "广告设计", "advertising design"),
    Term("advertising_agency", "广告代理", "advertising agency"),
    Term("advertising_publishing", "广告发布", "advertising publishing"),
    Term(
        "other_advertising",
        "其他广告事项（名称写入评审认定 other_advertising_item 的说明）",
        "another advertising item (named in the finding's note)",
    ),
)

DISTRICTS = _index(
    Term("pudong", "浦东新区", "Pudong New Area"),
    Term("fengxian", "奉贤区", "Fengxian District"),
    Term("other", "其他区", "another district"),
)

#: Kinds of agreement counterparty.
COUNTERPARTIES = _index(
    Term("client", "客户", "client"),
    Term(
        "overseas_institution",
        "境外相关机构、国际组织或企业",
        "overseas institution, international organisation or firm",
    ),
    Term("outsourcing_client", "服务外包发包商", "outsourcing client"),
)

#: Qualitative tests: an assessor's finding, never computed from figures.
FINDINGS = _index(
    Term(
        "specialised_forwarding",
        "以专业化服务为主（汽车、冷链、化工物流、多式联运、跨境电商物流等专业化服务为主营业务）",
        "mainly specialised services (automotive, cold chain, chemicals, multimodal, e-commerce …)",
    ),
    Term(
        "other_quality_certification",
        "持有其他国际质量管理体系标准认证（在说明中写明认证名称）",
        "holds another international quality-management certification (named in the note)",
    ),
    Term(
        "well_known_cultural_fairs",
        "所计境外国际文化交易类展览推介活动中，每年至少 2 次为知名活动",
        "of the overseas cultural-trade fairs counted, at least two a year are well known",
    ),
    Term(
        "other_advertising_item",
        "营业执照经营范围所列其他事项属广告事项（说明中写明事项名称）",
        "the other registered-scope item is an advertising matter (named in the note)",
    ),
    Term(
        "brand_franchise_mode",
        "以品牌特许经营或品牌代理的模式在境外发展品牌直营店或加盟店",
        "overseas stores developed under the brand by franchising or brand agency",
    ),
    Term(
        "stable_channels_and_market",
        "具有相对稳定的业务渠道和需求市场",
        "relatively stable business channels and demand market",
    ),
    Term(
        "logistics_information_system",
        "有国际物流管理信息系统，能电子数据交换、信息共享、实时跟踪和信息反馈",
        "logistics information system with EDI, sharing and real-time tracking",
    ),
    Term(
        "international_marketing_capability",
        "具有国际市场开发和营销能力",
        "international market development and marketing capability",
    ),
    Term("high_technical_level", "具备较高技术及服务水平", "high technical and service level"),
    Term("own_ip_products", "具有自主知识产权产品", "products with own intellectual property"),
    Term(
        "state_supported_project",
        "承接的境外工程项目是国家支持的大型工程项目",
        "overseas project is a state-supported large project",
    ),
    Term("bot_ppp_mode", "采用 BOT、PPP 等模式承接境外工程项目", "overseas project under BOT or PPP"),
    Term(
        "statistics_filed_on_time",
        "按时申报商务部对外承包工程业务统计",
        "MOFCOM contracting statistics filed on time",
    ),
    Term("drives_equipment_export", "带动国产成套机电产品出口", "drives export of complete sets of equipment"),
    Term("resource_swap", "带动项目换资源或资源回运", "project-for-resources or resource shipment"),
    Term(
        "labour_reserve_paid",
        "按时足额缴纳对外劳务合作备用金",
        "labour cooperation reserve paid in full on time",
    ),
    Term("design_led_epc", "以设计为龙头带动项目总承包", "design-led general contracting"),
    Term(
        "international_professionals",
        "具有熟悉国际化执业标准和比较优势的专业服务人才",
        "professionals versed in international standards",
    ),
    Term(
        "outstanding_rnd",
        "具有创新本土化和国际市场开发潜力，在同行业研发能力成绩突出",
        "outstanding R&D and market potential",
    ),
    Term(
        "international_reference_cases",
        "已实施具有国际影响力的成功案例，在业内具有较高知名度",
        "internationally influential reference cases",
    ),
    Term(
        "industry_representative_exhibition",
        "展览会具有国内行业代表性，且专业性强",
        "exhibition representative of its industry and specialised",
    ),
    Term("conference_development_potential", "国际性会议具有发展潜力", "conference has development potential"),
    Term("original_creative_design", "完成项目的创意设计为原创", "original creative design"),
    Term("chinese_culture_features", "产品体现中华文化特色", "reflects Chinese cultural features"),
    Term("strong_design_capability", "独立设计能力较强", "strong independent design capability"),
    Term("world_leading_printing", "印刷技术水平居世界前列", "world-leading printing technology"),
    Term("mature_international_channels", "有成熟的国际合作渠道", "mature international cooperation channels"),
    Term(
        "film_tv_achievements",
        "具有良好发展潜质，在影视文化产品生产、发行、播映和后产品开发等方面成绩突出",
        "outstanding film and TV production and distribution",
    ),
    Term(
        "overseas_broadcast_cooperation",
        "积极与国外广播影视机构合作，境外销售网络成熟，推广效果突出",
        "overseas broadcasting cooperation and sales network",
    ),
    Term(
        "major_overseas_performance_influence",
        "在海外高端主流演出市场产生巨大影响力",
        "major influence in leading overseas performance markets",
    ),
    Term("own_ip", "拥有自主知识产权", "owns intellectual property"),
    Term(
        "high_artistic_level",
        "具有较高的艺术水平和国际市场开发前景",
        "high artistic level and international prospects",
    ),
    Term(
        "original_game_ip_or_core_technology",
        "拥有自主知识产权的原创游戏动漫形象和内容，或核心技术",
        "original game or animation IP, or core technology",
    ),
    Term("overseas_operation_sound", "境外机构或项目经营良好", "overseas establishment operating well"),
    Term("high_cultural_value", "体现较高的文化附加值", "high cultural added value"),
    Term(
        "sustained_innovation",
        "保持较高的研发设计、品牌建设投入，具有持续创新和国际营销能力",
        "sustained R&D, brand investment and innovation",
    ),
    Term(
        "public_service_platform",
        "搭建公共服务平台，帮助文化企业拓展国际市场",
        "public service platform for cultural firms",
    ),
    Term("specialty_brand", "与国际接轨，具有特色专科和品牌", "internationally aligned specialty and brand"),
    Term(
        "tcm_sustained_three_years",
        "近三年内稳定持续开展中医药服务贸易工作，提供综合服务",
        "sustained TCM service trade in the last three years",
    ),
    Term("tcm_overseas_channel", "已有中医药出口渠道或海外基地", "TCM export channel or overseas base"),
    Term("tcm_stable_revenue", "形成较为稳定的中医药服务收入", "stable TCM service revenue"),
    Term(
        "tcm_outstanding_contribution",
        "在中医药服务标准化、文化宣传、人才培养和海外市场拓展等方面有突出贡献",
        "outstanding contribution to TCM internationalisation",
    ),
    Term(
        "invests_in_event_rights",
        "以国际优质体育赛事版权为投资标的",
        "invests in international event broadcasting rights",
    ),
    Term(
        "market_competitiveness",
        "具有较高的市场竞争力和服务能力",
        "high market competitiveness and service capability",
    ),
    Term(
        "graduate_employment_contribution",
        "对促进大学生就业有较大贡献",
        "significant contribution to graduate employment",
    ),
    Term("overseas_delivery_capability", "具有境外交付能力", "overseas delivery capability"),
    Term(
        "development_plan",
        "具有完整的发展规划和鲜明的产业特色及定位，纳入区域产业布局的整体规划和推进方案",
        "complete development plan and clear positioning",
    ),
    Term("location_advantage", "具有明显的区位优势", "clear location advantage"),
    Term(
        "service_trade_competitiveness",
        "在服务贸易方面有较强的竞争力，企业集聚度较高",
        "strong service-trade competitiveness and clustering",
    ),
)

#: Figures of one year that contradict each other, rejected when a file is read.
#: (count, amount): a stated count of 0 beside a positive amount earned by what it counts.
COUNT_EARNS = (
    ("overseas_hotels", "overseas_hotel_revenue"),
    ("overseas_branches", "overseas_branch_revenue"),
)
#: (part, whole): the part cannot exceed the whole it is part of.
PART_OF = (
    ("freight_forwarding_revenue", "revenue"),
    ("foreign_guests", "guests"),
    ("foreign_exhibitors", "exhibitors"),
    ("foreign_visitors", "visitors"),
    ("college_staff", "staff"),
    ("overseas_branch_revenue", "overseas_establishment_revenue"),
)
#: A finding of true that is about an item the file must list (section, item), and name in its note.
FINDING_ABOUT_ITEM = {
    "other_quality_certification": ("certifications", "other_international"),
    "other_advertising_item": ("registered_scope", "other_advertising"),
}

#: Top-level keys of a fact file.
TOP_LEVEL = _index(
    Term("year", "申请年度", "application year"),
    Term("catalogue", "目录版本", "catalogue version"),
    Term("entity", "申请主体", "applicant"),
    Term("business_lines", "申报业务领域", "declared business lines"),
    Term("figures", "年度数据", "figures by year"),
    Term("certifications", "认证", "certifications"),
    Term("licences", "许可与备案", "licences and filings"),
    Term("recognitions", "称号与认定", "titles and recognitions"),
    Term("registered_scope", "营业执照经营范围", "business-licence scope"),
    Term("agreements", "合作协议", "agreements"),
    Term("findings", "评审认定（定性条件）", "assessor findings"),
)

ENTITY_FIELDS = _index(
    Term("name", "名称", "name"),
    Term("credit_code", "统一社会信用代码", "unified social credit code"),
    Term("kind", "主体类型", "kind"),
    Term("district", "所在区", "district"),
    Term("independent_legal_person", "具有独立法人资格", "independent legal person"),
)

AGREEMENT_FIELDS = _index(
    Term("counterparty", "合作方名称", "counterparty name"),
    Term("counterparty_kind", "合作方类型", "kind of counterparty"),
    Term("well_known", "知名客户", "well-known client"),
    Term("overseas", "境外合作方", "overseas counterparty"),
    Term("start", "协议起始日", "start date"),
    Term("end", "协议终止日", "end date"),
)

FINDING_FIELDS = _index(
    Term("value", "认定结论", "finding"),
    Term("assessor", "评审人", "assessor"),
    Term("date", "认定日期", "date"),
    Term("note", "说明", "note"),
)
