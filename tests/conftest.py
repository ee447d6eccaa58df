"""Shared fixtures: one engine and one checked validator per schema for the whole run, the repository
root, a CLI runner, and the Hypothesis profiles (`ci` by default, `long` for thorough property runs:
`HYPOTHESIS_PROFILE=long python -m pytest -m property`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import settings
from typer.testing import CliRunner

from pysvc.engine import Engine
from pysvc.schema import facts_schema, result_schema

ROOT = Path(__file__).resolve().parent.parent
#: How the browser tests start Debian's chromium here: headless needs no sandbox as root, and the
#: closed network refuses chromium's background connections.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
EXAMPLES = sorted((ROOT / "facts" / "examples").glob("*.yaml"))

# `ci` replaces Hypothesis's built-in profile of that name: a CI-sized number of examples, the same
# examples on every CI run (CI=true), fresh ones on a developer's machine.
settings.register_profile("ci", max_examples=30, deadline=None, print_blob=True, derandomize="CI" in os.environ)
# `long`: 1000 examples a property; the fuzzers of tests/test_hostile_input.py then run 10 times their
# CI number (about 20,000 mutants).
settings.register_profile("long", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """A validator for a schema that is itself checked against its meta-schema (once: that is the slow part)."""
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="session")
def facts_validator() -> jsonschema.protocols.Validator:
    return _validator(facts_schema())


@pytest.fixture(scope="session")
def result_validator() -> jsonschema.protocols.Validator:
    return _validator(result_schema())


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()
