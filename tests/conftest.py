"""Shared fixtures: one engine per process, the repository root, and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pysvc.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "facts" / "examples").glob("*.yaml"))


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()
