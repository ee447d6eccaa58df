"""Answering a batch of records on several cores: worker processes, answers in input order.

Records are cut into chunks (one Control's worth, `BatchOptions.batch_size`); each worker process
holds one `Engine` and turns a chunk into rendered answers (JSONL lines or CSV rows) and counts.
At most ``2 × jobs + 1`` chunks are in flight and answers are yielded in input order, so memory
stays flat however long the input; a worker is replaced after `recycle_after` chunks, so the
symbols clingo keeps for every value it has seen do not accumulate either.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import threading
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice

from .batch import answered, checked
from .batch_io import Record, batch_line, csv_error_row, csv_rows, csv_text, load_record
from .engine import DEFAULT_BATCH_SIZE, Engine
from .facts import EntityFacts, FactFileError
from .results import Assessment, Screening

#: Chunks one worker answers before it is replaced by a fresh process: clingo keeps every distinct
#: symbol it has seen, about 1 KB per entity screened and 5 KB per entity explained in full (the
#: values found are symbols too).
RECYCLE_AFTER = 200
RECYCLE_AFTER_EXPLAINED = 40
#: Allocations that trigger a collection of the youngest generation in a worker (Python's default: 700).
GC_THRESHOLD = 50_000
OUTPUTS = ("jsonl", "csv", "results")


@dataclass(frozen=True)
class BatchOptions:
    """What a batch run asks of every record."""

    catalogue: str | None = None  # a version or a KB folder; None: the newest version
    interpretations: tuple[tuple[str, str], ...] = ()
    year: int | None = None
    explain_all: bool = False
    programmes: tuple[str, ...] = ()  # only these (and explain them even out of scope)
    output: str = "jsonl"  # jsonl (svctrade.batch/1), csv, results (svctrade.result/1)
    lang: str = "zh"
    batch_size: int = DEFAULT_BATCH_SIZE

    @property
    def recycle_after(self) -> int:
        """Chunks a worker answers before it is replaced (fewer when every answer is explained)."""
        return RECYCLE_AFTER_EXPLAINED if self.output == "results" else RECYCLE_AFTER

    def engine(self) -> Engine:
        return Engine(self.catalogue, dict(self.interpretations), batch_size=self.batch_size)


@dataclass
class Answers:
    """The rendered answers of one chunk of records, and what they count."""

    text: str
    entities: int = 0
    errors: int = 0
    #: (programme, status) -> entities
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)


class Assessor:
    """One engine under one set of options: chunks of records in, rendered answers out."""

    def __init__(self, options: BatchOptions, engine: Engine | None = None) -> None:
        self.options = options
        self.engine = engine or options.engine()
        self.wanted = set(options.programmes)

    def answer(self, records: list[Record]) -> Answers:
        """The rendered answers of a chunk of records; any exception while reading or assessing one
        record is that record's error, as in `svctrade check` (`batch.checked`, `batch.answered`)."""
        loaded: list[EntityFacts | FactFileError] = []
        for record in records:
            try:
                loaded.append(checked(record.source, partial(load_record, record), self.engine, self.options.year))
            except FactFileError as error:
                loaded.append(error)
        decided = iter(answered(self._decide, [item for item in loaded if isinstance(item, EntityFacts)]))
        answers = Answers("")
        parts: list = []
        for item in loaded:
            result = next(decided) if isinstance(item, EntityFacts) else item
            if isinstance(result, FactFileError):
                answers.errors += 1
                parts.append(self._error(result))
                continue
            screening, rendered = self._rendered(result)
            answers.entities += 1
            answers.counts.update((v.programme, v.status) for v in screening.verdicts)
            parts.append(rendered)
        if self.options.output == "csv":
            answers.text = csv_text([row for rows in parts for row in rows])
        else:
            answers.text = "".join(f"{line}\n" for line in parts)
        return answers

    def _decide(self, batch: list[EntityFacts]) -> Iterator[Assessment | Screening]:
        """Only the `results` output explains: the compact outputs screen, and nothing else is
        ground or read."""
        year, explain_all = self.options.year, self.options.explain_all or bool(self.wanted)
        if self.options.output == "results":
            return self.engine.assess(batch, year, explain_all)
        return self.engine.screen(batch, year, explain_all)

    def _rendered(self, result: Assessment | Screening) -> tuple[Screening, str | list[list[str]]]:
        """One entity's verdicts (of the programmes asked for) and its rendered answer."""
        if isinstance(result, Assessment):
            from .render import assessment_json

            if self.wanted:
                result = replace(
                    result, programmes=tuple(r for r in result.programmes if r.programme.id in self.wanted)
                )
            return result.screening(), json.dumps(assessment_json(result, self.options.lang), ensure_ascii=False)
        if self.wanted:
            result = replace(result, verdicts=tuple(v for v in result.verdicts if v.programme in self.wanted))
        return result, csv_rows(result) if self.options.output == "csv" else batch_line(result)

    def _error(self, error: FactFileError) -> str | list[list[str]]:
        if self.options.output == "csv":
            return [csv_error_row(error)]
        from .render import error_json

        return json.dumps(error_json(error.source, error.located()), ensure_ascii=False)


def default_jobs() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def answer_batch(
    records: Iterable[Record], options: BatchOptions, jobs: int, engine: Engine | None = None
) -> Iterator[Answers]:
    """The answers to every record, chunk by chunk, in input order. `jobs` worker processes; 0
    answers in this process (with `engine` if given)."""
    iterator = iter(records)
    chunks = iter(lambda: list(islice(iterator, options.batch_size)), [])
    if jobs <= 0:
        assessor = Assessor(options, engine)
        yield from map(assessor.answer, chunks)
        return
    context = multiprocessing.get_context("spawn")  # a clean process: no Control copied by fork
    recycle = options.recycle_after
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(options,), max_tasks_per_child=recycle
    ) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.submit(_answer, chunk))
            if len(pending) > 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_WORKER: Assessor | None = None


def _start_worker(options: BatchOptions) -> None:
    global _WORKER
    _WORKER = Assessor(options)
    # What a worker holds for its life (modules, the engine) is never garbage: moved out of the
    # collector's sight; and a chunk allocates many short-lived objects, few of them in cycles, so
    # the youngest generation is collected less often.
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


def _answer(records: list[Record]) -> Answers:
    assert _WORKER is not None, "worker started without options"
    return _WORKER.answer(records)


_PARTITION_ASSESSORS: dict[BatchOptions, Assessor] = {}
_PARTITION_LOCK = threading.Lock()


def answer_partition(lines: Iterable[str | tuple[str, str]], options: BatchOptions = BatchOptions()) -> list[str]:
    """The answers to one partition of JSONL lines (a Dask bag partition, say), one output line
    each, in order. Items may be lines or (line, path) pairs (``read_text(include_path=True)``).
    One engine per process and options serves every partition that process answers."""
    records = []
    for number, item in enumerate(lines, start=1):
        line, path = item if isinstance(item, tuple) else (item, "partition")
        records.append(Record(f"{path}#{number}", "json", line))
    with _PARTITION_LOCK:  # a threaded scheduler: the partitions of one process take turns
        if options not in _PARTITION_ASSESSORS:
            _PARTITION_ASSESSORS[options] = Assessor(options)
        assessor = _PARTITION_ASSESSORS[options]
        return [
            line
            for start in range(0, len(records), options.batch_size)
            for line in assessor.answer(records[start : start + options.batch_size]).text.splitlines()
        ]
