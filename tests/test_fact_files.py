"""Bad fact files get one clear message per problem, naming the file, the field and what is
expected; the command exits 2 and never shows a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pysvc import vocabulary as vocab
from pysvc.cli import app
from pysvc.facts import FactFileError, parse_fact_text, validate_facts

GOOD = """\
year: 2024
entity: {name: 上海外滩华庭酒店有限公司, kind: enterprise}
business_lines: [star_rated_hotel]
figures:
  2023: {revenue: 9000万元, guests: 1000, foreign_guests: 400}
"""


@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        ("year: 2024\nentity: {name: x, kind: enterprise\n", "3:1", "malformed YAML"),
        (GOOD.replace("revenue: 9000万元", "revenue: [9000]"), "5:10: figures.2023.revenue", "expected an amount"),
        (GOOD.replace("guests: 1000", "guests: many"), "5:27: figures.2023.guests", "whole number"),
        (GOOD.replace("9000万元", "-9000万元"), "5:10: figures.2023.revenue", "negative amount"),
        (GOOD.replace("9000万元", "9000万圆"), "5:10: figures.2023.revenue", "cannot read"),
        (GOOD.replace("9000万元", "90000000"), "5:10: figures.2023.revenue", "missing currency"),
        (GOOD.replace("9000万元", "9000万美元"), "5:10: figures.2023.revenue", "never converts currencies"),
        (GOOD.replace("revenue:", "revenu:"), "5:10: figures.2023.revenu", "did you mean 'revenue'"),
        (GOOD.replace("business_lines", "busines_lines"), "3:1: busines_lines", "did you mean 'business_lines'"),
        (GOOD.replace("star_rated_hotel", "star_hotel"), "3:18: business_lines[0]", "unknown value 'star_hotel'"),
        (GOOD.replace("kind: enterprise", "kind: company"), "2:30: entity.kind", "expected one of"),
        (GOOD.replace("year: 2024", "year: next"), "1:1: year", "expected a year"),
        (
            GOOD + "findings: {specialty_brand: yes please}\n",
            "6:12: findings.specialty_brand",
            "expected a mapping",
        ),
        (
            GOOD + "agreements: [{counterparty: A, counterparty_kind: client, start: 2024-01-01, end: 2023-01-01}]\n",
            "6:78: agreements[0].end",
            "before it starts",
        ),
    ],
)
def test_each_bad_field_is_named_with_line_column_and_what_is_expected(text: str, where: str, expected: str) -> None:
    with pytest.raises(FactFileError) as caught:
        parse_fact_text(text, "facts/bad.yaml")
    message = str(caught.value)
    assert message.startswith(f"facts/bad.yaml:{where}: ")
    assert expected in message


def test_every_problem_of_a_file_is_reported_together() -> None:
    text = GOOD.replace("revenue:", "revenu:").replace("guests: 1000", "guests: -3")
    with pytest.raises(FactFileError) as caught:
        parse_fact_text(text, "x.yaml")
    assert len(caught.value.problems) == 2


@pytest.mark.parametrize(
    "text",
    [
        "entity: {name: x, kind: enterprise\n",
        GOOD.replace("9000万元", "9000万圆"),
        GOOD.replace("9000万元", "90000000"),
        GOOD.replace("revenue:", "revenu:"),
        "- just\n- a list\n",
        "",
    ],
)
def test_the_cli_exits_2_without_a_traceback(tmp_path: Path, runner: CliRunner, text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.output
    assert "Traceback" not in result.output


def test_a_missing_year_is_an_error_not_today(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "no-year.yaml"
    path.write_text(GOOD.replace("year: 2024\n", ""), encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert "year: missing" in result.output
    assert runner.invoke(app, ["check", str(path), "--year", "2024"]).exit_code == 0


def test_a_missing_file_is_reported_plainly(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "no/such/file.yaml"])
    assert result.exit_code == 2
    assert "no/such/file.yaml: (file): cannot read the file" in result.output


def test_in_a_batch_the_bad_record_is_reported_and_the_rest_answered(tmp_path: Path, runner: CliRunner) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(GOOD.replace("9000万元", "lots"), encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad), str(good), "--format", "jsonl"])
    assert result.exit_code == 2
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert '"svctrade.error/1"' in lines[0] and "figures.2023.revenue" in lines[0]
    assert '"svctrade.result/1"' in lines[1]


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(),
    st.sampled_from(["8000万元", "2.5万美元", "1亿", "-3元", "USD 1", "cmmi", "enterprise", "2023", "true"]),
)
_keys = st.sampled_from(
    [
        *vocab.TOP_LEVEL,
        *vocab.ENTITY_FIELDS,
        *list(vocab.FIGURES)[:8],
        "currency",
        "value",
        "amount",
        "unit",
        "2023",
        "x",
    ]
)
_data = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _data, max_size=6))
def test_any_data_is_either_valid_facts_or_a_fact_file_error(data: dict) -> None:
    try:
        facts = validate_facts(data, "fuzz.yaml")
    except FactFileError as error:
        assert error.problems and all(isinstance(p, str) for p in error.problems)
    else:
        assert facts.source == "fuzz.yaml"


@pytest.mark.parametrize(
    ("figures", "field", "expected"),
    [
        (
            "{overseas_hotels: 0, overseas_hotel_revenue: 60万美元}",
            "overseas_hotel_revenue",
            "beside overseas_hotels: 0",
        ),
        (
            "{overseas_branches: 0, overseas_branch_revenue: 35万美元}",
            "overseas_branch_revenue",
            "overseas_branches: 0",
        ),
        (
            "{overseas_branch_revenue: 35万美元, overseas_establishment_revenue: 10万美元}",
            "overseas_branch_revenue",
            "exceeds overseas_establishment_revenue",
        ),
        ("{guests: 1000, foreign_guests: 1001}", "foreign_guests", "exceeds guests"),
        ("{staff: 10, college_staff: 11}", "college_staff", "exceeds staff"),
    ],
)
def test_figures_that_contradict_each_other_are_rejected(figures: str, field: str, expected: str) -> None:
    text = f"year: 2024\nentity: {{name: x, kind: enterprise}}\nfigures:\n  2023: {figures}\n"
    with pytest.raises(FactFileError) as caught:
        parse_fact_text(text, "c.yaml")
    assert f"figures.2023.{field}: " in str(caught.value)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "certifications: [dcmm]\nfindings: {other_quality_certification: {value: true, note: TMMi}}",
            "add `other_international`",
        ),
        (
            "certifications: [other_international]\nfindings: {other_quality_certification: true}",
            "name the certification",
        ),
        (
            "registered_scope: [advertising_design]\nfindings: {other_advertising_item: {value: true, note: 广告策划}}",
            "add `other_advertising`",
        ),
    ],
)
def test_a_finding_about_another_listed_item_needs_the_item_and_its_name(extra: str, expected: str) -> None:
    text = f"year: 2024\nentity: {{name: x, kind: enterprise}}\n{extra}\n"
    with pytest.raises(FactFileError) as caught:
        parse_fact_text(text, "c.yaml")
    assert expected in str(caught.value)


def test_a_file_that_is_not_a_mapping_gets_one_message() -> None:
    with pytest.raises(FactFileError) as caught:
        parse_fact_text("- 1\n- 2\n", "list.yaml")
    assert caught.value.problems == ["(file): expected a mapping of keys (year, entity, figures …), got list"]
