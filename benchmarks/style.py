"""What the style model costs: decisions with and without it, measured in the same run.

The default tables read the model (``[context] style``, ``model``, ``published``); the baseline
is the same tables with those keys removed, so the difference is the model's price alone. Both
decide every message of the evaluation set (extracted once, outside the timing), alternating,
on one core. Also prints the model's raw reading speed on one large text.

    cd REPO && PYTHONPATH=$PWD python benchmarks/style.py [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import detection  # noqa: E402

from matchers.engine import load_engine  # noqa: E402
from matchers.model import Segment  # noqa: E402
from matchers.style import default_model  # noqa: E402

MODEL_KEYS = ("style", "model", "published")


def messages() -> list[list[Segment]]:
    return [list(detection.extracted(entry).segments) for entry in detection.load_entries()]


def without_model(scope: Path, into: Path) -> Path:
    """A copy of ``scope`` whose tables do not read the model."""
    target = into / "scope"
    shutil.copytree(scope, target)
    for table in target.glob("*.toml"):
        lines = table.read_text(encoding="utf-8").splitlines()
        kept = [line for line in lines if not line.startswith(MODEL_KEYS)]
        table.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scope", type=Path, default=detection.REPO / "config" / "scope")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    corpus = messages()
    size = sum(len(s.text.encode()) for m in corpus for s in m) / 1e6
    default_model()  # loaded once, outside the timing
    with tempfile.TemporaryDirectory() as tmp:
        engines = {
            "without the model": load_engine(without_model(args.scope, Path(tmp))),
            "with the model": load_engine(args.scope),
        }
        best: dict[str, float] = {}
        for _ in range(args.runs):
            for name, engine in engines.items():
                start = time.perf_counter()
                for segments in corpus:
                    engine.decide(segments)
                elapsed = time.perf_counter() - start
                best[name] = min(best.get(name, elapsed), elapsed)
    print(f"{len(corpus)} messages, {size:.1f} MB of extracted text, best of {args.runs} runs")
    print(f"{'tables':<20} {'s':>7} {'msg/s':>8} {'MB/s':>7}")
    for name, elapsed in best.items():
        print(f"{name:<20} {elapsed:7.2f} {len(corpus) / elapsed:8.0f} {size / elapsed:7.2f}")
    ratio = best["with the model"] / best["without the model"]
    print(f"with/without: {100 * ratio:.0f}% of the time")
    text = "\n".join(s.text for m in corpus for s in m)[:1_000_000]
    start = time.perf_counter()
    default_model().judge(text)
    print(
        f"one judgement of a {len(text) / 1e6:.1f} M-character text (reads head and foot): "
        f"{1000 * (time.perf_counter() - start):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
