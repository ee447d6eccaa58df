"""Properties of the engine over random valid fact sets: it always answers, its answers are
consistent with their own explanations, and batches answer as single entities do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pysvc import vocabulary as vocab
from pysvc.amounts import Money
from pysvc.engine import Engine
from pysvc.facts import ITEM_SECTIONS, Agreement, EntityFacts, Finding

ENGINE = Engine(batch_size=7)


def _figure(unit: str) -> st.SearchStrategy:
    if unit in ("count", "m2"):
        return st.integers(0, 20_000)
    cents = st.integers(0, 10**12)
    return cents.map(lambda c: Money(unit, Decimal(c) / 100))  # type: ignore[arg-type]


@st.composite
def entities(draw: st.DrawFn) -> EntityFacts:
    measures = draw(st.lists(st.sampled_from(list(vocab.FIGURES)), max_size=12, unique=True))
    figures = {
        year: {m: draw(_figure(vocab.FIGURES[m].unit or "count")) for m in measures if draw(st.booleans())}
        for year in (2021, 2022, 2023)
    }
    items = {
        section: frozenset(draw(st.lists(st.sampled_from(list(terms)), max_size=3)))
        for section, terms in ITEM_SECTIONS.items()
        if draw(st.booleans())
    }
    lines = tuple(draw(st.lists(st.sampled_from(list(vocab.BUSINESS_LINES)), min_size=1, max_size=4, unique=True)))
    findings = {
        t: Finding(draw(st.booleans())) for t in draw(st.lists(st.sampled_from(list(vocab.FINDINGS)), max_size=8))
    }
    start = draw(st.dates(dt.date(2015, 1, 1), dt.date(2024, 1, 1)))
    agreements = tuple(
        Agreement(
            "对方", kind, start, start + dt.timedelta(days=draw(st.integers(0, 1500))), draw(st.none() | st.booleans())
        )
        for kind in draw(st.lists(st.sampled_from(list(vocab.COUNTERPARTIES)), max_size=2))
    )
    return EntityFacts(
        source="<random>",
        name=draw(st.text(max_size=10)),
        kind=draw(st.sampled_from(list(vocab.ENTITY_KINDS))),
        year=2024,
        district=draw(st.none() | st.sampled_from(list(vocab.DISTRICTS))),
        business_lines=lines,
        figures=figures,
        items=items,
        agreements=agreements if draw(st.booleans()) else None,
        findings=findings,
    )


def _summary(assessment):  # type: ignore[no-untyped-def]
    return [(r.status, r.route, [[c.condition.id for c in s] for s in r.missing]) for r in assessment.programmes]


@pytest.mark.property
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # examples: the profile's
@given(st.lists(entities(), min_size=1, max_size=10))
def test_answers_are_consistent_with_their_explanations_and_batching(population: list[EntityFacts]) -> None:
    batched = list(ENGINE.assess(population, explain_all=True))
    for entity, assessment in zip(population, batched, strict=True):
        assert _summary(assessment) == _summary(ENGINE.assess_one(entity, explain_all=True))
        for result in assessment.programmes:
            if result.status == "eligible":
                assert result.because and all(c.status == "met" for c in result.because)
                assert not result.missing
            for missing_set in result.missing:
                assert missing_set and all(c.status in ("failed", "unknown") for c in missing_set)
                assert result.programme.preferences == () or not {c.condition.id for c in missing_set} & set(
                    result.programme.preferences
                )
            if result.status == "undetermined":
                assert any(all(c.status == "unknown" for c in s) for s in result.missing)
            if result.status == "not_eligible":
                assert result.missing
                assert all(any(c.status == "failed" for c in s) for s in result.missing)
