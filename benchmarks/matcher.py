"""Matcher throughput: the engine against the raw pyahocorasick ceiling, on real Chinese text.

Text: the real 2005-era Chinese blog/news feeds that chardet ships as test data (GB2312 and
Big5, ``../shared/corpus/chardet/tests/{GB2312,Big5}``) plus CPython's ``cjkencodings`` UTF-8
reference texts, decoded, with markup removed, keeping lines that are mostly Chinese, repeated
to at least 10 MB of UTF-8. Mail-sized segments (``SEGMENT`` characters) go through
``Engine.match`` as the gateway sends them.

Tables: the default ``config/scope`` tables, and a synthetic table of 10,000 real words drawn
deterministically from jieba's dictionary (every n-th word of three or more characters).

Ceiling: a plain pyahocorasick automaton over the same words, iterated over the same text with
no normalisation, no remapping and no post-processing (full-Unicode alphabet). The engine does
strictly more work (folding, squeeze, boundary checks, detectors, offsets), so beating the
ceiling shows the remapped alphabet at work.

Run: ``.venv/bin/python benchmarks/matcher.py [--mb 10]``. Figures are MB of UTF-8 per second
on one core.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import ahocorasick
import jieba
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matchers.engine import Engine  # noqa: E402
from matchers.keywords import Keywords, char_ranks  # noqa: E402
from matchers.model import Segment  # noqa: E402
from matchers.normalize import fold, fold_table  # noqa: E402
from matchers.scope import load_scope, squeeze  # noqa: E402

CORPUS = Path(os.environ.get("DLP_CORPUS", ROOT.parent / "shared" / "corpus"))
SEGMENT = 50_000  # characters per segment (a long mail body or a document)
CJK = re.compile(r"[\u4e00-\u9fff]")


def real_text() -> str:
    sources = [
        (CORPUS / "chardet" / "tests" / "GB2312", "gb18030"),
        (CORPUS / "chardet" / "tests" / "Big5", "big5"),
    ]
    parts: list[str] = []
    for directory, encoding in sources:
        for path in sorted(directory.iterdir()):
            parts.append(path.read_bytes().decode(encoding, errors="replace"))
    for path in sorted((CORPUS / "cpython" / "cjkencodings").glob("*-utf8.txt")):
        parts.append(path.read_text(encoding="utf-8", errors="replace"))
    text = "\n".join(parts)
    text = re.sub(r"<[^>]*>|&[a-z#0-9]+;", " ", text)
    lines = [
        line.strip()
        for line in text.splitlines()
        if len(line.strip()) >= 8 and len(CJK.findall(line)) * 2 >= len(line.strip())
    ]
    return "\n".join(lines)


def synthetic_table(directory: Path, count: int) -> list[str]:
    """``count`` real words from jieba's dictionary, every n-th of 3+ characters."""
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    words = [
        line.split(" ", 1)[0]
        for line in dictionary.read_text(encoding="utf-8").splitlines()
        if len(line.split(" ", 1)[0]) >= 3
    ]
    step = len(words) // count
    chosen = words[::step][:count]
    blocks = [
        'id = "synthetic"\nname = "合成词表"\nthreshold = 1000000\n',
    ]
    for i in range(0, len(chosen), 500):
        quoted = ", ".join(f'"{w}"' for w in chosen[i : i + 500])
        blocks.append(f"[[terms]]\nwords = [{quoted}]\nweight = 1\nboundary = false\n")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "synthetic.toml").write_text("\n".join(blocks), encoding="utf-8")
    return chosen


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 1e6


def retained_mb(scope: object) -> float:
    """Memory an engine keeps (tracemalloc: Python objects and pyahocorasick's trie)."""
    tracemalloc.start()
    engine = Engine.compile(scope)  # type: ignore[arg-type]
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del engine
    return size / 1e6


def measure(label: str, scope_dir: Path, text: str, runs: int) -> dict[str, object]:
    megabytes = len(text.encode("utf-8")) / 1e6
    segments = [Segment(f"段 {i}", text[i : i + SEGMENT]) for i in range(0, len(text), SEGMENT)]
    scope = load_scope(scope_dir)
    fold("warm-up")  # the fold table is built once per process; not part of a compile
    started = time.perf_counter()
    engine = Engine.compile(scope)
    compile_s = time.perf_counter() - started
    engine_mb = retained_mb(scope)
    words = [squeeze(w) for c in scope.categories for t in c.terms for w in t.words]
    words += [squeeze(w) for c in scope.categories for n in c.near for g in n.groups for w in g]
    words += [squeeze(w) for c in scope.categories for x in c.excludes for w in x.words]
    raw = ahocorasick.Automaton()
    for word in set(words):
        raw.add_word(word, word)
    raw.make_automaton()
    keywords = Keywords(sorted(set(words)))

    findings: list[int] = []

    def run_engine() -> None:
        findings.append(len(engine.match(segments)))

    def run_ceiling() -> None:
        for segment in segments:
            for _ in raw.iter(segment.text):
                pass

    def run_keywords() -> None:
        for segment in segments:
            keywords.find(fold(segment.text).text)

    engine_s = best_of(runs, run_engine)
    ceiling_s = best_of(runs, run_ceiling)
    keywords_s = best_of(runs, run_keywords)
    return {
        "label": label,
        "terms": engine.term_count,
        "engine": megabytes / engine_s,
        "keywords": megabytes / keywords_s,
        "ceiling": megabytes / ceiling_s,
        "compile": compile_s,
        "memory": engine_mb,
        "findings": findings[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="MB of UTF-8 text (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--terms", type=int, default=10_000, help="synthetic table size")
    args = parser.parse_args()
    if not (CORPUS / "MANIFEST.md").is_file():
        print(f"matcher benchmark: corpus not found at {CORPUS} (set DLP_CORPUS)", file=sys.stderr)
        return 2
    base = real_text()
    repeat = int(args.mb * 1e6 / len(base.encode("utf-8"))) + 1
    text = "\n".join([base] * repeat)
    megabytes = len(text.encode("utf-8")) / 1e6
    cjk_share = len(CJK.findall(base)) / len(base)
    print(
        f"text: {megabytes:.1f} MB UTF-8, {len(text):,} characters "
        f"({len(base):,} characters of real feed text × {repeat}; {cjk_share:.0%} CJK)"
    )
    print(f"segments: {SEGMENT:,} characters each; best of {args.runs} runs; one core")
    started = time.perf_counter()
    fold_table()
    table_s = time.perf_counter() - started
    started = time.perf_counter()
    char_ranks()
    ranks_s = time.perf_counter() - started
    print(
        f"once per process: fold table {table_s:.2f} s, character ranks from jieba {ranks_s:.2f} s"
        " (not in the compile times below)\n"
    )
    results = [measure("default tables", ROOT / "config" / "scope", text, args.runs)]
    with tempfile.TemporaryDirectory() as tmp:
        synthetic_table(Path(tmp), args.terms)
        results.append(measure(f"synthetic {args.terms:,} terms", Path(tmp), text, args.runs))
    header = (
        f"{'table':<24}{'words':>7}{'engine MB/s':>13}{'keywords MB/s':>15}"
        f"{'raw AC MB/s':>13}{'engine/raw':>12}{'compile s':>11}{'engine MB':>10}{'findings':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['label']:<24}{r['terms']:>7}{r['engine']:>13.1f}{r['keywords']:>15.1f}"
            f"{r['ceiling']:>13.1f}{r['engine'] / r['ceiling']:>11.2f}x"  # type: ignore[operator]
            f"{r['compile']:>11.2f}{r['memory']:>10.1f}{r['findings']:>10}"
        )
    print(
        "\nengine = Engine.match (fold, squeeze, remapped automaton, boundaries, detectors, "
        "findings);\nkeywords = fold + remapped automaton only; raw AC = plain pyahocorasick "
        "over the same words\nand text, no normalisation (the ceiling the issue names); "
        "engine MB = memory a compiled engine keeps (tracemalloc)."
    )
    print(f"process RSS at the end: {rss_mb():.0f} MB (text, segments, both engines' runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
