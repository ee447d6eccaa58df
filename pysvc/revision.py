"""Catalogue revisions: a new version scaffolded from an old one, and what changed between two, at
catalogue level (programmes, routes, clauses, conditions, thresholds) and for each entity (every
programme whose status, route or minimal missing sets change, with the conditions that caused it).

A version is a folder of kb/ named after it (kb/2023); a draft revision may live anywhere and is
named by its path. `new_version` copies a version with its headers retitled and its source.md marked
for replacement; lint fails until the folder holds the new catalogue's own text.
"""

from __future__ import annotations

import difflib
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from .amounts import Money
from .batch import assess_files, expand_paths
from .cases import CaseRunner, load_cases
from .facts import FactFileError
from .figures import rule_thresholds, shown
from .kb import Clause, header_length, kb_dir, kb_root
from .results import Assessment, Catalogue, Condition, Months, Percent, ProgrammeResult, Route, Value

SOURCE_MARKER = "<!-- svctrade new-version: replace this file with the verbatim text of the {name}年版 -->"


def retitle(text: str, old: str, new: str) -> str:
    """A .lp file with the version named in its header (the leading comment lines) changed."""
    lines = text.splitlines(keepends=True)
    header = header_length(lines)
    return "".join(line.replace(f"{old}年版", f"{new}年版") for line in lines[:header]) + "".join(lines[header:])


def new_version(name: str, source: str | None = None, into: Path | None = None) -> Path:
    """Scaffold catalogue `name` from `source` (a version or a KB folder) in `into` (default kb/):
    every file copied, headers retitled, source.md marked as still the old text."""
    if not re.fullmatch(r"[\w-]+", name):
        raise ValueError(f"a version is named by letters, digits, - or _ (such as 2025), not {name!r}")
    origin = kb_dir(source)
    old = origin.resolve().name
    target = (into or kb_root()) / name
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    shutil.copytree(origin, target)
    for path in target.glob("*.lp"):
        path.write_text(retitle(path.read_text(encoding="utf-8"), old, name), encoding="utf-8")
    programmes = target / "programmes.md"
    if programmes.exists():
        text = programmes.read_text(encoding="utf-8")
        programmes.write_text(text.replace(f"the {old} catalogue", f"the {name} catalogue"), encoding="utf-8")
    source_md = target / "source.md"
    text = source_md.read_text(encoding="utf-8") if source_md.exists() else ""
    source_md.write_text(SOURCE_MARKER.format(name=name) + "\n" + text, encoding="utf-8")
    return target


# -- what changed between two catalogues ---------------------------------------------------------
@dataclass(frozen=True)
class CatalogueChange:
    """One difference between two catalogues: a programme, route, preference, clause, condition or
    threshold added, removed, changed, raised or lowered."""

    item: str
    id: str
    change: str
    programme: str
    before: str = ""
    after: str = ""
    #: clauses: the text with its changes marked [-old-]{+new+}
    text_diff: str = ""
    #: clauses: the rules under it (in the head, else in the base), one line each
    rules: tuple[str, ...] = ()
    #: thresholds and conditions: whether the clause text they encode changed too
    clause_changed: bool | None = None
    #: clauses changed: whether any rule under them changed too
    rules_changed: bool | None = None

    def __str__(self) -> str:
        """One line: threshold raised: at_least(revenue, 8000万 CNY) → at_least(revenue, 1.3亿 CNY)."""
        sides = f"{self.before} → {self.after}" if self.before and self.after else self.before or self.after
        return f"{self.item} {self.change}: {sides}"


def value_text(value: Value) -> str:
    """A required value as the rules state it: 8000万 CNY, 30%, 12 months, 400."""
    if isinstance(value, Money):
        return shown(value.amount, value.currency)
    if isinstance(value, Percent):
        return f"{value.value}%"
    if isinstance(value, Months):
        return f"{value.value} months"
    return str(value)


def rule_text(condition: Condition) -> str:
    """A condition's rule on one line: at_least(revenue, 8000万 CNY)."""
    args = [*condition.subject, *map(value_text, condition.required), *condition.flags]
    if condition.years is not None:
        args.append(f"{condition.years} years")
    return f"{condition.kind}({', '.join(args)})"


def route_text(route: Route) -> str:
    """A route on one line: 2.1.1 + 2.1.2 + one of (6.1.1.1a | 6.1.1.1b)."""
    parts = [*route.conditions, *(f"one of ({' | '.join(g)})" for g in route.groups.values())]
    return " + ".join(parts) + (f" [{route.kind} only]" if route.kind else "")


def inline_diff(before: str, after: str) -> str:
    """`after` with what changed from `before` marked: [-removed-]{+added+}."""
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(before[i1:i2])
            continue
        parts.append(f"[-{before[i1:i2]}-]" if i2 > i1 else "")
        parts.append(f"{{+{after[j1:j2]}+}}" if j2 > j1 else "")
    return "".join(parts)


def _threshold_change(before: Condition, after: Condition) -> str:
    """raised, lowered or changed: how the one threshold of a condition moved."""
    old, new = before.required, after.required
    if len(old) == len(new) == 1:
        a, b = (rule_thresholds(c) for c in (before, after))
        if len(a) == len(b) == 1 and a[0].unit == b[0].unit:
            return "raised" if b[0].value > a[0].value else "lowered"
    return "changed"


def _clauses(catalogue: Catalogue) -> dict[str, tuple[Clause, str]]:
    """Every clause a condition encodes, with its programme, in catalogue order."""
    return {c.clause.id: (c.clause, c.programme) for c in catalogue.conditions.values()}


def catalogue_changes(base: Catalogue, head: Catalogue) -> list[CatalogueChange]:
    """Every difference between two catalogues, by programme in catalogue order."""
    conditions = list(_condition_changes(base, head))
    clauses = _clause_changes(base, head, {c.id for c in conditions})
    changes = [*_programme_changes(base, head), *conditions, *clauses]
    order = {"programme": 0, "route": 1, "preference": 2, "clause": 3, "condition": 4, "threshold": 5}
    return sorted(changes, key=lambda c: (_programme_key(c.programme), order[c.item], _programme_key(c.id)))


def _status(before: object, after: object) -> str:
    return "added" if before is None else "removed" if after is None else "changed"


def _programme_changes(base: Catalogue, head: Catalogue) -> Iterator[CatalogueChange]:
    """Programmes added, removed or retitled; their routes and preferences changed."""
    for pid in _union(base.programmes, head.programmes):
        old, new = base.programmes.get(pid), head.programmes.get(pid)
        if old is None or new is None:
            yield CatalogueChange(
                "programme", pid, _status(old, new), pid, old.zh if old else "", new.zh if new else ""
            )
            continue
        if (old.zh, old.en) != (new.zh, new.en):
            yield CatalogueChange("programme", pid, "changed", pid, old.zh, new.zh)
        for name in _union(old.routes, new.routes):
            a, b = old.routes.get(name), new.routes.get(name)
            if a != b:
                before, after = route_text(a) if a else "", route_text(b) if b else ""
                yield CatalogueChange("route", f"{pid}/{name}", _status(a, b), pid, before, after)
        if old.preferences != new.preferences:
            before, after = ", ".join(old.preferences), ", ".join(new.preferences)
            yield CatalogueChange("preference", pid, "changed", pid, before, after)


def _condition_changes(base: Catalogue, head: Catalogue) -> Iterator[CatalogueChange]:
    """Conditions added, removed or changed (kind, what they read), and thresholds moved; each
    changed one says whether its clause text changed with it."""
    for cid in _union(base.conditions, head.conditions):
        a, b = base.conditions.get(cid), head.conditions.get(cid)
        before, after = rule_text(a) if a else "", rule_text(b) if b else ""
        if a is None or b is None:
            yield CatalogueChange("condition", cid, _status(a, b), (a or b).programme, before, after)  # type: ignore[union-attr]
            continue
        reworded = a.clause.text != b.clause.text
        if (a.kind, a.subject, a.flags, a.years) != (b.kind, b.subject, b.flags, b.years):
            yield CatalogueChange("condition", cid, "changed", b.programme, before, after, clause_changed=reworded)
        elif a.required != b.required:
            moved = _threshold_change(a, b)
            yield CatalogueChange("threshold", cid, moved, b.programme, before, after, clause_changed=reworded)


def _clause_changes(base: Catalogue, head: Catalogue, changed_rules: set[str]) -> Iterator[CatalogueChange]:
    """Clauses added, removed or reworded, each with the rules under it (head, else base) and, when
    reworded, its text with the change marked and whether any rule under it changed."""
    old_clauses, new_clauses = _clauses(base), _clauses(head)
    for cid in _union(old_clauses, new_clauses):
        a, b = old_clauses.get(cid), new_clauses.get(cid)
        if a is not None and b is not None and a[0].text == b[0].text:
            continue
        catalogue, programme = (head, b[1]) if b else (base, a[1])  # type: ignore[index]
        conditions = [c.id for c in catalogue.conditions.values() if c.clause.id == cid]
        rules = tuple(f"{c} {rule_text(catalogue.conditions[c])}" for c in conditions)
        before, after = a[0].text if a else "", b[0].text if b else ""
        if a and b:
            rules_changed = any(c in changed_rules for c in conditions)
            yield CatalogueChange(
                "clause",
                cid,
                "changed",
                programme,
                before,
                after,
                inline_diff(before, after),
                rules,
                rules_changed=rules_changed,
            )
        else:
            yield CatalogueChange("clause", cid, _status(a, b), programme, before, after, rules=rules)


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """The keys of both, first's order first."""
    return list(dict.fromkeys([*first, *second]))


def _programme_key(identifier: str) -> tuple[tuple[int, int | str], ...]:
    """Ids in catalogue order: 2.1.1 < 2.1.1a < 2.1.2 < 10.1 (routes: 2.1/main)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.findall(r"\d+|[^\d./]+", identifier))


# -- what changed for each entity -----------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What a programme answers for one entity: status, route, every minimal missing set."""

    status: str
    route: str | None
    missing: tuple[tuple[str, ...], ...]

    def __str__(self) -> str:
        route = f" ({self.route})" if self.route else ""
        missing = " | ".join("{" + ", ".join(s) + "}" for s in self.missing)
        return f"{self.status}{route}" + (f", missing {missing}" if missing else "")

    @classmethod
    def of(cls, result: ProgrammeResult) -> Outcome:
        missing = tuple(tuple(c.condition.id for c in s) for s in result.missing)
        return cls(result.status, result.route, missing if result.status != "eligible" else ())


@dataclass(frozen=True)
class Cause:
    """A condition whose state or rule differs between the two runs."""

    condition: str
    before: str  # met, failed, unknown, or absent (no such condition)
    after: str
    rule: str = ""  # how its rule changed, e.g. "threshold raised: … → …"


@dataclass(frozen=True)
class OutcomeChange:
    """One programme whose status, route or minimal missing sets differ for one entity."""

    source: str
    entity: str
    programme: str
    before: Outcome | None  # None: the programme is not in that catalogue
    after: Outcome | None
    causes: tuple[Cause, ...] = ()
    case: str = ""  # the case's name, when the entity comes from a case file


@dataclass(frozen=True)
class _RuleChanges:
    """The catalogue changes an outcome change is traced to: per condition, how its rule changed;
    per programme, how its routes changed."""

    conditions: dict[str, str]
    routes: dict[str, str]

    @classmethod
    def of(cls, changes: Iterable[CatalogueChange]) -> _RuleChanges:
        conditions: dict[str, str] = {}
        routes: dict[str, list[str]] = defaultdict(list)
        for c in changes:
            if c.item in ("condition", "threshold"):
                conditions[c.id] = str(c)
            elif c.item == "route":
                routes[c.programme].append(f"{c.id} {c}")
        return cls(conditions, {pid: "; ".join(texts) for pid, texts in routes.items()})


def is_case_file(path: Path) -> bool:
    """Whether a YAML file is a list of cases rather than one fact file."""
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip() and not line.lstrip().startswith("#"):
                return line.startswith("-")
    return False


def outcome_changes(
    base: CaseRunner,
    head: CaseRunner,
    paths: Iterable[str | Path],
    year: int | None = None,
    changes: Iterable[CatalogueChange] = (),
) -> Iterator[OutcomeChange | FactFileError]:
    """Every programme whose outcome changes from `base` to `head` for the entities of fact files
    and case files (folders stand for their YAML files), with the conditions that caused it."""
    rules = _RuleChanges.of(changes)
    facts: list[Path] = []
    for path in expand_paths(paths):
        if path.is_file() and is_case_file(path):
            yield from _fact_changes(base, head, facts, year, rules)
            facts = []
            yield from _case_changes(base, head, path, rules)
        else:
            facts.append(path)
    yield from _fact_changes(base, head, facts, year, rules)


def _fact_changes(
    base: CaseRunner, head: CaseRunner, paths: list[Path], year: int | None, rules: _RuleChanges
) -> Iterator[OutcomeChange | FactFileError]:
    before, after = (assess_files(r.engine({}), paths, year) for r in (base, head))
    for old, new in zip(before, after, strict=True):
        if isinstance(old, FactFileError) or isinstance(new, FactFileError):
            yield old if isinstance(old, FactFileError) else new  # type: ignore[misc]
        else:
            yield from _compare(old, new, old.entity.source, rules)


def _case_changes(
    base: CaseRunner, head: CaseRunner, path: Path, rules: _RuleChanges
) -> Iterator[OutcomeChange | FactFileError]:
    try:
        cases = load_cases(path)
    except (OSError, ValueError, KeyError, yaml.YAMLError) as exc:
        yield FactFileError(str(path), [f"cannot read cases ({exc})"])
        return
    for (case, old, _), (_, new, _) in zip(base.run_all(cases), head.run_all(cases), strict=True):
        yield from _compare(old, new, case.source, rules, case.name)


def _compare(
    old: Assessment, new: Assessment, source: str, rules: _RuleChanges, case: str = ""
) -> Iterator[OutcomeChange]:
    was = {r.programme.id: r for r in old.programmes}
    now = {r.programme.id: r for r in new.programmes}
    for pid in _union(was, now):
        a, b = was.get(pid), now.get(pid)
        before, after = (Outcome.of(r) if r else None for r in (a, b))
        if before == after or all(o is None or o.status == "out_of_scope" for o in (before, after)):
            continue  # unchanged, or out of the entity's scope in both versions
        yield OutcomeChange(source, old.entity.name, pid, before, after, _causes(a, b, rules), case)


def _causes(old: ProgrammeResult | None, new: ProgrammeResult | None, rules: _RuleChanges) -> tuple[Cause, ...]:
    """The conditions whose state differs, whose rule changed while deciding either outcome, or
    which enter or leave the missing sets (by a change of route or reading)."""
    was = {c.condition.id: c.status for c in old.conditions} if old else {}
    now = {c.condition.id: c.status for c in new.conditions} if new else {}
    missing = [{c.condition.id for s in r.missing for c in s} if r else set() for r in (old, new)]
    deciding = {c.condition.id for r in (old, new) if r for c in r.because} | missing[0] | missing[1]
    route = rules.routes.get((new or old).programme.id, "")  # type: ignore[union-attr]
    causes = []
    for cid in sorted(_union(was, now), key=_programme_key):
        before, after = was.get(cid, "absent"), now.get(cid, "absent")
        rule = rules.conditions.get(cid, "")
        if before != after or (rule and cid in deciding):
            causes.append(Cause(cid, before, after, rule))
        elif (cid in missing[0]) != (cid in missing[1]):
            causes.append(Cause(cid, before, after, route))
    return tuple(causes)
