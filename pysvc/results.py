"""Result objects: what the engine answers, before any rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from .amounts import Money
from .facts import EntityFacts
from .kb import Clause

Status = Literal["eligible", "not_eligible", "undetermined", "out_of_scope"]
ConditionStatus = Literal["met", "failed", "unknown"]


@dataclass(frozen=True)
class Share:
    """An exact ratio found in the facts (part / whole)."""

    part: Fraction
    whole: Fraction

    @property
    def percent(self) -> Decimal | None:
        if self.whole == 0:
            return None
        ratio = self.part / self.whole * 100
        return (Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(Decimal("0.01"))


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

    @property
    def gap(self) -> Money | int | Decimal | None:
        """The smallest increase of the value found that would meet the condition, where both the
        value found and the value required are numbers (for 超过, one cent or one unit more than
        the difference; for shares, percentage points; for counts that must be zero, the count)."""
        if self.status != "failed" or not self.condition.required:
            return None
        required = self.condition.required[0]
        strict = self.condition.kind == "more_than"
        values = [v.value if isinstance(v, YearValue) else v for v in self.found]
        if isinstance(required, Percent):
            shares = [v.percent for v in values if isinstance(v, Share) and v.percent is not None]
            return Decimal(required.value) - min(shares) if shares else None
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


@dataclass(frozen=True)
class Assessment:
    """Every programme's answer for one entity and one application year."""

    entity: EntityFacts
    year: int
    catalogue: Catalogue
    programmes: tuple[ProgrammeResult, ...] = field(default_factory=tuple)

    def programme(self, programme_id: str) -> ProgrammeResult:
        for result in self.programmes:
            if result.programme.id == programme_id:
                return result
        raise KeyError(programme_id)
