"""The `svctrade` command line: parses arguments, calls the library, renders. Nothing else.

Exit codes: 0 every file answered (or lint clean / cases pass); 1 lint problems or failing cases;
2 bad input or usage (the other files of a batch are still answered).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .batch import assess_files, outcome_changes
from .cases import CaseRunner, load_cases
from .docs import stale_files, write_files
from .engine import Engine, InterpretationError
from .facts import FIRST_YEAR, LAST_YEAR, FactFileError
from .kb import DEFAULT_CATALOGUE, CatalogueNotFound
from .lint import lint as lint_kb
from .render import (
    assessment_json,
    error_json,
    explain_text,
    interpretation_json,
    interpretations_text,
    render_text,
)
from .report import render_report
from .results import Assessment

app = typer.Typer(
    help="svctrade: eligibility under the Shanghai Service Trade Promotion Guidance Catalogue (2023), "
    "with clause-cited reasons and every minimal set of missing conditions.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: no type labels on flags, no cut lines at 80 columns
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


CatalogueOption = Annotated[
    str,
    typer.Option(
        "--catalogue",
        metavar="VERSION|PATH",
        help="Catalogue version shipped with svctrade, or a path to a draft folder (with a /).",
    ),
]
YearOption = Annotated[
    int | None,
    typer.Option(
        "--year",
        metavar="YEAR",
        min=FIRST_YEAR,
        max=LAST_YEAR,
        help="Application year (上年度 = year − 1); default: the file's `year`.",
    ),
]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the text and descriptions.")]
InterpretationOption = Annotated[
    list[str] | None,
    typer.Option(
        "--interpretation",
        "-i",
        metavar="NAME=VALUE",
        help="Choose a reading, NAME=VALUE (repeatable); see `svctrade interpretations`.",
    ),
]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"svctrade {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Options before the command."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"svctrade: {message}", err=True)
    return typer.Exit(2)


def _engine(catalogue: str, interpretation: list[str] | None) -> Engine:
    readings = {}
    for item in interpretation or []:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise _fail(f"--interpretation takes NAME=VALUE, got {item!r}")
        readings[name.strip()] = value.strip()
    if not catalogue.strip():
        raise _fail("--catalogue needs a catalogue version, e.g. --catalogue 2023")
    try:
        return Engine(catalogue, readings)
    except (InterpretationError, CatalogueNotFound) as exc:
        raise _fail(str(exc)) from None
    except (OSError, RuntimeError) as exc:  # a knowledge base that is incomplete or does not parse
        raise _fail(f"cannot load the knowledge base of catalogue {catalogue!r}: {exc}") from None


def _check_programmes(engine: Engine, programme: list[str]) -> None:
    for pid in programme:
        if pid not in engine.catalogue.programmes:
            raise _fail(f"unknown programme {pid!r}; `svctrade programmes` lists them")


@app.command()
def check(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="Fact files (YAML), one entity each, folders of them, or - (stdin).",
            show_default=False,
        ),
    ],
    programme: Annotated[
        list[str] | None,
        typer.Option("--programme", "-p", metavar="ID", help="Only these programme ids (repeatable)."),
    ] = None,
    year: YearOption = None,
    output: Annotated[
        Format, typer.Option("--format", "-f", help="text, json (one document, written as it goes) or jsonl.")
    ] = Format.text,
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
    errors = 0

    def counted(items: Iterable[Assessment | FactFileError]) -> Iterator[Assessment | FactFileError]:
        nonlocal errors
        for item in items:
            errors += isinstance(item, FactFileError)
            yield _only(item, wanted) if wanted and isinstance(item, Assessment) else item

    results = counted(assess_files(engine, files, year, explain_all=show_all or bool(wanted)))
    if output is Format.text:
        for item in results:
            if isinstance(item, FactFileError):
                typer.echo(str(item), err=True)
            else:
                typer.echo(render_text(item, lang.value, show_all or bool(wanted)))
    else:
        documents = (
            error_json(item.source, item.located()) if isinstance(item, FactFileError) else assessment_json(item, lang)
            for item in results
        )
        if output is Format.jsonl:
            for document in documents:
                typer.echo(json.dumps(document, ensure_ascii=False))
        elif len(files) == 1 and not files[0].is_dir():
            typer.echo(json.dumps(next(documents), ensure_ascii=False, indent=2))
        else:
            for piece in json_array(documents):
                typer.echo(piece, nl=False)
            typer.echo()
    if errors:
        raise typer.Exit(2)


def json_array(documents: Iterable[dict]) -> Iterator[str]:
    """The documents as one indented JSON array, written piece by piece: memory stays flat."""
    empty = True
    yield "["
    for document in documents:
        yield ("\n  " if empty else ",\n  ") + json.dumps(document, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        empty = False
    yield "]" if empty else "\n]"


def _only(assessment: Assessment, wanted: set[str]) -> Assessment:
    return replace(assessment, programmes=tuple(r for r in assessment.programmes if r.programme.id in wanted))


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="A fact file (YAML).", show_default=False)],
    programme: Annotated[str, typer.Option("--programme", "-p", metavar="ID", help="The programme id, e.g. 2.1.")],
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
    typer.echo(explain_text(item, programme, lang.value), nl=False)


class ReportFormat(StrEnum):
    html = "html"
    md = "md"


@app.command()
def report(
    file: Annotated[Path, typer.Argument(help="A fact file (YAML).", show_default=False)],
    lang: LangOption = Lang.zh,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="html (self-contained, prints on A4) or md.")
    ] = ReportFormat.html,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here (default: standard output).")
    ] = None,
    year: YearOption = None,
    interpretation: InterpretationOption = None,
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
) -> None:
    """A report to print and attach to an opinion: summary of verdicts, then each programme in scope
    with its conditions, minimal sets, evidence, preferences and clause text.

    Example: svctrade report facts/examples/1-freight-agreement-short.yaml -o report.html
    """
    engine = _engine(catalogue, interpretation)
    item = next(assess_files(engine, [file], year))
    if isinstance(item, FactFileError):
        typer.echo(str(item), err=True)
        raise typer.Exit(2)
    text = render_report(item, lang.value, output_format.value)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{output}: cannot write the report ({exc.strerror})") from None
    typer.echo(f"wrote {output}")


@app.command()
def programmes(
    output: Annotated[
        Format, typer.Option("--format", "-f", help="text, json (one array) or jsonl (one programme a line).")
    ] = Format.text,
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
    if output is Format.jsonl:
        for row in data:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
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
    problems = lint_kb(catalogue, _engine(catalogue, None))
    for problem in problems:
        typer.echo(problem)
    typer.echo(f"{len(problems)} problem(s)" if problems else f"kb/{catalogue}: no problems")
    if problems:
        raise typer.Exit(1)


@app.command()
def test(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE", help="YAML case files (see pysvc/cases.py).", show_default=False)
    ],
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
) -> None:
    """Run regression cases: expected outcomes and explanations, each case named by a sentence.

    Example: svctrade test tests/cases/ch02.yaml --catalogue 2023
    """
    _engine(catalogue, None)  # an unknown catalogue is a usage error before any case runs
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
    files: Annotated[list[Path], typer.Argument(metavar="FILE", help="Fact files (YAML).", show_default=False)],
    base: Annotated[
        str, typer.Option("--base", metavar="VERSION|PATH", help="Catalogue version before.")
    ] = DEFAULT_CATALOGUE,
    head: Annotated[
        str, typer.Option("--head", metavar="VERSION|PATH", help="Catalogue version after.")
    ] = DEFAULT_CATALOGUE,
    base_reading: Annotated[
        list[str] | None,
        typer.Option("--base-interpretation", metavar="NAME=VALUE", help="NAME=VALUE for the base run."),
    ] = None,
    head_reading: Annotated[
        list[str] | None,
        typer.Option("--head-interpretation", metavar="NAME=VALUE", help="NAME=VALUE for the head run."),
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
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (only this machine by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    interpretation: InterpretationOption = None,
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
) -> None:
    """Serve the engine: the web API under /v1 (OpenAPI at /docs) and a page for legal staff at /.

    Example: svctrade serve --port 8000
    """
    try:
        from .server import run
    except ModuleNotFoundError as exc:
        raise _fail(f"serve needs the web extras ({exc.name} is missing): pip install 'svctrade[serve]'") from None
    run(_engine(catalogue, interpretation), host, port)


@app.command()
def version() -> None:
    """Print the svctrade version number (`svctrade --version` prints it with the name).

    Example: svctrade version
    """
    typer.echo(__version__)


def main() -> None:
    """Entry point for `python -m pysvc`."""
    try:
        app()
    except BrokenPipeError:  # pragma: no cover - e.g. piping into head
        sys.stderr.close()
