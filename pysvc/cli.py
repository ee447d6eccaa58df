"""The `svctrade` command line: parses arguments, calls the library, renders. Nothing else.

Exit codes: 0 every file answered (or lint clean / cases pass); 1 lint problems or failing cases;
2 bad input or usage (the other files of a batch are still answered).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .batch import assess_files, outcome_changes
from .batch_io import InputFormat, csv_header
from .engine import Engine, InterpretationError
from .facts import FactFileError
from .kb import DEFAULT_CATALOGUE, CatalogueNotFound
from .render import (
    assessment_json,
    condition_line,
    error_json,
    header_lines,
    interpretation_json,
    interpretations_text,
    programme_text,
    render_text,
)
from .results import Assessment

app = typer.Typer(
    help="svctrade: eligibility under the Shanghai Service Trade Promotion Guidance Catalogue (2023), "
    "with clause-cited reasons and every minimal set of missing conditions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


CatalogueOption = Annotated[str, typer.Option("--catalogue", help="Catalogue version (a folder of kb/).")]
YearOption = Annotated[
    int | None,
    typer.Option("--year", help="Application year (上年度 = year − 1); default: the file's `year`."),
]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the text and descriptions.")]
InterpretationOption = Annotated[
    list[str] | None,
    typer.Option(
        "--interpretation",
        "-i",
        help="Choose a reading, NAME=VALUE (repeatable); see `svctrade interpretations`.",
    ),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"svctrade: {message}", err=True)
    return typer.Exit(2)


def _readings(interpretation: list[str] | None) -> dict[str, str]:
    readings = {}
    for item in interpretation or []:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise _fail(f"--interpretation takes NAME=VALUE, got {item!r}")
        readings[name.strip()] = value.strip()
    return readings


def _engine(catalogue: str, interpretation: list[str] | None) -> Engine:
    readings = _readings(interpretation)
    try:
        return Engine(catalogue, readings)
    except (InterpretationError, CatalogueNotFound) as exc:
        raise _fail(str(exc)) from None


def _check_programmes(engine: Engine, programme: list[str]) -> None:
    for pid in programme:
        if pid not in engine.catalogue.programmes:
            raise _fail(f"unknown programme {pid!r}; `svctrade programmes` lists them")


@app.command()
def check(
    files: Annotated[
        list[Path], typer.Argument(help="Fact files (YAML), one entity each, or folders of them.", show_default=False)
    ],
    programme: Annotated[
        list[str] | None, typer.Option("--programme", "-p", help="Only these programme ids (repeatable).")
    ] = None,
    year: YearOption = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="text, json (one document) or jsonl.")] = Format.text,
    lang: LangOption = Lang.zh,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also explain programmes outside the declared business lines.")
    ] = False,
    interpretation: InterpretationOption = None,
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
) -> None:
    """Assess fact files against every programme: verdict, reasons, minimal missing sets.

    Example: svctrade check facts/examples/1-freight-comprehensive-eligible.yaml --format json
    """
    engine = _engine(catalogue, interpretation)
    wanted = set(programme or [])
    _check_programmes(engine, sorted(wanted))
    bad = False
    documents: list[dict] = []
    for item in assess_files(engine, files, year, explain_all=show_all or bool(wanted)):
        if isinstance(item, FactFileError):
            bad = True
            if output is Format.text:
                typer.echo(str(item), err=True)
                continue
            document = error_json(item.source, item.problems)
        else:
            assessment = _only(item, wanted) if wanted else item
            if output is Format.text:
                typer.echo(render_text(assessment, lang.value, show_all or bool(wanted)))
                continue
            document = assessment_json(assessment, lang.value)
        if output is Format.jsonl:
            typer.echo(json.dumps(document, ensure_ascii=False))
        else:
            documents.append(document)
    if output is Format.json:
        single = len(files) == 1 and not files[0].is_dir()
        body = documents[0] if single and documents else documents
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
    if bad:
        raise typer.Exit(2)


class BatchFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    results = "results"


@app.command()
def batch(
    inputs: Annotated[
        list[str],
        typer.Argument(help="YAML fact files or folders, JSONL, CSV or XLSX files; - reads stdin.", show_default=False),
    ],
    input_format: Annotated[
        InputFormat | None,
        typer.Option("--input-format", help="Format of the inputs (default: by suffix; stdin: jsonl)."),
    ] = None,
    output: Annotated[
        BatchFormat,
        typer.Option(
            "--format",
            "-f",
            help="jsonl (one compact line per entity), csv (one row per entity × programme) "
            "or results (the full svctrade.result/1 document per line).",
        ),
    ] = BatchFormat.jsonl,
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the answers here (default: stdout).")
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Worker processes (default: the cores available; 0: none).")
    ] = None,
    programme: Annotated[
        list[str] | None, typer.Option("--programme", "-p", help="Only these programme ids (repeatable).")
    ] = None,
    year: YearOption = None,
    lang: LangOption = Lang.zh,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also explain programmes outside the declared business lines.")
    ] = False,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Entities ground together.", min=1)] = 500,
    interpretation: InterpretationOption = None,
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
) -> None:
    """Assess many entities fast: every programme per entity, in input order, on several cores.

    Writes one answer per record (a bad record gives an error row, the rest is answered) and a
    summary table of programmes and statuses on stderr; see docs/batch.md.

    Example: svctrade batch applicants.jsonl --format csv --jobs 2 -o answers.csv
    """
    from .batch_io import InputError, read_records, summary_table
    from .parallel import BatchOptions, answer_batch, default_jobs

    engine = _engine(catalogue, interpretation)
    wanted = list(dict.fromkeys(programme or []))
    _check_programmes(engine, wanted)
    options = BatchOptions(
        catalogue=catalogue,
        interpretations=tuple(_readings(interpretation).items()),
        year=year,
        explain_all=show_all,
        programmes=tuple(wanted),
        output=output.value,
        lang=lang.value,
        batch_size=batch_size,
    )
    stream = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout  # noqa: SIM115
    progress = _Progress() if sys.stderr.isatty() else None
    entities = errors = 0
    counts: Counter[tuple[str, str]] = Counter()
    try:
        if output is BatchFormat.csv:
            stream.write(csv_header())
        workers = default_jobs() if jobs is None else jobs
        for answers in answer_batch(read_records(inputs, input_format), options, workers, engine):
            stream.write(answers.text)
            entities, errors = entities + answers.entities, errors + answers.errors
            counts.update(answers.counts)
            if progress:
                progress.show(entities + errors)
    except InputError as exc:
        raise _fail(str(exc)) from None
    finally:
        if out:
            stream.close()
        if progress:
            progress.done()
    typer.echo(summary_table(counts, wanted or list(engine.catalogue.programmes), entities, errors), err=True)
    if errors:
        raise typer.Exit(2)


class _Progress:
    """A one-line count on a terminal, redrawn at most five times a second."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()

    def show(self, records: int) -> None:
        now = time.monotonic()
        if now - self.last >= 0.2:
            self.last = now
            rate = records / max(now - self.start, 1e-9)
            sys.stderr.write(f"\r{records:,} records  {rate:,.0f}/s ")
            sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\r\033[K")


def _only(assessment: Assessment, wanted: set[str]) -> Assessment:
    return replace(assessment, programmes=tuple(r for r in assessment.programmes if r.programme.id in wanted))


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="A fact file (YAML).", show_default=False)],
    programme: Annotated[str, typer.Option("--programme", "-p", help="The programme id, e.g. 2.1.")],
    year: YearOption = None,
    lang: LangOption = Lang.zh,
    interpretation: InterpretationOption = None,
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
) -> None:
    """The full why / why-not of one programme, with the clause text of every condition cited.

    Example: svctrade explain facts/examples/2.1-hotel-missing-revenue.yaml --programme 2.1
    """
    engine = _engine(catalogue, interpretation)
    _check_programmes(engine, [programme])
    item = next(assess_files(engine, [file], year, explain_all=True))
    if isinstance(item, FactFileError):
        typer.echo(str(item), err=True)
        raise typer.Exit(2)
    result = item.programme(programme)
    typer.echo("\n".join(header_lines(item, lang.value)))
    typer.echo("\n".join(programme_text(result, item.catalogue, lang.value, clause_text=True)))
    cited = {c.condition.id for c in (*result.because, *result.preferences, *(c for s in result.missing for c in s))}
    others = [c for c in result.conditions if c.condition.id not in cited]
    if others:
        typer.echo("  其他条件:" if lang is Lang.zh else "  other conditions:")
        for c in others:
            typer.echo(condition_line(c, item.catalogue, lang.value, True, "    "))


@app.command()
def programmes(
    output: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
    lang: LangOption = Lang.zh,
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
) -> None:
    """List the programmes: id, chapter, title.

    Example: svctrade programmes --format json
    """
    engine = _engine(catalogue, None)
    rows = list(engine.catalogue.programmes.values())
    if output is Format.text:
        for p in rows:
            typer.echo(f"{p.id:<8} {p.chapter:>2}  {p.zh if lang is Lang.zh else p.en}")
        return
    data = [{"id": p.id, "chapter": p.chapter, "zh": p.zh, "en": p.en} for p in rows]
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command()
def interpretations(
    output: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
    lang: LangOption = Lang.zh,
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
) -> None:
    """List the named readings of open questions: the question, each value's meaning, the default.

    Example: svctrade interpretations --format json --lang en
    """
    readings = list(_engine(catalogue, None).catalogue.interpretations.values())
    if output is Format.text:
        typer.echo(interpretations_text(readings, lang.value))
        return
    typer.echo(json.dumps([interpretation_json(r) for r in readings], ensure_ascii=False, indent=2))


@app.command()
def lint(catalogue: CatalogueOption = DEFAULT_CATALOGUE) -> None:
    """Check the knowledge base against the catalogue text: coverage, verbatim clauses, witnesses.

    Example: svctrade lint --catalogue 2023
    """
    from .lint import lint as lint_kb  # imported here: one command needs it, start-up of the others does not

    problems = lint_kb(catalogue, _engine(catalogue, None))
    for problem in problems:
        typer.echo(problem)
    typer.echo(f"{len(problems)} problem(s)" if problems else f"kb/{catalogue}: no problems")
    if problems:
        raise typer.Exit(1)


@app.command()
def test(
    files: Annotated[list[Path], typer.Argument(help="YAML case files (see pysvc/cases.py).", show_default=False)],
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
) -> None:
    """Run regression cases: expected outcomes and explanations, each case named by a sentence.

    Example: svctrade test tests/cases/ch02.yaml --catalogue 2023
    """
    _engine(catalogue, None)  # an unknown catalogue is a usage error before any case runs
    from .cases import CaseRunner, load_cases

    runner = CaseRunner(catalogue)
    failures = total = 0
    for path in files:
        try:
            cases = load_cases(path)
        except (OSError, ValueError, KeyError) as exc:
            raise _fail(f"{path}: cannot read cases ({exc})") from None
        for case in cases:
            try:
                problems = runner.run(case)
            except InterpretationError as exc:
                raise _fail(f"{case.source}: {exc}") from None
            total += 1
            failures += bool(problems)
            typer.echo(f"{'FAIL' if problems else 'ok  '} {case.name}")
            for problem in problems:
                typer.echo(f"       {problem}")
    typer.echo(f"{total - failures} passed, {failures} failed")
    if failures:
        raise typer.Exit(1)


@app.command()
def diff(
    files: Annotated[list[Path], typer.Argument(help="Fact files (YAML).", show_default=False)],
    base: Annotated[str, typer.Option("--base", help="Catalogue version before.")] = DEFAULT_CATALOGUE,
    head: Annotated[str, typer.Option("--head", help="Catalogue version after.")] = DEFAULT_CATALOGUE,
    base_reading: Annotated[
        list[str] | None, typer.Option("--base-interpretation", help="NAME=VALUE for the base run.")
    ] = None,
    head_reading: Annotated[
        list[str] | None, typer.Option("--head-interpretation", help="NAME=VALUE for the head run.")
    ] = None,
    year: YearOption = None,
) -> None:
    """Compare outcomes between two catalogue versions (or two readings) for the same fact files.

    Example: svctrade diff facts/examples/*.yaml --head-interpretation forwarder_share_outlets=both_kinds
    """
    changes, bad = 0, False
    for item in outcome_changes(_engine(base, base_reading), _engine(head, head_reading), files, year):
        if isinstance(item, FactFileError):
            typer.echo(str(item), err=True)
            bad = True
            continue
        changes += 1
        typer.echo(f"{item.source}\t{item.programme}\t{item.before} -> {item.after}")
    typer.echo(f"{changes} change(s)")
    if bad:
        raise typer.Exit(2)


@app.command()
def docs(
    check_only: Annotated[bool, typer.Option("--check", help="Only report stale files (exit 1).")] = False,
) -> None:
    """Regenerate docs/facts.md, docs/catalogue.md and the JSON Schemas (facts, results) from the code and KB.

    Example: svctrade docs --check
    """
    from .docs import stale_files, write_files

    if check_only:
        stale = stale_files()
        for path in stale:
            typer.echo(f"stale: {path}")
        if stale:
            raise typer.Exit(1)
        typer.echo("generated files are current")
        return
    for path in write_files():
        typer.echo(f"wrote {path}")


@app.command()
def version() -> None:
    """Print the svctrade version.

    Example: svctrade version
    """
    typer.echo(__version__)


def main() -> None:
    """Entry point for `python -m pysvc`."""
    try:
        app()
    except BrokenPipeError:  # pragma: no cover - e.g. piping into head
        sys.stderr.close()
