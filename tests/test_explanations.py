"""Explanations a lawyer can act on (issue 8): each test is one way an explanation misled or left
the reader unable to act, written from the clause text and what a reader must be told."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest

from pysvc import __version__
from pysvc.amounts import Money
from pysvc.engine import Engine
from pysvc.facts import load_fact_file, parse_fact_text
from pysvc.kb import read_clauses
from pysvc.render import WORDS, assessment_json, describe, explain_text, render_text
from pysvc.results import ShareGap, WindowGap, YearValue
from pysvc.wording import CLAUSE_WORDS

from .conftest import EXAMPLES, ROOT

FORWARDER = """\
year: 2024
entity: {name: 上海远航国际货运代理有限公司, kind: enterprise}
business_lines: [international_freight_forwarding]
figures:
  2023: {revenue: 1亿元, freight_forwarding_revenue: 6999.6万元, outlets: 11}
agreements:
  - {counterparty: 上海汽车集团股份有限公司, counterparty_kind: client, well_known: true,
     start: 2021-01-01, end: 2025-12-31}
findings:
  logistics_information_system: {value: true, assessor: 市商务委服务贸易处, date: 2024-03-18,
                                 note: 现场查看 EDI 对接记录}
"""

VENUE = """\
year: 2024
entity: {name: 上海会展中心有限公司, kind: enterprise}
business_lines: [exhibition_venue]
figures:
  2021: {revenue: 3000万元, forex_income: 70万美元}
  2022: {revenue: 5000万元, forex_income: 70万美元}
  2023: {revenue: 3500万元, forex_income: 70万美元}
"""


def _example(name: str):
    return load_fact_file(ROOT / "facts" / "examples" / name)


def _condition(result, cid: str):
    return next(c for c in result.conditions if c.condition.id == cid)


# -- 1. share gaps are exact ------------------------------------------------------------------------
def test_a_share_of_69_996_percent_never_reads_as_70_and_its_gap_is_exact(engine: Engine) -> None:
    """1.1: 国际货代及相关辅助业务收入所占比例不低于70% — 6999.6万 of 1亿 is 69.996 %."""
    assessment = engine.assess_one(parse_fact_text(FORWARDER))
    share = _condition(assessment.programme("1"), "1.1b")
    assert share.status == "failed"
    assert share.gap == ShareGap(Fraction(4, 1000), Money("CNY", Decimal("4000.00")), "freight_forwarding_revenue")
    text = render_text(assessment)
    line = next(line for line in text.splitlines() if " 1.1b " in line)
    assert "实际 69.99%" in line and "实际 70%" not in line
    assert "差额 0.004 个百分点" in line and "4,000元" in line
    [json_share] = [c for c in _all_conditions(assessment_json(assessment), "1") if c["id"] == "1.1b"]
    assert json_share["found"][0]["share_percent"] == "69.99"
    assert json_share["gap"]["points"] == "0.0040"
    assert json_share["gap"]["part"] == {"amount": "4000.00", "currency": "CNY"}


def _all_conditions(document: dict, pid: str) -> list[dict]:
    programme = next(p for p in document["programmes"] if p["id"] == pid)
    return programme["conditions"]


# -- 2. gaps over a window of years ----------------------------------------------------------------
def test_under_the_average_reading_the_gap_is_the_means_shortfall_not_the_weakest_years() -> None:
    """5.2.4: 近三年内年营业额在 4000 万元人民币以上 — 3000, 5000, 3500万 average 3833.33万."""
    engine = Engine(interpretations={"recent_years": "average"})
    assessment = engine.assess_one(parse_fact_text(VENUE))
    revenue = _condition(assessment.programme("5.2.4"), "5.2.4a")
    assert revenue.status == "failed"
    assert revenue.gap == WindowGap(
        mean=Money("CNY", Decimal("38333333.33")),
        per_year=Money("CNY", Decimal("1666666.67")),
        window=Money("CNY", Decimal("5000000.00")),
    )
    line = next(line for line in render_text(assessment).splitlines() if " 5.2.4a " in line)
    assert "3年平均 3,833.333333万元" in line
    assert "差额 平均每年 166.666667万元（3年合计 500万元）" in line


def test_under_the_each_year_reading_the_years_that_fell_short_are_named(engine: Engine) -> None:
    assessment = engine.assess_one(parse_fact_text(VENUE))
    revenue = _condition(assessment.programme("5.2.4"), "5.2.4a")
    assert revenue.gap == WindowGap(
        years=(
            YearValue(2021, Money("CNY", Decimal("10000000.00"))),
            YearValue(2023, Money("CNY", Decimal("5000000.00"))),
        )
    )
    line = next(line for line in render_text(assessment).splitlines() if " 5.2.4a " in line)
    assert "差额 2021年 1,000万元；2023年 500万元" in line


# -- 3. why a programme is out of scope -------------------------------------------------------------
ENTERPRISE = """\
year: 2024
entity: {name: 上海星级酒店有限公司, kind: enterprise}
business_lines: [star_rated_hotel]
figures:
  2023: {revenue: 2亿元, freight_forwarding_revenue: 1.6亿元, outlets: 6}
agreements:
  - {counterparty: 上海汽车集团股份有限公司, counterparty_kind: client, well_known: true,
     start: 2021-01-01, end: 2025-12-31}
findings:
  logistics_information_system: {value: true}
"""

PARK = """\
year: 2024
entity: {name: 上海临港物流园区, kind: development_zone}
business_lines: [international_freight_forwarding]
"""


def test_an_enterprise_asking_about_chapter_11_is_told_its_kind_not_an_undeclared_business(engine: Engine) -> None:
    """第十一章 applies to 行政区域 and 开发区和园区; no set of conditions makes an enterprise one."""
    assessment = engine.assess_one(parse_fact_text(ENTERPRISE), explain_all=True)
    result = assessment.programme("11")
    assert (result.status, result.scope_reason, result.missing) == ("out_of_scope", "entity_kind", ())
    block = _programme_block(render_text(assessment, show_all=True), "11")
    assert "不适用：本项目只适用于行政区域、开发区和园区，申请主体是企业" in block
    assert "未申报" not in block
    assert "没有能使其适用的方案" in block
    assert next(p for p in assessment_json(assessment)["programmes"] if p["id"] == "11")["scope_reason"] == (
        "entity_kind"
    )


def test_a_park_that_declared_forwarding_is_not_told_it_did_not_declare_it(engine: Engine) -> None:
    assessment = engine.assess_one(parse_fact_text(PARK), explain_all=True)
    assert assessment.programme("1").scope_reason == "entity_kind"
    assert "未申报" not in _programme_block(render_text(assessment, show_all=True), "1")


def test_with_all_every_missing_set_of_an_undeclared_business_starts_with_declaring_it(engine: Engine) -> None:
    """The hotel meets every condition of 1 (comprehensive) but has not declared 国际货代."""
    assessment = engine.assess_one(parse_fact_text(ENTERPRISE), explain_all=True)
    result = assessment.programme("1")
    assert (result.status, result.scope_reason) == ("out_of_scope", "business_not_declared")
    assert result.missing and all(s[0].condition.id == "1/scope" for s in result.missing)
    assert [c.condition.id for c in result.missing[0]] == ["1/scope"]
    block = _programme_block(render_text(assessment, show_all=True), "1")
    assert "不适用：未申报本项目的业务领域（国际货代" in block
    assert "✘ 1/scope 申报业务领域含以下之一：国际货代" in block


def _programme_block(text: str, pid: str) -> str:
    blocks = re.split(r"\n(?=【)", text)
    return next(b for b in blocks if b.startswith(f"【{pid}】"))


# -- 4. agreements are named -----------------------------------------------------------------------
def test_every_agreement_considered_is_named_with_why_it_did_or_did_not_count(engine: Engine) -> None:
    """1.2: 至少拥有1个协议服务期在一年以上的国内外知名客户."""
    facts = parse_fact_text(
        """\
year: 2024
entity: {name: 上海申联国际货运代理有限公司, kind: enterprise}
business_lines: [international_freight_forwarding]
agreements:
  - {counterparty: 上海汽车集团股份有限公司, counterparty_kind: client, well_known: true,
     start: 2023-02-01, end: 2023-12-31}
  - {counterparty: 上海某服饰贸易有限公司, counterparty_kind: client, well_known: false,
     start: 2021-06-01, end: 2024-05-31}
  - {counterparty: 东方航空物流股份有限公司, counterparty_kind: client, well_known: true,
     start: 2019-01-01, end: 2021-12-31}
"""
    )
    assessment = engine.assess_one(facts)
    agreement = _condition(assessment.programme("1"), "1.2")
    assert agreement.status == "failed"
    assert [(e.counterparty, e.reasons) for e in agreement.evidence] == [
        ("上海汽车集团股份有限公司", ("short",)),
        ("上海某服饰贸易有限公司", ("well_known:false",)),
        ("东方航空物流股份有限公司", ("ended",)),
    ]
    line = next(line for line in render_text(assessment).splitlines() if " 1.2 " in line)
    assert "上海汽车集团股份有限公司（客户，2023-02-01 至 2023-12-31，11 个月） 不计：期限不足 12 个月" in line
    assert "上海某服饰贸易有限公司（客户，2021-06-01 至 2024-05-31，36 个月） 不计：知名客户：否" in line
    assert (
        "东方航空物流股份有限公司（客户，2019-01-01 至 2021-12-31，36 个月） 不计：在上年度（2023）之前已终止" in line
    )
    assert "实际 无" not in line
    json_condition = next(c for c in _all_conditions(assessment_json(assessment), "1") if c["id"] == "1.2")
    assert [e["counterparty"] for e in json_condition["evidence"]] == [e.counterparty for e in agreement.evidence]
    assert json_condition["evidence"][1]["counts"] is False


def test_an_agreement_counts_exactly_when_the_knowledge_base_meets_the_condition(engine: Engine) -> None:
    """The evidence is read from the facts in pysvc; it must agree with the KB's verdict."""
    checked = 0
    with_agreements = [facts for facts in map(load_fact_file, EXAMPLES) if facts.agreements]
    for assessment in (engine.assess_one(facts, explain_all=True) for facts in with_agreements):
        for result in assessment.programmes:
            for c in result.conditions:
                if c.condition.kind == "agreement_for" and c.status != "unknown":
                    assert (c.status == "met") == any(e.counts for e in c.evidence), (
                        assessment.entity.source,
                        c.condition.id,
                    )
                    checked += 1
    assert checked > 20


# -- 5. assessor findings keep their evidence -------------------------------------------------------
def test_an_assessor_finding_shows_who_found_it_when_and_why(engine: Engine) -> None:
    assessment = engine.assess_one(parse_fact_text(FORWARDER), explain_all=True)
    text = explain_text(assessment, "1", "zh")
    line = next(line for line in text.splitlines() if "✔ 1.3 " in line)
    assert "认定依据：评审人 市商务委服务贸易处；2024-03-18；说明：现场查看 EDI 对接记录" in line
    finding = next(c for c in _json_conditions(assessment, "1") if c["id"] == "1.3")
    assert finding["evidence"] == [
        {
            "type": "finding",
            "topic": "logistics_information_system",
            "value": True,
            "assessor": "市商务委服务贸易处",
            "date": "2024-03-18",
            "note": "现场查看 EDI 对接记录",
        }
    ]


def _json_conditions(assessment, pid: str) -> list[dict]:
    """Every condition of a programme in the JSON."""
    return _all_conditions(assessment_json(assessment), pid)


# -- 6. what the applicant is, apart from what it can do --------------------------------------------
def test_a_set_that_asks_the_applicant_to_be_a_design_firm_says_it_is_not_something_to_obtain(engine: Engine) -> None:
    """9.3.1: 从事工业设计、工程技术、服务设计服务的企业，该标准可降至20万美元."""
    assessment = engine.assess_one(_example("9.3-kpo-two-missing-sets.yaml"))
    design = _condition(assessment.programme("9.3"), "9.3.1c")
    assert design.condition.about_applicant
    assert not _condition(assessment.programme("9.3"), "9.3.1a").condition.about_applicant
    text = render_text(assessment)
    set_line = next(line for line in text.splitlines() if "方案 2" in line)
    assert "此组要求申请主体本身属于所列类型，不是可补办的事项" in set_line
    assert "〔主体属性〕" in next(line for line in text.splitlines() if " 9.3.1c " in line)
    assert "此组要求" not in next(line for line in text.splitlines() if "方案 1" in line)


# -- 7. alternatives not used are not shortfalls ----------------------------------------------------
def test_an_eligible_programmes_unused_alternatives_are_not_shown_as_failures(engine: Engine) -> None:
    """5.2.3.2: 独立承办 2 个以上展览会主场，或净面积 200 平方米以上特装展位，或 … — one suffices."""
    assessment = engine.assess_one(_example("5.2.3-exhibition-engineering-eligible.yaml"))
    assert assessment.programme("5.2.3").status == "eligible"
    text = explain_text(assessment, "5.2.3", "zh")
    others = text.split("未采用的其他条件")[1]
    assert "✘" not in others and "差额" not in others
    assert "– 5.2.3.2b" in others and "（未采用）" in others


# -- 8. the clause's own words, readings marked -----------------------------------------------------
@pytest.mark.parametrize(
    ("cid", "present", "absent"),
    [
        ("5.1.3.2a", ["净资产", "〔解读：按上年度末"], []),
        ("6.2.2.2a", ["体现中华文化特色"], ["产品"]),
        ("10.2.4a", ["数字内容服务平台", "〔解读：按事实字段 海外营运服务平台数（overseas_platforms）计〕"], []),
        ("6.3.3.1a", ["显著民族特色", "经认定的国家级非物质文化遗产"], []),
        ("5.2.4a", ["近三年内年营业额", "〔解读：recent_years=each_year"], []),
    ],
)
def test_descriptions_use_the_clauses_words_and_mark_the_kbs_readings(
    engine: Engine, cid: str, present: list[str], absent: list[str]
) -> None:
    condition = engine.catalogue.conditions[cid]
    description = describe(condition, engine.catalogue, "zh", 2024)
    outside_readings = re.sub(r"〔解读：[^〕]*〕", "", description)
    for words in present:
        assert words in description, description
    for words in absent:
        assert words not in description, description
    assert "上年度末" not in outside_readings and "每年" not in outside_readings
    assert "海外营运服务平台" not in outside_readings


def test_every_clause_excerpt_is_verbatim_in_its_clause() -> None:
    clauses = read_clauses()
    for cid, words in CLAUSE_WORDS.items():
        assert words in clauses[cid.rstrip("abcdefghijklmnopqrstuvwxyz")].text, cid


# -- 9. what to collect, with labels; units everywhere ----------------------------------------------
def test_facts_to_collect_are_named_in_chinese_first_and_by_key_second(engine: Engine) -> None:
    assessment = engine.assess_one(_example("1-freight-agreement-short.yaml"), explain_all=True)
    line = next(line for line in explain_text(assessment, "1", "zh").splitlines() if " 1.1e " in line)
    assert "请补充 以专业化服务为主（" in line
    assert line.endswith("（findings.specialised_forwarding）")
    hotel = engine.assess_one(_example("2.1-star-hotel-undetermined.yaml"))
    text = render_text(hotel)
    assert "请补充 2023年接待境外客人数（人次）（figures.2023.foreign_guests）、2023年接待客人总数" in text
    assert "请补充 称号与认定（recognitions）" in text


def test_an_area_gap_is_in_square_metres_and_counts_have_their_counter(engine: Engine) -> None:
    """5.2.3.2: 净面积 200 平方米以上特装展位."""
    facts = _example("5.2.3-exhibition-engineering-single-miss.yaml")
    year = dict(facts.figures[2023])
    year.update(home_court_exhibitions=0, largest_special_booth_area=199, museum_hall_projects=0)
    from dataclasses import replace

    assessment = engine.assess_one(replace(facts, figures={**facts.figures, 2023: year}))
    text = render_text(assessment)
    line = next(line for line in text.splitlines() if " 5.2.3.2b " in line)
    assert "≥ 200 平方米" in line and "2023: 199 平方米" in line and "差额 2023年 1 平方米" in line
    assert "差额 2023年 2 个" in next(line for line in text.splitlines() if " 5.2.3.2a " in line)
    english = render_text(assessment, "en")
    assert "2023 short by 1 m²" in next(line for line in english.splitlines() if " 5.2.3.2b " in line)


# -- 10. each clause once ----------------------------------------------------------------------------
def test_explain_prints_a_clause_once_per_programme_with_its_conditions_under_it(engine: Engine) -> None:
    assessment = engine.assess_one(_example("1-freight-agreement-short.yaml"), explain_all=True)
    text = explain_text(assessment, "1", "zh")
    clause = read_clauses()["1.1"].text.splitlines()[0]
    assert text.count(clause) == 1
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if clause in line)
    under = [line.split()[1] for line in lines[header + 2 : header + 7]]
    assert under == ["1.1a", "1.1b", "1.1c", "1.1d", "1.1e"]


# -- 11. English is English; one table for every label ----------------------------------------------
CHINESE_PUNCTUATION = re.compile("[、：【】（），；。〔〕]|——")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_every_label_has_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in WORDS.items():
        assert zh and en, key
        assert not CJK.search(en), f"{key}: {en}"
        assert sorted(re.findall(r"{(\w+)}", zh)) == sorted(re.findall(r"{(\w+)}", en)), key


@pytest.mark.parametrize("example", EXAMPLES[::7], ids=[p.name for p in EXAMPLES[::7]])
def test_english_reports_have_no_chinese_punctuation_outside_the_original_clause_text(engine: Engine, example) -> None:
    facts = load_fact_file(example)
    assessment = engine.assess_one(facts, explain_all=True)
    data = [facts.name, *(a.counterparty for a in facts.agreements or ()), *_finding_texts(facts)]
    texts = [render_text(assessment, "en", show_all=True)]
    texts += [
        explain_text(assessment, r.programme.id, "en") for r in assessment.programmes if r.status != "out_of_scope"
    ]
    clause_lines = {line for c in read_clauses().values() for line in c.text.splitlines()}
    for text in texts:
        for line in text.splitlines():
            if "(original Chinese)" in line or line.strip() in clause_lines:
                continue
            for value in data:
                line = line.replace(value, "")
            assert not CHINESE_PUNCTUATION.search(line), line


def _finding_texts(facts) -> list[str]:
    return [t for f in facts.findings.values() for t in (f.assessor, f.note) if t]


# -- 12. the versions that produced a result ---------------------------------------------------------
def test_every_result_names_the_svctrade_and_catalogue_versions(engine: Engine) -> None:
    assessment = engine.assess_one(_example("1-freight-agreement-short.yaml"))
    assert f"svctrade {__version__} · 目录 2023" in render_text(assessment)
    assert f"svctrade {__version__} · catalogue 2023" in explain_text(assessment, "1", "en")
    document = assessment_json(assessment)
    assert (document["svctrade"], document["catalogue"]) == (__version__, "2023")


def test_a_every_year_group_met_by_changing_alternatives_is_explained_as_met_year_by_year(engine: Engine) -> None:
    text = """\
year: 2024
entity: {name: 上海华展展示工程有限公司, kind: enterprise}
business_lines: [exhibition_engineering]
figures:
  2021: {revenue: 1200万元, forex_income: 12万美元, home_court_exhibitions: 2, largest_special_booth_area: 80,
         museum_hall_projects: 0}
  2022: {revenue: 1200万元, forex_income: 12万美元, home_court_exhibitions: 0, largest_special_booth_area: 200,
         museum_hall_projects: 0}
  2023: {revenue: 1200万元, forex_income: 12万美元, home_court_exhibitions: 1, largest_special_booth_area: 60,
         museum_hall_projects: 1, consecutive_excellent_booth_awards: 2}
findings: {original_creative_design: true}
"""
    assessment = engine.assess_one(parse_fact_text(text, "x.yaml"))
    result = assessment.programme("5.2.3")
    assert result.status == "eligible"
    assert {"5.2.3.2a", "5.2.3.2b", "5.2.3.2c"} <= {c.condition.id for c in result.because}
    for lang in ("zh", "en"):
        report = render_text(assessment, lang)
        assert WORDS["by_year"][0 if lang == "zh" else 1] in report


def test_an_every_year_test_names_the_reading_that_sets_its_years(engine: Engine) -> None:
    fairs = engine.catalogue.conditions["6.3.4.2a"]
    conference = engine.catalogue.conditions["5.2.2.2c"]
    assert fairs.reading == "cluster_fairs_years" and conference.reading == "annual_tests"
    assert "cluster_fairs_years" in describe(fairs, engine.catalogue, "zh", 2024)
    assert "annual_tests" in describe(conference, engine.catalogue, "en", 2024)


def test_a_share_of_a_zero_whole_says_there_is_no_share(engine: Engine) -> None:
    text = """\
year: 2024
entity: {name: 上海零营收货代有限公司, kind: enterprise}
business_lines: [international_freight_forwarding]
figures:
  2023: {revenue: 0元, freight_forwarding_revenue: 0元, outlets: 6}
"""
    assessment = engine.assess_one(parse_fact_text(text, "zero.yaml"))
    assert assessment.programme("1").conditions[1].status == "failed"
    line = next(line for line in render_text(assessment).splitlines() if " 1.1b " in line)
    assert WORDS["no_share"][0] in line
