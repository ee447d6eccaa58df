"""The figures a clause states and the thresholds its rules require, compared (`svctrade lint`).

A clause such as ``上年度营业额 8000 万元人民币以上`` states a figure: a number, a multiplier (万, 亿),
a unit (元/元人民币 → CNY, 美元 → USD, %, 平方米, 人/人次/个/家/种/届/次/项 → a count, 年/年期 → an
agreement term in months, 近N年内 → a window of N years) and a bound: 以上, 及以上, 不低于, 不少于, 达到,
至少 and 或多 mean *at least*; 超过 means *more than*; a figure without a bound (``连续两届``,
``(含1亿元)``) may be read either way. Every threshold of a rule must be a figure of its clause, with
the same value, unit, currency and bound, and every figure of a clause must be required by a rule
under it; lint reports each mismatch with both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from . import vocabulary as vocab
from .amounts import Money
from .results import Condition, Months, Percent

AT_LEAST, MORE_THAN = "at_least", "more_than"

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"\d+(?:\.\d+)?|[一二两三四五六七八九十]+"
_UNITS = {
    "元人民币": "CNY",
    "美元": "USD",
    "元": "CNY",
    "%": "percent",
    "％": "percent",
    "平方米": "m2",
    "年期": "months",
    "年": "months",
    **dict.fromkeys(("人次", "人", "个", "家", "种", "届", "次", "项", "名"), "count"),
}
_FIGURE = re.compile(rf"(?P<number>{_NUMBER})\s*(?P<multiplier>万|亿)?\s*(?P<unit>{'|'.join(map(re.escape, _UNITS))})")
_ENUMERATOR = re.compile(r"^\s*(?:\d+[.．]|[（(](?:\d+|[一二三四五六七八九十]+)[）)])\s*", re.M)
_DATE = re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?")
_STOP = re.compile(r"[，,；;。、（()）或且]")
_PREFIX_BOUNDS = (("超过", MORE_THAN), ("不低于", AT_LEAST), ("不少于", AT_LEAST), ("达到", AT_LEAST))
_PREFIX_BOUNDS += (("至少拥有", AT_LEAST), ("至少", AT_LEAST), ("达", AT_LEAST))


@dataclass(frozen=True)
class Figure:
    """A figure stated in a clause, or a threshold a rule requires."""

    value: Decimal
    unit: str  # CNY, USD, percent, count, m2, months, window (years)
    bound: str | None  # at_least, more_than, or None (not said)
    text: str  # as written, or as the rule encodes it

    def __str__(self) -> str:
        return self.text

    @property
    def key(self) -> tuple[Decimal, str]:
        return self.value, self.unit


def _number(text: str) -> Decimal:
    """An arabic or Chinese number (up to 九十九)."""
    if text[0].isdigit():
        return Decimal(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return Decimal(_DIGITS.get(tens, 1) * 10 + _DIGITS.get(units, 0))
    return Decimal(_DIGITS[text])


def clause_figures(text: str) -> list[Figure]:
    """Every figure a clause text states, in order (enumerators such as ``1.`` or ``（二）`` and
    dates such as ``2021年7月1日`` are not figures)."""
    text = _DATE.sub(lambda m: " " * len(m[0]), _ENUMERATOR.sub(lambda m: " " * len(m[0]), text))
    matches = list(_FIGURE.finditer(text))
    figures = []
    for i, match in enumerate(matches):
        before = re.sub(r"\s", "", text[: match.start()])
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        after = text[match.end() : end]
        value = _number(match["number"]) * {"万": 10**4, "亿": 10**8, None: 1}[match["multiplier"]]
        unit = _UNITS[match["unit"]]
        said = next(((word, b) for word, b in _PREFIX_BOUNDS if before.endswith(word)), None)
        prefix, bound = said if said else ("", None)
        written = re.sub(r"\s+", " ", text[match.start() : match.end()]).strip()
        if unit == "months" and before.endswith("近"):
            figures.append(Figure(value, "window", None, f"近{written}内"))
            continue
        if unit == "months":
            value *= 12
        suffix = ""
        if after.startswith("或多"):
            bound, suffix = AT_LEAST, "或多"
        elif "以上" in _STOP.split(after, maxsplit=1)[0]:
            bound, suffix = bound or AT_LEAST, "以上"
        figures.append(Figure(value, unit, bound, f"{prefix}{written}{suffix}"))
    return figures


def rule_thresholds(condition: Condition) -> list[Figure]:
    """The thresholds a condition's rule requires, as figures (none for qualitative kinds)."""
    figures = []
    bound = MORE_THAN if condition.kind == "more_than" else AT_LEAST
    for required in condition.required:
        if isinstance(required, Money):
            unit, value = required.currency, required.amount
        elif isinstance(required, Percent):
            unit, value = "percent", Decimal(required.value)
        elif isinstance(required, Months):
            unit, value = "months", Decimal(required.value)
        elif isinstance(required, int) and not isinstance(required, bool):
            term = vocab.FIGURES.get(condition.subject[0]) if condition.subject else None
            unit, value = (term.unit if term and term.unit == "m2" else "count"), Decimal(required)
        else:
            continue
        figures.append(Figure(value, unit, bound, f"{condition.kind} {shown(value, unit)}"))
    if condition.years is not None and condition.kind != "annual_at_least":  # 每年度: a reading's window
        figures.append(Figure(Decimal(condition.years), "window", None, f"近{condition.years}年内"))
    return figures


def shown(value: Decimal, unit: str) -> str:
    """A threshold as the catalogue would write it: 8000万 CNY, 1亿 USD, 30%, 12 months."""
    if unit in ("CNY", "USD"):
        if value >= 10**8 and value % 10**4 == 0:
            return f"{(value / 10**8).normalize():f}亿 {unit}"
        if value >= 10**4 and value % 10**2 == 0:
            return f"{(value / 10**4).normalize():f}万 {unit}"
        return f"{value:f} {unit}"
    return {"percent": f"{value}%", "months": f"{value} months", "m2": f"{value} m2"}.get(unit, f"{value}")


def is_existence(threshold: Figure) -> bool:
    """Whether a threshold states existence rather than a figure (有, 设有, 拥有, 无亏损, 服务出口类企业),
    which the text need not state: at least one of a count, or an amount above or not below zero."""
    if threshold.unit == "count":
        return threshold.value == 1 and threshold.bound == AT_LEAST
    return threshold.unit in ("CNY", "USD") and threshold.value == 0


def matches(threshold: Figure, figure: Figure) -> bool:
    """Whether a rule's threshold is the clause's figure: same value and unit, and the same bound
    where the text says one."""
    return threshold.key == figure.key and (figure.bound is None or threshold.bound in (None, figure.bound))
