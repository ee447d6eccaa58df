"""The files staff keep, read as records, and batch answers written as JSONL or CSV rows.

Inputs (docs/batch.md): YAML fact files and folders of them, a YAML stream on stdin, JSONL (one
fact document per line), CSV and XLSX (one entity per row, dotted column headers such as
``figures.2023.revenue``). Reading only splits the input into `Record`s and keeps their place
(file and line or row); turning a record into `EntityFacts` (`load_record`) is done where it is
assessed, in a worker, through `pysvc.facts.validate_facts`, so a bad record becomes an error row
and the rest of the batch is answered.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import Any

from .amounts import Money
from .batch import expand_paths
from .facts import EntityFacts, FactFileError, decoded, load_fact_file, parse_fact_text, validate_facts
from .loader import LIMITS
from .results import Screening, Verdict

#: Longest JSONL line or YAML file read; a longer one is an error row, never read whole.
RECORD_LIMIT = 1 << 20
BATCH_SCHEMA = "svctrade.batch/1"
CSV_COLUMNS = ("source", "entity", "credit_code", "year", "programme", "status", "route", "missing", "problems")
#: Columns whose cells are true or false (the last key of the header path).
_BOOLEAN_KEYS = frozenset({"independent_legal_person", "value", "well_known", "overseas"})
_LIST_SECTIONS = frozenset({"business_lines", "certifications", "licences", "recognitions", "registered_scope"})


class InputFormat(StrEnum):
    yaml = "yaml"
    jsonl = "jsonl"
    csv = "csv"
    xlsx = "xlsx"


_SUFFIXES = {
    ".yaml": InputFormat.yaml,
    ".yml": InputFormat.yaml,
    ".jsonl": InputFormat.jsonl,
    ".ndjson": InputFormat.jsonl,
    ".csv": InputFormat.csv,
    ".xlsx": InputFormat.xlsx,
}


class InputError(ValueError):
    """An input that cannot be read at all (unknown format, missing file, unreadable sheet)."""


@dataclass(frozen=True)
class Record:
    """One entity's raw input and where it came from: `kind` says how `payload` is read.

    yaml-file: a path; yaml: the bytes of one YAML document; json: one JSON line; row: a mapping of
    header to cell.
    """

    source: str
    kind: str
    payload: Any


# -- reading -------------------------------------------------------------------------------------
def input_format(path: str, given: InputFormat | None) -> InputFormat:
    """The format of one input: as given, else by its suffix (stdin defaults to JSONL)."""
    if given is not None:
        return given
    if path == "-":
        return InputFormat.jsonl
    try:
        return _SUFFIXES[Path(path).suffix.lower()]
    except KeyError:
        known = ", ".join(_SUFFIXES)
        raise InputError(f"{path}: cannot tell the format from the name (known: {known}); use --input-format") from None


def read_records(paths: Iterable[str], given: InputFormat | None = None) -> Iterator[Record]:
    """Every record of every input, in order; a folder stands for its YAML files, sorted, recursively
    (`batch.expand_paths`: a dangling link, a device or a folder without fact files is an error record)."""
    for path in paths:
        if path != "-" and Path(path).is_dir():  # walked as `check` walks it: what cannot be read is listed
            for entry in expand_paths([path]):
                if isinstance(entry, FactFileError):
                    yield from (Record(entry.source, "error", problem) for problem in entry.problems)
                else:
                    yield Record(str(entry), "yaml-file", str(entry))
            continue
        fmt = input_format(path, given)
        if path != "-" and not Path(path).is_file():
            raise InputError(f"{path}: no such file or folder")
        if fmt is InputFormat.yaml:
            yield from _yaml_records(path)
        elif fmt is InputFormat.jsonl:
            yield from _jsonl_records(path)
        elif fmt is InputFormat.csv:
            yield from _csv_records(path)
        else:
            yield from _xlsx_records(path)


def _yaml_records(path: str) -> Iterator[Record]:
    if path != "-":
        yield Record(path, "yaml-file", path)
        return
    # A YAML stream on stdin: one entity per `---` document. A document is kept no further than just
    # past the size limit of a fact file (reading it then reports it too large), so memory is bounded.
    document: list[bytes] = []
    size = number = 0
    while line := sys.stdin.buffer.readline(LIMITS.max_bytes + 1):
        if line.startswith(b"---") and size:
            number += 1
            yield Record(f"<stdin>#{number}", "yaml", b"".join(document))
            document, size = [], 0
        if size <= LIMITS.max_bytes:
            document.append(line)
        size += len(line)
    if b"".join(document).strip():
        yield Record(f"<stdin>#{number + 1}", "yaml", b"".join(document))


def _jsonl_records(path: str) -> Iterator[Record]:
    name = "<stdin>" if path == "-" else path
    stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115 - closed below
    try:
        number = 0
        while line := stream.readline(RECORD_LIMIT + 1):
            number += 1
            if len(line) > RECORD_LIMIT and not line.endswith(b"\n"):
                while (rest := stream.readline(RECORD_LIMIT)) and not rest.endswith(b"\n"):
                    pass
                yield Record(f"{name}:{number}", "error", f"longer than {RECORD_LIMIT} bytes; one entity per line")
            elif line.strip():
                yield Record(f"{name}:{number}", "json", line)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _csv_records(path: str) -> Iterator[Record]:
    name = "<stdin>" if path == "-" else path
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    try:
        rows = csv.reader(stream)
        header = next(rows, None)
        if header is None:
            return
        for number, row in enumerate(rows, start=2):
            if any(cell.strip() for cell in row):
                yield _row_record(f"{name}:{number}", header, row)
    finally:
        if stream is not sys.stdin:
            stream.close()


def _xlsx_records(path: str) -> Iterator[Record]:
    try:
        import openpyxl
    except ImportError:
        raise InputError(f"{path}: reading XLSX needs openpyxl (pip install 'svctrade[xlsx]')") from None
    source = io.BytesIO(sys.stdin.buffer.read()) if path == "-" else path
    name = "<stdin>" if path == "-" else path
    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(f"{path}: not a readable XLSX workbook ({exc})") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h) if h is not None else "" for h in next(rows, ())]
        for number, row in enumerate(rows, start=2):
            if any(cell not in (None, "") for cell in row):
                yield _row_record(f"{name}:{number}", header, row)
    finally:
        book.close()


def _row_record(source: str, header: list[str], row: Sequence[object]) -> Record:
    """One table row as a record, or an error record: a column named twice in the header, or a row
    with filled cells beyond the header (e.g. an unquoted 90,000,000 split into cells), is never
    read by guessing which cell was meant."""
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        return Record(source, "error", f"(header): column {', '.join(twice)} appears more than once")
    if any(cell not in (None, "") for cell in row[len(header) :]):
        return Record(source, "error", f"(row): {len(row)} cells but {len(header)} columns in the header")
    return Record(source, "row", dict(zip(header, row, strict=False)))  # a shorter row: its last cells are empty


# -- turning a record into facts -----------------------------------------------------------------
def load_record(record: Record) -> EntityFacts:
    """The validated facts of one record, or the FactFileError that names what is wrong."""
    if record.kind == "error":
        raise FactFileError(record.source, [record.payload])
    if record.kind == "row":
        try:
            data = row_document(record.payload)
        except (TypeError, AttributeError, IndexError) as exc:
            raise FactFileError(record.source, [f"the column headers do not make one fact document ({exc})"]) from None
    elif record.kind == "json":
        data = _json_document(record)
    elif record.kind == "yaml-file":  # read as `check` reads a fact file: the same limits and messages
        return load_fact_file(record.payload)
    else:  # a YAML document of a stream: read as `check` reads a fact file's text
        return parse_fact_text(decoded(record.payload, record.source), record.source)
    return validate_facts(data, record.source)


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different (a key given twice is an error, never last-wins)."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        twice = sorted({key for key in keys if keys.count(key) > 1})
        raise ValueError(f"key {', '.join(twice)} given twice")
    return dict(pairs)


def _json_document(record: Record) -> object:
    try:
        # Decimal keeps 1234.56 exact; a key given twice is refused, never silently one of the two.
        return json.loads(record.payload, parse_float=Decimal, object_pairs_hook=unique_keys)
    except UnicodeDecodeError:
        raise FactFileError(record.source, ["the line is not UTF-8 text"]) from None
    except json.JSONDecodeError as exc:
        raise FactFileError(record.source, [f"column {exc.colno}: malformed JSON ({exc.msg})"]) from None
    except ValueError as exc:
        raise FactFileError(record.source, [str(exc)]) from None
    except RecursionError:
        raise FactFileError(record.source, ["nested too deeply"]) from None


def row_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """A fact document from one spreadsheet row: each header is a path of keys (``entity.name``,
    ``figures.2023.revenue``, ``agreements[0].start``); empty cells are left out; list sections
    hold items separated by ``;`` or ``,`` (``[]`` states an empty section)."""
    document: dict[str, Any] = {}
    for header, cell in row.items():
        if cell is None or (isinstance(cell, str) and not cell.strip()) or not header:
            continue
        keys = _header_keys(header)
        value = _cell(keys, cell)
        target: Any = document
        for key, following in pairwise(keys):
            default: Any = [] if isinstance(following, int) else {}
            if isinstance(key, int):
                while len(target) <= key:
                    target.append(None)
                target[key] = target[key] if target[key] is not None else default
                target = target[key]
            else:
                target = target.setdefault(key, default)
        if isinstance(keys[-1], int):
            while len(target) <= keys[-1]:
                target.append(None)
        target[keys[-1]] = value
    return document


def _header_keys(header: str) -> list[str | int]:
    keys: list[str | int] = []
    for part in header.strip().split("."):
        name, _, index = part.partition("[")
        if name:
            keys.append(name)
        if index:
            keys.append(int(index.rstrip("]")) if index.rstrip("]").isdigit() else index)
    return keys


def _cell(keys: list[str | int], cell: Any) -> Any:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if not isinstance(cell, str):
        return cell
    text = cell.strip()
    truth = keys[-1] in _BOOLEAN_KEYS or (len(keys) == 2 and keys[0] == "findings")
    if truth and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if len(keys) == 1 and keys[0] in _LIST_SECTIONS:
        return [] if text == "[]" else [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]
    return text


def fact_document(facts: EntityFacts) -> dict[str, Any]:
    """A fact document (JSON-ready) that reads back as `facts`: the inverse of validation."""
    entity: dict[str, Any] = {"name": facts.name, "kind": facts.kind}
    for key in ("credit_code", "district", "independent_legal_person"):
        if getattr(facts, key) is not None:
            entity[key] = getattr(facts, key)
    document: dict[str, Any] = {"entity": entity, "business_lines": list(facts.business_lines)}
    for key in ("year", "catalogue"):
        if getattr(facts, key) is not None:
            document[key] = getattr(facts, key)
    document["figures"] = {
        str(year): {m: f"{v.amount} {v.currency}" if isinstance(v, Money) else v for m, v in figures.items()}
        for year, figures in facts.figures.items()
    }
    document.update({section: sorted(items) for section, items in facts.items.items()})
    if facts.agreements is not None:
        document["agreements"] = [
            {
                "counterparty": a.counterparty,
                "counterparty_kind": a.counterparty_kind,
                "start": a.start.isoformat(),
                "end": a.end.isoformat(),
                **{k: getattr(a, k) for k in ("well_known", "overseas") if getattr(a, k) is not None},
            }
            for a in facts.agreements
        ]
    document["findings"] = {topic: finding.value for topic, finding in facts.findings.items()}
    return document


# -- writing -------------------------------------------------------------------------------------
def batch_json(screening: Screening) -> dict[str, Any]:
    """The compact answer for one entity (schema ``svctrade.batch/1``, docs/batch.md): per programme
    the status, and where explained the route and the minimal sets as condition ids."""
    entity = screening.entity
    return {
        "schema": BATCH_SCHEMA,
        "source": entity.source,
        "entity": {"name": entity.name, "credit_code": entity.credit_code, "kind": entity.kind},
        "year": screening.year,
        "programmes": [_verdict_json(v) for v in screening.verdicts],
    }


def batch_line(screening: Screening) -> str:
    """``json.dumps(batch_json(screening), ensure_ascii=False)``, with each distinct verdict encoded
    once (the verdicts on programmes not explained, the same for every entity, are most of a line)."""
    head = _json(batch_json(replace(screening, verdicts=())))
    return f"{head[:-2]}{', '.join(map(_verdict_text, screening.verdicts))}]}}"


def _verdict_json(verdict: Verdict) -> dict[str, Any]:
    if not verdict.explained:
        return {"id": verdict.programme, "status": verdict.status}
    missing = [list(s) for s in verdict.missing]
    return {"id": verdict.programme, "status": verdict.status, "route": verdict.route, "missing": missing}


#: The text of each verdict met (few are distinct: a verdict is its programme, status, route and
#: minimal sets), cleared should it reach `_TEXTS_LIMIT`.
_TEXTS: dict[Verdict, str] = {}
_TEXTS_LIMIT = 100_000


def _verdict_text(verdict: Verdict) -> str:
    text = _TEXTS.get(verdict)
    if text is None:
        if len(_TEXTS) >= _TEXTS_LIMIT:
            _TEXTS.clear()
        text = _TEXTS[verdict] = _json(_verdict_json(verdict))
    return text


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def csv_rows(screening: Screening) -> list[list[str]]:
    """One CSV row per programme: minimal sets as condition ids, ``+`` within a set, `` | `` between."""
    entity = screening.entity
    head = [entity.source, entity.name, entity.credit_code or "", str(screening.year)]
    return [
        [*head, v.programme, v.status, v.route or "", " | ".join("+".join(s) for s in v.missing), ""]
        for v in screening.verdicts
    ]


def csv_error_row(error: FactFileError) -> list[str]:
    return [error.source, "", "", "", "", "error", "", "", "; ".join(error.located())]


def csv_header() -> str:
    return csv_text([list(CSV_COLUMNS)])


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


STATUSES = ("eligible", "not_eligible", "undetermined", "out_of_scope")


def summary_table(counts: Mapping[tuple[str, str], int], programmes: Iterable[str], entities: int, errors: int) -> str:
    """Entities per programme and status, one line per programme, then the totals."""
    width = max(len(s) for s in STATUSES)
    lines = [f"{'programme':<10}" + "".join(f"{s:>{width + 2}}" for s in STATUSES)]
    for pid in programmes:
        if any(counts.get((pid, s)) for s in STATUSES):
            lines.append(f"{pid:<10}" + "".join(f"{counts.get((pid, s), 0):>{width + 2},}" for s in STATUSES))
    lines.append(f"{entities:,} entities answered, {errors:,} record(s) with errors")
    return "\n".join(lines)
