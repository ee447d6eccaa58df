"""Web API benchmark: `svctrade serve` on 127.0.0.1, a bounded number of requests, then it stops.

Starts the server in its own process on a free port of 127.0.0.1, then sends
  1. the baseline: single assessments one at a time (concurrency 1),
  2. single assessments (POST /v1/assess, YAML) from several client threads at once,
  3. batches (POST /v1/assess/batch, JSONL) one after another,
and prints, for each, requests/s (and fact documents/s), p50/p99 latency and the number of errors
(a status other than 200, or an error line in a batch), with the ratio of the concurrent singles
to the baseline measured in the same run. Stops the server it started, whatever happens.

    python bench/serve.py --singles 2000 --concurrency 8 --batches 20 --batch-size 500
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "facts" / "examples").glob("*.yaml"))
HOST = "127.0.0.1"  # never anything but this machine
TIMEOUT = 120.0  # seconds for any one request


@dataclass
class Run:
    """Latencies and errors of one phase."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    documents: int = 0
    seconds: float = 0.0

    def line(self, name: str) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000
        return (
            f"{name:<28} {len(ordered):>6} requests  {len(ordered) / self.seconds:8.1f} req/s  "
            f"{self.documents / self.seconds:8.1f} docs/s  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  "
            f"errors {self.errors}"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_ready(port: int, server: subprocess.Popen, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/v1/version")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not answer within 60 s")


def singles(port: int, bodies: list[bytes], count: int, threads: int) -> Run:
    """`count` single assessments, shared among `threads` clients with one connection each."""
    run = Run(documents=count)
    lock = threading.Lock()
    next_index = iter(range(count))

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            start = time.perf_counter()
            try:
                connection.request(
                    "POST", "/v1/assess", bodies[index % len(bodies)], {"Content-Type": "application/yaml"}
                )
                response = connection.getresponse()
                ok = response.status == 200 and json.loads(response.read())["schema"] == "svctrade.result/1"
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
                connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
            with lock:
                run.latencies.append(time.perf_counter() - start)
                run.errors += not ok

    workers = [threading.Thread(target=client) for _ in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    run.seconds = time.perf_counter() - began
    return run


def batches(port: int, lines: list[str], count: int, size: int) -> Run:
    """`count` JSONL batches of `size` documents, one after another."""
    run = Run(documents=count * size)
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    began = time.perf_counter()
    for b in range(count):
        body = "\n".join(lines[(b * size + i) % len(lines)] for i in range(size)).encode()
        start = time.perf_counter()
        try:
            connection.request("POST", "/v1/assess/batch", body, {"Content-Type": "application/x-ndjson"})
            response = connection.getresponse()
            answers = [json.loads(line) for line in response.read().splitlines()]
            bad = response.status != 200 or len(answers) != size
            run.errors += bad or sum(a["schema"] != "svctrade.result/1" for a in answers)
        except (OSError, http.client.HTTPException, ValueError):
            run.errors += 1
            connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        run.latencies.append(time.perf_counter() - start)
    run.seconds = time.perf_counter() - began
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--singles", type=int, default=2000)
    parser.add_argument("--baseline", type=int, default=200, help="single requests sent one at a time")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    bodies = [p.read_bytes() for p in EXAMPLES]
    lines = [json.dumps(yaml.safe_load(body), default=str, ensure_ascii=False) for body in bodies]
    port = free_port()
    command = [sys.executable, "-m", "pysvc", "serve", "--host", HOST, "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(port, server)
        baseline = singles(port, bodies, args.baseline, 1)
        concurrent = singles(port, bodies, args.singles, args.concurrency)
        batched = batches(port, lines, args.batches, args.batch_size)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    print(f"svctrade serve on {HOST}:{port}, {len(bodies)} example fact files round robin")
    print(baseline.line("single, concurrency 1"))
    print(concurrent.line(f"single, concurrency {args.concurrency}"))
    print(batched.line(f"batch of {args.batch_size}, sequential"))
    base_rate = baseline.documents / baseline.seconds
    print(
        f"ratio: concurrent singles {concurrent.documents / concurrent.seconds / base_rate:.1f}x the baseline; "
        f"batches {batched.documents / batched.seconds / base_rate:.1f}x the baseline (documents/s)"
    )
    if baseline.errors or concurrent.errors or batched.errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
