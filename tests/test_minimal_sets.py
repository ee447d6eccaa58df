"""The solver's missing-condition sets are exactly the subset-minimal ones, checked against a
brute-force enumeration over random programme structures and random condition states."""

from __future__ import annotations

import os
import shutil
import tempfile
from itertools import combinations
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pysvc.engine import Engine
from pysvc.facts import EntityFacts, Finding

ROOT = Path(__file__).resolve().parent.parent
IDS = [f"9.1{letter}" for letter in "abcdef"]


@st.composite
def programmes(draw: st.DrawFn) -> tuple[int, list[tuple[list[int], list[int]]], list[str]]:
    """(number of conditions, routes as (required, one-of group), a state per condition)."""
    n = draw(st.integers(1, 6))
    index = st.integers(0, n - 1)
    routes = draw(
        st.lists(
            st.tuples(st.lists(index, max_size=4, unique=True), st.lists(index, max_size=3, unique=True)).filter(
                lambda r: r[0] or r[1]
            ),
            min_size=1,
            max_size=3,
        )
    )
    states = draw(st.lists(st.sampled_from(["met", "failed", "unknown"]), min_size=n, max_size=n))
    return n, routes, states


def _kb(n: int, routes: list[tuple[list[int], list[int]]]) -> str:
    lines = ['programme("9", "试验项目", "test programme").', "%@ clause 9.1: 试验条款"]
    for i in range(n):
        lines.append(f'condition("9", "{IDS[i]}"). found("{IDS[i]}", t{i}).')
    for r, (required, group) in enumerate(routes):
        lines += [f'requires("9", r{r}, "{IDS[i]}").' for i in required]
        lines += [f'requires_one_of("9", r{r}, g, "{IDS[i]}").' for i in group]
    return "\n".join(lines) + "\n"


def _brute_force(n: int, routes: list[tuple[list[int], list[int]]], states: list[str]) -> list[set[str]]:
    met = {i for i in range(n) if states[i] == "met"}
    unmet = [i for i in range(n) if i not in met]

    def satisfied(true: set[int]) -> bool:
        return any(set(req) <= true and (not grp or set(grp) & true) for req, grp in routes)

    if satisfied(met):
        return []
    found: list[set[int]] = []
    for size in range(1, len(unmet) + 1):
        for extra in combinations(unmet, size):
            chosen = set(extra)
            if satisfied(met | chosen) and not any(f <= chosen for f in found):
                found.append(chosen)
    return [{IDS[i] for i in s} for s in found]


@pytest.mark.property  # examples: the Hypothesis profile's (conftest.py)
@given(programmes())
def test_solver_minimal_sets_equal_brute_force(example: tuple) -> None:
    n, routes, states = example
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "test"
        folder.mkdir()
        shutil.copy(ROOT / "kb" / "2023" / "common.lp", folder / "common.lp")
        (folder / "ch09.lp").write_text(_kb(n, routes), encoding="utf-8")
        with mock.patch.dict(os.environ, {"SVCTRADE_KB": tmp}):
            engine = Engine("test")
    findings = {f"t{i}": Finding(states[i] == "met") for i in range(n) if states[i] != "unknown"}
    facts = EntityFacts(source="<test>", name="测试", kind="enterprise", year=2024, findings=findings)
    result = engine.assess_one(facts).programme("9")
    expected = _brute_force(n, routes, states)
    assert sorted(map(sorted, ({c.condition.id for c in s} for s in result.missing))) == sorted(map(sorted, expected))
    if not expected:
        assert result.status == "eligible"
    elif any(all(states[IDS.index(c)] == "unknown" for c in s) for s in expected):
        assert result.status == "undetermined"
    else:
        assert result.status == "not_eligible"
