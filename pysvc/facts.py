"""Reading and validating fact files: YAML in, a typed `EntityFacts` out, or a `FactFileError`.

Every problem names the file, the line and column, the field (as a dotted path) and what is
expected. All problems of a file are reported together (up to `MAX_PROBLEMS`); nothing is silently
dropped. YAML is read by `pysvc.loader` within named limits; numbers and dates are read here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import vocabulary as vocab
from .amounts import AmountError, Currency, Money, magnitude, parse_count, parse_money, shown
from .loader import LIMITS, Document, Location, YamlProblem, join_path, read_yaml

Figure = Money | int

#: Years a fact file or --year may name.
FIRST_YEAR, LAST_YEAR = 1990, 2100
#: Problems reported per file; the rest are counted.
MAX_PROBLEMS = 50
#: What `check -` calls standard input.
STDIN_SOURCE = "<stdin>"


class FactFileError(ValueError):
    """A fact file that cannot be used; `problems` holds one ``field: what is expected`` line per
    problem and `locations` the line and column of each, where the file shows one."""

    def __init__(self, source: str, problems: list[str], locations: list[Location | None] | None = None) -> None:
        self.source = printable(source)
        self.problems = [printable(problem) for problem in problems]
        self.locations = locations or [None] * len(problems)
        super().__init__("\n".join(self.lines()))

    def located(self) -> list[str]:
        """One line per problem, ``line:column: field: what is expected`` where the file shows where."""
        return [f"{at}: {p}" if at else p for p, at in zip(self.problems, self.locations, strict=True)]

    def lines(self) -> list[str]:
        """One report line per problem: ``file:line:column: field: what is expected``."""
        located = zip(self.problems, self.locations, strict=True)
        return [f"{self.source}:{at}: {p}" if at else f"{self.source}: {p}" for p, at in located]


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with line breaks, control and bidi characters escaped, so it cannot forge report lines."""
    return _UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


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
        if (self.end.month, self.end.day) == (12, 31):  # the day after may be beyond dt.date.max
            last = (self.end.year + 1, 1, 1)
        else:
            after = self.end + dt.timedelta(days=1)
            last = (after.year, after.month, after.day)
        months = (last[0] - self.start.year) * 12 + last[1] - self.start.month
        return months - (1 if last[2] < self.start.day else 0)


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

    def __init__(self, source: str, locations: Mapping[str, Location] | None = None) -> None:
        self.source = source
        self.locations = locations or {}
        self.problems: list[str] = []
        self.where: list[Location | None] = []
        self.dropped = 0

    def problem(self, path: str, message: str | Callable[[], str], at: Location | None = None) -> None:
        """Record a problem of the field at `path` (written at `at`, by default where `path` was);
        a message that takes work to write (a hint) is given as a function, called only if shown."""
        if len(self.problems) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        self.problems.append(f"{printable(path)}: {message if isinstance(message, str) else message()}")
        self.where.append(at or self._location(path))

    def _location(self, path: str) -> Location | None:
        """Where `path` was written, or else its closest written ancestor."""
        while path:
            if path in self.locations:
                return self.locations[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.locations.get("")

    def error(self) -> FactFileError:
        problems, where = list(self.problems), list(self.where)
        if self.dropped:
            problems.append(f"(file): {self.dropped} more problem(s) not shown")
            where.append(None)
        return FactFileError(self.source, problems, where)

    def keys(self, path: str, mapping: object, allowed: Mapping[str, object]) -> dict[str, Any]:
        """The mapping, with unknown keys reported (with a 'did you mean' hint)."""
        if not isinstance(mapping, dict):
            self.problem(path, f"expected a mapping, got {_kind(mapping)}")
            return {}
        for key in mapping:
            if str(key) not in allowed:
                self.problem(join_path(path, str(key)), lambda key=key: f"unknown key{_hint(str(key), allowed)}")
        return {str(k): v for k, v in mapping.items() if str(k) in allowed}

    def enum(self, path: str, value: object, allowed: Mapping[str, object]) -> str | None:
        if isinstance(value, str) and value in allowed:
            return value

        def message() -> str:
            hint = _hint(value, allowed) if isinstance(value, str) else ""
            return f"unknown value {shown(value)}{hint}; expected one of: {', '.join(allowed)}"

        self.problem(path, message)
        return None

    def enum_list(self, path: str, value: object, allowed: Mapping[str, object]) -> list[str]:
        if not isinstance(value, list):
            self.problem(path, f"expected a list, got {_kind(value)}")
            return []
        found = [self.enum(f"{path}[{i}]", v, allowed) for i, v in enumerate(value)]
        return [v for v in found if v is not None]

    def text(self, path: str, value: object, lines: bool = False) -> str | None:
        """One line of text (`lines`: several), without control or bidi characters."""
        if not (isinstance(value, str) and value.strip()):
            self.problem(path, f"expected text, got {_kind(value)}")
            return None
        bad = _UNPRINTABLE.search(value.replace("\n", "").replace("\t", "") if lines else value)
        if bad:
            character = f"{shown(bad[0])} (U+{ord(bad[0]):04X} {unicodedata.name(bad[0], 'control')})"
            self.problem(path, f"contains {character}; expected {'text' if lines else 'one line of text'}")
            return None
        return value

    def boolean(self, path: str, value: object) -> bool | None:
        if isinstance(value, bool):
            return value
        self.problem(path, f"expected true or false, got {_kind(value)}")
        return None

    def date(self, path: str, value: object) -> dt.date | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value
        why = ""
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError as exc:
                why = f" ({exc})"
        self.problem(path, f"expected a date such as 2023-01-31, got {_kind(value)}{why}")
        return None

    def year(self, path: str, value: object) -> int | None:
        if isinstance(value, str) and len(value) == 4 and value.isdecimal():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and FIRST_YEAR <= value <= LAST_YEAR:
            return value
        self.problem(path, f"expected a year from {FIRST_YEAR} to {LAST_YEAR} such as 2024, got {_kind(value)}")
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
    if isinstance(value, bool | int | float | str | Decimal):
        return shown(str(value) if isinstance(value, Decimal) else value)
    return type(value).__name__


_STOP_WORDS = frozenset({"and", "or", "of", "the", "a", "an", "incl", "for", "to", "in", "by"})


def _words(text: str) -> frozenset[str]:
    """English words of a key or label, lower case, plural `s` dropped: `legal_services` -> legal, service."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in _STOP_WORDS)


def _likeness(given: str, key: str, term: object) -> float:
    """How well `given` names `key`: by spelling, by English words, or by its 中文 label."""
    score = difflib.SequenceMatcher(None, given, key).ratio()
    if isinstance(term, vocab.Term):
        words, named = _words(given), _words(f"{key} {term.en}")
        if words and named:
            score = max(score, len(words & named) / len(words | named), 0.9 * (words <= named))
        if not given.isascii():
            label = re.sub(r"（.*?）", "", term.zh)
            score = max(score, difflib.SequenceMatcher(None, given, label).ratio(), 0.9 * (given in term.zh))
    return score


def _hint(given: str, allowed: Mapping[str, object], cutoff: float = 0.6) -> str:
    """A 'did you mean' for a key or value not in `allowed`, or nothing when none is close."""
    if len(given) > 100:
        return ""
    scored = [(_likeness(given, key, term), key) for key, term in allowed.items()]
    best, key = max(scored, key=lambda item: item[0], default=(0.0, ""))
    return f" (did you mean {key!r}?)" if best >= cutoff else ""


def read_text(path: str | Path, max_bytes: int = LIMITS.max_bytes) -> str:
    """The UTF-8 text of a file (`-`: standard input), read no further than `max_bytes`."""
    source = str(path)
    try:
        if source == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(path, "rb") as stream:
                data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise FactFileError(_source(path), [f"(file): cannot read the file ({exc.strerror or exc})"]) from None
    return decoded(data, _source(path), max_bytes)


def decoded(data: bytes, source: str, max_bytes: int = LIMITS.max_bytes) -> str:
    """The text of a fact document's bytes: no more than `max_bytes`, UTF-8."""
    if len(data) > max_bytes:
        raise FactFileError(source, [f"(file): more than {max_bytes:,} bytes: over the size limit"])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FactFileError(source, ["(file): not UTF-8 text"]) from None


def _source(path: str | Path) -> str:
    return STDIN_SOURCE if str(path) == "-" else str(path)


def load_fact_file(path: str | Path) -> EntityFacts:
    """Read, parse and validate one fact file (`-`: standard input)."""
    return parse_fact_text(read_text(path), _source(path))


def parse_fact_text(text: str, source: str = "<facts>") -> EntityFacts:
    """Parse and validate fact-file YAML text."""
    try:
        document = read_yaml(text)
    except YamlProblem as exc:
        raise FactFileError(source, [f"(file): {exc.message}"], [exc.location]) from None
    return validate_facts(document.data, source, document)


def validate_facts(data: object, source: str = "<facts>", document: Document | None = None) -> EntityFacts:
    """Validate already-parsed YAML data (`document`: where each path was written, and the
    problems found while reading it)."""
    r = _Reader(source, document.locations if document else None)
    for path, message, at in document.problems if document else ():
        r.problem(path, message, at)
    if data is not None and not isinstance(data, dict):  # one message: nothing else can be read
        r.problem("(file)", f"expected a mapping of keys (year, entity, figures …), got {_kind(data)}")
        raise r.error()
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
    catalogue = _catalogue(r, top["catalogue"]) if "catalogue" in top else None
    lines = r.enum_list("business_lines", top.get("business_lines", []), vocab.BUSINESS_LINES)
    items = {
        section: frozenset(r.enum_list(section, top[section], terms))
        for section, terms in ITEM_SECTIONS.items()
        if section in top
    }
    facts = EntityFacts(
        source=printable(source),
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
    _contradictions(r, facts)
    if r.problems:
        raise r.error()
    return facts


def _contradictions(r: _Reader, facts: EntityFacts) -> None:
    """Figures and findings that cannot all be true (vocabulary.COUNT_EARNS, PART_OF, FINDING_ABOUT_ITEM)."""
    for year, figures in facts.figures.items():
        for count, amount in vocab.COUNT_EARNS:
            if figures.get(count) == 0 and amount in figures and magnitude(figures[amount]) > 0:
                r.problem(f"figures.{year}.{amount}", f"a positive amount beside {count}: 0; correct one of them")
        for part, whole in vocab.PART_OF:
            if part in figures and whole in figures and magnitude(figures[part]) > magnitude(figures[whole]):
                r.problem(f"figures.{year}.{part}", f"exceeds {whole} of the same year, of which it is a part")
    for topic, (section, item) in vocab.FINDING_ABOUT_ITEM.items():
        finding = facts.findings.get(topic)
        if finding is None or not finding.value:
            continue
        if item not in facts.items.get(section, ()):
            r.problem(f"findings.{topic}", f"is about an item the file must list: add `{item}` to `{section}`")
        if not finding.note:
            r.problem(f"findings.{topic}.note", "missing; name the certification or item the finding is about")


def _catalogue(r: _Reader, value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return r.text("catalogue", value)


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
        note = r.text(f"{path}.note", detail["note"], lines=True) if "note" in detail else None
        if verdict is not None:
            result[topic] = Finding(verdict, assessor, when, note)
    return result
