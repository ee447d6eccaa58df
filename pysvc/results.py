"""Result objects: what the engine answers, before any rendering."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from fractions import Fraction
from typing import Literal

from .amounts import Money
from .facts import EntityFacts
from .kb import Clause
from .vocabulary import FIGURES

Status = Literal["eligible", "not_eligible", "undetermined", "out_of_scope"]
ConditionStatus = Literal["met", "failed", "unknown"]
#: Why a programme is out of scope: the entity's kind is not one it applies to (nothing the entity
#: can do changes that), or the entity did not declare any of its business lines.
ScopeReason = Literal["entity_kind", "business_not_declared"]
#: Condition kinds that state what the applicant *is* (its kind, its field of business, its licensed
#: scope, where it is registered), as opposed to what it can do or document.
APPLICANT_KINDS = ("in_scope", "attribute_in")
APPLICANT_SECTIONS = ("business_lines", "registered_scope")


def fraction_decimal(value: Fraction, places: int, rounding: str) -> Decimal:
    """`value` as a decimal of at most `places` places, rounded in the given direction."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=rounding)


@dataclass(frozen=True)
class Share:
    """An exact ratio found in the facts (part / whole)."""

    part: Fraction
    whole: Fraction

    @property
    def ratio(self) -> Fraction | None:
        """The exact share in percent."""
        return None if self.whole == 0 else self.part / self.whole * 100

    @property
    def percent(self) -> Decimal | None:
        """The share in percent, rounded *down* to 0.01: a share below a whole-percent threshold
        never reads as reaching it (69.996 % is 69.99 %, not 70 %)."""
        ratio = self.ratio
        return None if ratio is None else fraction_decimal(ratio, 2, ROUND_DOWN)


@dataclass(frozen=True)
class Percent:
    """A required share, in whole percent."""

    value: int


@dataclass(frozen=True)
class Months:
    """An agreement term in whole months."""

    value: int


@dataclass(frozen=True)
class YearValue:
    """A figure of one year, for conditions over several years."""

    year: int
    value: Money | int


Value = Money | int | str | bool | Share | Percent | Months | YearValue


@dataclass(frozen=True)
class ShareGap:
    """How far a share falls short: in percentage points (exact), and as the amount of the part
    still missing were the whole to stay as it is."""

    points: Fraction
    part: Money | int
    measure: str  # the part's figure


@dataclass(frozen=True)
class WindowGap:
    """How far a 近N年内 figure falls short: under `each_year`, every year below the threshold and
    by how much; under `average`, the mean found, its shortfall and the shortfall over the window."""

    years: tuple[YearValue, ...] = ()
    mean: Money | Fraction | None = None
    per_year: Money | int | None = None
    window: Money | int | None = None


Gap = Money | int | ShareGap | WindowGap


@dataclass(frozen=True)
class AgreementEvidence:
    """An agreement a condition considered, and why it did or did not count."""

    counterparty: str
    counterparty_kind: str
    start: dt.date
    end: dt.date
    months: int
    #: why it does not count: "short" (term below the minimum), "ended" (ended before 上年度),
    #: "<flag>:false" (a required property it lacks), "<flag>:unstated" (one the file leaves open)
    reasons: tuple[str, ...] = ()

    @property
    def counts(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class FindingEvidence:
    """An assessor's finding that decides a condition, with who found it, when and why."""

    topic: str
    value: bool
    assessor: str | None = None
    date: dt.date | None = None
    note: str | None = None


Evidence = AgreementEvidence | FindingEvidence


@dataclass(frozen=True)
class Condition:
    """One test of the catalogue, as the knowledge base encodes it."""

    id: str
    programme: str
    clause: Clause
    kind: str  # at_least, more_than, share_at_least, holds_item, found, …
    subject: tuple[str, ...]  # measures, section, topic or attribute it reads
    required: tuple[Value, ...]
    flags: tuple[str, ...] = ()
    years: int | None = None  # the window of 近N年内 conditions
    average: bool = False  # 近N年内 read as the mean over the window (recent_years=average)
    reading: str | None = None  # the named reading that sets this condition's window of years

    @property
    def about_applicant(self) -> bool:
        """Whether the condition states what the applicant is (kind, field, licensed scope, place)
        rather than something it can do or document: no applicant can simply obtain it."""
        if self.kind in APPLICANT_KINDS:
            return True
        return self.kind == "holds_item" and self.subject[0] in APPLICANT_SECTIONS


@dataclass(frozen=True)
class Route:
    """One alternative way to meet a programme: every condition of `conditions`, and one
    condition of each group."""

    conditions: tuple[str, ...]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kind: str | None = None  # the one entity kind the route is open to, if restricted
    zh: str = "全部条件"
    en: str = "all conditions"

    def completed_by(self, true: set[str], groups_met: frozenset[str] = frozenset()) -> bool:
        """Whether the route is met when exactly the conditions in `true` are met; `groups_met` names
        groups met without any one member being met (每年度 alternatives that differ by year)."""
        return set(self.conditions) <= true and all(
            name in groups_met or set(g) & true for name, g in self.groups.items()
        )

    @property
    def members(self) -> tuple[str, ...]:
        return self.conditions + tuple(c for g in self.groups.values() for c in g)


@dataclass(frozen=True)
class Programme:
    """One programme: its routes (alternatives) and its preferences (rank, never required)."""

    id: str
    zh: str
    en: str
    routes: dict[str, Route]
    preferences: tuple[str, ...]
    scope: tuple[str, ...]
    kinds: tuple[str, ...]

    @property
    def chapter(self) -> int:
        return int(self.id.split(".")[0])


@dataclass(frozen=True)
class Interpretation:
    """A named reading of an open question and the value in force."""

    name: str
    options: tuple[str, ...]
    default: str
    chosen: str
    #: the question, in 中文 and English
    question: tuple[str, str] = ("", "")
    #: what each option means, in 中文 and English
    meanings: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    """The encoded catalogue: programmes, conditions and readings, in catalogue order."""

    version: str
    programmes: dict[str, Programme]
    conditions: dict[str, Condition]
    interpretations: dict[str, Interpretation]


@dataclass(frozen=True)
class ConditionResult:
    """A condition's state for one entity, with the values that decided it."""

    condition: Condition
    status: ConditionStatus
    found: tuple[Value, ...] = ()
    needs: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    @property
    def gap(self) -> Gap | None:
        """The smallest increase of the value found that would meet the condition, where both the
        value found and the value required are numbers (for 超过, one cent or one unit more than
        the difference; for shares, a `ShareGap`; for 近N年内 figures, a `WindowGap`; for counts
        that must be zero, the count)."""
        if self.status != "failed" or not self.condition.required:
            return None
        required = self.condition.required[0]
        if isinstance(required, Percent):
            return self._share_gap(required)
        kind = self.condition.kind
        if kind in ("at_least_in_recent_years", "annual_at_least") and isinstance(required, Money | int):
            return self._window_gap(required)
        strict = kind == "more_than"
        values = [v.value if isinstance(v, YearValue) else v for v in self.found]
        if kind in ("total_in_recent_years", "at_least_by_last_year"):  # short by the total, or the best year
            numbers = [_number(v) for v in values]
            if not numbers:
                return None
            reached = sum(numbers) if kind == "total_in_recent_years" else max(numbers)
            return _like(required, _number(required) - reached)
        if isinstance(required, Money):
            amounts = [v.amount for v in values if isinstance(v, Money) and v.currency == required.currency]
            step = Decimal("0.01") if strict else Decimal(0)
            return Money(required.currency, required.amount - min(amounts) + step) if amounts else None
        if isinstance(required, int) and not isinstance(required, bool):
            counts = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
            if self.condition.kind == "none_in_recent_years":
                return max(counts) if counts else None
            return required - min(counts) + int(strict) if counts else None
        return None

    def _share_gap(self, required: Percent) -> ShareGap | None:
        share = next((v for v in self.found if isinstance(v, Share) and v.ratio is not None), None)
        if share is None or share.ratio is None:
            return None
        missing = Fraction(required.value, 100) * share.whole - share.part
        measure = self.condition.subject[0]
        unit = FIGURES[measure].unit
        part = _like(Money(unit, Decimal(0)), missing) if unit in ("CNY", "USD") else math.ceil(missing)
        return ShareGap(Fraction(required.value) - share.ratio, part, measure)

    def _window_gap(self, required: Money | int) -> WindowGap:
        years = [v for v in self.found if isinstance(v, YearValue)]
        values = [_number(y.value) for y in years]
        if not self.condition.average:
            short = tuple(
                YearValue(y.year, _like(required, _number(required) - v))
                for y, v in zip(years, values, strict=True)
                if v < _number(required)
            )
            return WindowGap(years=short)
        total = sum(values, Fraction(0))
        mean = total / len(values)
        per_year = _number(required) - mean
        return WindowGap(
            mean=_like(required, mean, rounding=ROUND_DOWN),
            per_year=_like(required, per_year),
            window=_like(required, _number(required) * len(values) - total),
        )


def _number(value: Money | int) -> Fraction:
    return Fraction(value.amount) if isinstance(value, Money) else Fraction(value)


def _like(model: Money | int, value: Fraction, rounding: str = ROUND_CEILING) -> Money | int:
    """`value` in the unit of `model`: money to the cent, counts whole, rounded up unless told."""
    if isinstance(model, Money):
        return Money(model.currency, fraction_decimal(value, 2, rounding))
    return math.ceil(value) if rounding == ROUND_CEILING else math.floor(value)


@dataclass(frozen=True)
class ProgrammeResult:
    """The answer for one programme."""

    programme: Programme
    status: Status
    explained: bool
    route: str | None = None
    because: tuple[ConditionResult, ...] = ()
    missing: tuple[tuple[ConditionResult, ...], ...] = ()
    #: for each missing set, the routes it would complete
    missing_routes: tuple[tuple[str, ...], ...] = ()
    preferences: tuple[ConditionResult, ...] = ()
    conditions: tuple[ConditionResult, ...] = ()
    scope_reason: ScopeReason | None = None  # out of scope only

    def verdict(self) -> Verdict:
        """The answer without its explanation."""
        missing = tuple(tuple(c.condition.id for c in s) for s in self.missing)
        return Verdict(self.programme.id, self.status, self.explained, self.route, missing)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A programme's answer without the explanation: status, route and the minimal sets as condition
    ids (``<programme>/scope`` stands for declaring one of its business lines)."""

    programme: str
    status: Status
    explained: bool
    route: str | None = None
    missing: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Screening:
    """Every programme's verdict for one entity and one application year (`Engine.screen`)."""

    entity: EntityFacts
    year: int
    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True)
class Assessment:
    """Every programme's answer for one entity and one application year."""

    entity: EntityFacts
    year: int
    catalogue: Catalogue
    programmes: tuple[ProgrammeResult, ...] = field(default_factory=tuple)

    def screening(self) -> Screening:
        """The verdicts alone: what `Engine.screen` answers for the same entity."""
        return Screening(self.entity, self.year, tuple(r.verdict() for r in self.programmes))

    def programme(self, programme_id: str) -> ProgrammeResult:
        for result in self.programmes:
            if result.programme.id == programme_id:
                return result
        raise KeyError(programme_id)
