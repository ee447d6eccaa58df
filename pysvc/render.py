"""Renderers: result objects to text (中文 by default, or English) and to versioned JSON."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from . import vocabulary as vocab
from .amounts import Money, format_money
from .results import (
    Assessment,
    Catalogue,
    Condition,
    ConditionResult,
    Interpretation,
    Months,
    Percent,
    ProgrammeResult,
    Share,
    Value,
    YearValue,
)

RESULT_SCHEMA = "svctrade.result/1"
ERROR_SCHEMA = "svctrade.error/1"

STATUS_LABEL = {
    "zh": {
        "eligible": "符合",
        "not_eligible": "不符合",
        "undetermined": "待定（缺少数据）",
        "out_of_scope": "不适用（未申报该业务）",
    },
    "en": {
        "eligible": "eligible",
        "not_eligible": "not eligible",
        "undetermined": "undetermined (facts missing)",
        "out_of_scope": "out of scope (business not declared)",
    },
}
CONDITION_MARK = {"met": "✔", "failed": "✘", "unknown": "?"}
_WORDS = {
    "zh": {
        "catalogue": "目录",
        "year": "申请年度",
        "last_year": "上年度",
        "because": "依据（路径：{route}）",
        "missing": "缺少的条件（满足任一组即可符合）",
        "set": "方案",
        "completes": "完成路径",
        "preferences": "优先条件（只排序，不影响是否符合）",
        "found": "实际",
        "gap": "差额",
        "collect": "请补充",
        "clause": "条款",
        "none": "无",
        "readings": "解释口径",
        "no_set": "该主体类型不适用任何路径",
    },
    "en": {
        "catalogue": "catalogue",
        "year": "application year",
        "last_year": "last year",
        "because": "because (route: {route})",
        "missing": "missing conditions (meeting any one set makes it eligible)",
        "set": "set",
        "completes": "completes",
        "preferences": "preferences (rank only, never required)",
        "found": "found",
        "gap": "gap",
        "collect": "collect",
        "clause": "clause",
        "none": "none",
        "readings": "readings",
        "no_set": "no route is open to this kind of entity",
    },
}

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
}


def label(table: str, key: str, lang: str) -> str:
    """The 中文 or English label of a vocabulary word (the key itself if unlisted)."""
    term = _LABELS[table].get(key)
    if term is None:
        return key
    return term.zh if lang == "zh" else term.en


def format_value(value: Value, lang: str = "zh", table: str = "") -> str:
    """A value as a person reads it."""
    if isinstance(value, Money):
        return format_money(value, lang)
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, Share):
        pct = value.percent
        return "—" if pct is None else f"{pct.normalize():f}%"
    if isinstance(value, Percent):
        return f"{value.value}%"
    if isinstance(value, Months):
        return f"{value.value} 个月" if lang == "zh" else f"{value.value} months"
    if isinstance(value, YearValue):
        return f"{value.year}: {format_value(value.value, lang)}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return label(table or "business_lines", value, lang)


_ZH_NUMBER = {0: "?", 1: "一", 2: "两", 3: "三", 4: "四", 5: "五"}


def describe(condition: Condition, catalogue: Catalogue, lang: str = "zh") -> str:
    """What a condition tests, in words, generated from its kind."""
    zh = lang == "zh"
    subject = condition.subject
    required = condition.required
    kind = condition.kind
    if kind in ("at_least", "more_than"):
        op = "≥" if kind == "at_least" else ">"
        what = label("figure", subject[0], lang)
        stock = subject[0] in vocab.STOCK_FIGURES
        if zh:
            return f"{'上年度末' if stock else '上年度'}{what} {op} {format_value(required[0], lang)}"
        return f"{what} {'at the end of last year' if stock else 'last year'} {op} {format_value(required[0], lang)}"
    if kind == "at_least_in_recent_years":
        reading = catalogue.interpretations.get("recent_years")
        average = reading is not None and reading.chosen == "average"
        what = label("figure", subject[0], lang)
        if zh:
            return f"近{_ZH_NUMBER[condition.years or 0]}年内{'年均' if average else '每年'}{what} ≥ " + format_value(
                required[0], lang
            )
        scope = "on average over" if average else "in each of"
        return f"{what} {scope} the last {condition.years} years ≥ {format_value(required[0], lang)}"
    if kind in ("annual_at_least", "total_in_recent_years", "at_least_by_last_year"):
        what = label("figure", subject[0], lang)
        value = format_value(required[0], lang)
        years = condition.years or 1
        if zh:
            period = {
                "annual_at_least": f"近{_ZH_NUMBER[years]}年内每年度" if years > 1 else "上年度",
                "total_in_recent_years": f"近{_ZH_NUMBER[years]}年内合计",
                "at_least_by_last_year": "截至上年度任一年度",
            }[kind]
            return f"{period}{what} ≥ {value}"
        period = {
            "annual_at_least": f"in every one of the last {years} years" if years > 1 else "last year",
            "total_in_recent_years": f"in total over the last {years} years",
            "at_least_by_last_year": "in any year up to last year",
        }[kind]
        return f"{what} {period} ≥ {value}"
    if kind == "none_in_recent_years":
        what = label("figure", subject[0], lang)
        if zh:
            return f"近{_ZH_NUMBER[condition.years or 0]}年内{what}为 0"
        return f"no {what} in the last {condition.years} years"
    if kind == "share_at_least":
        part, whole = (label("figure", s, lang) for s in subject)
        pct = format_value(required[0], lang)
        return f"上年度{part}占{whole}的比例 ≥ {pct}" if zh else f"last year's {part} / {whole} ≥ {pct}"
    if kind == "holds_item":
        section = subject[0]
        items = "、".join(label(section, str(i), lang) for i in required)
        head = label("section", section, lang)
        return f"{head}含以下之一：{items}" if zh else f"{head} include one of: {items}"
    if kind == "attribute_in":
        values = "/".join(format_value(v, lang, "district") for v in required)
        return f"{label('attribute', subject[0], lang)}：{values}"
    if kind == "found":
        text = label("finding", subject[0], lang)
        return f"评审认定：{text}" if zh else f"assessor finding: {text}"
    if kind == "agreement_for":
        party = label("counterparty", subject[0], lang)
        months = format_value(required[0], lang)
        flags = "、".join(label("agreement", f, lang) for f in condition.flags)
        extra = (f"（须{flags}）" if zh else f" ({flags})") if flags else ""
        return f"与{party}签订期限 ≥ {months}的协议{extra}" if zh else f"an agreement ≥ {months} with: {party}{extra}"
    return condition.clause.text.splitlines()[0]


def _value_table(condition: Condition) -> str:
    if condition.kind == "holds_item":
        return condition.subject[0]
    if condition.kind == "attribute_in":
        return "district"
    return ""


# -- text ----------------------------------------------------------------------------------------
def header_lines(assessment: Assessment, lang: str = "zh") -> list[str]:
    """Who was assessed, against which catalogue, for which year, under which readings."""
    w = _WORDS[lang]
    entity = assessment.entity
    code = f"（{entity.credit_code}）" if entity.credit_code else ""
    readings = ", ".join(f"{i.name}={i.chosen}" for i in assessment.catalogue.interpretations.values())
    return [
        f"{entity.name}{code}  [{entity.source}]",
        f"{w['catalogue']} {assessment.catalogue.version} · {w['year']} {assessment.year} · "
        f"{w['last_year']} {assessment.year - 1}",
        f"{w['readings']}: {readings}",
    ]


def render_text(assessment: Assessment, lang: str = "zh", show_all: bool = False) -> str:
    """A report for legal staff: every programme in scope (or all), its verdict and why."""
    lines = header_lines(assessment, lang)
    shown = [r for r in assessment.programmes if show_all or r.status != "out_of_scope"]
    if not shown:
        lines.append(
            "没有申报任何目录业务领域（business_lines）；用 --all 查看全部项目。"
            if lang == "zh"
            else "No catalogue business line declared (business_lines); use --all to see every programme."
        )
    for result in shown:
        lines.append("")
        lines.extend(programme_text(result, assessment.catalogue, lang, clause_text=False))
    return "\n".join(lines) + "\n"


def route_title(result: ProgrammeResult, route: str, lang: str) -> str:
    """A route's name in the report's language."""
    r = result.programme.routes[route]
    return r.zh if lang == "zh" else r.en


def programme_text(result: ProgrammeResult, catalogue: Catalogue, lang: str, clause_text: bool) -> list[str]:
    """The lines for one programme."""
    w = _WORDS[lang]
    p = result.programme
    title = p.zh if lang == "zh" else p.en
    lines = [f"【{p.id}】{title} —— {STATUS_LABEL[lang][result.status]}"]
    if result.route:
        lines.append(f"  {w['because'].format(route=route_title(result, result.route, lang))}:")
        lines.extend(condition_line(c, catalogue, lang, clause_text, "    ") for c in result.because)
    if result.explained and not result.route:
        lines.append(f"  {w['missing']}:")
        if not result.missing:
            lines.append(f"    {w['no_set']}")
        for number, (missing_set, routes) in enumerate(
            zip(result.missing, result.missing_routes, strict=True), start=1
        ):
            titles = ("、" if lang == "zh" else ", ").join(route_title(result, r, lang) for r in routes)
            note = (
                (f"（{w['completes']}：{titles}）" if lang == "zh" else f" ({w['completes']}: {titles})")
                if len(result.programme.routes) > 1
                else ""
            )
            lines.append(f"    {w['set']} {number}{note}:")
            lines.extend(condition_line(c, catalogue, lang, clause_text, "      ") for c in missing_set)
    if result.preferences and result.explained:
        lines.append(f"  {w['preferences']}:")
        lines.extend(condition_line(c, catalogue, lang, clause_text, "    ") for c in result.preferences)
    return lines


def condition_line(result: ConditionResult, catalogue: Catalogue, lang: str, clause_text: bool, indent: str) -> str:
    w = _WORDS[lang]
    c = result.condition
    parts = [f"{indent}{CONDITION_MARK[result.status]} {c.id} {describe(c, catalogue, lang)}"]
    table = _value_table(c)
    if result.found:
        parts.append(f"{w['found']} " + "; ".join(format_value(v, lang, table) for v in result.found))
    elif result.status == "failed":
        parts.append(f"{w['found']} {w['none']}")
    if result.gap is not None:
        gap = result.gap
        parts.append(
            f"{w['gap']} {format_value(gap, lang)}{'个百分点' if isinstance(gap, Decimal) and lang == 'zh' else ''}"
        )
    if result.needs:
        parts.append(f"{w['collect']} " + ", ".join(result.needs))
    line = "；".join(parts) if lang == "zh" else "; ".join(parts)
    if clause_text:
        text = c.clause.text.replace("\n", f"\n{indent}    ")
        line += f"\n{indent}    {w['clause']} {c.clause.id}: {text}"
    return line


# -- JSON ----------------------------------------------------------------------------------------
def _decimal_text(value: Fraction) -> str:
    return f"{(Decimal(value.numerator) / Decimal(value.denominator)).normalize():f}"


def json_value(value: Value | Decimal) -> Any:
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
    if isinstance(value, Percent):
        return {"percent": value.value}
    if isinstance(value, Months):
        return {"months": value.value}
    if isinstance(value, YearValue):
        return {"year": value.year, "value": json_value(value.value)}
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value


def condition_json(result: ConditionResult, catalogue: Catalogue, lang: str) -> dict[str, Any]:
    """One condition as JSON."""
    c = result.condition
    return {
        "id": c.id,
        "clause": {"id": c.clause.id, "text": c.clause.text},
        "description": describe(c, catalogue, lang),
        "status": result.status,
        "found": [json_value(v) for v in result.found],
        "required": [json_value(v) for v in c.required],
        "gap": None if result.gap is None else json_value(result.gap),
        "collect": list(result.needs),
    }


def assessment_json(assessment: Assessment, lang: str = "zh") -> dict[str, Any]:
    """The versioned JSON result (schema ``svctrade.result/1``, see docs/results.md)."""
    entity = assessment.entity
    catalogue = assessment.catalogue
    programmes = []
    for r in assessment.programmes:
        programmes.append(
            {
                "id": r.programme.id,
                "title": {"zh": r.programme.zh, "en": r.programme.en},
                "status": r.status,
                "route": r.route,
                "route_title": None
                if r.route is None
                else {"zh": route_title(r, r.route, "zh"), "en": route_title(r, r.route, "en")},
                "because": [condition_json(c, catalogue, lang) for c in r.because],
                "missing": [[condition_json(c, catalogue, lang) for c in s] for s in r.missing],
                "missing_routes": [list(routes) for routes in r.missing_routes],
                "preferences": [condition_json(c, catalogue, lang) for c in r.preferences],
            }
        )
    return {
        "schema": RESULT_SCHEMA,
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
