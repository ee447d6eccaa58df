"""Every YAML regression case under tests/cases/ (one pytest test per named case)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pysvc.cases import Case, CaseRunner, load_cases

CASES = [case for path in sorted(Path(__file__).parent.glob("cases/**/*.yaml")) for case in load_cases(path)]
RUNNER = CaseRunner()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case) -> None:
    problems = RUNNER.run(case)
    assert not problems, "\n".join(problems)
