"""`svctrade test`: a name filter, failures with file:line and actual vs expected, JSON and JUnit
reports for CI, and coverage of condition states and routes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pysvc.cli import app

CASES = """\
- name: The comprehensive forwarder is eligible by the comprehensive route.
  facts_file: facts/examples/1-freight-comprehensive-eligible.yaml
  expect: {"1": {status: eligible, route: comprehensive}}

- name: A deliberately wrong expectation fails.
  facts_file: facts/examples/1-freight-comprehensive-eligible.yaml
  expect: {"1": {status: not_eligible, missing: [["1.1a"]]}}
"""


@pytest.fixture()
def cases(tmp_path: Path) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(CASES, encoding="utf-8")
    return path


def test_the_test_command_names_each_case_and_fails_on_a_wrong_expectation(runner: CliRunner, cases: Path) -> None:
    result = runner.invoke(app, ["test", str(cases)])
    assert result.exit_code == 1
    assert "ok   The comprehensive forwarder is eligible by the comprehensive route." in result.stdout
    assert "FAIL A deliberately wrong expectation fails." in result.stdout
    assert "1: status eligible, expected not_eligible" in result.stdout
    assert "1 passed, 1 failed" in result.stdout


def test_a_failure_names_its_file_and_line_and_what_was_expected(runner: CliRunner, cases: Path) -> None:
    result = runner.invoke(app, ["test", str(cases)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    failure = lines.index("FAIL A deliberately wrong expectation fails.")
    assert lines[failure + 1] == f"       at {cases}:5"
    assert "       1: status eligible, expected not_eligible" in lines[failure + 2 :]
    assert "       1: missing sets [], expected [['1.1a']]" in lines[failure + 2 :]


def test_k_runs_only_the_cases_whose_name_contains_it(runner: CliRunner, cases: Path) -> None:
    result = runner.invoke(app, ["test", str(cases), "-k", "COMPREHENSIVE"])
    assert result.exit_code == 0, result.output
    assert "Deliberately" not in result.stdout
    assert result.stdout.endswith("1 passed, 0 failed\n")
    none = runner.invoke(app, ["test", str(cases), "-k", "forwarder", "-k", "wrong"])
    assert none.stdout.endswith("0 passed, 0 failed\n")


def test_json_gives_each_case_with_its_discrepancies(runner: CliRunner, cases: Path) -> None:
    result = runner.invoke(app, ["test", str(cases), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["passed"], report["failed"]) == (1, 1)
    wrong = report["cases"][1]
    assert (wrong["file"], wrong["line"], wrong["passed"]) == (str(cases), 5, False)
    assert {"programme": "1", "what": "status", "actual": "eligible", "expected": "not_eligible"} in wrong[
        "discrepancies"
    ]


def test_junit_xml_has_a_testcase_per_case_and_a_failure_per_failing_case(
    runner: CliRunner, cases: Path, tmp_path: Path
) -> None:
    report = tmp_path / "junit.xml"
    runner.invoke(app, ["test", str(cases), "--junit-xml", str(report)])
    root = ET.parse(report).getroot()
    testcases = root.findall("./testsuite/testcase")
    assert [t.get("name") for t in testcases] == [
        "The comprehensive forwarder is eligible by the comprehensive route.",
        "A deliberately wrong expectation fails.",
    ]
    assert testcases[0].find("failure") is None
    failure = testcases[1].find("failure")
    assert failure is not None and failure.get("message") == "1: status eligible, expected not_eligible"
    assert (root.get("tests"), root.get("failures")) == ("2", "1")


def test_coverage_lists_the_states_and_routes_no_case_reaches(runner: CliRunner, cases: Path) -> None:
    result = runner.invoke(app, ["test", str(cases), "-k", "comprehensive", "--coverage", "--format", "json"])
    coverage = json.loads(result.stdout)["coverage"]
    assert coverage["conditions"]["1.1a"] == ["met"]
    assert coverage["conditions"]["2.1.1"] == []  # no case expects anything of 2.1
    assert coverage["routes"]["1/comprehensive"] is True
    assert coverage["routes"]["1/specialised"] is False
    assert "condition 1.1a: never failed / unknown" in coverage["missing"]
    assert "route 1/specialised: taken by no case" in coverage["missing"]
    text = runner.invoke(app, ["test", str(cases), "-k", "comprehensive", "--coverage"]).stdout
    assert "  programme  conditions   met  failed  unknown    all  routes  taken" in text
    assert "\nmissing:\n" in text and "  route 1/specialised: taken by no case" in text


def test_a_business_line_condition_is_never_missing_unknown(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        """\
- name: The cloud provider meets the preference 10.1.1.
  facts_file: facts/examples/10.1-cloud-provider-eligible.yaml
  expect: {"10.1": {preferences_met: ["10.1.1"]}}
- name: The digital-trade enterprise does not.
  facts_file: facts/examples/10.3-digital-trade-undetermined.yaml
  expect: {"10.1": {preferences_met: []}}
""",
        encoding="utf-8",
    )
    coverage = json.loads(runner.invoke(app, ["test", str(path), "--coverage", "--format", "json"]).stdout)["coverage"]
    assert coverage["conditions"]["10.1.1"] == ["failed", "met"]
    assert not any(m.startswith("condition 10.1.1:") for m in coverage["missing"])
