"""Generated documentation is current, the shipped examples fit the JSON Schema, the KB source is
the catalogue text, and lint both passes and catches a removed clause."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from unittest import mock

import jsonschema
import pytest
import yaml

from pysvc.docs import stale_files
from pysvc.engine import Engine
from pysvc.lint import lint
from pysvc.schema import facts_schema

from .conftest import EXAMPLES, ROOT


def test_generated_docs_and_schema_are_current(engine: Engine) -> None:
    assert stale_files(engine) == [], "run `svctrade docs` and commit the result"


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_fits_the_json_schema(example: Path) -> None:
    data = json.loads(json.dumps(yaml.safe_load(example.read_text(encoding="utf-8")), default=str))
    jsonschema.validate(data, facts_schema())


def test_the_schema_rejects_an_unknown_key() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"entity": {"name": "x", "kind": "enterprise"}, "revenue": 1}, facts_schema())


def test_the_kb_source_is_the_catalogue_text_as_issued() -> None:
    shared = ROOT.parent / "shared" / "catalogue" / "2023.md"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert (ROOT / "kb" / "2023" / "source.md").read_bytes() == shared.read_bytes()


def test_every_kb_file_opens_with_a_header_naming_its_chapter() -> None:
    for path in sorted((ROOT / "kb" / "2023").glob("ch*.lp")):
        header = path.read_text(encoding="utf-8").splitlines()[:3]
        assert header[0].startswith("%"), path.name
        assert any(re.search(r"第[一二三四五六七八九十]+章", line) for line in header), path.name


def test_lint_passes_on_the_shipped_kb(engine: Engine) -> None:
    assert lint("2023", engine) == []


def test_lint_fails_when_one_clause_is_removed(tmp_path: Path) -> None:
    copy = tmp_path / "2023"
    shutil.copytree(ROOT / "kb" / "2023", copy)
    chapter = copy / "ch02.lp"
    text = chapter.read_text(encoding="utf-8")
    block = re.search(r"%@ clause 2\.1\.1:.*?\n\n", text, flags=re.S)
    assert block, "the clause block to remove was not found"
    chapter.write_text(text.replace(block[0], ""), encoding="utf-8")
    with mock.patch.dict(os.environ, {"SVCTRADE_KB": str(tmp_path)}):
        problems = lint("2023")
    assert any("上年度营业额 8000 万元人民币以上" in p for p in problems), problems
    assert any("2.1.1" in p for p in problems), problems


def test_lint_catches_a_threshold_in_the_wrong_currency(tmp_path: Path) -> None:
    copy = tmp_path / "2023"
    shutil.copytree(ROOT / "kb" / "2023", copy)
    chapter = copy / "ch02.lp"
    text = chapter.read_text(encoding="utf-8")
    wrong = text.replace('at_least("2.1.1", revenue, money(cny,', 'at_least("2.1.1", revenue, money(usd,')
    assert wrong != text
    chapter.write_text(wrong, encoding="utf-8")
    with mock.patch.dict(os.environ, {"SVCTRADE_KB": str(tmp_path)}):
        problems = lint("2023")
    assert "condition 2.1.1: threshold in USD but revenue is in CNY" in problems


def test_interpretations_doc_and_kb_offer_the_same_readings(engine: Engine, tmp_path: Path) -> None:
    from pysvc.lint import reading_doc_problems

    doc = ROOT / "docs" / "interpretations.md"
    assert reading_doc_problems(engine.catalogue, doc) == []
    text = doc.read_text(encoding="utf-8")
    dropped = tmp_path / "dropped.md"
    dropped.write_text(text.replace("— `annual_tests`", "— annual tests"), encoding="utf-8")
    assert any(
        "annual_tests is offered but not documented" in p for p in reading_doc_problems(engine.catalogue, dropped)
    )
    extra = tmp_path / "extra.md"
    extra.write_text(text + "\n### A reading nobody encoded — `invented_reading`\n", encoding="utf-8")
    assert any("invented_reading" in p for p in reading_doc_problems(engine.catalogue, extra))
    value = tmp_path / "value.md"
    value.write_text(text.replace("`up_to_last_year`", "up to last year"), encoding="utf-8")
    assert any("up_to_last_year is not documented" in p for p in reading_doc_problems(engine.catalogue, value))


def test_every_reading_states_its_question_and_each_meaning_in_both_languages(engine: Engine) -> None:
    for reading in engine.catalogue.interpretations.values():
        assert all(reading.question), reading.name
        assert set(reading.meanings) == set(reading.options), reading.name
        assert all(zh and en for zh, en in reading.meanings.values()), reading.name
