"""Inspection CPU per message, in one process: what an inspection worker spends on 10 KB mail.

Corpus: the ``benchmarks/smtp_load.py`` text corpus (10 KB of Chinese text per message, every
tenth one holds a listed term), built by this checkout's ``smtp_load.text_mail`` for both sides.

Each message goes through :func:`gateway.inspection.inspect_message` with the default limits and
the checkout's ``config/scope`` tables, as a worker runs it; CPU is ``time.process_time``. The
split times the two halves separately on the same messages: extraction
(:func:`gateway.extract.extract_message`) and matching (``Engine.decide``).

Baseline: ``--baseline PATH`` measures another checkout in the same run (e.g. ``git worktree add
--detach ../base main``): a worker process imports the code at PATH and the rounds alternate,
one each in turn, so both see the same machine load. Figures are the best round of each.

Run: ``.venv/bin/python benchmarks/inspect_cpu.py [--messages 200] [--rounds 5] [--baseline
PATH]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The checkout measured: this one, or (in a baseline worker) the one given by --baseline.
CODE = Path(os.environ.get("DLP_BENCH_CODE", ROOT)).resolve()
sys.path.insert(0, str(CODE))
sys.path.insert(1, str(ROOT / "benchmarks"))

from smtp_load import text_mail  # noqa: E402

from gateway.extract import extract_message  # noqa: E402
from gateway.inspection import inspect_message  # noqa: E402
from gateway.settings import LimitSettings  # noqa: E402
from matchers.boundary import dictionary  # noqa: E402
from matchers.engine import Engine  # noqa: E402
from matchers.model import Verdict  # noqa: E402
from matchers.scope import load_scope  # noqa: E402


class Bench:
    """The engine and corpus of one checkout, measured a round at a time."""

    def __init__(self, messages: int) -> None:
        self.engine = Engine.compile(load_scope(CODE / "config" / "scope"))
        self.limits = LimitSettings()
        self.raws = [text_mail(n) for n in range(messages)]
        dictionary()  # jieba's dictionary, loaded before timing as a worker's warm-up does
        self.round()  # warm caches

    def round(self) -> dict[str, float]:
        n = len(self.raws)
        held = 0
        start = time.process_time()
        for raw in self.raws:
            result = inspect_message(raw, self.engine, self.limits)
            held += result.decision.verdict is not Verdict.PASS
        total = time.process_time() - start
        extract = match = 0.0
        for raw in self.raws:
            t0 = time.process_time()
            extracted = extract_message(raw, self.limits, time.monotonic() + 60)
            t1 = time.process_time()
            self.engine.decide(extracted.segments, extracted.unscannable)
            t2 = time.process_time()
            extract += t1 - t0
            match += t2 - t1
        return {
            "total": total * 1000 / n,
            "extract": extract * 1000 / n,
            "match": match * 1000 / n,
            "held": held,
        }


def worker(messages: int) -> None:
    """Baseline side: answer one JSON round per line read on stdin."""
    bench = Bench(messages)
    print("ready", flush=True)
    for _ in sys.stdin:
        print(json.dumps(bench.round()), flush=True)


class Baseline:
    def __init__(self, path: Path, messages: int) -> None:
        self.path = path
        env = {**os.environ, "DLP_BENCH_CODE": str(path), "PYTHONPATH": str(path)}
        command = [sys.executable, __file__, "--worker", "--messages", str(messages)]
        self._process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        if self._readline() != "ready":
            raise SystemExit(f"inspect_cpu: the baseline worker at {path} failed")

    def _readline(self) -> str:
        assert self._process.stdout is not None
        return self._process.stdout.readline().strip()

    def round(self) -> dict[str, float]:
        assert self._process.stdin is not None
        self._process.stdin.write("go\n")
        self._process.stdin.flush()
        line = self._readline()
        if not line:
            raise SystemExit(f"inspect_cpu: the baseline worker at {self.path} failed")
        result: dict[str, float] = json.loads(line)
        return result

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=30)


def best(rounds: list[dict[str, float]]) -> dict[str, float]:
    return {key: min(r[key] for r in rounds) for key in rounds[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout, measured in the same run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.messages)
        return
    bench = Bench(args.messages)
    baseline = Baseline(args.baseline.resolve(), args.messages) if args.baseline else None
    ours: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    try:
        for _ in range(args.rounds):
            ours.append(bench.round())
            if baseline is not None:
                theirs.append(baseline.round())
    finally:
        if baseline is not None:
            baseline.close()
    print(
        f"{args.messages} messages of 10 KB Chinese text, best of {args.rounds} rounds, CPU ms/msg"
    )
    print(f"{'checkout':<10} {'inspect':>8} {'extract':>8} {'match':>8} {'held':>5}")
    rows = [("this", best(ours))] + ([("baseline", best(theirs))] if theirs else [])
    for label, r in rows:
        print(
            f"{label:<10} {r['total']:>8.3f} {r['extract']:>8.3f} {r['match']:>8.3f} "
            f"{int(r['held']):>5}"
        )
    if theirs:
        a, b = best(ours)["total"], best(theirs)["total"]
        print(f"this / baseline: {a / b:.2f}× the CPU ({b - a:+.3f} ms/msg saved)")


if __name__ == "__main__":
    main()
