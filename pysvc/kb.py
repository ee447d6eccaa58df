"""Locating the knowledge base and reading the clause text that stands beside each rule.

A clause is written in a chapter file as a comment, ``%@ clause ID: verbatim text``, continued by
``%@ | more text`` lines; the conditions below it carry ids that start with the clause id and may
end in a letter suffix (``5.1.3.2a`` encodes part of clause ``5.1.3.2``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DEFAULT_CATALOGUE = "2023"
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
    return Path(override) if override else Path(str(resources.files("pysvc.catalogues")))


def catalogue_versions() -> list[str]:
    """The catalogue versions the knowledge base encodes."""
    root = kb_root()
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.lp"))) if root.is_dir() else []


def kb_dir(version: str = DEFAULT_CATALOGUE) -> Path:
    """The folder of one catalogue version; a value with a path separator is a folder itself (a draft)."""
    if "/" in version or os.sep in version:
        if not (Path(version) / "common.lp").is_file():
            raise CatalogueNotFound(f"no knowledge base at {version} (a catalogue folder holds common.lp)")
        return Path(version)
    path = kb_root() / version
    if not version or not (path / "common.lp").is_file():
        known = ", ".join(catalogue_versions()) or "none"
        raise CatalogueNotFound(f"no knowledge base for catalogue {version!r} under {kb_root()} (known: {known})")
    return path


def kb_files(version: str = DEFAULT_CATALOGUE) -> list[Path]:
    """The program files of one version: the shared layer first, then the chapters in order."""
    folder = kb_dir(version)
    chapters = sorted(folder.glob("ch*.lp"))
    return [folder / "common.lp", *chapters]


def clause_id_of(condition_id: str) -> str:
    """The clause a condition encodes: its id without the letter suffix."""
    return condition_id.rstrip("abcdefghijklmnopqrstuvwxyz")


def read_clauses(version: str = DEFAULT_CATALOGUE) -> dict[str, Clause]:
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
