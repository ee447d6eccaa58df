"""Generated populations for benchmarks and tests: many varied entities over every programme.

Each entity starts from one of the shipped examples (facts/examples, which together reach all 41
programmes: eligible, missed and undetermined cases), sometimes merged with a second one (two
declared businesses), and is then varied: money and counts scaled from 40 % to 170 % (around the
thresholds), some figures, findings and item sections dropped (unknown), some findings reversed.
The same `seed` gives the same population.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path

from . import vocabulary as vocab
from .amounts import Money, magnitude
from .facts import EntityFacts, Figure, Finding, load_fact_file

EXAMPLES = Path(__file__).resolve().parent.parent / "facts" / "examples"


@cache
def _seeds() -> tuple[EntityFacts, ...]:
    return tuple(load_fact_file(p) for p in sorted(EXAMPLES.glob("*.yaml")))


def population(count: int, seed: int = 0) -> Iterator[EntityFacts]:
    """`count` varied entities, each with its own name and source (``generated#i``)."""
    seeds = _seeds()
    for index in range(count):
        rng = random.Random(seed * 1_000_003 + index)
        entity = seeds[index % len(seeds)]
        if rng.random() < 0.25:
            entity = _merged(entity, rng.choice(seeds))
        yield _varied(entity, rng, index)


def _merged(first: EntityFacts, second: EntityFacts) -> EntityFacts:
    """Two examples' businesses in one entity (the first wins where both give a value)."""
    if first.year != second.year or first.kind != second.kind:
        return first
    figures = {y: {**second.figures.get(y, {}), **first.figures.get(y, {})} for y in {*first.figures, *second.figures}}
    items = {
        s: first.items.get(s, frozenset()) | second.items.get(s, frozenset()) for s in {*first.items, *second.items}
    }
    return replace(
        first,
        business_lines=tuple(dict.fromkeys(first.business_lines + second.business_lines)),
        figures=figures,
        items=items,
        findings={**second.findings, **first.findings},
        agreements=first.agreements if first.agreements is not None else second.agreements,
    )


def _scaled(value: Figure, factor: Decimal) -> Figure:
    if isinstance(value, Money):
        return Money(value.currency, (value.amount * factor).quantize(Decimal("0.01")))
    return int(value * factor)


def _varied(entity: EntityFacts, rng: random.Random, index: int) -> EntityFacts:
    figures = {
        year: {
            measure: _scaled(value, Decimal(rng.randint(40, 170)) / 100)
            for measure, value in values.items()
            if rng.random() >= 0.06
        }
        for year, values in entity.figures.items()
    }
    findings = {
        topic: Finding(not finding.value) if rng.random() < 0.1 else finding
        for topic, finding in entity.findings.items()
        if rng.random() >= 0.1
    }
    items = {section: values for section, values in entity.items.items() if rng.random() >= 0.05}
    _consistent(figures, findings, items)
    return replace(
        entity,
        source=f"generated#{index}",
        name=f"{entity.name}#{index}",
        figures=figures,
        findings=findings,
        items=items,
    )


def _consistent(
    figures: dict[int, dict[str, Figure]], findings: dict[str, Finding], items: dict[str, frozenset[str]]
) -> None:
    """Varied data that a fact file could hold: no part above its whole, no amount earned by a
    count of 0, no finding about an item no longer listed (the reader rejects each of these)."""
    for values in figures.values():
        for part, whole in vocab.PART_OF:
            if part in values and whole in values and magnitude(values[part]) > magnitude(values[whole]):
                values[part] = values[whole]
        for count, amount in vocab.COUNT_EARNS:
            if values.get(count) == 0 and amount in values and magnitude(values[amount]) > 0:
                del values[count]
    for topic, (section, item) in vocab.FINDING_ABOUT_ITEM.items():
        if topic in findings and item not in items.get(section, ()):
            del findings[topic]
