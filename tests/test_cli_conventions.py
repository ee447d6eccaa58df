"""The command line follows the usual conventions: `--version`, help that fits 80 columns and names
no type on a flag, shell completion, JSON lines where jsonl is offered, a changelog and typed package."""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from importlib import metadata

import pytest
from typer.testing import CliRunner

from pysvc import __version__
from pysvc.cli import app

from .conftest import ROOT

COMMANDS = [command.name or command.callback.__name__ for command in app.registered_commands]


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_version_option_prints_the_name_and_the_installed_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"svctrade {__version__}\n"
    assert __version__ == metadata.version("svctrade")
    assert __version__ == tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_fits_80_columns_and_shows_no_type_on_a_flag(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [command, "--help"] if command else ["--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.stdout
    assert "…" not in result.stdout, "a help text was cut"
    assert all(_columns(line) <= 80 for line in result.stdout.splitlines()), result.stdout


def test_the_year_option_help_is_shown_whole(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "80"})
    assert "Application year (上年度 = year − 1); default: the file's `year`." in " ".join(result.stdout.split())


def test_shell_completion_is_offered(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert "--install-completion" in result.stdout
    assert "--show-completion" in result.stdout


def test_programmes_as_json_lines_is_one_object_a_line(runner: CliRunner) -> None:
    lines = runner.invoke(app, ["programmes", "--format", "jsonl"]).stdout.splitlines()
    array = json.loads(runner.invoke(app, ["programmes", "--format", "json"]).stdout)
    assert [json.loads(line) for line in lines] == array
    assert len(lines) == 41


def test_the_changelog_has_an_entry_for_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[?{re.escape(__version__)}\]?", changelog, flags=re.M), "CHANGELOG.md lacks this version"


def test_the_package_declares_its_type_hints() -> None:
    assert (ROOT / "pysvc" / "py.typed").is_file()


def test_serve_refuses_a_port_out_of_range_with_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "99999"])
    assert result.exit_code == 2
    assert "--port" in result.output and "65535" in result.output and "Traceback" not in result.output
