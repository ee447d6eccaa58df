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

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .engine import Engine
from .facts import EntityFacts, load_fact_file, validate_facts
from .results import Assessment

_EXPECT_KEYS = {"status", "route", "missing", "conditions", "preferences_met"}


@dataclass(frozen=True)
class Case:
    """One named expectation."""

    name: str
    source: str
    facts: EntityFacts
    expect: dict[str, dict[str, Any]]
    year: int | None = None
    interpretations: dict[str, str] = field(default_factory=dict)


def load_cases(path: str | Path) -> list[Case]:
    """Read every case of one YAML file (a list of cases)."""
    path = Path(path)
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: a case file is a list of cases")
    cases = []
    for i, entry in enumerate(entries):
        where = f"{path}[{i}]"
        if "facts_file" in entry:
            named = Path(entry["facts_file"])
            facts = load_fact_file(named if named.exists() else path.parent / named)
        else:
            facts = validate_facts(entry["facts"], f"{where}.facts")
        for pid, expectation in entry["expect"].items():
            unknown = set(expectation) - _EXPECT_KEYS
            if unknown:
                raise ValueError(f"{where}.expect.{pid}: unknown keys {sorted(unknown)}")
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


def discrepancies(case: Case, assessment: Assessment) -> Iterator[str]:
    """Every way the assessment differs from what the case expects."""
    for pid, expected in case.expect.items():
        result = assessment.programme(pid)
        if "status" in expected and result.status != expected["status"]:
            yield f"{pid}: status {result.status}, expected {expected['status']}"
        if "route" in expected and result.route != expected["route"]:
            yield f"{pid}: route {result.route}, expected {expected['route']}"
        if "missing" in expected:
            found = sorted(sorted(c.condition.id for c in s) for s in result.missing)
            wanted = sorted(sorted(str(c) for c in s) for s in expected["missing"])
            if found != wanted:
                yield f"{pid}: missing sets {found}, expected {wanted}"
        states = {c.condition.id: c.status for c in result.conditions}
        for cid, status in expected.get("conditions", {}).items():
            if states.get(str(cid)) != status:
                yield f"{pid}: condition {cid} is {states.get(str(cid))}, expected {status}"
        if "preferences_met" in expected:
            met = sorted(c.condition.id for c in result.preferences if c.status == "met")
            if met != sorted(map(str, expected["preferences_met"])):
                yield f"{pid}: preferences met {met}, expected {sorted(expected['preferences_met'])}"


class CaseRunner:
    """Runs cases against one catalogue version, with one engine per set of readings."""

    def __init__(self, catalogue: str | None = None) -> None:
        self.catalogue = catalogue
        self._engines: dict[tuple[tuple[str, str], ...], Engine] = {}

    def engine(self, readings: dict[str, str]) -> Engine:
        key = tuple(sorted(readings.items()))
        if key not in self._engines:
            self._engines[key] = Engine(self.catalogue, dict(key))
        return self._engines[key]

    def run(self, case: Case) -> list[str]:
        """Assess a case; the discrepancies, empty when it passes."""
        assessment = self.engine(case.interpretations).assess_one(case.facts, case.year, explain_all=True)
        return list(discrepancies(case, assessment))
