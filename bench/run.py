"""Batch benchmark: every path against the naive baseline, measured in one run (docs/performance.md).

Generates N varied entities over all 41 programmes (pysvc.population) as JSONL and as a folder of
YAML fact files, then measures:
  - the naive baseline: one fresh clingo Control per entity, every entity solved (no pattern reuse),
    from the same JSONL lines to the same output rows, in this process, on a sample;
  - `svctrade batch` from JSONL and from the YAML folder at --jobs 1 and --jobs 2 (the real
    command, a subprocess: start-up, reading, workers and writing included);
  - `svctrade batch --all` against the in-scope run on the same input;
  - one `svctrade check` on one file against `python -c "import clingo, typer, yaml"`.
Prints entities/s (wall), CPU ms per entity (all processes), peak RSS (the whole process tree,
sampled) and ratios. Asserts nothing about time.

    python bench/run.py --entities 20000
    python bench/run.py --entities 100000 --yaml-entities 20000 --skip-all
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

import pysvc
from pysvc.batch_io import Record, fact_document
from pysvc.engine import Engine
from pysvc.parallel import Assessor, BatchOptions
from pysvc.population import EXAMPLES, population

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measure:
    name: str
    entities: int
    wall: float
    cpu: float
    rss: int  # bytes, peak of the process tree

    @property
    def rate(self) -> float:
        return self.entities / self.wall

    def line(self, baseline: float | None) -> str:
        ratio = f"{self.rate / baseline:7.1f}x" if baseline else "        "
        rss = f"{self.rss / 2**20:>8.0f} MiB" if self.rss else f"{'-':>12}"
        return (
            f"{self.name:<34} {self.entities:>8,} {self.rate:>10,.0f}/s {1000 * self.cpu / self.entities:>8.3f} ms"
            f" {rss} {ratio}"
        )


def _tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stream:
                fields = stream.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * PAGE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run_command(name: str, command: list[str], entities: int) -> Measure:
    """Run a command to completion; wall time, CPU of it and its descendants, peak tree RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_rss(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode not in (0, 2):
        sys.exit(f"{name}: exit {process.returncode}\n{stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measure(name, entities, wall, cpu, peak[0])


def baseline(lines: list[str]) -> Measure:
    """The naive path: per entity, a fresh Control and a full solve (no batch, no pattern reuse)."""
    assessor = Assessor(BatchOptions(), Engine(batch_size=1, reuse_patterns=False))
    start, cpu = time.perf_counter(), time.process_time()
    for i, line in enumerate(lines):
        assessor.answer([Record(f"line {i}", "json", line)])
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Measure("baseline (Control per entity)", len(lines), wall, cpu, 0)


def start_up(repeat: int) -> tuple[float, float]:
    """Best wall time of `svctrade check` on one file and of the bare imports. The package's modules
    are compiled to bytecode first, as installing the wheel leaves them (the dependencies imported
    by both commands are): an editable install under PYTHONDONTWRITEBYTECODE=1 would recompile
    every module of the package on every start instead."""
    compileall.compile_dir(Path(pysvc.__file__).parent, quiet=1)
    example = str(next(iter(sorted(EXAMPLES.glob("*.yaml")))))
    commands = {
        "check": [sys.executable, "-m", "pysvc", "check", example],
        "imports": [sys.executable, "-c", "import clingo, typer, yaml"],
    }
    best = dict.fromkeys(commands, float("inf"))
    for _ in range(repeat):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
            best[name] = min(best[name], time.perf_counter() - start)
    return best["check"], best["imports"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=20000, help="N, the JSONL population")
    parser.add_argument("--yaml-entities", type=int, help="YAML folder size (default: N)")
    parser.add_argument("--baseline-entities", type=int, default=300, help="baseline sample")
    parser.add_argument("--all-entities", type=int, help="entities for the --all comparison (default: N)")
    parser.add_argument("--skip-all", action="store_true", help="do not measure --all")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=5, help="start-up runs (best is kept)")
    args = parser.parse_args()
    n = args.entities
    work = Path(tempfile.mkdtemp(prefix="svctrade-bench-"))
    try:
        start = time.perf_counter()
        documents = [fact_document(e) for e in population(n)]
        lines = [json.dumps(d, ensure_ascii=False) for d in documents]
        (work / "all.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        folder = work / "yaml"
        folder.mkdir()
        for i, document in enumerate(documents[: args.yaml_entities or n]):
            text = yaml.dump(document, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
            (folder / f"{i:07}.yaml").write_text(text, encoding="utf-8")
        yaml_n = min(n, args.yaml_entities or n)
        all_n = min(n, args.all_entities or n)
        if all_n < n:
            (work / "some.jsonl").write_text("\n".join(lines[:all_n]) + "\n", encoding="utf-8")
        print(f"generated {n:,} entities as JSONL and {yaml_n:,} as YAML files in {time.perf_counter() - start:.1f} s")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        cli = [sys.executable, "-m", "pysvc", "batch"]
        base = baseline(lines[: args.baseline_entities])
        runs = [base]
        for jobs in args.jobs:
            runs.append(run_command(f"batch JSONL --jobs {jobs}", [*cli, str(work / "all.jsonl"), "-j", str(jobs)], n))
        for jobs in args.jobs:
            runs.append(run_command(f"batch YAML folder --jobs {jobs}", [*cli, str(folder), "-j", str(jobs)], yaml_n))
        if not args.skip_all:
            source = str(work / ("all.jsonl" if all_n == n else "some.jsonl"))
            jobs = str(max(args.jobs))
            scope = run_command(f"batch JSONL --jobs {jobs} (in scope)", [*cli, source, "-j", jobs], all_n)
            every = run_command(f"batch JSONL --jobs {jobs} --all", [*cli, source, "-j", jobs, "--all"], all_n)
            runs += [scope, every]
        print(f"\n{'path':<34} {'entities':>8} {'wall rate':>12} {'CPU/entity':>11} {'peak RSS':>12} {'vs base':>8}")
        for measure in runs:
            print(measure.line(base.rate if measure is not base else None))
        if not args.skip_all:
            print(
                f"\n--all costs {every.wall / scope.wall:.2f}x the in-scope run (wall), "
                f"{every.cpu / scope.cpu:.2f}x (CPU)"
            )
        check, imports = start_up(args.repeat)
        print(
            f"one check: {check * 1000:.0f} ms; python -c 'import clingo, typer, yaml': {imports * 1000:.0f} ms; "
            f"ratio {check / imports:.2f}x (best of {args.repeat}; the package's modules compiled to bytecode)"
        )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
