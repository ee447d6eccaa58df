"""Renderers: result objects to text (中文 by default, or English) and to versioned JSON.

Every word a report prints comes from `WORDS`, one table with both languages; English reports use
English punctuation throughout (only the catalogue's own clause text, labelled as the original
Chinese, and the fact file's own names stay Chinese).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from fractions import Fraction
from itertools import groupby
from typing import Any

from . import __version__
from . import vocabulary as vocab
from .amounts import Money, format_money
from .results import (
    AgreementEvidence,
    Assessment,
    Catalogue,
    Condition,
    ConditionResult,
    Evidence,
    FindingEvidence,
    Gap,
    Interpretation,
    Months,
    Percent,
    ProgrammeResult,
    Share,
    ShareGap,
    Value,
    WindowGap,
    YearValue,
    fraction_decimal,
)
from .wording import CLAUSE_WORDS

RESULT_SCHEMA = "svctrade.result/1"
ERROR_SCHEMA = "svctrade.error/1"

#: Every label of the reports, 中文 and English side by side.
WORDS: dict[str, tuple[str, str]] = {
    "eligible": ("符合", "eligible"),
    "not_eligible": ("不符合", "not eligible"),
    "undetermined": ("待定（缺少数据）", "undetermined (facts missing)"),
    "out_of_scope": ("不适用", "out of scope"),
    "entity_kind": ("本项目只适用于{kinds}，申请主体是{kind}", "applies only to: {kinds}; the applicant is: {kind}"),
    "business_not_declared": ("未申报本项目的业务领域（{lines}）", "none of its business lines declared ({lines})"),
    "no_scope_set": (
        "没有能使其适用的方案：申请主体的类型不能靠补充条件改变",
        "no set of conditions brings it into scope: an applicant cannot change its kind",
    ),
    "svctrade": ("svctrade", "svctrade"),
    "catalogue": ("目录", "catalogue"),
    "year": ("申请年度", "application year"),
    "last_year": ("上年度", "last year"),
    "because": ("依据（路径：{route}）", "because (route: {route})"),
    "no_share": ("无比例（总数为 0）", "no share (the whole is 0)"),
    "by_year": (
        "（标 ✘ 的各项为同一“每年度”条款的可选项：单项并非每年达到，但每一年都至少有一项达到，该项条件即已满足）",
        "(the ✘ items are alternatives of one 'every year' clause: none is met in every year alone, "
        "but each year at least one of them is, which meets the clause)",
    ),
    "missing": ("缺少的条件（满足任一组即可符合）", "missing conditions (meeting any one set makes it eligible)"),
    "set": ("方案", "set"),
    "completes": ("完成路径：{routes}", "completes: {routes}"),
    "applicant_set": (
        "此组要求申请主体本身属于所列类型，不是可补办的事项",
        "only if the applicant itself is what is named; not something it can obtain",
    ),
    "about_applicant": ("〔主体属性〕", "[what the applicant is]"),
    "preferences": ("优先条件（只排序，不影响是否符合）", "preferences (rank only, never required)"),
    "others": ("其他条件", "other conditions"),
    "not_used": ("未采用的其他条件（已有路径满足，不影响结论）", "alternatives not used (a route is already met)"),
    "not_used_mark": ("未采用", "not used"),
    "found": ("实际", "found"),
    "required": ("要求", "required"),
    "gap": ("差额", "gap"),
    "collect": ("请补充", "collect"),
    "clause": ("条款 {id} 原文", "clause {id} (original Chinese)"),
    "clause_again": ("条款 {id}（原文见上）", "clause {id} (text above)"),
    "none": ("无", "none"),
    "readings": ("解释口径", "readings"),
    "reading": ("〔解读：{text}〕", "[reading: {text}]"),
    "no_set": ("该主体类型不适用任何路径", "no route is open to this kind of entity"),
    "nothing_declared": (
        "没有申报任何目录业务领域（business_lines）；用 --all 查看全部项目。",
        "No catalogue business line declared (business_lines); use --all to see every programme.",
    ),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "months": ("{n} 个月", "{n} months"),
    "points": ("{n} 个百分点", "{n} percentage points"),
    "share_part": ("{whole}不变时，{part}还差 {amount}", "{amount} more {part} at the same {whole}"),
    "year_short": ("{year}年 {amount}", "{year} short by {amount}"),
    "mean": ("{n}年平均 {amount}", "mean of {n} years {amount}"),
    "mean_gap": (
        "平均每年 {per_year}（{n}年合计 {window}）",
        "{per_year} a year on average ({window} over {n} years)",
    ),
    "agreements": ("协议", "agreements"),
    "agreement": ("{party}（{kind}，{start} 至 {end}，{months}）", "{party} ({kind}, {start} to {end}, {months})"),
    "counted": ("计入", "counted"),
    "not_counted": ("不计：{why}", "not counted: {why}"),
    "no_agreement": ("没有与{kind}的协议", "no agreement with: {kind}"),
    "short": ("期限不足 {months}", "shorter than {months}"),
    "ended": ("在上年度（{year}）之前已终止", "ended before last year ({year})"),
    "flag_false": ("{flag}：否", "{flag}: no"),
    "flag_unstated": ("{flag}：未说明", "{flag}: not stated"),
    "finding": ("评审认定", "assessor finding"),
    "finding_source": ("认定依据", "found by"),
    "assessor": ("评审人 {name}", "assessor {name}"),
    "note": ("说明：{text}", "note: {text}"),
    "holds": ("{section}含以下之一：{items}", "{section} include one of: {items}"),
    "declares": ("{section}含以下之一：{items}", "{section} include one of: {items}"),
    "agreement_for": ("与{party}签订期限 ≥ {months}的协议{flags}", "an agreement ≥ {months} with: {party}{flags}"),
    "agreement_flags": ("（须{flags}）", " ({flags})"),
    "share": ("上年度{part}占{whole}的比例 ≥ {pct}", "last year's {part} / {whole} ≥ {pct}"),
    "recent": ("近{n}年内年{what} ≥ {value}", "{what} in the last {n} years ≥ {value}"),
    "none_recent": ("近{n}年内{what}为 0", "no {what} in the last {n} years"),
    "annual_at_least": ("近{n}年内每年度{what} ≥ {value}", "{what} in every one of the last {n} years ≥ {value}"),
    "total_in_recent_years": ("近{n}年内{what}合计 ≥ {value}", "{what} in total over the last {n} years ≥ {value}"),
    "at_least_by_last_year": (
        "截至上年度任一年度{what} ≥ {value}",
        "{what} in any year up to last year ≥ {value}",
    ),
    "last_year_figure": ("上年度{what} {op} {value}", "{what} last year {op} {value}"),
    "figure": ("{what} {op} {value}", "{what} {op} {value}"),
    "read_last_year": ("按上年度（{year}）数", "last year's figure ({year})"),
    "read_year_end": ("按上年度末（{year} 年末）时点数", "as at the end of last year ({year})"),
    "read_last_year_any": ("按上年度数", "last year's figure"),
    "read_year_end_any": ("按上年度末时点数", "as at the end of last year"),
    "read_annual_at_least": (
        "{reading}：“每年度”读作近{n}年内的每一年度",
        "{reading}: 'every year' read as each of the last {n} years",
    ),
    "read_annual_last_year": ("{reading}：“每年度”只检验上年度", "{reading}: 'every year' tested on last year only"),
    "read_total_in_recent_years": (
        "venue_forex_income=cumulative：近{n}年合计",
        "venue_forex_income=cumulative: the {n} years added up",
    ),
    "read_at_least_by_last_year": (
        "single_event_period=up_to_last_year：截至上年度任一年度的单项",
        "single_event_period=up_to_last_year: a single event of any year up to last year",
    ),
    "read_each_year": ("recent_years=each_year：窗口内每一年都须达到", "recent_years=each_year: in every year"),
    "read_average": ("recent_years=average：窗口内各年的平均数须达到", "recent_years=average: the mean of the years"),
    "read_from": ("按事实字段 {label}（{key}）计", "counted from the fact {key} ({label})"),
    "generated": ("生成日期", "generated"),
    "versions": ("版本", "versions"),
    "summary": ("结论一览", "summary"),
    "programme": ("项目", "programme"),
    "status": ("结论", "verdict"),
    "entity": ("申请主体", "applicant"),
    "source": ("事实文件", "fact file"),
    "evidence": ("证据", "evidence"),
    "clause_text": ("条款原文", "clause text (original Chinese)"),
    "condition": ("条件", "condition"),
    "report_title": ("服务贸易促进指导目录 适用性意见附件", "Service trade catalogue: eligibility annex"),
    "in_scope_count": ("适用项目 {n} 个", "{n} programme(s) in scope"),
    "out_of_scope_list": ("不适用的项目", "programmes out of scope"),
}

#: Punctuation of each language: list separator, clause separator, colon, parentheses.
PUNCTUATION = {
    "zh": {"list": "、", "sep": "；", "colon": "：", "open": "（", "close": "）"},
    "en": {"list": ", ", "sep": "; ", "colon": ": ", "open": " (", "close": ")"},
}

CONDITION_MARK = {"met": "✔", "failed": "✘", "unknown": "?", "not_used": "–"}

_LABELS: dict[str, dict[str, vocab.Term]] = {
    "figure": vocab.FIGURES,
    "finding": vocab.FINDINGS,
    "business_lines": vocab.BUSINESS_LINES,
    "certifications": vocab.CERTIFICATIONS,
    "licences": vocab.LICENCES,
    "recognitions": vocab.RECOGNITIONS,
    "registered_scope": vocab.REGISTERED_SCOPE,
    "district": vocab.DISTRICTS,
    "counterparty": vocab.COUNTERPARTIES,
    "section": vocab.TOP_LEVEL,
    "attribute": vocab.ENTITY_FIELDS,
    "agreement": vocab.AGREEMENT_FIELDS,
    "kind": vocab.ENTITY_KINDS,
}

#: The counter (量词) of each counted figure in 中文; English names the thing counted already.
COUNTERS: dict[str, str] = {
    "guests": "人次",
    "foreign_guests": "人次",
    "visitors": "人次",
    "foreign_visitors": "人次",
    "foreign_patients": "人次",
    "largest_international_conference": "人",
    "staff": "人",
    "college_staff": "人",
    "hotels": "家",
    "overseas_hotels": "家",
    "exhibitors": "家",
    "foreign_exhibitors": "家",
    "clustered_cultural_enterprises": "家",
    "service_trade_enterprises": "家",
    "major_accidents": "起",
    "patents": "项",
    "imported_events_completed": "项",
    "homegrown_events_completed": "项",
    "international_consulting_engagements": "项",
    "intangible_asset_deals": "项",
    "exhibition_consecutive_editions": "届",
    "conference_consecutive_editions": "届",
    "consecutive_excellent_booth_awards": "届",
    "overseas_conferences": "次",
    "international_conferences": "次",
    "overseas_cultural_fairs": "次",
    "copyright_export_titles": "种",
    "international_transfers": "笔",
}
_AREA = {"zh": "平方米", "en": "m²"}


#: The verdicts' labels by language (the web page's table, the API's /v1/version).
STATUS_LABEL = {
    lang: {status: WORDS[status][i] for status in ("eligible", "not_eligible", "undetermined", "out_of_scope")}
    for i, lang in enumerate(("zh", "en"))
}


def word(key: str, lang: str, /, **values: object) -> str:
    """A label of the reports in `lang`, with its placeholders filled in."""
    text = WORDS[key][0 if lang == "zh" else 1]
    return text.format(**values) if values else text


def label(table: str, key: str, lang: str) -> str:
    """The 中文 or English label of a vocabulary word (the key itself if unlisted)."""
    term = _LABELS[table].get(key)
    if term is None:
        return key
    return term.zh if lang == "zh" else term.en


def _join(items: Iterable[str], lang: str) -> str:
    return PUNCTUATION[lang]["list"].join(items)


def _parens(text: str, lang: str) -> str:
    p = PUNCTUATION[lang]
    return f"{p['open']}{text}{p['close']}"


def unit_of(measure: str, lang: str) -> str:
    """The unit written after a count or area of `measure` ('' for money and plain counts in English)."""
    term = vocab.FIGURES.get(measure)
    if term is None or term.unit in ("CNY", "USD", None):
        return ""
    if term.unit == "m2":
        return _AREA[lang]
    return COUNTERS.get(measure, "个") if lang == "zh" else ""


def format_value(value: Value | Fraction, lang: str = "zh", table: str = "", measure: str = "") -> str:
    """A value as a person reads it; counts and areas of `measure` with their unit."""
    if isinstance(value, Money):
        return format_money(value, lang)
    if isinstance(value, bool):
        return word("yes" if value else "no", lang)
    if isinstance(value, Share):
        pct = value.percent
        return word("no_share", lang) if pct is None else f"{pct.normalize():f}%"
    if isinstance(value, Percent):
        return f"{value.value}%"
    if isinstance(value, Months):
        return word("months", lang, n=value.value)
    if isinstance(value, YearValue):
        return f"{value.year}: {format_value(value.value, lang, measure=measure)}"
    if isinstance(value, int | Fraction):
        unit = unit_of(measure, lang)
        number = f"{value:,}" if isinstance(value, int) else f"{fraction_decimal(value, 2, ROUND_DOWN).normalize():f}"
        return f"{number} {unit}" if unit else number
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return label(table or "business_lines", value, lang)


#: Condition kinds that exist only through a named reading's alternative, marked as it in reports.
READING_OF_KIND = ("total_in_recent_years", "at_least_by_last_year")

_ZH_NUMBER = {0: "?", 1: "一", 2: "两", 3: "三", 4: "四", 5: "五"}


def _reading(text: str, lang: str) -> str:
    return word("reading", lang, text=text)


def readings_of(condition: Condition, year: int | None, lang: str) -> list[str]:
    """What the knowledge base reads into a condition that its clause does not say in so many
    words: the period of a figure the clause gives without one, a stock read at year end, the
    reading of 近N年内 in force, the fact a clause's thing is counted from."""
    notes = []
    text = condition.clause.text
    shown_year = None if year is None else year - 1
    any_year = "_any" if year is None else ""  # a programme described for no application year
    if condition.kind in ("at_least", "more_than"):
        measure = condition.subject[0]
        if measure in vocab.STOCK_FIGURES and "末" not in text:
            notes.append(word("read_year_end" + any_year, lang, year=shown_year))
        elif measure not in vocab.STOCK_FIGURES and "上年度" not in text:
            notes.append(word("read_last_year" + any_year, lang, year=shown_year))
    if condition.kind == "at_least_in_recent_years":
        notes.append(word("read_average" if condition.average else "read_each_year", lang))
    if condition.kind == "annual_at_least":
        key = "read_annual_last_year" if condition.years == 1 else "read_annual_at_least"
        notes.append(word(key, lang, reading=condition.reading, n=condition.years))
    elif condition.kind in READING_OF_KIND:
        notes.append(word(condition.kind.join(("read_", "")), lang, n=condition.years))
    if condition.id in CLAUSE_WORDS and condition.kind in ("at_least", "more_than"):
        key = condition.subject[0]
        notes.append(word("read_from", lang, key=key, label=label("figure", key, lang)))
    return notes


def describe(condition: Condition, catalogue: Catalogue, lang: str = "zh", year: int | None = None) -> str:
    """What a condition tests, in words generated from its kind (in 中文 in the clause's own words
    where `pysvc.wording` gives them), each reading of the knowledge base marked as one."""
    text = _test(condition, lang)
    return " ".join([text, *(_reading(n, lang) for n in readings_of(condition, year, lang))])


def _test(condition: Condition, lang: str) -> str:
    zh = lang == "zh"
    subject, required, kind = condition.subject, condition.required, condition.kind
    words = CLAUSE_WORDS.get(condition.id) if zh else None
    measure = subject[0] if subject else ""
    if kind in ("at_least", "more_than"):
        op = "≥" if kind == "at_least" else ">"
        value = format_value(required[0], lang, measure=measure)
        what = words or label("figure", measure, lang)
        if measure in vocab.STOCK_FIGURES or words or "上年度" not in condition.clause.text:
            return word("figure", lang, what=what, op=op, value=value)  # a period not in words is a reading
        return word("last_year_figure", lang, what=what, op=op, value=value)
    if kind == "at_least_in_recent_years":
        years = _ZH_NUMBER.get(condition.years or 0, "?") if zh else condition.years
        value = format_value(required[0], lang, measure=measure)
        return word("recent", lang, n=years, what=label("figure", measure, lang), value=value)
    if kind in ("annual_at_least", "total_in_recent_years", "at_least_by_last_year"):
        years = condition.years or 1
        n = _ZH_NUMBER.get(years, "?") if zh else years
        key = "last_year_figure" if kind == "annual_at_least" and years == 1 else kind
        value = format_value(required[0], lang, measure=measure)
        return word(key, lang, n=n, what=label("figure", measure, lang), op="≥", value=value)
    if kind == "none_in_recent_years":
        years = _ZH_NUMBER.get(condition.years or 0, "?") if zh else condition.years
        return word("none_recent", lang, n=years, what=label("figure", measure, lang))
    if kind == "share_at_least":
        part, whole = (label("figure", s, lang) for s in subject)
        return word("share", lang, part=part, whole=whole, pct=format_value(required[0], lang))
    if kind in ("holds_item", "in_scope"):
        items = _join((label(measure, str(i), lang) for i in required), lang)
        return word("holds", lang, section=label("section", measure, lang), items=items)
    if kind == "attribute_in":
        values = "/".join(format_value(v, lang, "district") for v in required)
        return f"{label('attribute', measure, lang)}{PUNCTUATION[lang]['colon']}{values}"
    if kind == "found":
        return f"{word('finding', lang)}{PUNCTUATION[lang]['colon']}{words or label('finding', measure, lang)}"
    if kind == "agreement_for":
        flags = _join((label("agreement", f, lang) for f in condition.flags), lang)
        extra = word("agreement_flags", lang, flags=flags) if flags else ""
        party = label("counterparty", measure, lang)
        return word("agreement_for", lang, party=party, months=format_value(required[0], lang), flags=extra)
    return condition.clause.text.splitlines()[0]


def _value_table(condition: Condition) -> str:
    if condition.kind in ("holds_item", "in_scope"):
        return condition.subject[0]
    if condition.kind == "attribute_in":
        return "district"
    if condition.kind == "found":
        return "finding"
    return ""


# -- one condition, every part of it in words -----------------------------------------------------
@dataclass(frozen=True)
class ConditionView:
    """A condition as every renderer shows it: each part already in words of one language."""

    id: str
    clause: str
    mark: str
    status: str  # met | failed | unknown | not_used
    description: str
    found: str
    required: str
    gap: str
    evidence: tuple[str, ...] = ()
    evidence_title: str = ""
    collect: tuple[str, ...] = ()
    about_applicant: bool = False


def condition_view(
    result: ConditionResult, catalogue: Catalogue, lang: str, year: int | None = None, not_used: bool = False
) -> ConditionView:
    """The words for one condition: what it tests, what was found, required, the gap, the evidence
    (agreements considered, assessor findings) and what to collect."""
    c = result.condition
    table = _value_table(c)
    measure = c.subject[0] if c.subject else ""
    sep = PUNCTUATION[lang]["sep"]
    found = sep.join(_found(v, result, lang, table, measure) for v in result.found)
    mean = result.gap.mean if isinstance(result.gap, WindowGap) and result.gap.mean is not None else None
    if mean is not None:
        found += sep + word("mean", lang, n=len(result.found), amount=format_value(mean, lang, measure=measure))
    if c.kind == "agreement_for":  # the agreements considered say more than their terms
        party = label("counterparty", measure, lang)
        found = "" if result.evidence or result.status != "failed" else word("no_agreement", lang, kind=party)
    elif not found and result.status == "failed":
        found = word("none", lang)
    status = "not_used" if not_used else result.status
    return ConditionView(
        id=c.id,
        clause=c.clause.id,
        mark=CONDITION_MARK[status],
        status=status,
        description=describe(c, catalogue, lang, year),
        found=found,
        required=word("yes", lang)
        if c.kind == "found"
        else _join((format_value(v, lang, table, measure) for v in c.required), lang),
        gap="" if not_used or result.gap is None else format_gap(result.gap, lang, measure, c),
        evidence=tuple(text for e in result.evidence if (text := format_evidence(e, c, lang, year))),
        evidence_title=word("agreements" if c.kind == "agreement_for" else "finding_source", lang),
        collect=tuple(collect_label(path, lang) for path in result.needs),
        about_applicant=c.about_applicant,
    )


def _found(value: Value, result: ConditionResult, lang: str, table: str, measure: str) -> str:
    """A value found; a share with the part and whole it is computed from."""
    text = format_value(value, lang, table, measure)
    if isinstance(value, Share) and value.ratio is not None:
        measures = result.condition.subject
        part, whole = (_amount(v, m, lang) for v, m in zip((value.part, value.whole), measures, strict=True))
        text += _parens(f"{part} / {whole}", lang)
    return text


def _amount(value: Fraction, measure: str, lang: str) -> str:
    """An exact figure read back from a share, in the unit of its measure."""
    unit = vocab.FIGURES[measure].unit
    if unit in ("CNY", "USD"):
        return format_money(Money(unit, Decimal(value.numerator) / Decimal(value.denominator)), lang)
    return format_value(value, lang, measure=measure)


def format_gap(gap: Gap, lang: str, measure: str, condition: Condition) -> str:
    """How far a failed condition falls short, in the unit of what it measures."""
    if isinstance(gap, ShareGap):
        points = fraction_decimal(gap.points, 4, ROUND_CEILING).normalize()
        whole = label("figure", condition.subject[1], lang)
        part = word(
            "share_part",
            lang,
            whole=whole,
            part=label("figure", gap.measure, lang),
            amount=format_value(gap.part, lang, measure=gap.measure),
        )
        return word("points", lang, n=f"{points:f}") + _parens(part, lang)
    if isinstance(gap, WindowGap):
        if gap.per_year is not None and gap.window is not None:
            return word(
                "mean_gap",
                lang,
                per_year=format_value(gap.per_year, lang, measure=measure),
                window=format_value(gap.window, lang, measure=measure),
                n=condition.years,
            )
        return PUNCTUATION[lang]["sep"].join(
            word("year_short", lang, year=y.year, amount=format_value(y.value, lang, measure=measure))
            for y in gap.years
        )
    return format_value(gap, lang, measure=measure)


def format_evidence(item: Evidence, condition: Condition, lang: str, year: int | None) -> str:
    """An agreement considered and why it counts or not; an assessor's finding with its source
    (assessor, date, note; empty when the file gives none)."""
    if isinstance(item, FindingEvidence):
        parts = [word("assessor", lang, name=item.assessor)] if item.assessor else []
        parts += [item.date.isoformat()] if item.date else []
        parts += [word("note", lang, text=item.note)] if item.note else []
        return PUNCTUATION[lang]["sep"].join(parts)  # empty: the file names no source
    assert isinstance(item, AgreementEvidence)
    head = word(
        "agreement",
        lang,
        party=item.counterparty,
        kind=label("counterparty", item.counterparty_kind, lang),
        start=item.start.isoformat(),
        end=item.end.isoformat(),
        months=word("months", lang, n=item.months),
    )
    if item.counts:
        return f"{head} {word('counted', lang)}"
    why = _join((_why(r, condition, lang, year) for r in item.reasons), lang)
    return f"{head} {word('not_counted', lang, why=why)}"


def _why(reason: str, condition: Condition, lang: str, year: int | None) -> str:
    if reason == "short":
        return word("short", lang, months=format_value(condition.required[0], lang))
    if reason == "ended":
        return word("ended", lang, year="?" if year is None else year - 1)
    flag, _, state = reason.partition(":")
    return word("flag_false" if state == "false" else "flag_unstated", lang, flag=label("agreement", flag, lang))


def collect_label(path: str, lang: str) -> str:
    """A fact-file path to fill in: its label first, the key second."""
    head, _, rest = path.partition(".")
    if head == "figures":
        year, _, measure = rest.partition(".")
        what = label("figure", measure, lang)
        text = f"{year}年{what}" if lang == "zh" else f"{what} of {year}"
    elif head == "findings":
        text = label("finding", rest, lang)
    elif head == "entity":
        text = label("attribute", rest, lang)
    elif head == "agreements[]":
        text = label("agreement", rest, lang)
    else:
        text = label("section", path, lang)
    return f"{text}{_parens(path, lang)}" if text != path else path


def condition_line(view: ConditionView, lang: str, indent: str) -> str:
    """One condition on one line."""
    sep = PUNCTUATION[lang]["sep"]
    head = f"{indent}{view.mark} {view.id} {view.description}"
    if view.about_applicant:
        head += f" {word('about_applicant', lang)}"
    if view.status == "not_used":
        head += _parens(word("not_used_mark", lang), lang)
    parts = [head]
    if view.found:
        parts.append(f"{word('found', lang)} {view.found}")
    if view.gap:
        parts.append(f"{word('gap', lang)} {view.gap}")
    if view.evidence:
        parts.append(f"{view.evidence_title}{PUNCTUATION[lang]['colon']}" + sep.join(view.evidence))
    if view.collect:
        parts.append(f"{word('collect', lang)} " + _join(view.collect, lang))
    return sep.join(parts)


# -- the programme view: what every renderer shows of one programme --------------------------------
@dataclass(frozen=True)
class SetView:
    """One minimal missing set: its conditions and the routes it completes."""

    number: int
    conditions: tuple[ConditionView, ...]
    routes: str
    about_applicant: bool


@dataclass(frozen=True)
class ClauseView:
    """A clause, once per programme, with the id of the conditions that encode it."""

    id: str
    text: str
    conditions: tuple[str, ...]


@dataclass
class ProgrammeView:
    """One programme's verdict, reasons, missing sets, preferences and clauses, in words."""

    id: str
    title: str
    status: str
    verdict: str
    scope_note: str
    route: str
    because: tuple[ConditionView, ...] = ()
    sets: tuple[SetView, ...] = ()
    no_set: str = ""
    preferences: tuple[ConditionView, ...] = ()
    others: tuple[ConditionView, ...] = ()
    others_title: str = ""
    clauses: tuple[ClauseView, ...] = field(default_factory=tuple)
    order: tuple[str, ...] = ()  # every condition id of the programme, in catalogue order


def route_title(result: ProgrammeResult, route: str, lang: str) -> str:
    """A route's name in the report's language."""
    r = result.programme.routes[route]
    return r.zh if lang == "zh" else r.en


def scope_note(result: ProgrammeResult, entity_kind: str, lang: str) -> str:
    """Why a programme is out of scope, in words."""
    p = result.programme
    if result.scope_reason == "entity_kind":
        kinds = _join((label("kind", k, lang) for k in p.kinds), lang)
        return word("entity_kind", lang, kinds=kinds, kind=label("kind", entity_kind, lang))
    if result.scope_reason == "business_not_declared":
        lines = _join((label("business_lines", b, lang) for b in p.scope), lang)
        return word("business_not_declared", lang, lines=lines)
    return ""


def programme_view(result: ProgrammeResult, assessment: Assessment, lang: str, others: bool = False) -> ProgrammeView:
    """Everything shown of one programme; with `others`, also its conditions cited nowhere else
    (for an eligible programme, as alternatives not used, never as shortfalls)."""
    catalogue, year = assessment.catalogue, assessment.year
    p = result.programme

    def views(items: Iterable[ConditionResult], not_used: bool = False) -> tuple[ConditionView, ...]:
        return tuple(condition_view(c, catalogue, lang, year, not_used) for c in items)

    sets = []
    for number, (missing_set, routes) in enumerate(zip(result.missing, result.missing_routes, strict=True), start=1):
        titles = _join((route_title(result, r, lang) for r in routes), lang) if len(p.routes) > 1 else ""
        about = any(c.condition.about_applicant for c in missing_set)
        sets.append(SetView(number, views(missing_set), titles, about))
    no_set = ""
    if result.explained and not result.route and not result.missing:
        no_set = word("no_scope_set" if result.scope_reason == "entity_kind" else "no_set", lang)
    cited = {c.condition.id for c in (*result.because, *result.preferences, *(c for s in result.missing for c in s))}
    rest = [c for c in result.conditions if c.condition.id not in cited] if others else []
    eligible = result.status == "eligible"
    view = ProgrammeView(
        id=p.id,
        title=p.zh if lang == "zh" else p.en,
        status=result.status,
        verdict=word(result.status, lang),
        scope_note=scope_note(result, assessment.entity.kind, lang),
        route=route_title(result, result.route, lang) if result.route else "",
        because=views(result.because),
        sets=tuple(sets),
        no_set=no_set,
        preferences=views(result.preferences) if result.explained else (),
        others=views(rest, not_used=eligible),
        others_title=word("not_used" if eligible else "others", lang),
        order=tuple(c.condition.id for c in result.conditions),
    )
    shown = [*view.because, *(c for s in view.sets for c in s.conditions), *view.preferences, *view.others]
    clauses = {c.condition.clause.id: c.condition.clause for c in result.conditions}
    view.clauses = tuple(
        ClauseView(cid, clauses[cid].text, tuple(dict.fromkeys(c.id for c in shown if c.clause == cid)))
        for cid in dict.fromkeys(c.clause for c in shown)
        if cid in clauses
    )
    return view


# -- text ----------------------------------------------------------------------------------------
def version_line(assessment: Assessment, lang: str) -> str:
    """The versions a result was produced with: svctrade's and the catalogue's."""
    return (
        f"svctrade {__version__} · {word('catalogue', lang)} {assessment.catalogue.version} · "
        f"{word('year', lang)} {assessment.year} · {word('last_year', lang)} {assessment.year - 1}"
    )


def header_lines(assessment: Assessment, lang: str = "zh") -> list[str]:
    """Who was assessed, with which svctrade and catalogue version, for which year, under which readings."""
    entity = assessment.entity
    code = _parens(entity.credit_code, lang) if entity.credit_code else ""
    readings = ", ".join(f"{i.name}={i.chosen}" for i in assessment.catalogue.interpretations.values())
    return [
        f"{entity.name}{code}  [{entity.source}]",
        version_line(assessment, lang),
        f"{word('readings', lang)}{PUNCTUATION[lang]['colon']}{readings}",
    ]


def render_text(assessment: Assessment, lang: str = "zh", show_all: bool = False) -> str:
    """A report for legal staff: every programme in scope (or all), its verdict and why."""
    lines = header_lines(assessment, lang)
    shown = [r for r in assessment.programmes if show_all or r.status != "out_of_scope"]
    if not shown:
        lines.append(word("nothing_declared", lang))
    for result in shown:
        lines.append("")
        lines.extend(programme_text(programme_view(result, assessment, lang), lang, clause_text=False))
    return "\n".join(lines) + "\n"


def programme_text(view: ProgrammeView, lang: str, clause_text: bool) -> list[str]:
    """The lines for one programme; with `clause_text`, each clause's text once, above the first
    conditions that encode it."""
    colon = PUNCTUATION[lang]["colon"]
    verdict = view.verdict + (f"{colon}{view.scope_note}" if view.scope_note else "")
    head = f"【{view.id}】{view.title} —— {verdict}" if lang == "zh" else f"[{view.id}] {view.title} — {verdict}"
    lines = [head]
    texts = {c.id: c.text for c in view.clauses}
    printed: set[str] = set()

    def block(conditions: Iterable[ConditionView], indent: str) -> Iterator[str]:
        for clause, group in groupby(conditions, key=lambda c: c.clause):
            if clause_text and clause in texts:
                if clause in printed:
                    yield f"{indent}{word('clause_again', lang, id=clause)}"
                else:
                    printed.add(clause)
                    body = texts[clause].replace("\n", f"\n{indent}  ")
                    yield f"{indent}{word('clause', lang, id=clause)}{colon}{body}"
            yield from (condition_line(c, lang, indent + ("  " if clause_text else "")) for c in group)

    if view.route:
        lines.append(f"  {word('because', lang, route=view.route)}:")
        lines.extend(block(view.because, "    "))
        if any(c.status == "failed" for c in view.because):  # a 每年度 group met by another member each year
            lines.append(f"    {word('by_year', lang)}")
    if view.sets or view.no_set:
        lines.append(f"  {word('missing', lang)}:")
    if view.no_set:
        lines.append(f"    {view.no_set}")
    for s in view.sets:
        notes = [word("completes", lang, routes=s.routes)] if s.routes else []
        notes += [word("applicant_set", lang)] if s.about_applicant else []
        note = _parens(PUNCTUATION[lang]["sep"].join(notes), lang) if notes else ""
        lines.append(f"    {word('set', lang)} {s.number}{note}:")
        lines.extend(block(s.conditions, "      "))
    if view.preferences:
        lines.append(f"  {word('preferences', lang)}:")
        lines.extend(block(view.preferences, "    "))
    if view.others:
        lines.append(f"  {view.others_title}:")
        lines.extend(block(view.others, "    "))
    return lines


def explain_text(assessment: Assessment, programme_id: str, lang: str) -> str:
    """The full why / why-not of one programme: every condition, each clause's text once."""
    view = programme_view(assessment.programme(programme_id), assessment, lang, others=True)
    return "\n".join([*header_lines(assessment, lang), *programme_text(view, lang, clause_text=True)]) + "\n"


# -- JSON ----------------------------------------------------------------------------------------
def _decimal_text(value: Fraction) -> str:
    return f"{(Decimal(value.numerator) / Decimal(value.denominator)).normalize():f}"


def json_value(value: Value | Gap | Decimal) -> Any:
    """A JSON form of a value: money and shares as exact decimal strings."""
    if isinstance(value, Money):
        return {"amount": f"{value.amount:.2f}", "currency": value.currency}
    if isinstance(value, Share):
        pct = value.percent
        return {
            "share_percent": None if pct is None else f"{pct:f}",
            "part": _decimal_text(value.part),
            "whole": _decimal_text(value.whole),
        }
    if isinstance(value, ShareGap):
        points = fraction_decimal(value.points, 4, ROUND_CEILING)
        return {"points": f"{points:f}", "part": json_value(value.part), "measure": value.measure}
    if isinstance(value, WindowGap):
        return {
            "years": [json_value(y) for y in value.years],
            "mean": None if value.mean is None else json_value(value.mean),
            "per_year": None if value.per_year is None else json_value(value.per_year),
            "window": None if value.window is None else json_value(value.window),
        }
    if isinstance(value, Percent):
        return {"percent": value.value}
    if isinstance(value, Months):
        return {"months": value.value}
    if isinstance(value, YearValue):
        return {"year": value.year, "value": json_value(value.value)}
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value


def evidence_json(item: Evidence) -> dict[str, Any]:
    """An agreement considered or an assessor's finding, as JSON."""
    if isinstance(item, FindingEvidence):
        return {
            "type": "finding",
            "topic": item.topic,
            "value": item.value,
            "assessor": item.assessor,
            "date": item.date.isoformat() if item.date else None,
            "note": item.note,
        }
    return {
        "type": "agreement",
        "counterparty": item.counterparty,
        "counterparty_kind": item.counterparty_kind,
        "start": item.start.isoformat(),
        "end": item.end.isoformat(),
        "months": item.months,
        "counts": item.counts,
        "reasons": list(item.reasons),
    }


def condition_json(result: ConditionResult, catalogue: Catalogue, lang: str, year: int | None = None) -> dict[str, Any]:
    """One condition as JSON."""
    c = result.condition
    return {
        "id": c.id,
        "clause": {"id": c.clause.id, "text": c.clause.text},
        "description": describe(c, catalogue, lang, year),
        "readings": readings_of(c, year, lang),
        "about_applicant": c.about_applicant,
        "status": result.status,
        "found": [json_value(v) for v in result.found],
        "required": [json_value(v) for v in c.required],
        "gap": None if result.gap is None else json_value(result.gap),
        "evidence": [evidence_json(e) for e in result.evidence],
        "collect": list(result.needs),
    }


def assessment_json(assessment: Assessment, lang: str = "zh") -> dict[str, Any]:
    """The versioned JSON result (schema ``svctrade.result/1``, see docs/results.md)."""
    entity = assessment.entity
    catalogue = assessment.catalogue
    year = assessment.year

    def conditions(items: Iterable[ConditionResult]) -> list[dict[str, Any]]:
        return [condition_json(c, catalogue, lang, year) for c in items]

    programmes = []
    for r in assessment.programmes:
        programmes.append(
            {
                "id": r.programme.id,
                "title": {"zh": r.programme.zh, "en": r.programme.en},
                "status": r.status,
                "scope_reason": r.scope_reason,
                "route": r.route,
                "route_title": None
                if r.route is None
                else {"zh": route_title(r, r.route, "zh"), "en": route_title(r, r.route, "en")},
                "because": conditions(r.because),
                "missing": [conditions(s) for s in r.missing],
                "missing_routes": [list(routes) for routes in r.missing_routes],
                "preferences": conditions(r.preferences),
                "conditions": conditions(r.conditions),
            }
        )
    return {
        "schema": RESULT_SCHEMA,
        "svctrade": __version__,
        "catalogue": catalogue.version,
        "year": assessment.year,
        "last_year": assessment.year - 1,
        "interpretations": {i.name: i.chosen for i in catalogue.interpretations.values()},
        "entity": {
            "name": entity.name,
            "credit_code": entity.credit_code,
            "kind": entity.kind,
            "source": entity.source,
        },
        "programmes": programmes,
    }


def error_json(source: str, problems: list[str]) -> dict[str, Any]:
    """A bad record, reported in batch output in place of its result."""
    return {"schema": ERROR_SCHEMA, "source": source, "problems": problems}


# -- readings ------------------------------------------------------------------------------------
def interpretation_json(reading: Interpretation) -> dict[str, Any]:
    """One named reading: its question and each value's meaning in both languages, and its default."""
    return {
        "name": reading.name,
        "question": {"zh": reading.question[0], "en": reading.question[1]},
        "default": reading.default,
        "in_force": reading.chosen,
        "values": [
            {"value": v, "default": v == reading.default, "zh": reading.meanings[v][0], "en": reading.meanings[v][1]}
            for v in reading.options
        ],
    }


def interpretations_text(readings: list[Interpretation], lang: str = "zh") -> str:
    """The named readings as a person reads them: the question, then each value and its meaning."""
    pick = 0 if lang == "zh" else 1
    default = "（默认）" if lang == "zh" else " (default)"
    lines = []
    for reading in readings:
        lines.append(f"{reading.name}: {reading.question[pick]}")
        lines += [f"  {v}{default * (v == reading.default)}: {reading.meanings[v][pick]}" for v in reading.options]
    return "\n".join(lines)
