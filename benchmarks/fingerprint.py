"""Registered secrets: registration time, index memory and lookup speed.

Documents: sentences of the corpus's real Chinese text (the GB2312/Big5 feeds and CPython's
reference texts that ``benchmarks/matcher.py`` reads), drawn deterministically into documents of
about one A4 page (1,500 characters); mail: 10 KB of other sentences, with and without an
excerpt of a registered document. Exact data: a roster of 5,000 rows (name, staff number,
mobile, address).

Prints, on one core: registration time per page, index memory, lookup MB/s and ms per 10 KB
message with 1,000 and 10,000 registered documents, beside the cost of folding the same text
(``matchers.normalize.fold``, the floor every inspection pays anyway).

Run: ``.venv/bin/python benchmarks/fingerprint.py [--docs 1000 10000]``.
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from matcher import real_text  # type: ignore[import-not-found]  # noqa: E402

from matchers.exactdata import DataSet, ExactDataIndex  # noqa: E402
from matchers.fingerprint import FingerprintIndex, Registered, fingerprints  # noqa: E402
from matchers.normalize import fold  # noqa: E402

KEY = b"benchmark-key-0123456789abcdef!!"
PAGE = 1500  # characters of one A4 page of Chinese prose


def sentences() -> list[str]:
    text = real_text()
    found = [s.strip() for s in re.split(r"(?<=[。！？])", text) if 12 <= len(s.strip()) <= 120]
    return sorted(set(found))


def documents(pool: list[str], count: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(count):
        parts: list[str] = []
        size = 0
        while size < PAGE:
            sentence = rng.choice(pool)
            parts.append(sentence)
            size += len(sentence)
        out.append("".join(parts))
    return out


def timed(fn, *args):  # type: ignore[no-untyped-def]
    gc.collect()
    started = time.process_time()
    result = fn(*args)
    return result, time.process_time() - started


def bench_documents(pool: list[str], count: int) -> None:
    rng = random.Random(count)
    held_out = pool[: len(pool) // 5]  # mail text is drawn from sentences no document uses
    registered_pool = pool[len(pool) // 5 :]
    docs = documents(registered_pool, count, rng)
    tracemalloc.start()
    started = time.process_time()
    items = [
        Registered(
            f"d{i}", f"文件{i}", "work_secret", frozenset(h for h, _ in fingerprints(d, KEY))
        )
        for i, d in enumerate(docs)
    ]
    index = FingerprintIndex.build(KEY, items)
    register_s = time.process_time() - started
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    clean = "".join(rng.choice(held_out) for _ in range(120))[:3400]  # ~10 KB of UTF-8
    leak = clean[:2000] + docs[7][300:900] + clean[2000:2800]
    mails = [clean, leak] * 25
    size = sum(len(m.encode()) for m in mails)
    found, lookup_s = timed(lambda: [index.match(m) for m in mails])
    _, fold_s = timed(lambda: [fold(m) for m in mails])
    hits = sum(1 for f in found if f)
    print(
        f"{count:>6} docs  register {register_s / count * 1000:6.2f} ms/page  "
        f"index {memory / 2**20:6.1f} MB ({index.ignored} common fingerprints left out)  "
        f"lookup {size / lookup_s / 2**20:5.2f} MB/s = {lookup_s / len(mails) * 1000:5.2f} ms per "
        f"10 KB mail (fold alone {fold_s / len(mails) * 1000:4.2f} ms)  leaks found {hits}/25"
    )


def bench_exact(pool: list[str]) -> None:
    rng = random.Random(5)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲"
    rows = [
        [
            rng.choice(surnames) + rng.choice(given) + rng.choice(given),
            f"ZG{100000 + i}",
            f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            f"青石镇{rng.choice('东南西北')}村{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号",
        ]
        for i in range(5000)
    ]
    started = time.process_time()
    data = DataSet.register(
        "r", "名册", "personal_data", ["姓名", "编号", "电话", "住址"], rows, KEY
    )
    register_s = time.process_time() - started
    index = ExactDataIndex(KEY, [data])
    clean = "".join(rng.choice(pool) for _ in range(120))[:3400]
    mails = [clean] * 50
    _, lookup_s = timed(lambda: [index.match(m) for m in mails])
    print(
        f"exact data, 5,000 rows: register {register_s:.2f} s, lookup "
        f"{lookup_s / len(mails) * 1000:.2f} ms per 10 KB mail"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    pool = sentences()
    print(f"{len(pool)} distinct real sentences")
    for count in args.docs:
        bench_documents(pool, count)
    bench_exact(pool)


if __name__ == "__main__":
    main()
