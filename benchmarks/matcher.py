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

Baseline: ``--baseline PATH`` measures another checkout (the previous release, e.g. a
``git worktree add ../base dd0ecc9``) in the same run: a worker process imports the code at PATH
(and uses PATH's ``config/scope``), builds the same text and synthetic table, and the two
engines are timed alternately, one run each in turn, so both figures see the same machine
load. Both MB/s figures and their ratio are printed.

Run: ``.venv/bin/python benchmarks/matcher.py [--mb 10] [--baseline PATH]``. Figures are MB of
UTF-8 per second on one core.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import subprocess
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
#: The checkout measured: this one, or (in a baseline worker) the one given by --baseline.
CODE = Path(os.environ.get("DLP_BENCH_CODE", ROOT)).resolve()
sys.path.insert(0, str(CODE))

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


def segments_of(text: str) -> list[Segment]:
    return [Segment(f"段 {i}", text[i : i + SEGMENT]) for i in range(0, len(text), SEGMENT)]


def timed(work: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


class Baseline:
    """A worker process measuring the checkout at ``path`` (its code and its tables), one
    engine run per request, so that runs of the two checkouts can alternate."""

    def __init__(self, path: Path, mb: float, terms: int) -> None:
        env = {**os.environ, "DLP_BENCH_CODE": str(path), "PYTHONPATH": str(path)}
        command = [sys.executable, __file__, "--worker", "--mb", str(mb), "--terms", str(terms)]
        self._process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.path = path

    def ask(self, request: str) -> dict[str, object]:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(request + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise SystemExit(f"matcher benchmark: the baseline worker at {self.path} failed")
        answer: dict[str, object] = json.loads(line)
        return answer

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait()


def one_run(engine: Engine, segments: list[Segment]) -> tuple[float, int]:
    gc.collect()
    started = time.perf_counter()
    findings = len(engine.match(segments))
    return time.perf_counter() - started, findings


def worker(text: str, terms: int) -> int:
    """Serve ``load TABLE`` (compile it) and ``run`` (one timed engine run) on stdin/stdout."""
    engine: Engine | None = None
    segments = segments_of(text)
    megabytes = len(text.encode("utf-8")) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        for line in sys.stdin:
            command, _, table = line.strip().partition(" ")
            if command == "load":
                if table == "default":
                    directory = CODE / "config" / "scope"
                else:
                    directory = Path(tmp)
                    synthetic_table(directory, terms)
                engine = Engine.compile(load_scope(directory))
                answer: dict[str, object] = {"terms": engine.term_count}
            else:
                assert engine is not None
                seconds, findings = one_run(engine, segments)
                answer = {"mbps": megabytes / seconds, "findings": findings}
            print(json.dumps(answer), flush=True)
    return 0


def measure(
    label: str, scope_dir: Path, text: str, runs: int, baseline: Baseline | None, table: str
) -> dict[str, object]:
    megabytes = len(text.encode("utf-8")) / 1e6
    segments = segments_of(text)
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

    # the engine runs alternate with the baseline's, one each in turn (same machine load)
    engine_times: list[float] = []
    base: list[dict[str, object]] = []
    if baseline is not None:
        base.append(baseline.ask(f"load {table}"))
    for _ in range(runs):
        engine_times.append(timed(run_engine))
        if baseline is not None:
            base.append(baseline.ask("run"))
    ceiling_s = best_of(runs, run_ceiling)
    keywords_s = best_of(runs, run_keywords)
    result: dict[str, object] = {
        "label": label,
        "terms": engine.term_count,
        "engine": megabytes / min(engine_times),
        "keywords": megabytes / keywords_s,
        "ceiling": megabytes / ceiling_s,
        "compile": compile_s,
        "memory": engine_mb,
        "findings": findings[-1],
    }
    if baseline is not None:
        result["base_terms"] = base[0]["terms"]
        result["base_engine"] = max(float(b["mbps"]) for b in base[1:])  # type: ignore[arg-type]
        result["base_findings"] = base[-1]["findings"]
    return result


def features(text: str, runs: int) -> None:
    """What each scan costs on its own (ms per MB of text), run on every segment as if no
    probe skipped it; "probe" says whether the engine skips it where its words are absent."""
    from matchers.builtin import DETECTORS
    from matchers.context import internal_markers, public_signals
    from matchers.roster import named_people

    engine = Engine.compile(load_scope(CODE / "config" / "scope"))
    segments = [fold(s.text).text for s in segments_of(text)]
    megabytes = len(text.encode("utf-8")) / 1e6
    whole = "\n".join(segments)
    probed = engine._probed  # a benchmark may look inside the engine
    rows: list[tuple[str, str, Callable[[], object]]] = [
        ("fold (normalise)", "", lambda: [fold(s.text) for s in segments_of(text)]),
        ("keyword pass", "", lambda: [engine._keywords.find(s) for s in segments]),
    ]
    for pattern in engine._patterns:
        probe = "yes" if pattern.probe in probed else ""
        if pattern.regex is not None:
            regex = pattern.regex
            rows.append(
                (pattern.label, probe, lambda r=regex: [list(r.finditer(s)) for s in segments])
            )
        elif pattern.detector is not None and not any(r[0] == pattern.detector for r in rows):
            detect = DETECTORS[pattern.detector]
            rows.append((pattern.detector, probe, lambda d=detect: [list(d(s)) for s in segments]))
    rows += [
        ("context: internal markers", "yes" if "internal" in probed else "",
         lambda: [list(internal_markers(s)) for s in segments]),
        ("context: public notice", "", lambda: public_signals(whole)),
        ("context: named people", "", lambda: named_people(segments)),
    ]  # fmt: skip
    print(f"\ncost of each scan alone, default tables (ms per MB of text, best of {runs}):")
    print(f"{'ms/MB':>8}{'probe':>7}  scan")
    for label, probe, work in rows:
        seconds = best_of(runs, work)
        print(f"{1000 * seconds / megabytes:>8.1f}{probe:>7}  {label}")
    print(
        "(cn_resident_id, roster and roster_loose share the ID scan of a segment: alone each "
        "pays it)"
    )


def corpus_text(mb: float) -> tuple[str, str]:
    """The benchmark text and a line describing it."""
    base = real_text()
    repeat = int(mb * 1e6 / len(base.encode("utf-8"))) + 1
    text = "\n".join([base] * repeat)
    megabytes = len(text.encode("utf-8")) / 1e6
    cjk_share = len(CJK.findall(base)) / len(base)
    return text, (
        f"text: {megabytes:.1f} MB UTF-8, {len(text):,} characters "
        f"({len(base):,} characters of real feed text × {repeat}; {cjk_share:.0%} CJK)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="MB of UTF-8 text (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--terms", type=int, default=10_000, help="synthetic table size")
    parser.add_argument(
        "--baseline", type=Path, metavar="PATH",
        help="also measure the checkout at PATH (its code and tables), runs alternating",
    )  # fmt: skip
    parser.add_argument(
        "--features", action="store_true", help="also print what each scan costs on its own"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (CORPUS / "MANIFEST.md").is_file():
        print(f"matcher benchmark: corpus not found at {CORPUS} (set DLP_CORPUS)", file=sys.stderr)
        return 2
    text, description = corpus_text(args.mb)
    if args.worker:
        fold_table()
        char_ranks()
        return worker(text, args.terms)
    baseline = None
    if args.baseline is not None:
        if not (args.baseline / "matchers" / "engine.py").is_file():
            print(f"matcher benchmark: no checkout at {args.baseline}", file=sys.stderr)
            return 2
        baseline = Baseline(args.baseline.resolve(), args.mb, args.terms)
    print(description)
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
    scope_dir = CODE / "config" / "scope"
    results = [measure("default tables", scope_dir, text, args.runs, baseline, "default")]
    with tempfile.TemporaryDirectory() as tmp:
        synthetic_table(Path(tmp), args.terms)
        label = f"synthetic {args.terms:,} terms"
        results.append(measure(label, Path(tmp), text, args.runs, baseline, "synthetic"))
    if baseline is not None:
        baseline.close()
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
    if baseline is not None:
        print(f"\nbaseline {baseline.path} (its code and its tables), runs alternating:")
        header = f"{'table':<24}{'words':>7}{'base MB/s':>11}{'this MB/s':>11}{'this/base':>11}"
        print(header)
        print("-" * len(header))
        for r in results:
            ratio = float(r["engine"]) / float(r["base_engine"])  # type: ignore[arg-type]
            print(
                f"{r['label']:<24}{r['terms']:>7}{r['base_engine']:>11.1f}{r['engine']:>11.1f}"
                f"{ratio:>10.0%}"
            )
    print(f"process RSS at the end: {rss_mb():.0f} MB (text, segments, both engines' runs)")
    if args.features:
        features(text, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
