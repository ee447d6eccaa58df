"""The `svctrade` command line: parses arguments, calls the library, renders. Nothing else.

Exit codes: 0 every file answered (or lint clean / cases pass); 1 lint problems or failing cases;
2 bad input or usage (the other files of a batch are still answered).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, astuple, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml

from . import __version__
from .batch import assess_files, expand_paths
from .batch_io import InputFormat, csv_header
from .engine import Engine, InterpretationError
from .facts import FIRST_YEAR, LAST_YEAR, FactFileError
from .kb import CatalogueNotFound
from .render import (
    assessment_json,
    error_json,
    explain_text,
    interpretation_json,
    interpretations_text,
    render_text,
)
from .results import Assessment

if TYPE_CHECKING:  # the modules of other commands are imported by those commands: start-up stays short
    from .cases import Case, CaseRunner, Coverage, Discrepancy
    from .revision import CatalogueChange, OutcomeChange

_APP_SETTINGS: dict = {
    "help": "svctrade: eligibility under the Shanghai Service Trade Promotion Guidance Catalogue, "
    "with clause-cited reasons and every minimal set of missing conditions.",
    "no_args_is_help": True,
    "rich_markup_mode": None,  # plain help: no type labels on flags, no cut lines at 80 columns
    "pretty_exceptions_enable": False,
}
app = typer.Typer(**_APP_SETTINGS)


class Format(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


CatalogueOption = Annotated[
    str | None,
    typer.Option(
        "--catalogue",
        metavar="VERSION|PATH",
        help="Catalogue version (a folder of kb/) or the path of a KB folder (a draft revision); "
        "default: the newest version shipped.",
        show_default=False,
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


def _readings(interpretation: list[str] | None) -> dict[str, str]:
    readings = {}
    for item in interpretation or []:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise _fail(f"--interpretation takes NAME=VALUE, got {item!r}")
        readings[name.strip()] = value.strip()
    return readings


def _engine(catalogue: str | None, interpretation: list[str] | None) -> Engine:
    """An engine of one catalogue under the readings given (checked: a bad one is a usage error)."""
    readings = _readings(interpretation)
    if catalogue is not None and not catalogue.strip():
        raise _fail("--catalogue needs a catalogue version, e.g. --catalogue 2023")
    try:
        return Engine(catalogue, readings)
    except (InterpretationError, CatalogueNotFound) as exc:
        raise _fail(str(exc)) from None
    except (OSError, RuntimeError) as exc:  # a knowledge base that is incomplete or does not parse
        raise _fail(f"cannot load the knowledge base of catalogue {catalogue!r}: {exc}") from None


def _runner(catalogue: str | None, interpretation: list[str] | None) -> CaseRunner:
    """A runner of one catalogue under the readings given (checked as `_engine` checks them)."""
    from .cases import CaseRunner

    return CaseRunner(catalogue, _readings(interpretation), _engine(catalogue, interpretation))


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
    catalogue: CatalogueOption = None,
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
    catalogue: CatalogueOption = None,
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
    programme: Annotated[str, typer.Option("--programme", "-p", metavar="ID", help="The programme id, e.g. 2.1.")],
    year: YearOption = None,
    lang: LangOption = Lang.zh,
    interpretation: InterpretationOption = None,
    catalogue: CatalogueOption = None,
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
    catalogue: CatalogueOption = None,
) -> None:
    """A report to print and attach to an opinion: summary of verdicts, then each programme in scope
    with its conditions, minimal sets, evidence, preferences and clause text.

    Example: svctrade report facts/examples/1-freight-agreement-short.yaml -o report.html
    """
    from .report import render_report

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
    catalogue: CatalogueOption = None,
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
    catalogue: CatalogueOption = None,
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
def lint(catalogue: CatalogueOption = None) -> None:
    """Check the knowledge base against the catalogue text: coverage, verbatim clauses, thresholds
    against the figures of their clauses, headers, witnesses.

    Example: svctrade lint --catalogue 2023
    """
    from .lint import lint as lint_kb

    engine = _engine(catalogue, None)
    problems = lint_kb(catalogue, engine)
    for problem in problems:
        typer.echo(problem)
    typer.echo(f"{len(problems)} problem(s)" if problems else f"catalogue {engine.version}: no problems")
    if problems:
        raise typer.Exit(1)


@app.command()
def test(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE", help="YAML case files (see pysvc/cases.py), or folders of them.", show_default=False
        ),
    ],
    catalogue: CatalogueOption = None,
    keyword: Annotated[
        list[str] | None,
        typer.Option("-k", help="Only cases whose name contains this text (any case; repeatable: all must match)."),
    ] = None,
    output: Annotated[TextOrJson, typer.Option("--format", "-f", help="text or json.")] = TextOrJson.text,
    junit_xml: Annotated[Path | None, typer.Option("--junit-xml", help="Also write a JUnit XML report here.")] = None,
    coverage: Annotated[
        bool, typer.Option("--coverage", help="Per condition met/failed/unknown and per route taken by some case.")
    ] = False,
) -> None:
    """Run regression cases: expected outcomes and explanations, each case named by a sentence.

    Example: svctrade test tests/cases --catalogue 2023 -k hotel --coverage
    """
    from .cases import Coverage, junit_report, load_cases

    runner = _runner(catalogue, None)  # an unknown catalogue is a usage error before any case runs
    cases = []
    for path in expand_paths(files):
        try:
            cases += load_cases(path)
        except (OSError, ValueError, KeyError, yaml.YAMLError) as exc:
            raise _fail(f"{path}: cannot read cases ({exc})") from None
    words = [k.casefold() for k in keyword or []]
    cases = [c for c in cases if all(w in c.name.casefold() for w in words)]
    bar = output is TextOrJson.text and sys.stderr.isatty()
    encoded = runner.engine({}).catalogue
    tally = Coverage(encoded)
    outcomes: list[tuple[Case, list[Discrepancy]]] = []
    with typer.progressbar(length=len(cases), label="cases", file=sys.stderr, hidden=not bar) as progress:
        try:
            for case, assessment, problems in runner.run_all(cases):
                outcomes.append((case, problems))
                tally.add(case, assessment)
                progress.update(1)
                if output is TextOrJson.text and not bar:
                    typer.echo("\n".join(_case_lines(case, problems)))
        except InterpretationError as exc:
            raise _fail(str(exc)) from None
    failures = sum(bool(p) for _, p in outcomes)
    if output is TextOrJson.json:
        document = {
            "catalogue": encoded.version,
            "passed": len(outcomes) - failures,
            "failed": failures,
            "cases": [_case_json(c, p) for c, p in outcomes],
        }
        if coverage:
            document["coverage"] = tally.as_json()
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for case, problems in outcomes if bar else ():
            if problems:
                typer.echo("\n".join(_case_lines(case, problems)))
        if coverage:
            typer.echo("\n".join(_coverage_lines(tally)))
        typer.echo(f"{len(outcomes) - failures} passed, {failures} failed")
    if junit_xml:
        junit_xml.write_text(junit_report(encoded.version, outcomes), encoding="utf-8")
    if failures:
        raise typer.Exit(1)


def _case_lines(case: Case, problems: list[Discrepancy]) -> list[str]:
    if not problems:
        return [f"ok   {case.name}"]
    return [f"FAIL {case.name}", f"       at {case.source}", *(f"       {p}" for p in problems)]


def _case_json(case: Case, problems: list[Discrepancy]) -> dict:
    return {
        "name": case.name,
        "file": case.file,
        "line": case.line,
        "passed": not problems,
        "discrepancies": [asdict(p) for p in problems],
    }


def _coverage_lines(tally: Coverage) -> list[str]:
    from .cases import CoverageRow

    widths = (10, 11, 6, 8, 9, 7, 8, 7)
    head = ("programme", "conditions", "met", "failed", "unknown", "all", "routes", "taken")
    rows = tally.rows()
    totals = ["total", *(sum(getattr(r, f.name) for r in rows) for f in fields(CoverageRow)[1:])]
    lines = [
        "coverage: conditions some case has met, failed, unknown, and in every state it can have (all; a condition",
        "on business lines is never unknown); routes some case takes",
    ]
    for row in [head, *(astuple(r) for r in rows), totals]:
        lines.append(
            "  " + f"{row[0]:<{widths[0]}}" + "".join(f"{v:>{w}}" for v, w in zip(row[1:], widths[1:], strict=True))
        )
    conditions, complete, routes, taken = totals[1], totals[5], totals[6], totals[7]
    lines.append(
        f"  {complete} of {conditions} conditions reach every state ({100 * complete // max(conditions, 1)} %); "
        f"{taken} of {routes} routes taken ({100 * taken // max(routes, 1)} %)"
    )
    missing = tally.missing()
    return [*lines, "missing:" if missing else "nothing missing", *(f"  {m}" for m in missing)]


@app.command()
def diff(
    files: Annotated[
        list[Path] | None,
        typer.Argument(metavar="FILE", help="Fact files or case files (YAML), or folders of them.", show_default=False),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base", metavar="VERSION|PATH", help="Catalogue before: a version or a KB folder; default: the newest."
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head", metavar="VERSION|PATH", help="Catalogue after: a version or a KB folder; default: the newest."
        ),
    ] = None,
    base_reading: Annotated[
        list[str] | None,
        typer.Option("--base-interpretation", metavar="NAME=VALUE", help="NAME=VALUE for the base run."),
    ] = None,
    head_reading: Annotated[
        list[str] | None,
        typer.Option("--head-interpretation", metavar="NAME=VALUE", help="NAME=VALUE for the head run."),
    ] = None,
    year: YearOption = None,
    output: Annotated[TextOrJson, typer.Option("--format", "-f", help="text or json.")] = TextOrJson.text,
) -> None:
    """Compare two catalogue versions (or two readings): what changed in the catalogue, and for every
    entity of the files, each programme whose status, route or minimal missing sets change, and why.

    Example: svctrade diff facts/examples --base 2023 --head /tmp/kb/2099 --format json
    """
    from .revision import catalogue_changes, outcome_changes

    runners = _runner(base, base_reading), _runner(head, head_reading)
    before, after = (r.engine({}) for r in runners)
    changes = catalogue_changes(before.catalogue, after.catalogue)
    outcomes: list[OutcomeChange] = []
    errors: list[FactFileError] = []
    for item in outcome_changes(*runners, files or [], year, changes):
        (errors if isinstance(item, FactFileError) else outcomes).append(item)
        if isinstance(item, FactFileError) and output is TextOrJson.text:
            typer.echo(str(item), err=True)
    if output is TextOrJson.json:
        document = {
            "base": before.version,
            "head": after.version,
            "catalogue": [asdict(c) for c in changes],
            "outcomes": [asdict(o) for o in outcomes],
            "errors": [error_json(e.source, e.problems) for e in errors],
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(_diff_text(before.version, after.version, changes, outcomes)))
    if errors:
        raise typer.Exit(2)


def _diff_text(base: str, head: str, changes: list[CatalogueChange], outcomes: list[OutcomeChange]) -> list[str]:
    lines = [f"catalogue {base} → {head}: {len(changes)} change(s)"]
    for c in changes:
        if c.item == "clause":
            text = c.text_diff or c.after or c.before
            lines.append(f"  {c.id:<10} clause {c.change}: {text}".replace("\n", " / "))
            unchanged = " (unchanged)" if c.rules_changed is False else ""
            lines += [f"{'':13}rule: {rule}{unchanged}" for rule in c.rules]
            continue
        note = " (clause text unchanged)" if c.clause_changed is False else ""
        lines.append(f"  {c.id:<10} {c}{note}")
    files = len({o.source for o in outcomes})
    lines.append(f"outcomes: {len(outcomes)} change(s) for {files} entit{'y' if files == 1 else 'ies'}")
    source = None
    for o in outcomes:
        if o.source != source:
            source = o.source
            lines.append(f"  {o.source}  {o.entity}" + (f"  — {o.case}" if o.case else ""))
        was, now = (str(x) if x else "not in the catalogue" for x in (o.before, o.after))
        lines.append(f"    {o.programme}: {was} → {now}")
        lines += [f"      {c.condition} {c.before} → {c.after}" + (f": {c.rule}" if c.rule else "") for c in o.causes]
    lines.append(f"{len(outcomes)} change(s)")
    return lines


@app.command()
def docs(
    check_only: Annotated[bool, typer.Option("--check", help="Only report stale files (exit 1).")] = False,
    catalogue: CatalogueOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the catalogue's pages into this folder instead of docs/."),
    ] = None,
) -> None:
    """Regenerate docs/facts.md, docs/catalogue.md and the JSON Schemas (facts, results) from the code and KB.

    Example: svctrade docs --check
    """
    from .docs import stale_files, write_files

    engine = _engine(catalogue, None)
    if check_only:
        stale = stale_files(engine, output)
        for path in stale:
            typer.echo(f"stale: {path}")
        if stale:
            raise typer.Exit(1)
        typer.echo("generated files are current")
        return
    for path in write_files(engine, output):
        typer.echo(f"wrote {path}")


@app.command("new-version")
def new_version(
    name: Annotated[str, typer.Argument(help="The new version's name, e.g. 2025.", show_default=False)],
    source: Annotated[
        str | None, typer.Option("--from", help="The version (or KB folder) to start from; default: the newest.")
    ] = None,
    into: Annotated[
        Path | None, typer.Option("--into", help="Create the folder here instead of in kb/ (a draft).")
    ] = None,
) -> None:
    """Scaffold a new catalogue version: a copy with headers retitled and a source.md to replace.

    Example: svctrade new-version 2025 --from 2023
    """
    from .revision import new_version as scaffold_version

    try:
        target = scaffold_version(name, source, into)
    except (CatalogueNotFound, FileExistsError, ValueError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"created {target}")
    typer.echo(f"next: replace {target / 'source.md'} with the text of the {name} catalogue, edit the rules,")
    typer.echo(f"      then `svctrade lint --catalogue {name if into is None else target}` until it passes")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (only this machine by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    interpretation: InterpretationOption = None,
    catalogue: CatalogueOption = None,
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
    """Entry point for `svctrade` and `python -m pysvc`."""
    try:
        (_only_command(sys.argv[1:]) or app)()
    except BrokenPipeError:  # pragma: no cover - e.g. piping into head
        sys.stderr.close()


def _only_command(args: list[str]) -> typer.Typer | None:
    """The app with only the command asked for, when the first argument names one: typer builds the
    parameters of every command of an app it runs (10 ms of a one-file `check`). None (the whole
    app) for anything else: options, help, errors, shell completion."""
    if not args or any(name.startswith("_SVCTRADE_COMPLETE") for name in os.environ):
        return None
    for info in app.registered_commands:
        if (info.name or info.callback.__name__.replace("_", "-")) == args[0]:  # type: ignore[union-attr]
            only = typer.Typer(**_APP_SETTINGS)
            only.callback()(options)
            only.registered_commands.append(info)
            return only
    return None
