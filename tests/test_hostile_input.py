"""No input may crash a batch, hang it, or change a verdict silently (issue 7).

Each hostile file of the independent probe is a named case: it ends in one clear message naming the
file, line, column and field, exit 2 and no traceback, and in a batch it costs only itself. A fuzzer
then mutates the shipped examples; every mutant ends in a result or such a message.
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pysvc import facts as facts_module
from pysvc import parallel
from pysvc.amounts import Money
from pysvc.batch import assess_files
from pysvc.batch_io import Record, fact_document
from pysvc.cli import app, json_array
from pysvc.engine import Engine
from pysvc.facts import MAX_PROBLEMS, EntityFacts, FactFileError, parse_fact_text
from pysvc.loader import LIMITS, read_yaml
from pysvc.parallel import Assessor, BatchOptions
from pysvc.results import Assessment

from .conftest import EXAMPLES
from .test_fact_files import GOOD

BLOCK = """\
year: 2024
entity: {name: 上海外滩华庭酒店有限公司, kind: enterprise}
business_lines: [star_rated_hotel]
figures:
  2023:
    revenue: 9000万元
    guests: 1000
    foreign_guests: 400
"""
AGREEMENT = "agreements:\n  - {counterparty: 甲公司, counterparty_kind: client, start: 2023-01-01, end: END}\n"


def problem_of(text: str) -> str:
    """The message of a fact text that must be rejected."""
    with pytest.raises(FactFileError) as caught:
        parse_fact_text(text, "hostile.yaml")
    return str(caught.value)


def check(runner: CliRunner, *arguments: str | Path, stdin: str | None = None):
    """`svctrade check …`; never a traceback."""
    result = runner.invoke(app, ["check", *map(str, arguments)], input=stdin)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- numbers that used to raise decimal.InvalidOperation --------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (".nan", "cannot read '.nan'"),
        (".inf", "cannot read '.inf'"),
        ("-.inf", "cannot read '-.inf'"),
        ("1.0e+400", "cannot read '1.0e+400'"),
        ("{amount: NaN, unit: 元}", "'NaN' is not a number"),
        ("{amount: .inf, unit: 元}", "'.inf' is not a number"),
        ("123456789012345678901234567890元", "beyond the largest amount accepted"),
        ("1" * 60 + "元", "more than 40 characters"),
        ("0.000000000000000000000000000000001元", "more than two decimal places"),
    ],
)
def test_nan_infinite_and_huge_amounts_are_field_errors(value: str, expected: str) -> None:
    message = problem_of(GOOD.replace("9000万元", value))
    assert message.startswith("hostile.yaml:5:10: figures.2023.revenue: ")
    assert expected in message


def test_a_digit_beyond_28_significant_places_is_never_rounded_away() -> None:
    message = problem_of(GOOD.replace("9000万元", "999999999999999.0000000000000001元"))
    assert "more than two decimal places" in message


# -- dates that used to raise ValueError inside yaml.safe_load -------------------------------------
@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        (GOOD + AGREEMENT.replace("END", "2025-13-01"), "7:71: agreements[0].end", "month must be in 1..12"),
        (GOOD + AGREEMENT.replace("END", "2024-02-30"), "7:71: agreements[0].end", "day is out of range"),
        (
            GOOD + "findings: {specialty_brand: {value: true, date: 2024-02-30}}\n",
            "6:43: findings.specialty_brand.date",
            "day is out of range",
        ),
        (GOOD + AGREEMENT.replace("END", "2024-01-01T25:00:00"), "7:71: agreements[0].end", "expected a date"),
        (GOOD + AGREEMENT.replace("END", "2024-1-1"), "7:71: agreements[0].end", "expected a date"),
    ],
)
def test_invalid_unquoted_dates_are_field_errors(text: str, where: str, expected: str) -> None:
    message = problem_of(text)
    assert message.startswith(f"hostile.yaml:{where}: ")
    assert expected in message


def test_a_date_shaped_value_where_text_is_expected_is_text() -> None:
    assert parse_fact_text(GOOD.replace("上海外滩华庭酒店有限公司", "2025-13-01")).name == "2025-13-01"


def test_an_agreement_ending_9999_12_31_is_assessed(engine: Engine) -> None:
    facts = parse_fact_text(GOOD + AGREEMENT.replace("END", "9999-12-31"))
    assert facts.agreements and facts.agreements[0].months == (9999 - 2023 + 1) * 12
    assert isinstance(engine.assess_one(facts), Assessment)


# -- structure: nesting, aliases, size, item counts -------------------------------------------------
@pytest.mark.parametrize("depth", [21, 500, 100_000])
def test_deep_nesting_stops_at_the_depth_limit(depth: int) -> None:
    message = problem_of("year: 2024\ncatalogue: " + "[" * depth + "]" * depth + "\n")
    assert f"nested deeper than {LIMITS.max_depth} levels: over the depth limit" in message


def _alias_bomb(key: str) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{b}: &{b} [{','.join(f'*{a}' for _ in range(9))}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    body = "\n".join(f"  {line}" for line in lines)
    return f"year: 2024\nentity: {{name: x, kind: enterprise}}\nanchors:\n{body}\n{key}: *i\n"


@pytest.mark.parametrize("key", ["catalogue", "business_lines"])
def test_an_alias_bomb_stops_at_the_item_limit(key: str) -> None:
    assert len(_alias_bomb(key).encode()) < 700
    message = problem_of(_alias_bomb(key))
    assert "(aliases expanded): over the item limit" in message


def test_many_aliases_stop_at_the_alias_limit() -> None:
    text = "x: &x 1\nbusiness_lines: [" + ", ".join(["*x"] * (LIMITS.max_aliases + 1)) + "]\n"
    assert f"more than {LIMITS.max_aliases} aliases: over the alias limit" in problem_of(text)


def test_a_self_referencing_alias_is_refused() -> None:
    assert "names no complete anchor before it" in problem_of("business_lines: &a [*a]\n")


def test_a_huge_list_stops_at_the_item_limit() -> None:
    text = "business_lines: [" + ",".join(["1"] * (LIMITS.max_items + 1)) + "]\n"
    assert len(text.encode()) < LIMITS.max_bytes
    assert f"more than {LIMITS.max_items:,} items" in problem_of(text)


def test_a_50_mb_list_is_refused_by_its_size_without_being_read(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "huge-list.yaml"
    with path.open("w", encoding="utf-8") as stream:
        stream.write("business_lines:\n")
        stream.write("- legal\n" * 6_600_000)
    result = check(runner, path)
    assert result.exit_code == 2
    assert f"{path}: (file): more than {LIMITS.max_bytes:,} bytes: over the size limit" in result.output


def test_50_mb_of_comments_are_refused_by_size(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "comments.yaml"
    path.write_text(GOOD + "# a comment line of some length\n" * 1_600_000, encoding="utf-8")
    result = check(runner, path)
    assert result.exit_code == 2
    assert "over the size limit" in result.output


def test_dev_zero_is_refused_by_size(runner: CliRunner) -> None:
    result = check(runner, "/dev/zero")
    assert result.exit_code == 2
    assert "/dev/zero: (file): more than" in result.output


def test_a_file_of_many_bad_values_reports_the_first_50_and_counts_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    hints: list[str] = []
    real = facts_module._hint
    monkeypatch.setattr(facts_module, "_hint", lambda given, allowed: hints.append(given) or real(given, allowed))
    text = "business_lines: [" + ",".join(f"nope{i}" for i in range(2_000)) + "]\n"
    with pytest.raises(FactFileError) as caught:
        parse_fact_text(GOOD.replace("business_lines: [star_rated_hotel]\n", text))
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == f"(file): {2_000 - MAX_PROBLEMS} more problem(s) not shown"
    assert len(hints) == MAX_PROBLEMS  # a 'did you mean' is only worked out for a problem shown


def test_two_yaml_documents_are_refused() -> None:
    assert "more than one YAML document" in problem_of(GOOD + "---\n" + GOOD)


def test_yaml_tags_are_refused() -> None:
    assert "YAML tag 'tag:yaml.org,2002:float' is not accepted" in problem_of(GOOD.replace("1000", "!!float 1000"))


# -- silent wrong values ----------------------------------------------------------------------------
@pytest.mark.parametrize("amount", ["0,7亿元", "7999,99元", "1,0,0,0万元", "1,000,0元", "1,000.000,1元", "7,99,999元"])
def test_a_comma_that_does_not_group_thousands_is_refused(amount: str) -> None:
    message = problem_of(BLOCK.replace("9000万元", amount))
    assert message.startswith("hostile.yaml:6:5: figures.2023.revenue: ")
    assert "a comma may only separate groups of three digits" in message or "cannot read" in message


def test_a_comma_inside_a_flow_mapping_separates_entries_and_is_never_read_as_digits() -> None:
    message = problem_of(GOOD.replace("9000万元", "0,7亿元"))
    assert "figures.2023.7亿元: unknown key" in message


@pytest.mark.parametrize(
    ("amount", "yuan"),
    [("1,000万元", 10_000_000), ("12,345.67元", "12345.67"), ("100,000,000", 100_000_000), ("0.7亿元", 70_000_000)],
)
def test_thousands_separators_are_read(amount: str, yuan: int | str) -> None:
    text = BLOCK.replace("9000万元", amount).replace("  2023:\n", "  2023:\n    currency: CNY\n")
    assert parse_fact_text(text).figures[2023]["revenue"] == Money("CNY", Decimal(yuan))


def test_a_count_with_a_misplaced_comma_is_refused() -> None:
    message = problem_of(BLOCK.replace("guests: 1000", "guests: 1,00"))
    assert "figures.2023.guests: '1,00': a comma may only separate groups of three digits" in message


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (BLOCK + "    revenue: 1元\n", "9:5: figures.2023.revenue"),
        (BLOCK + "  '2023': {revenue: 1元}\n", "9:3: figures.2023"),
        (BLOCK + "entity: {name: y, kind: enterprise}\n", "9:1: entity"),
    ],
)
def test_duplicate_keys_are_refused_not_last_wins(text: str, where: str) -> None:
    message = problem_of(text)
    assert f"hostile.yaml:{where}: duplicate key (first given at " in message


def test_an_empty_folder_is_an_error(tmp_path: Path, runner: CliRunner) -> None:
    result = check(runner, tmp_path)
    assert result.exit_code == 2
    assert f"{tmp_path}: (folder): no fact files (*.yaml, *.yml) in this folder" in result.output


def test_a_folder_without_yaml_is_an_error(tmp_path: Path, runner: CliRunner) -> None:
    write(tmp_path, "notes.txt", "not a fact file")
    result = check(runner, tmp_path, "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)[0]["schema"] == "svctrade.error/1"


def test_a_dangling_link_in_a_folder_is_listed(tmp_path: Path, runner: CliRunner) -> None:
    write(tmp_path, "good.yaml", GOOD)
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    result = check(runner, tmp_path, "--format", "jsonl")
    assert result.exit_code == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["schema"] for r in records] == ["svctrade.error/1", "svctrade.result/1"]
    assert records[0]["problems"] == ["(file): cannot read the file (No such file or directory)"]


def test_a_pipe_or_device_in_a_folder_is_listed_never_opened(tmp_path: Path, runner: CliRunner) -> None:
    write(tmp_path, "good.yaml", GOOD)
    os.mkfifo(tmp_path / "pipe.yaml")  # opening it would wait for a writer forever
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    result = check(runner, tmp_path)
    assert result.exit_code == 2
    for name in ("pipe.yaml", "zero.yaml"):
        assert f"{tmp_path / name}: (file): not a regular file (a pipe or device)" in result.output
    assert "上海外滩华庭酒店有限公司" in result.stdout


def test_a_name_with_a_newline_cannot_forge_a_report_line(tmp_path: Path, runner: CliRunner) -> None:
    forged = GOOD.replace("上海外滩华庭酒店有限公司", '"x\\n【1】伪造 —— 符合"')
    result = check(runner, write(tmp_path, "forged.yaml", forged))
    assert result.exit_code == 2
    assert "entity.name: contains '\\n' (U+000A control); expected one line of text" in result.output
    assert not any(line.startswith("【1】") for line in result.output.splitlines())


def test_a_file_name_with_a_newline_cannot_forge_a_report_line(tmp_path: Path, runner: CliRunner) -> None:
    write(tmp_path, "a\n【1】伪造 —— 符合.yaml", GOOD.replace("9000万元", "lots"))
    write(tmp_path, "b\n【1】伪造 —— 符合.yaml", GOOD)
    result = check(runner, tmp_path)
    assert result.exit_code == 2
    assert "a\\n【1】伪造 —— 符合.yaml:5:10: figures.2023.revenue" in result.output
    assert not any(line.startswith("【1】") for line in result.output.splitlines())


# -- a batch: every record answered or listed --------------------------------------------------------
HOSTILE = {
    "nan.yaml": (GOOD.replace("9000万元", ".nan"), "figures.2023.revenue"),
    "bad-date.yaml": (GOOD + AGREEMENT.replace("END", "2025-13-01"), "agreements[0].end"),
    "deep.yaml": ("catalogue: " + "[" * 600 + "]" * 600 + "\n", "depth limit"),
    "bomb.yaml": (_alias_bomb("business_lines"), "item limit"),
    "comma.yaml": (BLOCK.replace("9000万元", "0,7亿元"), "figures.2023.revenue"),
    "duplicate.yaml": (BLOCK + "    revenue: 1元\n", "figures.2023.revenue: duplicate key"),
    "forged.yaml": (GOOD.replace("上海外滩华庭酒店有限公司", '"x\\ny"'), "entity.name"),
}


def test_in_a_folder_each_hostile_file_costs_only_itself(tmp_path: Path, runner: CliRunner) -> None:
    for i in range(3):
        write(tmp_path, f"good-{i}.yaml", GOOD)
    for name, (text, _) in HOSTILE.items():
        write(tmp_path, name, text)
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    result = check(runner, tmp_path, "--format", "jsonl")
    assert result.exit_code == 2
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    records = {Path(r.get("source") or r["entity"]["source"]).name: r for r in documents}
    assert sorted(records) == sorted([*HOSTILE, "dangling.yaml", "good-0.yaml", "good-1.yaml", "good-2.yaml"])
    for name, (_, field) in HOSTILE.items():
        assert records[name]["schema"] == "svctrade.error/1"
        assert any(field in problem for problem in records[name]["problems"]), records[name]
    assert all(records[f"good-{i}.yaml"]["schema"] == "svctrade.result/1" for i in range(3))


def test_an_unexpected_exception_in_one_record_costs_only_that_record(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = facts_module.read_text

    def failing(path: str | Path, *args: int) -> str:
        if Path(path).name == "b.yaml":
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, *args)

    monkeypatch.setattr(facts_module, "read_text", failing)
    paths = [write(tmp_path, f"{n}.yaml", GOOD) for n in "abc"]
    result = check(runner, *paths)
    assert result.exit_code == 2
    assert f"{paths[1]}: (file): could not be read (RecursionError: " in result.output
    assert result.stdout.count("上海外滩华庭酒店有限公司") == 2


def test_an_assessment_failure_costs_only_its_record(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    engine = Engine()
    real = engine._derive

    def failing(batch: list[EntityFacts], *args: object, **options: object):  # type: ignore[no-untyped-def]
        if any(e.name == "boom" for e in batch):
            raise RuntimeError("clingo said no")
        return real(batch, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_derive", failing)
    boom = GOOD.replace("上海外滩华庭酒店有限公司", "boom")
    paths = [write(tmp_path, "a.yaml", GOOD), write(tmp_path, "b.yaml", boom)]
    results = list(assess_files(engine, [*paths, paths[0]]))
    assert [type(r).__name__ for r in results] == ["Assessment", "FactFileError", "Assessment"]
    assert "could not be assessed (RuntimeError: 'clingo said no')" in str(results[1])


@pytest.mark.parametrize("output", ["jsonl", "csv", "results"])
def test_in_a_batch_a_reading_or_assessment_failure_costs_only_its_record(
    monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    options = BatchOptions(output=output)
    assessor = Assessor(options, Engine())
    real_derive, real_load = assessor.engine._derive, parallel.load_record

    def failing(batch: list[EntityFacts], *args: object, **more: object):  # type: ignore[no-untyped-def]
        if any(e.name == "boom" for e in batch):
            raise RuntimeError("clingo said no")
        return real_derive(batch, *args, **more)  # type: ignore[arg-type]

    def unreadable(record: Record) -> EntityFacts:
        if "unreadable" in record.payload:
            raise LookupError("a defect of the reader")
        return real_load(record)

    monkeypatch.setattr(assessor.engine, "_derive", failing)
    monkeypatch.setattr(parallel, "load_record", unreadable)
    good = json.dumps(fact_document(parse_fact_text(GOOD, "good.yaml")), ensure_ascii=False)
    lines = [
        good,
        good.replace("上海外滩华庭酒店有限公司", "boom"),
        good.replace("上海外滩华庭酒店有限公司", "unreadable"),
        good,
    ]
    answers = assessor.answer([Record(f"in.jsonl:{i}", "json", line) for i, line in enumerate(lines, 1)])
    assert (answers.entities, answers.errors) == (2, 2)
    text = answers.text
    assert "in.jsonl:2" in text and "could not be assessed (RuntimeError: 'clingo said no')" in text
    assert "in.jsonl:3" in text and "could not be read (LookupError: 'a defect of the reader')" in text
    assert set(re.findall(r"in\.jsonl:\d", text)) == {"in.jsonl:1", "in.jsonl:2", "in.jsonl:3", "in.jsonl:4"}


def test_an_unreadable_file_does_not_stop_the_others(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = write(tmp_path, "locked.yaml", GOOD)
    real_open = open

    def guarded(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(facts_module, "open", guarded, raising=False)
    (tmp_path / "not-utf8.yaml").write_bytes(b"year: \xff\xfe\n")
    result = check(runner, locked, "nowhere.yaml", write(tmp_path, "good.yaml", GOOD), tmp_path / "not-utf8.yaml")
    assert result.exit_code == 2
    assert f"{locked}: (file): cannot read the file (Permission denied)" in result.output
    assert "nowhere.yaml: (file): cannot read the file (No such file or directory)" in result.output
    assert "not-utf8.yaml: (file): not UTF-8 text" in result.output
    assert result.stdout.count("上海外滩华庭酒店有限公司") == 1


# -- command-line arguments ------------------------------------------------------------------------
@pytest.mark.parametrize("year", ["2147483648", "-5", "0", "99999999999999999999"])
def test_an_out_of_range_year_is_a_usage_error(runner: CliRunner, year: str) -> None:
    result = check(runner, EXAMPLES[0], "--year", year)
    assert result.exit_code == 2
    assert "Invalid value for '--year'" in result.output


def test_an_empty_catalogue_is_a_usage_error(runner: CliRunner) -> None:
    result = check(runner, EXAMPLES[0], "--catalogue", "")
    assert result.exit_code == 2
    assert "--catalogue needs a catalogue version" in result.output


def test_a_catalogue_option_without_its_value_is_a_usage_error(runner: CliRunner) -> None:
    result = check(runner, EXAMPLES[0], "--catalogue")
    assert result.exit_code == 2
    assert "requires an argument" in result.output


def test_a_catalogue_folder_without_a_knowledge_base_is_a_usage_error(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "2023").mkdir()
    monkeypatch.setenv("SVCTRADE_KB", str(tmp_path))
    result = check(runner, EXAMPLES[0])
    assert result.exit_code == 2
    assert f"no catalogue version under {tmp_path}" in result.output
    named = check(runner, EXAMPLES[0], "--catalogue", "2023")
    assert named.exit_code == 2
    assert "no knowledge base for catalogue '2023'" in named.output


def test_json_over_many_files_is_written_as_it_goes() -> None:
    produced: list[int] = []

    def documents():  # type: ignore[no-untyped-def]
        for i in range(3):
            produced.append(i)
            yield {"n": i, "text": "a\nb"}

    pieces = json_array(documents())
    assert next(pieces) == "[" and produced == []
    assert next(pieces).startswith("\n  {") and produced == [0]
    rest = "".join(pieces)
    assert json.loads("[" + '\n  {\n    "n": 0,\n    "text": "a\\nb"\n  }' + rest) == list(documents())
    assert "".join(json_array([])) == json.dumps([])
    whole = "".join(json_array({"n": i} for i in range(2)))
    assert whole == json.dumps([{"n": 0}, {"n": 1}], indent=2)


# -- issue 9: stdin, hints by meaning --------------------------------------------------------------
def test_check_dash_reads_one_fact_file_from_stdin(runner: CliRunner) -> None:
    result = check(runner, "-", "--format", "json", stdin=GOOD)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["entity"]["source"] == "<stdin>"
    bad = check(runner, "-", stdin=GOOD.replace("9000万元", "lots"))
    assert bad.exit_code == 2
    assert "<stdin>:5:10: figures.2023.revenue" in bad.output


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("business_lines: [legal_services]", "legal"),
        ("business_lines: [法律服务]", "legal"),
        ("business_lines: [cloud]", "cloud_services"),
        ("business_lines: [酒店]", "star_rated_hotel"),
        ("business_lines: [star_hotel]", "star_rated_hotel"),
        ("certifications: [ISO 27001]", "iso27001"),
    ],
)
def test_did_you_mean_matches_meaning_not_only_spelling(written: str, meant: str) -> None:
    message = problem_of(GOOD.replace("business_lines: [star_rated_hotel]", written))
    assert f"(did you mean {meant!r}?)" in message


def test_did_you_mean_matches_a_chinese_figure_label() -> None:
    message = problem_of(GOOD.replace("revenue:", "营业额:"))
    assert "figures.2023.营业额: unknown key (did you mean 'revenue'?)" in message


# -- the fuzzer ------------------------------------------------------------------------------------
EXAMPLE_DATA = [read_yaml(path.read_text(encoding="utf-8")).data for path in EXAMPLES]
RAW = "RAWx{}x"  # a placeholder, replaced by raw YAML text after dumping
_ODD_YAML = [
    ".nan", ".inf", "-.inf", "1.0e+400", "1e5", "9" * 40, "-0", "0x1F", "0o17", "1_000", "+5",
    "{amount: NaN, unit: 元}", "{amount: 1e400}", "{amount: [1]}", "0,7亿元", "7999,99元", "1,0,0,0万元",
    "2025-13-01", "2024-02-30", "9999-12-31", "0001-01-01", "2024-01-01T25:00:00", "20240101", "2024-W01-1",
    "１２３万元", "٣٤元", "²", "null", "~", "yes", "no", "true", '""', "[]", "{}", "!!float 1", "&a x", "*a",
    '"x\\ny"', '"\\u202e"', "[" * 30 + "]" * 30, "{a: {b: {c: {d: {e: {f: 1}}}}}}",
]  # fmt: skip
_SWAP = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30).map(str),
    st.text(max_size=8),
    st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.sampled_from(["amount", "unit", "value", "2023", "x"]), st.text(max_size=4), max_size=2),
)


def _nodes(data: object, path: tuple = ()) -> list[tuple]:
    """Every path into the data, the root included."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _nodes(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _nodes(value, (*path, i))
    return found


def _copy(data: object) -> object:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    return [_copy(v) for v in data] if isinstance(data, list) else data


_EXAMPLE = st.sampled_from(EXAMPLE_DATA)
_EDITS = st.sampled_from(["delete", "swap", "duplicate", "raw", "nest", "unicode"])
_LINE_EDITS = st.sampled_from(["none", "duplicate", "drop", "insert"])
_RAW_YAML = st.sampled_from(_ODD_YAML)
_UNICODE = st.text(st.characters(codec="utf-8"), max_size=12)


@st.composite
def mutants(draw: st.DrawFn) -> str:
    """A shipped example with a few hostile edits: type swaps, deletions, duplications, odd numbers
    and dates, deep nesting, unicode; some at the data level, some in the YAML text."""
    data = _copy(draw(_EXAMPLE))
    raws: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        nodes = _nodes(data)
        path = nodes[draw(st.integers(0, len(nodes) - 1))]
        if not path:
            continue
        parent = data
        for step in path[:-1]:
            parent = parent[step]  # type: ignore[index]
        key, kind = path[-1], draw(_EDITS)
        if kind == "delete":
            del parent[key]  # type: ignore[attr-defined]
        elif kind == "duplicate" and isinstance(parent, list):
            parent.append(_copy(parent[key]))
        elif kind == "duplicate":
            parent[f"{key}_copy" if draw(st.booleans()) else str(key).upper()] = _copy(parent[key])  # type: ignore[index]
        elif kind == "swap":
            parent[key] = draw(_SWAP)  # type: ignore[index]
        elif kind == "raw":
            raws.append(draw(_RAW_YAML))
            parent[key] = RAW.format(len(raws) - 1)  # type: ignore[index]
        elif kind == "nest":
            value = parent[key]  # type: ignore[index]
            for _ in range(draw(st.integers(1, 25))):
                value = [value]
            parent[key] = value  # type: ignore[index]
        else:
            parent[key] = draw(_UNICODE)  # type: ignore[index]
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
    for i, raw in enumerate(raws):
        text = text.replace(RAW.format(i), raw)
    edit = draw(_LINE_EDITS)
    lines = text.splitlines(keepends=True)
    if edit != "none" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        if edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "drop":
            del lines[i]
        else:
            lines.insert(i, draw(_UNICODE) + "\n")
    return "".join(lines)


def _read(text: str) -> EntityFacts | FactFileError:
    """A mutant read: its facts, or one clear message per problem."""
    try:
        return parse_fact_text(text, "mutant.yaml")
    except FactFileError as error:
        assert error.problems
        for line in error.lines():
            assert re.match(r"mutant\.yaml(:\d+:\d+)?: \S", line), line
            assert "\n" not in line and "\r" not in line
            assert len(line) < 2000
        return error


#: 100 unless a profile asks for more: CI reads 1,800 mutants and assesses 200 batches of up to 5
#: (2,000 examples); the `long` profile (HYPOTHESIS_PROFILE=long, tests/conftest.py) runs 10 times as many.
_RUNS = max(settings.default.max_examples, 100)


@settings(max_examples=18 * _RUNS, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutants())
def test_every_mutated_example_is_read_or_rejected_clearly(text: str) -> None:
    _read(text)


@settings(max_examples=2 * _RUNS, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutants(), min_size=1, max_size=5))
def test_every_mutated_example_is_assessed_or_rejected_clearly(engine: Engine, tmp_path_factory, texts) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("mutants")
    for i, text in enumerate(texts):
        (folder / f"{i}.yaml").write_text(text, encoding="utf-8")
    results = list(assess_files(engine, [folder]))
    assert len(results) == len(texts)
    for text, result in zip(texts, results, strict=True):
        assert isinstance(result, Assessment | FactFileError)
        if isinstance(_read(text), EntityFacts) and isinstance(result, FactFileError):
            assert result.problems[0].startswith("year: missing") or "catalogue" in result.problems[0]
