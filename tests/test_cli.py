"""The command line: answers on every shipped example, explanations with clause text, the
programme list, and documentation of every command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from pysvc.cli import app
from pysvc.lint import programme_ids

from .conftest import EXAMPLES, ROOT

STATUSES = {"eligible", "not_eligible", "undetermined", "out_of_scope"}
PROGRAMME_IDS = programme_ids((ROOT / "kb" / "2023" / "programmes.md").read_text(encoding="utf-8"))


Answers = tuple[int, str, dict[str, dict]]


@pytest.fixture(scope="session")  # session: a module fixture is set up again whenever xdist interleaves modules
def example_answers() -> Answers:
    """One `check --format json` over every example (one batch, one grounding): the exit code, the
    output and the documents by fact file."""
    result = CliRunner().invoke(app, ["check", *map(str, EXAMPLES), "--format", "json"])
    documents = json.loads(result.stdout) if result.exit_code == 0 else []
    return result.exit_code, result.output, {document["entity"]["source"]: document for document in documents}


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_answers_for_every_programme_in_json(
    example_answers: Answers, result_validator: jsonschema.protocols.Validator, example: Path
) -> None:
    exit_code, output, documents = example_answers
    assert exit_code == 0, output
    document = documents[str(example)]
    result_validator.validate(document)
    assert document["schema"] == "svctrade.result/1"
    assert [p["id"] for p in document["programmes"]] == PROGRAMME_IDS
    assert {p["status"] for p in document["programmes"]} <= STATUSES
    assert any(p["status"] != "out_of_scope" for p in document["programmes"]), "the example declares nothing"


def test_programmes_lists_exactly_the_promised_ids(runner: CliRunner) -> None:
    result = runner.invoke(app, ["programmes", "--format", "json"])
    assert [p["id"] for p in json.loads(result.stdout)] == PROGRAMME_IDS
    assert len(PROGRAMME_IDS) == 41
    shared = ROOT.parent / "shared" / "catalogue" / "programmes.md"
    if shared.exists():
        assert programme_ids(shared.read_text(encoding="utf-8")) == PROGRAMME_IDS


def test_explain_prints_the_clause_text_of_every_condition_it_cites(runner: CliRunner) -> None:
    example = ROOT / "facts" / "examples" / "1-freight-comprehensive-eligible.yaml"
    result = runner.invoke(app, ["explain", str(example), "--programme", "2.2"])
    assert result.exit_code == 0, result.output
    cited = set(re.findall(r"^\s+[✔✘?] (2\.2\.[0-9a-z]+) ", result.stdout, flags=re.M))
    assert cited == {"2.2.1", "2.2.2", "2.2.3b"}
    for text in (
        "集团上年度营业额 20 亿元人民币以上",
        "品牌直营或加盟的酒店 400 家以上",
        "国外酒店上年度营业额 50 万美元以上",
    ):
        assert text in result.stdout


def test_text_output_is_chinese_by_default_and_english_on_request(runner: CliRunner) -> None:
    example = str(ROOT / "facts" / "examples" / "1-freight-comprehensive-eligible.yaml")
    assert "符合" in runner.invoke(app, ["check", example]).stdout
    assert "eligible" in runner.invoke(app, ["check", example, "--lang", "en"]).stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["check", "facts/examples/1-freight-comprehensive-eligible.yaml", "-p", "12.1"],
            "unknown programme",
        ),
        (["check", "facts/examples/1-freight-comprehensive-eligible.yaml", "-i", "nonsense"], "NAME=VALUE"),
        (
            ["check", "facts/examples/1-freight-comprehensive-eligible.yaml", "-i", "recent_year=average"],
            "did you mean",
        ),
        (
            ["check", "facts/examples/1-freight-comprehensive-eligible.yaml", "--catalogue", "1999"],
            "no knowledge base",
        ),
    ],
)
def test_usage_errors_exit_2_with_a_message(runner: CliRunner, arguments: list[str], message: str) -> None:
    result = runner.invoke(app, [arguments[0], str(ROOT / arguments[1]), *arguments[2:]])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_docs_cover_every_command_with_its_example() -> None:
    cli_doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"## svctrade {name}" in cli_doc, name
        example = re.search(r"Example: (svctrade .+)", command.callback.__doc__ or "")
        assert example, f"the help of {name} has no example"
        assert example[1] in cli_doc, f"docs/cli.md lacks the example of {name}"
        assert f"svctrade {name}" in readme or name == "version", f"README does not mention {name}"


@pytest.mark.parametrize(
    "arguments",
    [
        ["check", "facts/examples/1-freight-comprehensive-eligible.yaml"],
        ["check", "facts/examples/1-freight-comprehensive-eligible.yaml", "--format", "json", "--lang", "en"],
        ["check", "--help"],
        ["explain", "facts/examples/1-freight-comprehensive-eligible.yaml", "1"],
        ["check", "facts/examples/1-freight-comprehensive-eligible.yaml", "--no-such-option"],
        ["check", "facts/examples/1-freight-comprehensive-eligible.yaml", "-i", "nonsense"],
        ["programmes", "--format", "jsonl"],
    ],
)
def test_the_console_script_answers_a_command_as_the_whole_app_does(runner: CliRunner, arguments: list[str]) -> None:
    """`svctrade COMMAND …` runs an app with that command only (a faster start); it answers alike."""
    from pysvc.cli import _only_command

    arguments = [str(ROOT / a) if a.startswith("facts/") else a for a in arguments]
    only = _only_command(arguments)
    assert only is not None and len(only.registered_commands) == 1
    mine, whole = runner.invoke(only, arguments), runner.invoke(app, arguments)
    assert (mine.exit_code, mine.output) == (whole.exit_code, whole.output)
    assert _only_command(["--version"]) is None and _only_command(["no-such-command"]) is None


def test_python_dash_m_runs_the_same_cli() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "pysvc", "programmes"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "上海市旅游星级酒店" in result.stdout


def test_a_folder_stands_for_its_fact_files(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", str(ROOT / "facts" / "examples"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == len(EXAMPLES)


def test_diff_lists_the_outcomes_a_reading_changes(runner: CliRunner) -> None:
    examples = ROOT / "facts" / "examples"
    files = [str(examples / "1-cold-chain-specialised-eligible.yaml"), str(examples / "2.1-star-hotel-eligible.yaml")]
    result = runner.invoke(app, ["diff", *files, "--head-interpretation", "forwarder_share_outlets=both_kinds"])
    assert result.exit_code == 0, result.output
    assert (
        "  1/specialised route changed: 1.1d + 1.1e + 1.2 + 1.3 → 1.1b + 1.1c + 1.1d + 1.1e + 1.2 + 1.3"
        in result.stdout
    )
    assert (
        f"  {files[0]}  上海鲜达冷链国际物流有限公司\n    1: eligible (specialised) → not_eligible, missing {{1.1c}}\n"
        in (result.stdout)
    )
    assert files[1] not in result.stdout
    assert result.stdout.endswith("1 change(s)\n")


def test_lint_and_docs_check_pass_from_the_command_line(runner: CliRunner) -> None:
    assert runner.invoke(app, ["lint"]).exit_code == 0
    assert runner.invoke(app, ["docs", "--check"]).exit_code == 0
