"""Batches: every input format staff keep gives the same answers as one fact file at a time, in
input order whatever the number of workers; a bad record is an error row, never a crash; reusing
each pattern's minimal sets answers exactly as solving every entity does."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from itertools import islice
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pysvc.batch_io import Record, batch_json, batch_line, fact_document, load_record, read_records, row_document
from pysvc.cli import app
from pysvc.engine import SOLVE_IN_PLACE, Engine
from pysvc.facts import FactFileError
from pysvc.parallel import BatchOptions, answer_batch, answer_partition
from pysvc.population import population

from .conftest import EXAMPLES, ROOT


def _answers(assessment) -> list:
    """Everything a per-entity answer says: status, route, minimal sets and each condition's state,
    values found (as a multiset) and facts to collect."""
    return [
        (
            r.programme.id,
            r.status,
            r.route,
            sorted(sorted(c.condition.id for c in s) for s in r.missing),
            [(c.condition.id, c.status, sorted(map(repr, c.found)), c.needs) for c in r.conditions],
        )
        for r in assessment.programmes
    ]


@pytest.mark.parametrize(("count", "explain_all"), [(2000, False), (100, True)])
def test_reused_minimal_sets_equal_solving_every_entity(count: int, explain_all: bool) -> None:
    entities = list(population(count, seed=11))
    reused = [_answers(a) for a in Engine().assess(entities, explain_all=explain_all)]
    solved = Engine(batch_size=25, reuse_patterns=False).assess(entities, explain_all=explain_all)
    for entity, mine, reference in zip(entities, reused, solved, strict=True):
        assert mine == _answers(reference), entity.source


@pytest.mark.parametrize(
    ("count", "explain_all", "readings"),
    [(2000, False, {}), (100, True, {}), (200, True, {"annual_tests": "last_year", "recent_years": "average"})],
)
def test_screening_decides_as_assessing_does_without_grounding_the_explanation(
    count: int, explain_all: bool, readings: dict[str, str]
) -> None:
    entities = list(population(count, seed=13))
    screened = list(Engine(interpretations=readings).screen(entities, explain_all=explain_all))
    reference = Engine(interpretations=readings, batch_size=25, reuse_patterns=False)
    assessed = reference.assess(entities, explain_all=explain_all)
    for entity, mine, reference in zip(entities, screened, assessed, strict=True):
        assert mine == reference.screening(), entity.source
    assert {v.status for s in screened for v in s.verdicts} == {
        "eligible",
        "not_eligible",
        "undetermined",
        "out_of_scope",
    }


def test_a_batch_line_is_the_json_of_the_compact_answer(engine: Engine) -> None:
    entities = list(population(300, seed=17))
    for explain_all in (False, True):
        for screening in engine.screen(entities, explain_all=explain_all):
            assert batch_line(screening) == json.dumps(batch_json(screening), ensure_ascii=False)
            assert json.loads(batch_line(screening))["programmes"][-1]["id"] == "11"


def test_the_reference_answers_as_one_entity_per_control() -> None:
    entities = list(population(40, seed=3))
    alone = Engine(batch_size=1, reuse_patterns=False)
    together = Engine(batch_size=25, reuse_patterns=False).assess(entities)
    for entity, answer in zip(entities, together, strict=True):
        assert _answers(answer) == _answers(alone.assess_one(entity)), entity.source


def test_a_generated_population_reaches_every_programme_and_every_outcome(engine: Engine) -> None:
    seen = {(r.programme.id, r.status) for a in engine.assess(population(600)) for r in a.programmes}
    assert {pid for pid, status in seen if status != "out_of_scope"} == set(engine.catalogue.programmes)
    assert {status for _, status in seen} == {"eligible", "not_eligible", "undetermined", "out_of_scope"}


def _documents(count: int) -> list[dict]:
    return [fact_document(e) for e in population(count, seed=5)]


def _lines(documents: list[dict]) -> str:
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents)


def _run(tmp_path: Path, *arguments: str) -> tuple[int, list[dict], str]:
    out = tmp_path / "answers.out"
    result = CliRunner().invoke(app, ["batch", *arguments, "-o", str(out)])
    assert "Traceback" not in result.output, result.output
    text = out.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines()] if "--format" not in arguments else []
    return result.exit_code, rows, text


def test_jsonl_yaml_folder_and_csv_give_the_answers_of_the_fact_files(tmp_path: Path, engine: Engine) -> None:
    documents = _documents(30)
    (tmp_path / "in.jsonl").write_text(_lines(documents), encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    for i, d in enumerate(documents):
        (folder / f"{i:03}.yaml").write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    expected = [
        [
            (r.programme.id, r.status, r.route)
            for r in engine.assess_one(load_record(Record(str(i), "json", json.dumps(d)))).programmes
        ]
        for i, d in enumerate(documents)
    ]
    for source in (tmp_path / "in.jsonl", folder):
        code, rows, _ = _run(tmp_path, str(source), "--jobs", "0")
        assert code == 0
        assert [[(p["id"], p["status"], p.get("route")) for p in row["programmes"]] for row in rows] == expected


def test_answers_come_in_input_order_whatever_the_number_of_workers(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(_lines(_documents(60)), encoding="utf-8")
    runs = [_run(tmp_path, str(tmp_path / "in.jsonl"), "--jobs", jobs, "--batch-size", "7")[2] for jobs in ("0", "2")]
    assert runs[0] == runs[1]
    assert [json.loads(line)["entity"]["name"].split("#")[1] for line in runs[0].splitlines()] == [
        str(i) for i in range(60)
    ]


def test_a_bad_record_is_an_error_row_in_its_place_and_the_rest_is_answered(tmp_path: Path) -> None:
    good = _lines(_documents(2)).splitlines()
    lines = [good[0], "{not json", '{"entity": {"name": "x", "kind": "enterprise"}, "year": 2024, "year": 2025}']
    lines += ['{"entity": {"name": "x", "kind": "company"}, "year": 2024}', "[" * 100_000, good[1]]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, rows, _ = _run(tmp_path, str(tmp_path / "in.jsonl"), "--jobs", "0")
    assert code == 2
    assert [row["schema"] for row in rows] == ["svctrade.batch/1"] + ["svctrade.error/1"] * 4 + ["svctrade.batch/1"]
    assert rows[1]["source"].endswith("in.jsonl:2") and "malformed JSON" in rows[1]["problems"][0]
    assert "year given twice" in rows[2]["problems"][0]
    assert "entity.kind" in rows[3]["problems"][0]


def test_a_spreadsheet_row_is_a_fact_document_with_dotted_headers() -> None:
    row = {
        "entity.name": "上海某酒店",
        "entity.kind": "enterprise",
        "year": "2024",
        "business_lines": "star_hotel",
        "figures.2023.revenue": "9000万元",
        "certifications": "[]",
        "agreements[0].counterparty": "某公司",
        "agreements[0].well_known": "TRUE",
        "findings.logistics_information_system": "false",
        "licences": "",
    }
    assert row_document(row) == {
        "entity": {"name": "上海某酒店", "kind": "enterprise"},
        "year": "2024",
        "business_lines": ["star_hotel"],
        "figures": {"2023": {"revenue": "9000万元"}},
        "certifications": [],
        "agreements": [{"counterparty": "某公司", "well_known": True}],
        "findings": {"logistics_information_system": False},
    }


def _spreadsheet_rows(documents: list[dict]) -> tuple[list[str], list[list]]:
    def flat(value: object, path: str) -> dict[str, object]:
        if isinstance(value, dict):
            return {
                k: v for key, item in value.items() for k, v in flat(item, f"{path}.{key}" if path else key).items()
            }
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return {k: v for i, item in enumerate(value) for k, v in flat(item, f"{path}[{i}]").items()}
        if isinstance(value, list):
            return {path: ";".join(value) if value else "[]"}
        return {path: value}

    flats = [flat(d, "") for d in documents]
    header = sorted({key for f in flats for key in f})
    return header, [[f.get(key, "") for key in header] for f in flats]


def test_csv_and_xlsx_rows_answer_as_the_documents_they_hold(tmp_path: Path) -> None:
    documents = _documents(12)
    header, rows = _spreadsheet_rows(documents)
    with open(tmp_path / "in.csv", "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([header, *[[str(c) for c in r] for r in rows]])
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append([None if c == "" else c for c in row])
    book.save(tmp_path / "in.xlsx")
    (tmp_path / "in.jsonl").write_text(_lines(documents), encoding="utf-8")
    answers = {}
    for name in ("in.jsonl", "in.csv", "in.xlsx"):
        code, rows_out, _ = _run(tmp_path, str(tmp_path / name), "--jobs", "0")
        assert code == 0, rows_out
        answers[name] = [row["programmes"] for row in rows_out]
    assert answers["in.csv"] == answers["in.jsonl"] == answers["in.xlsx"]


def test_csv_output_has_one_row_per_entity_and_programme_with_sets_as_condition_ids(tmp_path: Path) -> None:
    example = next(p for p in EXAMPLES if p.name.startswith("10.2-digital-content-two-missing-sets"))
    code, _, text = _run(tmp_path, str(example), "--format", "csv", "--jobs", "0")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert code == 0 and len(rows) == 41
    row = next(r for r in rows if r["programme"] == "10.2")
    assert row["status"] == "not_eligible"
    assert len(row["missing"].split(" | ")) == 2


def test_stdin_reads_jsonl(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["batch", "-", "--jobs", "0"], input=_lines(_documents(3)))
    assert result.exit_code == 0
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [
        "<stdin>:1",
        "<stdin>:2",
        "<stdin>:3",
    ]
    assert "3 entities answered" in result.stderr


def test_stdin_reads_a_yaml_stream_each_document_within_the_size_limit_of_a_fact_file() -> None:
    from pysvc.loader import LIMITS

    hotel = (EXAMPLES[0].parent / "2.1-star-hotel-eligible.yaml").read_bytes()
    oversize = b"year: 2024\nentity: {name: x, kind: enterprise}\nnote: '" + b"x" * LIMITS.max_bytes + b"'\n"
    stream = b"---\n".join([hotel, oversize, b"\xff\xfe: not utf-8\n", hotel])
    result = CliRunner().invoke(app, ["batch", "-", "--input-format", "yaml", "--jobs", "0"], input=stream)
    assert result.exit_code == 2
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(a["source"], a["schema"]) for a in answers] == [
        ("<stdin>#1", "svctrade.batch/1"),
        ("<stdin>#2", "svctrade.error/1"),
        ("<stdin>#3", "svctrade.error/1"),
        ("<stdin>#4", "svctrade.batch/1"),
    ]
    assert answers[1]["problems"] == [f"(file): more than {LIMITS.max_bytes:,} bytes: over the size limit"]
    assert answers[2]["problems"] == ["(file): not UTF-8 text"]


def test_the_library_answers_chunk_by_chunk_with_counts() -> None:
    records = [Record(f"r{i}", "json", json.dumps(d)) for i, d in enumerate(_documents(10))]
    chunks = list(answer_batch(records, BatchOptions(batch_size=4), jobs=0))
    assert [c.entities for c in chunks] == [4, 4, 2]
    assert sum(sum(c.counts.values()) for c in chunks) == 10 * 41


def test_an_unknown_input_format_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "in.txt")])
    assert result.exit_code == 2 and "--input-format" in result.output
    with pytest.raises(FactFileError, match="longer than"):
        load_record(next(islice(read_records([str(_long_line(tmp_path))]), 1)))


def _long_line(tmp_path: Path) -> Path:
    path = tmp_path / "long.jsonl"
    path.write_bytes(b'{"x": "' + b"a" * (1 << 21) + b'"}\n')
    return path


def test_a_dask_bag_of_jsonl_partitions_maps_onto_the_library(tmp_path: Path) -> None:
    """The recipe of docs/batch.md on a local scheduler (runs only with the [dask] extra)."""
    bag = pytest.importorskip("dask.bag")
    documents = _documents(24)
    for shard in range(3):
        (tmp_path / f"shard-{shard}.jsonl").write_text(_lines(documents[shard * 8 : shard * 8 + 8]), encoding="utf-8")
    lines = bag.read_text(str(tmp_path / "shard-*.jsonl"), blocksize=None)
    answers = lines.map_partitions(answer_partition).compute(scheduler="threads")
    assert lines.npartitions == 3
    names = [json.loads(line)["entity"]["name"] for line in answers]
    assert names == [d["entity"]["name"] for d in documents]


def test_the_c_api_reader_sees_what_clingos_python_api_sees(engine: Engine) -> None:
    from pysvc.engine import _arguments

    entities = list(population(20, seed=7))
    ctl = engine._ground(entities, [e.year or 2024 for e in entities], False, detailed=True)
    for name, arity in (("state", 3), ("shows", 3), ("explained", 2)):
        public = [[a._rep for a in atom.symbol.arguments] for atom in ctl.symbolic_atoms.by_signature(name, arity)]
        assert list(_arguments(ctl, name, arity)) == public
        assert public


def test_batch_reads_yaml_as_check_does_a_key_given_twice_is_an_error_with_its_line(tmp_path: Path) -> None:
    text = (ROOT / "facts" / "examples" / "2.1-star-hotel-eligible.yaml").read_text(encoding="utf-8")
    (tmp_path / "dup.yaml").write_text(text.replace("year: 2024", "year: 2024\nyear: 2025", 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "dup.yaml"), "--jobs", "0"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert error["schema"] == "svctrade.error/1"
    assert any("year: duplicate key (first given at" in p for p in error["problems"])
    checked = json.loads(CliRunner().invoke(app, ["check", str(tmp_path / "dup.yaml"), "--format", "jsonl"]).stdout)
    assert error["problems"] == checked["problems"]  # the same lines, each with its line:column
    assert all(re.match(r"\d+:\d+: ", p) for p in error["problems"])


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (
            "year,entity.name,entity.kind,figures.2023.revenue,figures.2023.revenue",
            "2024,x,enterprise,9000万元,1万元",
            "appears more than once",
        ),
        ("year,entity.name,entity.kind,figures.2023.revenue", "2024,x,enterprise,90,000,000元", "cells but 4 columns"),
    ],
)
def test_a_csv_row_that_could_be_read_two_ways_is_an_error_row(
    tmp_path: Path, header: str, row: str, expected: str
) -> None:
    (tmp_path / "in.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "in.csv"), "--jobs", "0"])
    assert result.exit_code == 2
    assert expected in json.loads(result.stdout)["problems"][0]


def test_batch_walks_a_folder_as_check_does_listing_what_it_cannot_read(tmp_path: Path) -> None:
    shutil.copy(ROOT / "facts" / "examples" / "2.1-star-hotel-eligible.yaml", tmp_path / "good.yaml")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "missing.yaml")
    result = CliRunner().invoke(app, ["batch", str(tmp_path), "--jobs", "0"])
    assert result.exit_code == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["schema"] for line in lines] == ["svctrade.error/1", "svctrade.batch/1"]
    assert lines[0]["source"].endswith("gone.yaml") and "cannot read" in lines[0]["problems"][0]


def test_minimal_sets_are_not_solved_on_a_kb_that_derives_met_from_absence(tmp_path: Path) -> None:
    """The stand-ins of the pattern solver state nothing: a rule that makes a condition met for an
    entity that states nothing would make every pattern's sets wrong, so the solver refuses (it
    serves batches larger than those solved in place)."""
    draft = tmp_path / "2023"
    shutil.copytree(ROOT / "kb" / "2023", draft)
    with (draft / "ch01.lp").open("a", encoding="utf-8") as stream:
        stream.write('\nmet(E, "1.1a") :- entity(E).\n')
    with pytest.raises(RuntimeError, match=r'derives met\(0,"1.1a"\) for an entity that states nothing'):
        list(Engine(str(draft)).screen(population(SOLVE_IN_PLACE + 1), explain_all=True))


def test_a_few_entities_solved_in_place_answer_as_the_pattern_solver_does() -> None:
    entities = list(population(SOLVE_IN_PLACE * 10, seed=23))
    in_place = Engine()
    alone = [in_place.assess_one(entity) for entity in entities]
    screened = [next(in_place.screen([entity], explain_all=True)) for entity in entities]
    assert in_place._solver is None  # each batch of one was solved where it was ground
    for entity, mine, reference in zip(entities, alone, Engine().assess(entities), strict=True):
        assert _answers(mine) == _answers(reference), entity.source
    for entity, mine, reference in zip(entities, screened, Engine().assess(entities, explain_all=True), strict=True):
        assert mine == reference.screening(), entity.source
