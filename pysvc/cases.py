"""Regression cases: YAML files whose entries name, as a full sentence, a fact set and the
outcomes *and* explanations expected of it.

    - name: A hotel with exactly 8000万元 revenue and 30 % overseas guests is eligible
      facts: {…a fact file, inline…}          # or  facts_file: facts/examples/x.yaml
      year: 2024                               # optional; else the facts' own year
      interpretations: {recent_years: average} # optional
      expect:
        "2.1":
          status: eligible                     # eligible | not_eligible | undetermined | out_of_scope
          route: main                          # the alternative taken (eligible only)
          missing: [["2.1.2"]]                 # every subset-minimal missing set, exactly
          conditions: {"2.1.1": met, "2.1.2": failed}
          preferences_met: ["2.1.3"]
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .engine import Engine
from .facts import EntityFacts, load_fact_file, validate_facts
from .results import Assessment, Catalogue

_EXPECT_KEYS = {"status", "route", "missing", "conditions", "preferences_met"}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same safe loading, in C where libyaml is there


@dataclass(frozen=True)
class Case:
    """One named expectation, and where it is written (file and line)."""

    name: str
    source: str  # file:line
    facts: EntityFacts
    expect: dict[str, dict[str, Any]]
    year: int | None = None
    interpretations: dict[str, str] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.source.rpartition(":")[0]

    @property
    def line(self) -> int:
        return int(self.source.rpartition(":")[2])


def load_cases(path: str | Path) -> list[Case]:
    """Read every case of one YAML file (a list of cases)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    entries = yaml.load(text, Loader=_LOADER)
    if not isinstance(entries, list):
        raise ValueError(f"{path}: a case file is a list of cases")
    lines = [node.start_mark.line + 1 for node in yaml.compose(text, Loader=yaml.SafeLoader).value]
    cases = []
    for entry, line in zip(entries, lines, strict=True):
        where = f"{path}:{line}"
        if "facts_file" in entry:
            named = Path(entry["facts_file"])
            facts = load_fact_file(named if named.exists() else path.parent / named)
        else:
            facts = validate_facts(entry["facts"], f"{where}: facts")
        for pid, expectation in entry["expect"].items():
            unknown = set(expectation) - _EXPECT_KEYS
            if unknown:
                raise ValueError(f"{where}: expect.{pid}: unknown keys {sorted(unknown)}")
        if entry.get("year") is None and facts.year is None:
            raise ValueError(f"{where}: no year (give `year:` in the case or in its facts)")
        cases.append(
            Case(
                name=entry["name"],
                source=where,
                facts=facts,
                expect={str(k): v for k, v in entry["expect"].items()},
                year=entry.get("year"),
                interpretations=entry.get("interpretations", {}),
            )
        )
    return cases


@dataclass(frozen=True)
class Discrepancy:
    """One way an assessment differs from what a case expects."""

    programme: str
    what: str  # status, route, missing sets, condition 2.1.1, preferences met, programme
    actual: Any
    expected: Any

    def __str__(self) -> str:
        return f"{self.programme}: {self.what} {self.actual}, expected {self.expected}"


def discrepancies(case: Case, assessment: Assessment) -> Iterator[Discrepancy]:
    """Every way the assessment differs from what the case expects."""
    for pid, expected in case.expect.items():
        try:
            result = assessment.programme(pid)
        except KeyError:
            yield Discrepancy(pid, "programme", "not in this catalogue", "a programme")
            continue
        if "status" in expected and result.status != expected["status"]:
            yield Discrepancy(pid, "status", result.status, expected["status"])
        if "route" in expected and result.route != expected["route"]:
            yield Discrepancy(pid, "route", result.route, expected["route"])
        if "missing" in expected:
            found = sorted(sorted(c.condition.id for c in s) for s in result.missing)
            wanted = sorted(sorted(str(c) for c in s) for s in expected["missing"])
            if found != wanted:
                yield Discrepancy(pid, "missing sets", found, wanted)
        states = {c.condition.id: c.status for c in result.conditions}
        for cid, status in expected.get("conditions", {}).items():
            if states.get(str(cid)) != status:
                yield Discrepancy(pid, f"condition {cid} is", states.get(str(cid)), status)
        if "preferences_met" in expected:
            met = sorted(c.condition.id for c in result.preferences if c.status == "met")
            if met != sorted(map(str, expected["preferences_met"])):
                yield Discrepancy(pid, "preferences met", met, sorted(map(str, expected["preferences_met"])))


class CaseRunner:
    """Runs cases against one catalogue version, with one engine per set of readings (`readings`
    hold for every case; a case's own readings prevail)."""

    def __init__(
        self, catalogue: str | None = None, readings: dict[str, str] | None = None, engine: Engine | None = None
    ) -> None:
        """`engine`, if given, is the one of `catalogue` under `readings`."""
        self.catalogue = catalogue
        self.readings = dict(readings or {})
        self._engines: dict[tuple[tuple[str, str], ...], Engine] = {}
        if engine is not None:
            self._engines[tuple(sorted(self.readings.items()))] = engine

    def engine(self, readings: dict[str, str]) -> Engine:
        key = tuple(sorted({**self.readings, **readings}.items()))
        if key not in self._engines:
            self._engines[key] = Engine(self.catalogue, dict(key))
        return self._engines[key]

    def run(self, case: Case) -> list[Discrepancy]:
        """Assess a case; the discrepancies, empty when it passes."""
        return next(self.run_all([case]))[2]

    def run_all(self, cases: Iterable[Case]) -> Iterator[tuple[Case, Assessment, list[Discrepancy]]]:
        """Assess cases in order, one at a time (every programme explained: a batch of many entities
        that explains every programme solves far slower than the same entities one by one)."""
        for case in cases:
            assessment = self.engine(case.interpretations).assess_one(case.facts, case.year, explain_all=True)
            yield case, assessment, list(discrepancies(case, assessment))


_STATES = ("met", "failed", "unknown")


@dataclass(frozen=True)
class CoverageRow:
    """One programme's coverage: how many of its conditions some case has met, failed, unknown,
    and in every state it can have; how many of its routes some case takes."""

    programme: str
    conditions: int
    met: int
    failed: int
    unknown: int
    all_states: int
    routes: int
    taken: int


@dataclass
class Coverage:
    """Which states the cases reach: per condition of a programme a case expects something of,
    whether some case has it met, failed and unknown; per route, whether some case takes it."""

    catalogue: Catalogue
    states: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    routes: set[tuple[str, str]] = field(default_factory=set)

    def add(self, case: Case, assessment: Assessment) -> None:
        for pid in case.expect:
            if pid not in self.catalogue.programmes:
                continue
            result = assessment.programme(pid)
            for c in result.conditions:
                self.states[c.condition.id].add(c.status)
            if result.route:
                self.routes.add((pid, result.route))

    def never(self, condition: str) -> list[str]:
        """The states no case gives the condition, of those it can have (business lines are always
        stated, so a condition on them is never unknown)."""
        c = self.catalogue.conditions[condition]
        possible = _STATES[:2] if c.kind == "holds_item" and c.subject == ("business_lines",) else _STATES
        return [s for s in possible if s not in self.states.get(condition, set())]

    def rows(self) -> list[CoverageRow]:
        rows = []
        for pid, programme in self.catalogue.programmes.items():
            ids = [c.id for c in self.catalogue.conditions.values() if c.programme == pid]
            reached = [sum(s in self.states.get(c, set()) for c in ids) for s in _STATES]
            taken = sum((pid, r) in self.routes for r in programme.routes)
            complete = sum(not self.never(c) for c in ids)
            rows.append(CoverageRow(pid, len(ids), *reached, complete, len(programme.routes), taken))
        return rows

    def missing(self) -> list[str]:
        """Every state no case reaches and every route no case takes."""
        gaps = [f"condition {c}: never {' / '.join(self.never(c))}" for c in self.catalogue.conditions if self.never(c)]
        routes = [(pid, name) for pid, p in self.catalogue.programmes.items() for name in p.routes]
        return gaps + [
            f"route {pid}/{name}: taken by no case" for pid, name in routes if (pid, name) not in self.routes
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "conditions": {c: sorted(self.states.get(c, set())) for c in self.catalogue.conditions},
            "routes": {
                f"{pid}/{name}": (pid, name) in self.routes
                for pid, p in self.catalogue.programmes.items()
                for name in p.routes
            },
            "missing": self.missing(),
        }


def junit_report(catalogue: str, outcomes: Iterable[tuple[Case, list[Discrepancy]]]) -> str:
    """A JUnit XML report of a run (one testcase per case, a failure per failing case)."""
    outcomes = list(outcomes)
    failures = sum(bool(p) for _, p in outcomes)
    suite = ET.Element("testsuite", name=f"svctrade cases, catalogue {catalogue}", tests=str(len(outcomes)))
    suite.set("failures", str(failures))
    for case, problems in outcomes:
        element = ET.SubElement(suite, "testcase", classname=Path(case.file).stem, name=case.name)
        element.set("file", case.file)
        element.set("line", str(case.line))
        if problems:
            failure = ET.SubElement(element, "failure", message=str(problems[0]))
            failure.text = "\n".join([f"at {case.source}", *map(str, problems)])
    root = ET.Element("testsuites", tests=str(len(outcomes)), failures=str(failures))
    root.append(suite)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
