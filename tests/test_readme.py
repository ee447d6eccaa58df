"""Every command and Python snippet of the README runs as written, from the repository root, with
the environment running these tests standing for `.venv` (the ones that install or run the suite
itself are skipped, with the reason)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(bash|python)\n(.*?)^```", README, flags=re.M | re.S)
COMMANDS = [
    step
    for language, block in BLOCKS
    if language == "bash"
    for line in block.splitlines()
    if (command := re.sub(r"\s+#\s.*$", "", line).strip())
    for step in command.split(" && ")
]
SNIPPETS = [block for language, block in BLOCKS if language == "python"]
SKIPPED = {
    "python3 -m venv .venv": "creates the environment these tests run in (.ci/run runs it)",
    ".venv/bin/pip install": "installs into the environment these tests run in (.ci/run runs it)",
    ".venv/bin/python -m pytest": "is this test suite",
    "HYPOTHESIS_PROFILE=long": "long-running: the property tests at 1000 examples each",
    ".venv/bin/svctrade test tests/cases": "long-running: test_cases.py runs them, test_test_command.py --coverage",
    ".venv/bin/svctrade serve": "a server that runs until stopped: tests/test_server.py and test_page.py serve it",
}
BIN = Path(sys.executable).parent


def _skip_reason(command: str) -> str | None:
    return next((reason for prefix, reason in SKIPPED.items() if command.startswith(prefix)), None)


def test_the_readme_opens_with_the_two_commands_a_newcomer_runs() -> None:
    first = BLOCKS[0][1].splitlines()
    assert first[0].endswith(".venv/bin/svctrade check facts/examples/1-forwarder-two-routes.yaml")
    assert first[1].endswith(".venv/bin/python -m pytest")
    assert len(SNIPPETS) >= 1 and len(COMMANDS) > 10


@pytest.mark.parametrize("command", COMMANDS)
def test_every_readme_command_runs_as_written(command: str) -> None:
    if reason := _skip_reason(command):
        pytest.skip(reason)
    assert command.startswith(".venv/bin/"), "a bare command fails until the environment is activated"
    result = subprocess.run(
        command.replace(".venv/bin/", f"{BIN}/"),
        shell=True,
        executable="/bin/bash",
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_every_readme_python_snippet_runs_as_written(snippet: str) -> None:
    result = subprocess.run([sys.executable, "-c", snippet], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^2\.1 (eligible|not_eligible|undetermined|out_of_scope) ", result.stdout, flags=re.M)
