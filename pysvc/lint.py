"""`svctrade lint`: checks the knowledge base against the catalogue text it encodes.

1. every line of every 培育重点 section of kb/<version>/source.md is covered by a clause comment;
2. every clause comment is verbatim source text and is encoded by at least one condition;
3. every condition cites an existing clause, has a kind, and is used by a route or as a preference;
4. the programmes are exactly those of kb/<version>/programmes.md;
5. no preference (优先/鼓励) is required by any route, every threshold is in the unit of its figure,
   and clingo reports nothing undefined beyond the input predicates (a misspelt predicate);
6. every threshold of a rule is a figure its clause states (value, unit, currency, 以上/超过), and every
   figure a clause states is required by a rule under it (pysvc/figures.py), but for the figures
   listed in FIGURES_READ_IN with the reason they need no threshold of their own;
7. the header of every .lp file names the folder's version (《…（2025年版）》 in kb/2025) and
   source.md is the text of that version;
8. every route of every programme is met by a witness fact set built from its own thresholds
   (values exactly at 以上 thresholds, one cent or one unit above 超过 ones), and no programme is
   met by an entity that gives nothing but its business line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import vocabulary as vocab
from .amounts import Money, magnitude
from .engine import Engine
from .facts import Agreement, EntityFacts, Finding
from .figures import clause_figures, is_existence, matches, rule_thresholds
from .kb import Clause, header_length, kb_dir, read_clauses
from .results import Catalogue, Condition, Months, Programme, Route

_CHAPTER = re.compile(r"^#*\s*\**[一二三四五六七八九十]+、")
_PROGRAMME_ROW = re.compile(r"^\|\s*([0-9][0-9.]*)\s*\|")


def normalise(text: str) -> str:
    """Text compared without whitespace, markdown emphasis or list bullets."""
    text = re.sub(r"(?m)^\s*-\s+", "", text)
    return re.sub(r"[\s*]", "", text)


def focus_lines(source: str) -> list[tuple[int, str]]:
    """(line number, text) of every item line under a 培育重点 heading."""
    lines, in_focus = [], False
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if _CHAPTER.match(stripped) or "促进目标" in stripped:
            in_focus = False
        elif "培育重点" in stripped:
            in_focus = True
        elif in_focus and stripped and not stripped.startswith("#") and not re.fullmatch(r"\*\*.*\*\*", stripped):
            lines.append((number, stripped))
    return lines


def programme_ids(table: str) -> list[str]:
    """The programme ids of a programmes.md table."""
    return [m[1] for line in table.splitlines() if (m := _PROGRAMME_ROW.match(line))]


@dataclass
class _Witness:
    """Facts under construction for one route."""

    figures: dict[str, Money | int] = field(default_factory=dict)
    years: dict[int, dict[str, Money | int]] = field(default_factory=lambda: defaultdict(dict))
    items: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    findings: dict[str, Finding] = field(default_factory=dict)
    attributes: dict[str, object] = field(default_factory=dict)
    agreements: list[Agreement] = field(default_factory=list)

    def at_least(self, measure: str, value: Money | int) -> None:
        current = self.figures.get(measure)
        if current is None or magnitude(value) > magnitude(current):
            self.figures[measure] = value


def _above(value: Money | int) -> Money | int:
    return Money(value.currency, value.amount + Decimal("0.01")) if isinstance(value, Money) else value + 1


def _add_condition(w: _Witness, c: Condition, year: int) -> None:
    req = c.required
    if c.kind in ("at_least", "at_least_by_last_year"):
        w.at_least(c.subject[0], req[0])  # type: ignore[arg-type]
    elif c.kind == "more_than":
        w.at_least(c.subject[0], _above(req[0]))  # type: ignore[arg-type]
    elif c.kind in ("at_least_in_recent_years", "annual_at_least", "total_in_recent_years"):
        for back in (1, 2, 3):
            w.years[year - back][c.subject[0]] = req[0]  # type: ignore[assignment]
    elif c.kind == "none_in_recent_years":
        for back in (0, 1, 2, 3):
            w.years[year - back][c.subject[0]] = 0
    elif c.kind == "share_at_least":
        part, whole = c.subject
        w.figures.setdefault(whole, 100)
        w.figures.setdefault(part, 0)
    elif c.kind == "holds_item":
        w.items[c.subject[0]].add(str(req[0]))
    elif c.kind == "attribute_in":
        w.attributes[c.subject[0]] = req[0]
    elif c.kind == "found":
        w.findings[c.subject[0]] = Finding(True)
    elif c.kind == "agreement_for":
        months = req[0].value if isinstance(req[0], Months) else 12
        start = dt.date(year - 2, 1, 1)
        end = start.replace(year=start.year + months // 12 + 1)
        flags = {f: True for f in c.flags}
        w.agreements.append(Agreement("witness", c.subject[0], start, end, **flags))


def witness(
    programme: Programme, route: Route, catalogue: Catalogue, kind: str, year: int = 2024, label: str = ""
) -> EntityFacts:
    """Facts that should meet `route`, built from the route's own conditions."""
    w = _Witness()
    chosen = list(route.conditions) + [members[0] for members in route.groups.values()]
    conditions = [catalogue.conditions[c] for c in chosen]
    for c in conditions:
        _add_condition(w, c, year)
    for c in conditions:  # shares last: the part equals the whole (100 %)
        if c.kind == "share_at_least":
            part, whole = c.subject
            w.figures[part] = max(w.figures[part], w.figures[whole], key=magnitude)
            w.figures[whole] = w.figures[part]
    last = w.years[year - 1]
    for measure, value in w.figures.items():
        last.setdefault(measure, value)
    lines = set(programme.scope[:1]) | w.items.pop("business_lines", set())
    return EntityFacts(
        source=f"<witness {programme.id}{label}>",
        name="witness",
        kind=kind,
        year=year,
        business_lines=tuple(sorted(lines)),
        district=w.attributes.get("district"),  # type: ignore[arg-type]
        independent_legal_person=w.attributes.get("independent_legal_person") in (True, "true"),
        figures={y: dict(v) for y, v in w.years.items()},
        items={k: frozenset(v) for k, v in w.items.items()},
        agreements=tuple(w.agreements),
        findings=w.findings,
    )


def lint(catalogue_name: str | None = None, engine: Engine | None = None) -> list[str]:
    """Every problem found; empty when the knowledge base is consistent with its catalogue.
    `catalogue_name`: a shipped version or a path to a KB folder; None is the newest version."""
    engine = engine or Engine(catalogue_name)
    catalogue = engine.catalogue
    folder = kb_dir(catalogue_name)
    problems: list[str] = _header_problems(folder, engine.version)
    source = (folder / "source.md").read_text(encoding="utf-8")
    flat_source = normalise(source)
    clauses = read_clauses(catalogue_name)
    cited = {c.clause.id for c in catalogue.conditions.values()}
    for clause in clauses.values():
        where = f"{clause.file}:{clause.line}"
        for part in clause.text.splitlines():
            if normalise(part) not in flat_source:
                problems.append(f"{where}: clause {clause.id} is not verbatim source text: {part[:40]}…")
        if clause.id not in cited:
            problems.append(f"{where}: clause {clause.id} is encoded by no condition")
    flat_clauses = [normalise(c.text) for c in clauses.values()]
    for number, line in focus_lines(source):
        if not any(normalise(line) in text for text in flat_clauses):
            problems.append(f"source.md:{number}: item not encoded by any clause: {line[:50]}")
    used = {c for p in catalogue.programmes.values() for r in p.routes.values() for c in r.members}
    used |= {c for p in catalogue.programmes.values() for c in p.preferences}
    for c in catalogue.conditions.values():
        if c.kind == "custom":
            problems.append(f"condition {c.id} has no kind (at_least, found, holds_item …)")
        if c.id not in used:
            problems.append(f"condition {c.id} is in no route and is no preference")
        problems += _unit_problems(c)
        if not re.fullmatch(rf"{re.escape(c.programme)}(\.[0-9.]*[0-9])?[a-z]*", c.id):
            problems.append(f"condition {c.id} does not start with its programme id {c.programme}")
    for p in catalogue.programmes.values():
        members = {m for r in p.routes.values() for m in r.members}
        for c in [*members, *p.preferences]:
            if c not in catalogue.conditions:
                problems.append(f"programme {p.id} uses undeclared condition {c}")
        if not p.routes:
            problems.append(f"programme {p.id} has no route")
        for c in p.preferences:
            if c in members:
                problems.append(f"programme {p.id}: preference {c} is also required by a route")
    expected = programme_ids((folder / "programmes.md").read_text(encoding="utf-8"))
    if list(catalogue.programmes) != expected:
        missing = sorted(set(expected) - set(catalogue.programmes))
        extra = sorted(set(catalogue.programmes) - set(expected))
        problems.append(f"programmes differ from programmes.md: missing {missing}, not listed {extra}")
    problems += _figure_problems(catalogue, clauses)
    problems += _clingo_problems(engine.kb_messages)
    problems += reading_doc_problems(catalogue)
    for name, reading in catalogue.interpretations.items():
        if not all(reading.question) or set(reading.meanings) != set(reading.options):
            problems.append(f"reading {name} needs interpretation_text and an interpretation_value_text per value")
    if not problems:
        problems += _witness_problems(engine, catalogue)
        for name, reading in catalogue.interpretations.items():
            for value in reading.options:
                if value != reading.default:
                    other = Engine(catalogue_name, {name: value})
                    changed = {p for p in catalogue.programmes if _shape(catalogue, p) != _shape(other.catalogue, p)}
                    problems += [f"[{name}={value}] {p}" for p in _witness_problems(other, other.catalogue, changed)]
    return problems


def _shape(catalogue: Catalogue, programme: str) -> tuple:
    """What a programme requires under a catalogue's readings: its routes and its conditions."""
    conditions = [c for c in catalogue.conditions.values() if c.programme == programme]
    return (
        repr(catalogue.programmes[programme].routes),
        [(c.id, c.kind, c.subject, c.required, c.years, c.flags, c.average) for c in conditions],
    )


_READING_HEADING = re.compile(r"^#+ .*— `(?P<name>[a-z_]+)`\s*$")


def reading_doc_problems(catalogue: Catalogue, doc: Path | None = None) -> list[str]:
    """docs/interpretations.md documents exactly the readings the KB offers, each of their values."""
    doc = doc or Path(__file__).resolve().parent.parent / "docs" / "interpretations.md"
    if not doc.is_file():  # an installed package ships no docs
        return []
    sections: dict[str, str] = {}
    name = None
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            match = _READING_HEADING.match(line)
            name = match["name"] if match else None
            if name:
                sections[name] = ""
        elif name:
            sections[name] += line + "\n"
    problems = []
    for name, reading in catalogue.interpretations.items():
        if name not in sections:
            problems.append(
                f"{doc.name}: reading {name} is offered but not documented (a heading ending in — `{name}`)"
            )
            continue
        problems += [
            f"{doc.name}: reading {name}: value {value} is not documented"
            for value in reading.options
            if f"`{value}`" not in sections[name]
        ]
    problems += [
        f"{doc.name}: documents reading {name}, which the knowledge base does not offer"
        for name in sections
        if name not in catalogue.interpretations
    ]
    return problems


#: Figures the 2023 text states that no rule requires as a threshold of its own, with the reason.
FIGURES_READ_IN: dict[tuple[str, str], str] = {
    ("1.2", "至少拥有1个"): "agreement_for asks for an agreement, that is at least one",
    ("6.3.4.2", "5 家以上"): "part of what counts as a fair in overseas_cultural_fairs (6.3.4.2a, vocabulary.py)",
    ("7.3", "近三年内"): "part of the assessor's finding tcm_sustained_three_years (7.3a)",
}


def _figure_problems(catalogue: Catalogue, clauses: dict[str, Clause]) -> list[str]:
    """Per clause, the thresholds its rules require that its text does not state, and the figures its
    text states that no rule under it requires (a rule changed without its clause, or the reverse)."""
    by_clause: dict[str, list[Condition]] = defaultdict(list)
    for c in catalogue.conditions.values():
        by_clause[c.clause.id].append(c)
    problems = []
    for clause_id, conditions in by_clause.items():
        clause = clauses[clause_id]
        figures = clause_figures(clause.text)
        thresholds = [(c, t) for c in conditions for t in rule_thresholds(c)]
        unstated = [
            f"condition {c.id} requires {t}"
            for c, t in thresholds
            if not any(matches(t, f) for f in figures)
            and not (is_existence(t) and not any(f.key == t.key for f in figures))
        ]
        unrequired = [
            str(f)
            for f in figures
            if not any(matches(t, f) for _, t in thresholds) and (clause_id, f.text) not in FIGURES_READ_IN
        ]
        sides = [f"{'; '.join(unstated)} — not in the clause text"] if unstated else []
        sides += [f"the text states {', '.join(unrequired)} — required by no rule"] if unrequired else []
        if sides:
            problems.append(
                f"{clause.file}:{clause.line}: clause {clause_id} and its rules disagree: {'; '.join(sides)}"
            )
    return problems


_TITLE = re.compile(r"目录\s*[（(](?P<version>[^（()）]+?)年版[）)]")


def _header_problems(folder: Path, version: str) -> list[str]:
    """The header of every .lp file names the folder's version; source.md is that version's text."""
    problems = []
    for path in sorted(folder.glob("*.lp")):
        lines = path.read_text(encoding="utf-8").splitlines()
        header = lines[: header_length(lines)]
        titles = [(n, m["version"]) for n, line in enumerate(header, 1) for m in _TITLE.finditer(line)]
        if not titles:
            problems.append(f"{path.name}:1: the header names no catalogue (expected 《…目录（{version}年版）》)")
        for number, title in titles:
            if title != version:
                problems.append(f"{path.name}:{number}: the header names the {title}年版 but the folder is {version}")
    source = folder / "source.md"
    if source.exists() and not any(m["version"] == version for m in _TITLE.finditer(source.read_text("utf-8"))):
        problems.append(f"source.md: not the text of the {version}年版 (replace it with that catalogue's text)")
    return problems


#: Predicates the engine adds (from fact files, and the switches `explain_all`, `detailed` and
#: `verdicts_only`):
#: undefined in the KB by design.
INPUT_PREDICATES = frozenset(
    {
        "entity",
        "application_year",
        "entity_kind",
        "figure",
        "has",
        "stated",
        "attribute",
        "finding",
        "agreement",
        "agreement_months",
        "agreement_end_year",
        "agreement_flag",
        "interpretation_choice",
        "explain_all",
        "detailed",
        "verdicts_only",
    }
)


def _clingo_problems(messages: list[str]) -> list[str]:
    """clingo's messages while reading the KB, but for the input predicates it cannot see defined
    (a misspelt predicate shows up here as an atom that occurs in no rule head)."""
    problems = []
    for message in messages:
        lines = message.strip().splitlines()
        atom = lines[-1].strip() if len(lines) > 1 else ""
        if "atom does not occur in any rule head" in message and atom.split("(")[0] in INPUT_PREDICATES:
            continue
        if "no atoms over signature occur in program" in message and atom in ("focus/2", "assume/2"):
            continue  # the shown atoms of the minimal-set enumeration: none without entities
        problems.append("clingo: " + " ".join(line.strip() for line in lines))
    return problems


def _unit_problems(c: Condition) -> list[str]:
    """A threshold must be in the unit of the figure it is compared with (no currency mixing)."""
    problems = []
    figure_kinds = (
        "at_least",
        "more_than",
        "at_least_in_recent_years",
        "none_in_recent_years",
        "annual_at_least",
        "total_in_recent_years",
        "at_least_by_last_year",
    )
    for measure in c.subject if c.kind in (*figure_kinds, "share_at_least") else ():
        term = vocab.FIGURES.get(measure)
        if term is None:
            problems.append(f"condition {c.id} reads {measure!r}, which is not a figure of the vocabulary")
            continue
        for required in c.required if c.kind in figure_kinds else ():
            unit = required.currency if isinstance(required, Money) else "count"
            if unit != term.unit and not (unit == "count" and term.unit == "m2"):
                problems.append(f"condition {c.id}: threshold in {unit} but {measure} is in {term.unit}")
    return problems


def _witness_problems(engine: Engine, catalogue: Catalogue, only: set[str] | None = None) -> list[str]:
    """Every route of every programme (of `only`) met by its witness; none met by an empty entity.
    All witnesses are assessed in one batch."""
    programmes = [p for p in catalogue.programmes.values() if only is None or p.id in only]
    checks: list[tuple[Programme, str | None, EntityFacts]] = []
    for p in programmes:
        for name, route in p.routes.items():
            checks.append((p, name, witness(p, route, catalogue, route.kind or p.kinds[0], label=f"/{name}")))
        empty = EntityFacts(
            source=f"<empty {p.id}>", name="empty", kind=p.kinds[0], year=2024, business_lines=p.scope[:1]
        )
        checks.append((p, None, empty))
    problems = []
    for (p, name, _), assessment in zip(checks, engine.assess(facts for _, _, facts in checks), strict=True):
        result = assessment.programme(p.id)
        if name is None and result.status == "eligible":
            problems.append(f"programme {p.id} is met by an entity that states nothing")
        elif name is not None and result.status != "eligible":
            failing = [c.condition.id for c in result.conditions if c.status != "met"]
            problems.append(f"programme {p.id} route {name}: the witness is {result.status} (not met: {failing})")
    return problems
