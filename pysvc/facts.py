"""Reading and validating fact files: YAML in, a typed `EntityFacts` out, or a `FactFileError`.

Every problem names the file, the field (as a dotted path) and what is expected. All problems of
a file are reported together; nothing is silently dropped.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import vocabulary as vocab
from .amounts import AmountError, Currency, Money, parse_count, parse_money

Figure = Money | int


class FactFileError(ValueError):
    """A fact file that cannot be used; `problems` holds one line per field."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


@dataclass(frozen=True)
class Finding:
    """An assessor's finding on a qualitative test."""

    value: bool
    assessor: str | None = None
    date: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True)
class Agreement:
    """A cooperation or service agreement, with its term in whole months."""

    counterparty: str
    counterparty_kind: str
    start: dt.date
    end: dt.date
    well_known: bool | None = None  # None: the file does not say
    overseas: bool | None = None

    @property
    def months(self) -> int:
        """Whole months from start to end, the end day included (1 Jan–31 Dec is 12)."""
        last = self.end + dt.timedelta(days=1)
        months = (last.year - self.start.year) * 12 + last.month - self.start.month
        return months - (1 if last.day < self.start.day else 0)


@dataclass(frozen=True)
class EntityFacts:
    """The validated content of one fact file."""

    source: str
    name: str
    kind: str
    year: int | None = None
    catalogue: str | None = None
    credit_code: str | None = None
    district: str | None = None
    independent_legal_person: bool | None = None
    business_lines: tuple[str, ...] = ()
    figures: Mapping[int, Mapping[str, Figure]] = field(default_factory=dict)
    #: certifications, licences, recognitions, registered_scope -> items; a section absent from the
    #: file is absent here (unknown, not empty). Business lines are always stated: what is declared.
    items: Mapping[str, frozenset[str]] = field(default_factory=dict)
    agreements: tuple[Agreement, ...] | None = None
    findings: Mapping[str, Finding] = field(default_factory=dict)


ITEM_SECTIONS: dict[str, dict[str, vocab.Term]] = {
    "certifications": vocab.CERTIFICATIONS,
    "licences": vocab.LICENCES,
    "recognitions": vocab.RECOGNITIONS,
    "registered_scope": vocab.REGISTERED_SCOPE,
}


class _Reader:
    """Collects problems while walking one fact file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def keys(self, path: str, mapping: object, allowed: Mapping[str, object]) -> dict[str, Any]:
        """The mapping, with unknown keys reported (with a 'did you mean' hint)."""
        if not isinstance(mapping, dict):
            self.problem(path, f"expected a mapping, got {_kind(mapping)}")
            return {}
        for key in mapping:
            if str(key) not in allowed:
                self.problem(_join(path, str(key)), f"unknown key{_hint(str(key), allowed)}")
        return {str(k): v for k, v in mapping.items() if str(k) in allowed}

    def enum(self, path: str, value: object, allowed: Mapping[str, object]) -> str | None:
        if isinstance(value, str) and value in allowed:
            return value
        choices = ", ".join(allowed)
        self.problem(path, f"unknown value {value!r}{_hint(str(value), allowed)}; expected one of: {choices}")
        return None

    def enum_list(self, path: str, value: object, allowed: Mapping[str, object]) -> list[str]:
        if not isinstance(value, list):
            self.problem(path, f"expected a list, got {_kind(value)}")
            return []
        found = [self.enum(f"{path}[{i}]", v, allowed) for i, v in enumerate(value)]
        return [v for v in found if v is not None]

    def text(self, path: str, value: object) -> str | None:
        if isinstance(value, str) and value.strip():
            return value
        self.problem(path, f"expected text, got {_kind(value)}")
        return None

    def boolean(self, path: str, value: object) -> bool | None:
        if isinstance(value, bool):
            return value
        self.problem(path, f"expected true or false, got {_kind(value)}")
        return None

    def date(self, path: str, value: object) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(path, f"expected a date such as 2023-01-31, got {_kind(value)}")
        return None

    def year(self, path: str, value: object) -> int | None:
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 1990 <= value <= 2100:
            return value
        self.problem(path, f"expected a year such as 2024, got {_kind(value)}")
        return None

    def parsed(self, path: str, parse: Callable[[], Figure]) -> Figure | None:
        try:
            return parse()
        except AmountError as exc:
            self.problem(path, str(exc))
            return None


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool | int | float | str):
        return repr(value)
    return type(value).__name__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _hint(key: str, allowed: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def load_fact_file(path: str | Path) -> EntityFacts:
    """Read, parse and validate one fact file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FactFileError(source, [f"cannot read the file ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise FactFileError(source, ["the file is not UTF-8 text"]) from None
    return parse_fact_text(text, source)


def parse_fact_text(text: str, source: str = "<facts>") -> EntityFacts:
    """Parse and validate fact-file YAML text."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise FactFileError(source, [f"{where}malformed YAML ({problem})"]) from None
    return validate_facts(data, source)


def validate_facts(data: object, source: str = "<facts>") -> EntityFacts:
    """Validate already-parsed YAML data."""
    r = _Reader(source)
    top = r.keys("", data, vocab.TOP_LEVEL) if data is not None else {}
    if data is None:
        r.problem("(file)", "empty; a fact file needs at least `entity: {name: …, kind: …}`")
    entity = r.keys("entity", top.get("entity", {}), vocab.ENTITY_FIELDS)
    if "entity" not in top and data is not None:
        r.problem("entity", "missing; give at least `name` and `kind`")
    name = r.text("entity.name", entity.get("name")) if "entity" in top else None
    kind = r.enum("entity.kind", entity.get("kind"), vocab.ENTITY_KINDS) if "entity" in top else None
    credit = entity.get("credit_code")
    if credit is not None and not (isinstance(credit, str) and len(credit) == 18 and credit.isalnum()):
        r.problem("entity.credit_code", f"expected the 18-character unified social credit code, got {_kind(credit)}")
    district = r.enum("entity.district", entity["district"], vocab.DISTRICTS) if "district" in entity else None
    legal = entity.get("independent_legal_person")
    legal_person = r.boolean("entity.independent_legal_person", legal) if legal is not None else None
    year = r.year("year", top["year"]) if "year" in top else None
    catalogue = str(top["catalogue"]) if "catalogue" in top else None
    lines = r.enum_list("business_lines", top.get("business_lines", []), vocab.BUSINESS_LINES)
    items = {
        section: frozenset(r.enum_list(section, top[section], terms))
        for section, terms in ITEM_SECTIONS.items()
        if section in top
    }
    facts = EntityFacts(
        source=source,
        name=name or "",
        kind=kind or "",
        year=year,
        catalogue=catalogue,
        credit_code=credit if isinstance(credit, str) else None,
        district=district,
        independent_legal_person=legal_person,
        business_lines=tuple(lines),
        figures=_figures(r, top.get("figures", {})),
        items=items,
        agreements=_agreements(r, top["agreements"]) if "agreements" in top else None,
        findings=_findings(r, top.get("findings", {})),
    )
    if r.problems:
        raise FactFileError(source, r.problems)
    return facts


def _figures(r: _Reader, raw: object) -> dict[int, dict[str, Figure]]:
    if not isinstance(raw, dict):
        r.problem("figures", f"expected a mapping of years to figures, got {_kind(raw)}")
        return {}
    result: dict[int, dict[str, Figure]] = {}
    allowed = {**vocab.FIGURES, "currency": None}
    for key, block in raw.items():
        year = r.year(f"figures.{key}", key)
        path = f"figures.{key}"
        values = r.keys(path, block, allowed)
        default: Currency | None = None
        if "currency" in values:
            default = r.enum(f"{path}.currency", values.pop("currency"), {"CNY": 1, "USD": 1})  # type: ignore[assignment]
        parsed: dict[str, Figure] = {}
        for measure, value in values.items():
            figure = _figure(r, f"{path}.{measure}", vocab.FIGURES[measure], value, default)
            if figure is not None:
                parsed[measure] = figure
        if year is not None:
            result[year] = parsed
    return result


def _figure(r: _Reader, path: str, term: vocab.Term, value: object, default: Currency | None) -> Figure | None:
    if term.unit in ("count", "m2"):
        return r.parsed(path, lambda: parse_count(value))
    money = r.parsed(path, lambda: parse_money(value, default, term.signed))
    if isinstance(money, Money) and money.currency != term.unit:
        r.problem(
            path,
            f"given in {money.currency} but {term.zh} is compared with thresholds in {term.unit}; "
            f"state it in {term.unit} (svctrade never converts currencies)",
        )
        return None
    return money


def _agreements(r: _Reader, raw: object) -> tuple[Agreement, ...]:
    if not isinstance(raw, list):
        r.problem("agreements", f"expected a list of agreements, got {_kind(raw)}")
        return ()
    result = []
    for i, item in enumerate(raw):
        path = f"agreements[{i}]"
        fields = r.keys(path, item, vocab.AGREEMENT_FIELDS)
        missing = [k for k in ("counterparty", "counterparty_kind", "start", "end") if k not in fields]
        if isinstance(item, dict) and missing:
            r.problem(path, f"missing {', '.join(missing)}")
            continue
        if not fields:
            continue
        party = r.text(f"{path}.counterparty", fields["counterparty"])
        kind = r.enum(f"{path}.counterparty_kind", fields["counterparty_kind"], vocab.COUNTERPARTIES)
        start, end = r.date(f"{path}.start", fields["start"]), r.date(f"{path}.end", fields["end"])
        flags = {k: r.boolean(f"{path}.{k}", fields[k]) for k in ("well_known", "overseas") if k in fields}
        if start and end and end < start:
            r.problem(f"{path}.end", f"ends ({end}) before it starts ({start})")
        elif party and kind and start and end:
            result.append(Agreement(party, kind, start, end, **flags))
    return tuple(result)


def _findings(r: _Reader, raw: object) -> dict[str, Finding]:
    values = r.keys("findings", raw, vocab.FINDINGS)
    result = {}
    for topic, value in values.items():
        path = f"findings.{topic}"
        if isinstance(value, bool):
            result[topic] = Finding(value)
            continue
        detail = r.keys(path, value, vocab.FINDING_FIELDS)
        if isinstance(value, dict) and "value" not in detail:
            r.problem(f"{path}.value", "missing; the finding itself is true or false")
            continue
        if not detail:
            continue
        verdict = r.boolean(f"{path}.value", detail["value"])
        when = r.date(f"{path}.date", detail["date"]) if "date" in detail else None
        assessor = r.text(f"{path}.assessor", detail["assessor"]) if "assessor" in detail else None
        note = r.text(f"{path}.note", detail["note"]) if "note" in detail else None
        if verdict is not None:
            result[topic] = Finding(verdict, assessor, when, note)
    return result
