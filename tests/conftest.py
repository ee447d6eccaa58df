"""Shared fixtures: one engine per process, the repository root, and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from pysvc.engine import Engine

#: `python -m pytest --hypothesis-profile=long`: the fuzzers of tests/test_hostile_input.py run 100
#: times as many examples (about 200,000; tens of minutes) as in CI.
settings.register_profile("long", max_examples=10_000)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "facts" / "examples").glob("*.yaml"))


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()
