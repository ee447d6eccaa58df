"""Assessing many fact files: bad records are reported in place, the rest carries on.

Records go through in batches of `Engine.batch_size`, so memory does not grow with the number of
files. Any exception while reading or assessing one record becomes that record's error: records in
= results out + errors listed, always.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TypeVar

from .amounts import shown
from .engine import MISSING_YEAR, Engine
from .facts import EntityFacts, FactFileError, load_fact_file
from .results import Assessment

T = TypeVar("T")


def checked_facts(path: str | Path, engine: Engine, year: int | None) -> EntityFacts:
    """Load one file and check it can be assessed by this engine for this year."""
    return checked(str(path), partial(load_fact_file, path), engine, year)


def checked(source: str, read: Callable[[], EntityFacts], engine: Engine, year: int | None) -> EntityFacts:
    """Read one record (`read`) and check it can be assessed by this engine for this year. The
    FactFileError that stops it names what is wrong, also for an exception we did not foresee."""
    try:
        facts = read()
    except FactFileError:
        raise
    except Exception as exc:  # a defect of ours: still only this record's error
        raise unexpected(source, "read", exc) from exc
    return assessable(facts, engine, year)


def assessable(facts: EntityFacts, engine: Engine, year: int | None) -> EntityFacts:
    """The facts, if this engine can assess them for this year (a year is known, the catalogue
    version matches); else the FactFileError naming what is wrong."""
    problems = []
    if year is None and facts.year is None:
        problems.append(MISSING_YEAR)
    if facts.catalogue is not None and facts.catalogue != engine.version:
        problems.append(f"catalogue: the file is for catalogue {facts.catalogue!r}, this run uses {engine.version!r}")
    if problems:
        raise FactFileError(facts.source, problems)
    return facts


def unexpected(source: str, stage: str, exc: BaseException) -> FactFileError:
    """An exception we did not foresee, as the error of the one record it happened to."""
    what = f"{type(exc).__name__}: {shown(str(exc), 200)}"
    return FactFileError(source, [f"(file): could not be {stage} ({what}); please report this"])


FACT_SUFFIXES = (".yaml", ".yml")


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | FactFileError]:
    """Files as given; a folder stands for its *.yaml and *.yml entries, sorted, recursively (a
    dangling link among them is kept: reading it reports it; a pipe or device is an error, never
    opened). A folder with none is an error."""
    for path in map(Path, paths):
        if not path.is_dir():
            yield path
            continue
        try:
            found = sorted(p for p in path.rglob("*") if p.suffix in FACT_SUFFIXES and not p.is_dir())
        except OSError as exc:
            yield FactFileError(str(path), [f"(folder): cannot list the folder ({exc.strerror or exc})"])
            continue
        if not found:
            yield FactFileError(str(path), ["(folder): no fact files (*.yaml, *.yml) in this folder"])
        yield from map(_regular, found)


def _regular(path: Path) -> Path | FactFileError:
    try:
        mode = path.stat().st_mode
    except OSError:
        return path  # a dangling link, or gone since listed: reading it says which
    return path if stat.S_ISREG(mode) else FactFileError(str(path), ["(file): not a regular file (a pipe or device)"])


def assess_files(
    engine: Engine, paths: Iterable[str | Path], year: int | None = None, explain_all: bool = False
) -> Iterator[Assessment | FactFileError]:
    """One result per path, in order: an Assessment, or the FactFileError that stopped it."""
    iterator = expand_paths(paths)
    while chunk := list(islice(iterator, engine.batch_size)):
        loaded: list[EntityFacts | FactFileError] = []
        for path in chunk:
            try:
                loaded.append(path if isinstance(path, FactFileError) else checked_facts(path, engine, year))
            except FactFileError as error:
                loaded.append(error)
        valid = [f for f in loaded if isinstance(f, EntityFacts)]
        assessments = iter(answered(lambda batch: engine.assess(batch, year, explain_all), valid))
        for item in loaded:
            yield item if isinstance(item, FactFileError) else next(assessments)


def answered(answer: Callable[[list[EntityFacts]], Iterable[T]], batch: list[EntityFacts]) -> list[T | FactFileError]:
    """`answer` over the batch together, one result per entity in order; should that fail, over each
    entity alone, so a failure costs only its own record (its FactFileError)."""
    try:
        return list(answer(batch))
    except Exception as exc:
        if len(batch) == 1:
            return [exc if isinstance(exc, FactFileError) else unexpected(batch[0].source, "assessed", exc)]
        return [result for entity in batch for result in answered(answer, [entity])]
