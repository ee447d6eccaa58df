"""Engine behaviour that holds across programmes: exact thresholds, unknown versus failed,
preferences, inert names, large amounts, batches and readings."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from pysvc.amounts import Money
from pysvc.engine import Engine, InterpretationError
from pysvc.facts import EntityFacts, parse_fact_text

HOTEL = """\
year: 2024
entity: {name: 上海外滩华庭酒店有限公司, kind: enterprise}
business_lines: [star_rated_hotel, economy_hotel_chain, software_development]
figures:
  2023: {revenue: 8000万元, guests: 1000, foreign_guests: 300}
"""


def _hotel(**figures: object) -> EntityFacts:
    facts = parse_fact_text(HOTEL)
    merged = {**facts.figures[2023], **figures}
    return replace(facts, figures={2023: merged})


def test_exact_threshold_counts_as_met(engine: Engine) -> None:
    result = engine.assess_one(_hotel()).programme("2.1")
    assert result.status == "eligible"
    assert {c.condition.id: c.status for c in result.because} == {"2.1.1": "met", "2.1.2": "met"}


def test_one_fen_below_the_threshold_fails_with_a_gap_of_one_fen(engine: Engine) -> None:
    result = engine.assess_one(_hotel(revenue=Money("CNY", Decimal("79999999.99")))).programme("2.1")
    assert result.status == "not_eligible"
    [[condition]] = result.missing
    assert condition.condition.id == "2.1.1"
    assert condition.status == "failed"
    assert condition.gap == Money("CNY", Decimal("0.01"))


def test_a_missing_figure_is_unknown_not_failed_and_names_what_to_collect(engine: Engine) -> None:
    facts = _hotel()
    facts = replace(facts, figures={2023: {"revenue": facts.figures[2023]["revenue"]}})
    result = engine.assess_one(facts).programme("2.1")
    assert result.status == "undetermined"
    [[condition]] = result.missing
    assert condition.status == "unknown"
    assert condition.needs == ("figures.2023.foreign_guests", "figures.2023.guests")


def test_figures_of_another_year_do_not_count_as_last_year(engine: Engine) -> None:
    facts = _hotel()
    facts = replace(facts, figures={2022: facts.figures[2023]})
    assert engine.assess_one(facts).programme("2.1").status == "undetermined"
    assert engine.assess_one(facts, year=2023).programme("2.1").status == "eligible"


def test_a_preference_never_changes_a_verdict(engine: Engine) -> None:
    plain = _hotel()
    honoured = replace(plain, items={"recognitions": frozenset({"green_hotel"})})
    for facts in (plain, _hotel(revenue=Money("CNY", Decimal(1)))):
        without = engine.assess_one(facts).programme("2.1")
        with_pref = engine.assess_one(replace(honoured, figures=facts.figures)).programme("2.1")
        assert without.status == with_pref.status
        assert [p.status for p in with_pref.preferences] == ["met"]


def test_amounts_of_25_and_3000_yi_yuan_compare_exactly(engine: Engine) -> None:
    chain = _hotel(hotels=400, overseas_hotels=1, overseas_hotel_revenue=Money("USD", Decimal(500000)))
    for revenue, status in [
        ("3000", "eligible"),
        ("25", "eligible"),
        ("20", "eligible"),
        ("19.9999999999", "not_eligible"),
    ]:
        facts = replace(
            chain, figures={2023: {**chain.figures[2023], "revenue": Money("CNY", Decimal(revenue) * 10**8)}}
        )
        assert engine.assess_one(facts).programme("2.2").status == status, revenue


def test_a_company_name_that_looks_like_asp_is_inert(engine: Engine) -> None:
    plain = engine.assess_one(_hotel())
    hostile = engine.assess_one(replace(_hotel(), name='x"). eligible("3.1'))
    assert [r.status for r in hostile.programmes] == [r.status for r in plain.programmes]
    assert hostile.programme("3.1").status != "eligible"
    assert hostile.entity.name == 'x"). eligible("3.1'


def test_a_batch_answers_exactly_as_one_entity_at_a_time(engine: Engine) -> None:
    entities = [_hotel(revenue=Money("CNY", Decimal(n) * 10**6)) for n in (1, 79, 80, 81, 2500)]
    batched = list(Engine(batch_size=2).assess(entities))
    single = [engine.assess_one(e) for e in entities]
    for b, s in zip(batched, single, strict=True):
        assert [(r.status, [[c.condition.id for c in m] for m in r.missing]) for r in b.programmes] == [
            (r.status, [[c.condition.id for c in m] for m in r.missing]) for r in s.programmes
        ]


def test_out_of_scope_programmes_are_explained_only_on_request(engine: Engine) -> None:
    hotel = _hotel()
    assert engine.assess_one(hotel).programme("1").status == "out_of_scope"
    assert engine.assess_one(hotel).programme("1").missing == ()
    assert engine.assess_one(hotel, explain_all=True).programme("1").missing != ()


def test_unknown_readings_are_refused_with_the_known_ones() -> None:
    with pytest.raises(InterpretationError, match="forwarder_share_outlets"):
        Engine(interpretations={"forwarder_share_outlet": "both_kinds"})
    with pytest.raises(InterpretationError, match="choose one of"):
        Engine(interpretations={"forwarder_share_outlets": "sometimes"})


def test_every_reading_in_force_is_reported(engine: Engine) -> None:
    readings = engine.catalogue.interpretations
    assert readings["forwarder_share_outlets"].chosen == readings["forwarder_share_outlets"].default
    other = Engine(interpretations={"forwarder_share_outlets": "both_kinds"})
    assert other.catalogue.interpretations["forwarder_share_outlets"].chosen == "both_kinds"


def test_a_strict_threshold_met_exactly_fails_and_asks_for_one_cent_more(engine: Engine) -> None:
    zone = parse_fact_text(
        "year: 2024\nentity: {name: 上海某园区, kind: development_zone}\n"
        "figures: {2023: {service_trade_enterprises: 3, service_trade_total: 500万美元}}\n"
    )
    result = engine.assess_one(zone).programme("11")
    total = next(c for c in result.conditions if c.condition.id == "11.3b")
    assert total.status == "failed"
    assert total.gap == Money("USD", Decimal("0.01"))


def test_no_preference_of_any_programme_changes_its_verdict_or_missing_sets(engine: Engine) -> None:
    """Meeting every preference changes nothing, for a witness that meets each route and for one
    that meets nothing (preferences reading the same figure as a requirement are left out there,
    since their data would decide the requirement too)."""
    from pysvc.lint import witness
    from pysvc.results import Route

    catalogue = engine.catalogue
    checked = 0
    for programme in catalogue.programmes.values():
        kind = programme.kinds[0]
        required = {s for r in programme.routes.values() for c in r.members for s in catalogue.conditions[c].subject}
        separate = tuple(c for c in programme.preferences if not set(catalogue.conditions[c].subject) & required)
        pairs = [
            (
                witness(programme, r, catalogue, r.kind or kind),
                witness(
                    programme, Route(r.conditions + programme.preferences, r.groups, r.kind), catalogue, r.kind or kind
                ),
            )
            for r in programme.routes.values()
        ]
        if separate:
            pairs.append(
                (witness(programme, Route(()), catalogue, kind), witness(programme, Route(separate), catalogue, kind))
            )
        for base, extended in pairs if programme.preferences else []:
            plain = engine.assess_one(base).programme(programme.id)
            preferred = engine.assess_one(extended).programme(programme.id)
            assert any(p.status == "met" for p in preferred.preferences), programme.id
            assert plain.status == preferred.status, programme.id
            assert [[c.condition.id for c in s] for s in plain.missing] == [
                [c.condition.id for c in s] for s in preferred.missing
            ], programme.id
            checked += 1
    assert checked >= 10
