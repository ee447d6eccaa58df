"""Throughput benchmark: batched assessment against the naive baseline, measured in the same run.

The baseline is one fresh clingo Control per entity (Engine(batch_size=1)); the product path puts
a whole batch into one Control, grounds once and enumerates every minimal set in one solve.
Prints entities per second for both and the ratio; asserts nothing about wall-clock time.

    python bench/throughput.py --entities 2000 --baseline-entities 200
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from pysvc.amounts import Money
from pysvc.engine import Engine
from pysvc.facts import EntityFacts, load_fact_file

EXAMPLES = Path(__file__).resolve().parent.parent / "facts" / "examples"


def population(count: int) -> list[EntityFacts]:
    """`count` entities: the shipped examples with their money figures scaled 50 %–150 %."""
    seeds = [load_fact_file(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    entities = []
    for i in range(count):
        seed = seeds[i % len(seeds)]
        factor = Decimal(50 + (i * 37) % 101) / 100
        figures = {
            year: {
                k: Money(v.currency, (v.amount * factor).quantize(Decimal("0.01"))) if isinstance(v, Money) else v
                for k, v in values.items()
            }
            for year, values in seed.figures.items()
        }
        entities.append(replace(seed, name=f"{seed.name}#{i}", figures=figures))
    return entities


def rate(engine: Engine, entities: list[EntityFacts], explain_all: bool) -> tuple[float, int]:
    """Entities per second, and the number of minimal sets found (a check that work was done)."""
    start = time.perf_counter()
    sets = sum(len(r.missing) for a in engine.assess(entities, explain_all=explain_all) for r in a.programmes)
    return len(entities) / (time.perf_counter() - start), sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=2000)
    parser.add_argument("--baseline-entities", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--all", action="store_true", help="explain every programme, in scope or not")
    args = parser.parse_args()
    entities = population(args.entities)
    baseline, base_sets = rate(Engine(batch_size=1), entities[: args.baseline_entities], args.all)
    batched, sets = rate(Engine(batch_size=args.batch_size), entities, args.all)
    base_n, size = args.baseline_entities, args.batch_size
    print(f"baseline (fresh Control per entity): {baseline:8.1f} entities/s  ({base_n} entities, {base_sets} sets)")
    print(f"batched  (batch size {size:>4}):        {batched:8.1f} entities/s  ({args.entities} entities, {sets} sets)")
    print(f"ratio batched / baseline: {batched / baseline:.1f}x")


if __name__ == "__main__":
    main()
