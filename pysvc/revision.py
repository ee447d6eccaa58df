"""Catalogue revisions: a new version scaffolded from an old one, and what changed between two.

A version is a folder of kb/ named after it (kb/2023); a draft revision may live anywhere and is
named by its path. `new_version` copies a version with its headers retitled and its source.md marked
for replacement; lint fails until the folder holds the new catalogue's own text.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

from .kb import kb_dir, kb_root

SOURCE_MARKER = "<!-- svctrade new-version: replace this file with the verbatim text of the {name}年版 -->"


def retitle(text: str, old: str, new: str) -> str:
    """A .lp file with the version named in its header (the leading comment lines) changed."""
    lines = text.splitlines(keepends=True)
    header = sum(1 for _ in itertools.takewhile(lambda line: line.startswith("%") and not line.startswith("%@"), lines))
    return "".join(line.replace(f"{old}年版", f"{new}年版") for line in lines[:header]) + "".join(lines[header:])


def new_version(name: str, source: str | None = None, into: Path | None = None) -> Path:
    """Scaffold catalogue `name` from `source` (a version or a KB folder) in `into` (default kb/):
    every file copied, headers retitled, source.md marked as still the old text."""
    origin = kb_dir(source)
    old = origin.resolve().name
    target = (into or kb_root()) / name
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    shutil.copytree(origin, target)
    for path in target.glob("*.lp"):
        path.write_text(retitle(path.read_text(encoding="utf-8"), old, name), encoding="utf-8")
    programmes = target / "programmes.md"
    if programmes.exists():
        text = programmes.read_text(encoding="utf-8")
        programmes.write_text(text.replace(f"the {old} catalogue", f"the {name} catalogue"), encoding="utf-8")
    source_md = target / "source.md"
    text = source_md.read_text(encoding="utf-8") if source_md.exists() else ""
    source_md.write_text(SOURCE_MARKER.format(name=name) + "\n" + text, encoding="utf-8")
    return target
