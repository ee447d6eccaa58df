"""Reading fact-file YAML so that no input can crash, hang or exhaust the reader.

The YAML event stream (libyaml's C parser when available) is assembled into plain mappings, lists
and scalars by an iterative builder that enforces four named limits: size, nesting depth, item
count (aliases expanded) and alias count. Scalars stay text: numbers and dates are read by the
validation of `pysvc.facts` and `pysvc.amounts`, never by PyYAML's implicit resolvers. Only null
and true/false are resolved here. Duplicate keys are problems, never last-wins. Every value keeps
the line and column where it was written, under the dotted path the validator reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: several times faster, same events

#: Plain scalars read as null and as true/false (YAML 1.1, as PyYAML's safe loader reads them).
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLEANS = {
    **dict.fromkeys(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), False),
}
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Limits:
    """Bounds on one fact file; each is named in the message of the file that exceeds it."""

    max_bytes: int = 1_000_000
    max_depth: int = 20
    max_items: int = 50_000
    max_aliases: int = 100


LIMITS = Limits()


@dataclass(frozen=True)
class Location:
    """A place in a file, counted from 1."""

    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


class YamlProblem(ValueError):
    """YAML that cannot be read, or that exceeds a limit; `location` says where, when known."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


@dataclass
class Document:
    """The data of one YAML document, where each path was written, and non-fatal problems."""

    data: Any
    locations: dict[str, Location] = field(default_factory=dict)
    #: (path, message, where) of problems found while reading, e.g. duplicate keys; the validator
    #: reports them with its own.
    problems: list[tuple[str, str, Location]] = field(default_factory=list)


def _location(mark: Any) -> Location:
    return Location(mark.line + 1, mark.column + 1)


def join_path(path: str, key: str) -> str:
    """`figures` + `2023` -> `figures.2023` (the dotted paths problems are reported under)."""
    return f"{path}.{key}" if path else key


@dataclass
class _Frame:
    """A mapping or list being built."""

    value: dict | list
    path: str
    anchor: str | None
    items_before: int
    key: str | None = None  # a mapping's key waiting for its value
    key_at: Location | None = None


class _Builder:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.document = Document(None)
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, items it stands for)
        self.items = 0
        self.aliases = 0

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.ScalarEvent):
            if self._awaiting_key():
                self._key(event.value, _location(event.start_mark))
                return
            self._count(1, event)
            self._add(_scalar(event), event, 1)
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._open(event)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = self.stack.pop()
            self._add(frame.value, event, self.items - frame.items_before, frame)

    def _awaiting_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].value, dict) and self.stack[-1].key is None

    def _key(self, key: str, at: Location) -> None:
        frame = self.stack[-1]
        path = join_path(frame.path, key)
        if key in frame.value:  # type: ignore[operator]
            first = self.document.locations.get(path)
            self.document.problems.append((path, f"duplicate key (first given at {first})", at))
            frame.key = _DUPLICATE
        else:
            frame.key = key
        frame.key_at = at

    def _count(self, items: int, event: yaml.Event) -> None:
        self.items += items
        if self.items > self.limits.max_items:
            raise YamlProblem(
                f"more than {self.limits.max_items:,} items (aliases expanded): over the item limit",
                _location(event.start_mark),
            )

    def _child_path(self, event: yaml.Event) -> tuple[str, Location]:
        if not self.stack:
            return "", _location(event.start_mark)
        frame = self.stack[-1]
        if isinstance(frame.value, list):
            return f"{frame.path}[{len(frame.value)}]", _location(event.start_mark)
        assert frame.key is not None and frame.key_at is not None
        return join_path(frame.path, frame.key), frame.key_at

    def _open(self, event: yaml.Event) -> None:
        if self._awaiting_key():
            raise YamlProblem("a key must be plain text, not a mapping or a list", _location(event.start_mark))
        if len(self.stack) >= self.limits.max_depth:
            raise YamlProblem(_deeper_than(self.limits), _location(event.start_mark))
        _check_tag(event)
        self._count(1, event)
        path, at = self._child_path(event)
        self.document.locations.setdefault(path, at)
        container: dict | list = {} if isinstance(event, yaml.MappingStartEvent) else []
        self.stack.append(_Frame(container, path, event.anchor, self.items - 1))

    def _alias(self, event: yaml.AliasEvent) -> None:
        self.aliases += 1
        at = _location(event.start_mark)
        if self.aliases > self.limits.max_aliases:
            raise YamlProblem(f"more than {self.limits.max_aliases} aliases: over the alias limit", at)
        if event.anchor not in self.anchors:
            raise YamlProblem(f"alias *{event.anchor} names no complete anchor before it", at)
        value, items = self.anchors[event.anchor]
        if self._awaiting_key():
            if not isinstance(value, str):
                raise YamlProblem("a key must be plain text, not a mapping or a list", at)
            self._key(value, at)
            return
        self._count(items, event)
        self._add(value, event, items)

    def _add(self, value: Any, event: yaml.Event, items: int, frame: _Frame | None = None) -> None:
        """Put a finished value into its parent (or make it the document)."""
        anchor = frame.anchor if frame else getattr(event, "anchor", None)
        if anchor is not None and not isinstance(event, yaml.AliasEvent):
            self.anchors[anchor] = (value, items)
        if frame is None and not (self.stack and self.stack[-1].key is _DUPLICATE):
            path, at = self._child_path(event)
            self.document.locations.setdefault(path, at)
        if not self.stack:
            self.document.data = value
            return
        parent = self.stack[-1]
        if isinstance(parent.value, list):
            parent.value.append(value)
            return
        if parent.key is not _DUPLICATE:
            parent.value[parent.key] = value
        parent.key = None


_DUPLICATE = "\0duplicate"  # the key slot of a duplicate key: its value is read but not kept


def _deeper_than(limits: Limits) -> str:
    return f"nested deeper than {limits.max_depth} levels: over the depth limit"


def _check_tag(event: yaml.Event) -> None:
    tag = getattr(event, "tag", None)
    if tag not in (None, "!", _STR_TAG):
        raise YamlProblem(f"YAML tag {tag!r} is not accepted; write the value plainly", _location(event.start_mark))


def _scalar(event: yaml.ScalarEvent) -> Any:
    _check_tag(event)
    if event.implicit[0] and event.tag is None:  # plain, untagged
        if event.value in _NULLS:
            return None
        if event.value in _BOOLEANS:
            return _BOOLEANS[event.value]
    return event.value


def read_yaml(text: str, limits: Limits = LIMITS) -> Document:
    """Build the single document of `text` within `limits`; YamlProblem if it cannot be read."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise YamlProblem(f"{size:,} bytes: over the size limit of {limits.max_bytes:,} bytes")
    parser = _Parser(text)
    builder = _Builder(limits)
    documents = 0
    try:
        while not parser.check_event(yaml.StreamEndEvent):
            event = parser.get_event()
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlProblem("more than one YAML document; a fact file holds one", _location(event.start_mark))
            builder.feed(event)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        where = Location(line, exc.position - text.rfind("\n", 0, exc.position))
        raise YamlProblem(f"malformed YAML (character U+{exc.character:04X}: {exc.reason})", where) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _location(mark) if mark else None
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        if "nesting depth" in problem:  # libyaml's own bound, met while scanning ahead of our builder
            raise YamlProblem(_deeper_than(limits), where) from None
        raise YamlProblem(f"malformed YAML ({problem})", where) from None
    finally:
        parser.dispose()
    return builder.document
