"""Assessing many fact files: bad records are reported in place, the rest carries on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from .engine import MISSING_YEAR, Engine
from .facts import EntityFacts, FactFileError, load_fact_file
from .results import Assessment


def checked_facts(path: str | Path, engine: Engine, year: int | None) -> EntityFacts:
    """Load one file and check it can be assessed by this engine for this year."""
    return assessable(load_fact_file(path), engine, year)


def assessable(facts: EntityFacts, engine: Engine, year: int | None) -> EntityFacts:
    """The facts, checked that this engine can assess them for this year."""
    problems = []
    if year is None and facts.year is None:
        problems.append(MISSING_YEAR)
    if facts.catalogue is not None and facts.catalogue != engine.version:
        problems.append(f"catalogue: the file is for catalogue {facts.catalogue!r}, this run uses {engine.version!r}")
    if problems:
        raise FactFileError(facts.source, problems)
    return facts


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given; a folder stands for its *.yaml and *.yml files, sorted, recursively."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            yield path


def assess_files(
    engine: Engine, paths: Iterable[str | Path], year: int | None = None, explain_all: bool = False
) -> Iterator[Assessment | FactFileError]:
    """One result per path, in order: an Assessment, or the FactFileError that stopped it."""
    iterator = expand_paths(paths)
    while chunk := list(islice(iterator, engine.batch_size)):
        loaded: list[EntityFacts | FactFileError] = []
        for path in chunk:
            try:
                loaded.append(checked_facts(path, engine, year))
            except FactFileError as error:
                loaded.append(error)
        valid = [f for f in loaded if isinstance(f, EntityFacts)]
        assessments = iter(engine.assess(valid, year, explain_all))
        for item in loaded:
            yield item if isinstance(item, FactFileError) else next(assessments)


@dataclass(frozen=True)
class OutcomeChange:
    """One programme whose status differs between two engines for the same fact file."""

    source: str
    programme: str
    before: str
    after: str


def outcome_changes(
    before: Engine, after: Engine, paths: Iterable[str | Path], year: int | None = None
) -> Iterator[OutcomeChange | FactFileError]:
    """Every status that changes from `before` to `after` (two catalogue versions or two readings);
    a programme present in one version only is `absent` in the other."""
    paths = list(expand_paths(paths))
    for old, new in zip(assess_files(before, paths, year), assess_files(after, paths, year), strict=True):
        if isinstance(old, FactFileError) or isinstance(new, FactFileError):
            yield old if isinstance(old, FactFileError) else new  # type: ignore[misc]
            continue
        was = {r.programme.id: r.status for r in old.programmes}
        now = {r.programme.id: r.status for r in new.programmes}
        for pid in [*was, *(p for p in now if p not in was)]:
            if was.get(pid, "absent") != now.get(pid, "absent"):
                yield OutcomeChange(old.entity.source, pid, was.get(pid, "absent"), now.get(pid, "absent"))
