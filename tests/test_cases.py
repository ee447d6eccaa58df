"""Every YAML regression case under tests/cases/ (one pytest test per named case)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from pysvc.cases import Case, load_cases, run_case
from pysvc.engine import Engine

CASES = [case for path in sorted(Path(__file__).parent.glob("cases/**/*.yaml")) for case in load_cases(path)]


@cache
def _engine(readings: tuple[tuple[str, str], ...]) -> Engine:
    return Engine(interpretations=dict(readings))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case) -> None:
    problems = run_case(case, _engine(tuple(sorted(case.interpretations.items()))))
    assert not problems, "\n".join(problems)
