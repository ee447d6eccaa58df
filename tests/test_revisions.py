"""Catalogue revisions: lint holds every rule to the figures of its clause, versions are data (a name
or a folder, the newest by default), and a planted revision (tests/fixtures/revision.py) is reported
change by change."""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
import yaml
from typer.testing import CliRunner

from pysvc.cases import CaseRunner, load_cases
from pysvc.cli import app
from pysvc.engine import Engine
from pysvc.figures import AT_LEAST, MORE_THAN, Figure, clause_figures
from pysvc.kb import newest_catalogue
from pysvc.lint import lint
from pysvc.revision import SOURCE_MARKER

from .conftest import ROOT
from .fixtures import revision as planted

EXAMPLES = ROOT / "facts" / "examples"


@pytest.fixture(scope="module")
def revision(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return planted.build(tmp_path_factory.mktemp("kb"))


def _copy(tmp_path: Path, name: str = "2023") -> Path:
    return Path(shutil.copytree(ROOT / "kb" / "2023", tmp_path / name))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("1. 上年度营业额 8000 万元人民币以上；", [Figure(Decimal(80000000), "CNY", AT_LEAST, "8000 万元人民币以上")]),
        ("超过 1 亿美元的行政区域", [Figure(Decimal(10**8), "USD", MORE_THAN, "超过1 亿美元")]),
        ("比例不低于 30%；", [Figure(Decimal(30), "percent", AT_LEAST, "不低于30%")]),
        ("国内外网点数不少于5个", [Figure(Decimal(5), "count", AT_LEAST, "不少于5个")]),
        ("净面积 200 平方米以上", [Figure(Decimal(200), "m2", AT_LEAST, "200 平方米以上")]),
        ("签署一年期以上合作协议", [Figure(Decimal(12), "months", AT_LEAST, "一年期以上")]),
        ("近三年内年营业额", [Figure(Decimal(3), "window", None, "近三年内")]),
        (
            "销售额人民币1亿元以上(含1亿元)",
            [Figure(Decimal(10**8), "CNY", AT_LEAST, "1亿元以上"), Figure(Decimal(10**8), "CNY", None, "1亿元")],
        ),
        ("(1) 2021年7月1日后在自由贸易试验区", []),
    ],
)
def test_the_figures_a_clause_states(text: str, figures: list[Figure]) -> None:
    assert clause_figures(text) == figures


def test_lint_names_a_threshold_changed_in_the_rule_only(revision: Path, runner: CliRunner) -> None:
    problems = lint(str(revision))
    assert problems == [
        f"ch02.lp:{_clause_line(revision / 'ch02.lp', '2.1.1')}: clause 2.1.1 and its rules disagree: "
        "condition 2.1.1 requires at_least 1.3亿 CNY — not in the clause text; "
        "the text states 8000 万元人民币以上 — required by no rule"
    ]
    result = runner.invoke(app, ["lint", "--catalogue", str(revision)])
    assert result.exit_code == 1
    assert "clause 2.1.1 and its rules disagree" in result.stdout


def _clause_line(path: Path, clause: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(f"%@ clause {clause}:"))


def test_lint_names_a_figure_changed_in_the_clause_only(tmp_path: Path) -> None:
    kb = _copy(tmp_path)
    for name in ("ch02.lp", "source.md"):
        _edit(kb / name, "2. 上年度接待境外客人比例不低于 30%；", "2. 上年度接待境外客人比例不低于 45%；")
    problems = [p for p in lint(str(kb)) if "2.1.2" in p]
    assert len(problems) == 1, problems
    assert "condition 2.1.2 requires share_at_least 30%" in problems[0]
    assert "the text states 不低于45%" in problems[0]


def test_lint_names_a_strict_bound_read_as_at_least(tmp_path: Path) -> None:
    kb = _copy(tmp_path)
    _edit(kb / "ch11.lp", 'more_than("11.2b"', 'at_least("11.2b"')
    problems = lint(str(kb))
    assert any("condition 11.2b requires at_least 1亿 USD" in p and "超过1 亿美元" in p for p in problems), problems


def test_lint_names_a_threshold_in_the_wrong_currency_against_the_text(tmp_path: Path) -> None:
    kb = _copy(tmp_path)
    _edit(
        kb / "ch08.lp",
        'at_least("8.2.1.2", transfer_spending, money(usd,',
        'at_least("8.2.1.2", transfer_spending, money(cny,',
    )
    problems = lint(str(kb))
    assert any("condition 8.2.1.2 requires at_least 35万 CNY" in p and "35 万美元以上" in p for p in problems), problems


def test_headers_must_name_the_folders_version(tmp_path: Path) -> None:
    problems = lint(str(_copy(tmp_path, "2031")))
    assert "ch01.lp:2: the header names the 2023年版 but the folder is 2031" in problems
    assert "common.lp:2: the header names the 2023年版 but the folder is 2031" in problems
    assert "source.md: not the text of the 2031年版 (replace it with that catalogue's text)" in problems


def test_new_version_scaffolds_a_retitled_copy_whose_source_is_to_replace(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["new-version", "2031", "--from", "2023", "--into", str(tmp_path)])
    assert result.exit_code == 0, result.output
    kb = tmp_path / "2031"
    assert "《上海市服务贸易促进指导目录（2031年版）》" in (kb / "ch02.lp").read_text(encoding="utf-8").splitlines()[1]
    assert (kb / "source.md").read_text(encoding="utf-8").startswith(SOURCE_MARKER.format(name="2031"))
    assert lint(str(kb)) == ["source.md: not the text of the 2031年版 (replace it with that catalogue's text)"]
    again = runner.invoke(app, ["new-version", "2031", "--into", str(tmp_path)])
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    assert runner.invoke(app, ["new-version", "../elsewhere", "--into", str(tmp_path)]).exit_code == 2


def test_the_default_catalogue_is_the_newest_version_shipped(tmp_path: Path) -> None:
    _copy(tmp_path, "2023")
    planted.build(tmp_path)
    with mock.patch.dict(os.environ, {"SVCTRADE_KB": str(tmp_path)}):
        assert newest_catalogue() == "2099"
        assert Engine().version == "2099"


def test_no_catalogue_version_is_written_in_the_code() -> None:
    for path in sorted((ROOT / "pysvc").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "DEFAULT_CATALOGUE" not in text, path.name
        assert not re.search(r"\(20\d\d\)", text), path.name


def test_catalogue_takes_the_path_of_a_draft(revision: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["programmes", "--catalogue", str(revision)])
    assert result.exit_code == 0, result.output
    ids = [line.split()[0] for line in result.stdout.splitlines()]
    assert "8.3.2" in ids
    assert planted.PROGRAMME_REMOVED not in ids


def test_docs_for_another_catalogue_go_to_their_own_folder(revision: Path, runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["docs", "--catalogue", str(revision), "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "catalogue.md").read_text(encoding="utf-8")
    assert text.startswith("# Catalogue 2099:")
    assert "2.2.4" in text
    assert runner.invoke(app, ["docs", "--check", "--catalogue", str(revision), "-o", str(tmp_path)]).exit_code == 0


@pytest.fixture(scope="module")
def revision_diff(revision: Path) -> dict:
    result = CliRunner().invoke(
        app, ["diff", str(EXAMPLES), "--base", "2023", "--head", str(revision), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_diff_reports_each_planted_change_in_the_catalogue_and_nothing_else(revision_diff: dict) -> None:
    changes = {(c["item"], c["id"], c["change"]): c for c in revision_diff["catalogue"]}
    assert (revision_diff["base"], revision_diff["head"]) == ("2023", planted.VERSION)
    assert set(changes) == {
        ("threshold", planted.THRESHOLD_RAISED, "raised"),
        ("clause", planted.THRESHOLD_LOWERED, "changed"),
        ("threshold", planted.THRESHOLD_LOWERED, "lowered"),
        ("clause", planted.CONDITION_ADDED, "added"),
        ("condition", planted.CONDITION_ADDED, "added"),
        ("route", "2.2/main", "changed"),
        ("programme", planted.PROGRAMME_REMOVED, "removed"),
        *(("clause", f"{planted.PROGRAMME_REMOVED}.{n}", "removed") for n in (1, 2)),
        *(("condition", f"{planted.PROGRAMME_REMOVED}.{n}", "removed") for n in (1, 2)),
        ("clause", "6.1.1.1", "changed"),
        ("condition", planted.ALTERNATIVE_ADDED, "added"),
        ("route", "6.1.1/main", "changed"),
        ("clause", planted.CLAUSE_REWORDED, "changed"),
    }
    raised = changes[("threshold", planted.THRESHOLD_RAISED, "raised")]
    assert (raised["before"], raised["after"]) == ("at_least(revenue, 8000万 CNY)", "at_least(revenue, 1.3亿 CNY)")
    assert raised["clause_changed"] is False  # the rule-only change lint names
    lowered = changes[("clause", planted.THRESHOLD_LOWERED, "changed")]
    assert lowered["text_diff"] == "(1) 上年度出口额 [-8-]{+7+}0 万美元以上；"
    assert [r.split()[0] for r in lowered["rules"]] == ["6.1.2.1"] and lowered["rules"][0].endswith(", 70万 USD)")
    assert lowered["rules_changed"] is True
    assert changes[("condition", planted.CONDITION_ADDED, "added")]["after"] == "at_least(overseas_hotels, 10)"
    assert changes[("route", "2.2/main", "changed")]["after"].endswith("+ 2.2.4")
    assert "one of (6.1.1.1a | 6.1.1.1b | 6.1.1.1c | 6.1.1.1d)" in changes[("route", "6.1.1/main", "changed")]["after"]
    reworded = changes[("clause", planted.CLAUSE_REWORDED, "changed")]
    assert reworded["text_diff"] == "3. 在[-海-]{+境+}外设有数据中心。"
    assert reworded["rules_changed"] is False


def _entity(example: str) -> str:
    return yaml.safe_load((EXAMPLES / example).read_text(encoding="utf-8"))["entity"]["name"]


@pytest.mark.parametrize(
    ("example", "programme", "before", "after", "cause"),
    [
        ("2.1-star-hotel-eligible.yaml", "2.1", "eligible", "not_eligible", ("2.1.1", "met", "failed", "threshold")),
        ("6.1.2-printing-export-short.yaml", "6.1.2", "not_eligible", "eligible", ("6.1.2.1", "failed", "met", "thr")),
        ("2.2-hotel-chain-eligible.yaml", "2.2", "eligible", "not_eligible", ("2.2.4", "absent", "failed", "cond")),
        ("8.3.1-rights-investor-eligible.yaml", "8.3.1", "eligible", None, ("8.3.1.2", "met", "absent", "cond")),
        (
            "6.1.1-publisher-three-missing-sets.yaml",
            "6.1.1",
            "not_eligible",
            "undetermined",
            ("6.1.1.1d", "absent", "unknown", "condition added"),
        ),
    ],
)
def test_diff_reports_each_planted_change_with_the_entities_it_affects(
    revision_diff: dict, example: str, programme: str, before: str, after: str | None, cause: tuple[str, ...]
) -> None:
    found = [
        o
        for o in revision_diff["outcomes"]
        if o["source"].endswith(example) and o["programme"] == programme and o["entity"] == _entity(example)
    ]
    assert len(found) == 1, revision_diff["outcomes"]
    change = found[0]
    assert change["before"]["status"] == before
    assert (change["after"] or {}).get("status") == after
    assert any(
        (c["condition"], c["before"], c["after"]) == cause[:3] and c["rule"].startswith(cause[3])
        for c in change["causes"]
    ), change["causes"]


def test_diff_shows_a_minimal_set_that_moves_under_the_same_status(revision_diff: dict) -> None:
    change = next(
        o for o in revision_diff["outcomes"] if o["source"].endswith("2.2-hotel-chain-overseas-revenue-short.yaml")
    )
    assert change["before"] == {"status": "not_eligible", "route": None, "missing": [["2.2.3b"]]}
    assert change["after"] == {"status": "not_eligible", "route": None, "missing": [["2.2.3b", "2.2.4"]]}


def test_a_reworded_clause_with_the_same_rule_changes_no_outcome(revision_diff: dict) -> None:
    assert not [o for o in revision_diff["outcomes"] if o["programme"] == "10.1"]
    touched = {"2.1", "2.2", "6.1.1", "6.1.2", "8.3.1"}
    assert {o["programme"] for o in revision_diff["outcomes"]} <= touched


def test_diff_reads_case_files_and_names_the_case(revision: Path, runner: CliRunner) -> None:
    cases = ROOT / "tests" / "cases" / "ch02.yaml"
    result = runner.invoke(app, ["diff", str(cases), "--head", str(revision)])
    assert result.exit_code == 0, result.output
    assert re.search(rf"{re.escape(str(cases))}:\d+  \S+  — ", result.stdout), result.stdout
    assert "2.1.1 met → failed: threshold raised" in result.stdout


PLANTED_PROGRAMMES = {"2.1", "2.2", "6.1.1", "6.1.2", "8.3.1"}


def test_the_case_suite_across_2023_and_the_revision_fails_only_where_a_change_was_planted(revision: Path) -> None:
    touched = PLANTED_PROGRAMMES | {"10.1"}  # 10.1: the reworded clause, same rule
    cases = [
        c
        for path in sorted((ROOT / "tests" / "cases").glob("*.yaml"))
        for c in load_cases(path)
        if set(c.expect) & touched
    ]
    before = {case.source: problems for case, _, problems in CaseRunner("2023").run_all(cases)}
    after = {case.source: problems for case, _, problems in CaseRunner(str(revision)).run_all(cases)}
    assert not any(before.values())
    failing = {p.programme for problems in after.values() for p in problems}
    assert failing == PLANTED_PROGRAMMES
    removed = [p for problems in after.values() for p in problems if p.programme == planted.PROGRAMME_REMOVED]
    assert removed and all(p.what == "programme" and p.actual == "not in this catalogue" for p in removed)


def test_the_test_command_on_the_revision_names_the_failing_case(
    revision: Path, runner: CliRunner, tmp_path: Path
) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- name: The green hotel with 1.26亿元 revenue is eligible for 2.1.\n"
        f"  facts_file: {EXAMPLES / '2.1-star-hotel-eligible.yaml'}\n"
        '  expect: {"2.1": {status: eligible}}\n',
        encoding="utf-8",
    )
    assert runner.invoke(app, ["test", str(cases)]).exit_code == 0
    result = runner.invoke(app, ["test", str(cases), "--catalogue", str(revision)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        "FAIL The green hotel with 1.26亿元 revenue is eligible for 2.1.",
        f"       at {cases}:1",
        "       2.1: status not_eligible, expected eligible",
    ]
