"""Locating the knowledge base and reading the clause text that stands beside each rule.

A clause is written in a chapter file as a comment, ``%@ clause ID: verbatim text``, continued by
``%@ | more text`` lines; the conditions below it carry ids that start with the clause id and may
end in a letter suffix (``5.1.3.2a`` encodes part of clause ``5.1.3.2``).
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path

_CLAUSE = re.compile(r"^%@ clause (?P<id>[0-9.]+): (?P<text>.+)$")
_CONTINUED = re.compile(r"^%@ \| (?P<text>.+)$")


class CatalogueNotFound(LookupError):
    """No knowledge base for the requested catalogue version."""


@dataclass(frozen=True)
class Clause:
    """One numbered item of the catalogue, verbatim, and where the KB encodes it."""

    id: str
    text: str
    file: str
    line: int


def kb_root() -> Path:
    """The folder holding one sub-folder per catalogue version: ``SVCTRADE_KB`` if set, else the knowledge
    base installed with the package (``pysvc.catalogues``, the repository's ``kb/`` in an editable install)."""
    override = os.environ.get("SVCTRADE_KB")
    if override:
        return Path(override)
    from . import catalogues  # a regular package of files on disk: clingo reads the KB by path

    return Path(catalogues.__file__).parent


def catalogue_versions() -> list[str]:
    """The catalogue versions the knowledge base encodes."""
    root = kb_root()
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.lp"))) if root.is_dir() else []


def newest_catalogue() -> str:
    """The default catalogue: the newest version shipped (version names sort by year)."""
    versions = catalogue_versions()
    if not versions:
        raise CatalogueNotFound(f"no catalogue version under {kb_root()}")
    return versions[-1]


def kb_dir(catalogue: str | None = None) -> Path:
    """The folder of a catalogue: a shipped version by name, or a path to a KB folder (a draft
    revision); None is the newest shipped version. The folder's name is the version's name."""
    name = catalogue or newest_catalogue()
    if name in catalogue_versions():
        return kb_root() / name
    draft = Path(name)
    if (draft / "common.lp").is_file():
        return draft
    known = ", ".join(catalogue_versions()) or "none"
    raise CatalogueNotFound(
        f"no knowledge base for catalogue {name!r}: neither a version under {kb_root()} (known: {known}) "
        "nor a KB folder (with common.lp)"
    )


def version_name(catalogue: str | None = None) -> str:
    """The version a catalogue argument stands for (its folder's name)."""
    return kb_dir(catalogue).resolve().name


def kb_files(version: str | None = None) -> list[Path]:
    """The program files of one version: the shared layer first, then the chapters in order."""
    folder = kb_dir(version)
    chapters = sorted(folder.glob("ch*.lp"))
    return [folder / "common.lp", *chapters]


def header_length(lines: list[str]) -> int:
    """How many lines open a .lp file as its header: the comments before the first rule or clause."""
    return sum(1 for _ in itertools.takewhile(lambda line: line.startswith("%") and not line.startswith("%@"), lines))


def clause_id_of(condition_id: str) -> str:
    """The clause a condition encodes: its id without the letter suffix."""
    return condition_id.rstrip("abcdefghijklmnopqrstuvwxyz")


def read_clauses(version: str | None = None) -> dict[str, Clause]:
    """Every clause written in the chapter files, by id."""
    clauses: dict[str, Clause] = {}
    for path in kb_files(version):
        current: Clause | None = None
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if match := _CLAUSE.match(line):
                current = Clause(match["id"], match["text"].strip(), path.name, number)
                clauses[current.id] = current
            elif (match := _CONTINUED.match(line)) and current is not None:
                current = Clause(current.id, f"{current.text}\n{match['text'].strip()}", current.file, current.line)
                clauses[current.id] = current
            else:
                current = None
    return clauses
