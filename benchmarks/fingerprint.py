"""Registered secrets: registration time, index memory and lookup speed at 1,000 and 10,000 documents.

Documents are *generated* so that 10,000 of them are as distinct as a unit's real files: a
character model (order 2, :class:`Prose`) trained on the corpus's real Chinese text (the
GB2312/Big5 feeds and CPython's reference texts that ``benchmarks/matcher.py`` reads) writes
about one A4 page (1,500 characters) per document, between the unit's letterhead and its
抄送/印发 lines (shared by every document, as in a real unit). Mail: 10 KB of other generated
text, with and without an excerpt (600 characters) of a registered document. Exact data: a
roster of 5,000 rows (name, staff number, mobile, address).

Prints, on one core (process CPU time): registration time per page, the index's memory
(retained after the build), lookup MB/s and ms per 10 KB message, beside the cost of extracting
the same mail (``gateway.extract.extract_message``: MIME, charset, text) and of folding its text
(``matchers.normalize.fold``) — what every inspection pays anyway — and of the whole inspection
without registrations (``gateway.inspection.inspect_message``: extraction and the scope tables).

``--scheme 1`` measures the previous fingerprint scheme (BLAKE2b per chosen k-gram), ``2`` the
current one (numpy SipHash-2-4 over every k-gram, keyed winnowing); both by default.

Run: ``.venv/bin/python benchmarks/fingerprint.py [--docs 1000 10000] [--scheme 1 2]``.
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import sys
import time
import tracemalloc
from collections import defaultdict
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from matcher import real_text  # type: ignore[import-not-found]  # noqa: E402

from gateway.extract import extract_message  # noqa: E402
from gateway.inspection import inspect_message  # noqa: E402
from gateway.settings import LimitSettings  # noqa: E402
from matchers.engine import Engine  # noqa: E402
from matchers.exactdata import DataSet, ExactDataIndex  # noqa: E402
from matchers.fingerprint import SCHEMES, FingerprintIndex, Registered, fingerprints  # noqa: E402
from matchers.normalize import fold  # noqa: E402
from matchers.scope import load_scope  # noqa: E402

KEY = b"benchmark-key-0123456789abcdef!!"
PAGE = 1500  # characters of one A4 page of Chinese prose
MAIL = 3400  # characters of ~10 KB of UTF-8
LETTERHEAD = "青石镇人民政府文件\n青政发〔2026〕号\n"
FOOTER = (
    "\n抄送：县委办公室，县人大常委会办公室，县政府办公室，县政协办公室。\n"
    "青石镇党政综合办公室　　　　　　　　　　2026年3月2日印发"
)
_HAN = re.compile(r"[\u4e00-\u9fff，。、；：？！]+")


class Prose:
    """An order-2 character model of real Chinese text: plausible, distinct pages."""

    ORDER = 2

    def __init__(self, text: str) -> None:
        runs = "。".join(_HAN.findall(text))
        table: defaultdict[str, list[str]] = defaultdict(list)
        for i in range(len(runs) - self.ORDER):
            table[runs[i : i + self.ORDER]].append(runs[i + self.ORDER])
        self.table = dict(table)
        self.starts = [k for k in self.table if k[0] == "。"]

    def page(self, rng: random.Random, size: int) -> str:
        state = rng.choice(self.starts)
        out = [state[1:]]
        length = 0
        while length < size:
            following = self.table.get(state)
            if not following:
                state = rng.choice(self.starts)
                continue
            char = rng.choice(following)
            out.append(char)
            length += 1
            state = state[1:] + char
        return "".join(out)


def mail_bytes(text: str) -> bytes:
    message = EmailMessage()
    message["From"] = "zhang@qingshi.gov.cn"
    message["To"] = "partner@qq.com"
    message["Subject"] = "材料"
    message.set_content(text)
    return message.as_bytes()


def cpu(fn, *args):  # type: ignore[no-untyped-def]
    gc.collect()
    started = time.process_time()
    result = fn(*args)
    return result, time.process_time() - started


def bench_documents(prose: Prose, count: int, scheme: int) -> None:
    rng = random.Random(count)
    docs = [LETTERHEAD + prose.page(rng, PAGE) + FOOTER for _ in range(count)]
    pages = sum(len(d) for d in docs) / PAGE
    gc.collect()
    tracemalloc.start()
    started = time.process_time()
    items = [
        Registered(
            f"d{i}",
            f"文件{i}",
            "work_secret",
            frozenset(h for h, _ in fingerprints(d, KEY, scheme)),
            scheme=scheme,
        )
        for i, d in enumerate(docs)
    ]
    fingerprinted_s = time.process_time() - started
    index = FingerprintIndex.build(KEY, items)
    register_s = time.process_time() - started
    total = sum(len(item.hashes) for item in items)
    del items
    gc.collect()
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()

    other = random.Random(count + 1)
    cleans = [prose.page(other, MAIL) for _ in range(25)]
    leaks = [c[:2000] + docs[7 + n][300:900] + c[2000:2800] for n, c in enumerate(cleans)]
    mails = cleans + leaks
    size = sum(len(m.encode()) for m in mails)
    found, lookup_s = cpu(lambda: [index.match(m) for m in mails])
    raws = [mail_bytes(m) for m in mails]
    limits = LimitSettings()
    _, extract_s = cpu(lambda: [extract_message(r, limits) for r in raws])
    _, fold_s = cpu(lambda: [fold(m) for m in mails])
    engine = Engine.compile(load_scope(ROOT / "config" / "scope"))
    for raw in raws:  # warm up: jieba's dictionary and the automata load on first use
        inspect_message(raw, engine, limits)
    _, inspect_s = cpu(lambda: [inspect_message(r, engine, limits) for r in raws])
    leaked = sum(1 for f in found[25:] if f)
    false = sum(1 for f in found[:25] if f)
    per = 1000 / len(mails)
    print(
        f"scheme {scheme}: {count:>6} docs ({total:,} fingerprints, {index.ignored} common left out): "
        f"register {register_s / pages * 1000:5.2f} ms/page "
        f"(fingerprints {fingerprinted_s / pages * 1000:4.2f}, index {(register_s - fingerprinted_s):5.2f} s) "
        f"| index {memory / 2**20:6.1f} MB "
        f"| lookup {size / lookup_s / 2**20:5.2f} MB/s = {lookup_s * per:5.2f} ms per 10 KB mail "
        f"(extraction {extract_s * per:5.2f} ms, fold {fold_s * per:4.2f} ms, "
        f"whole inspection without registrations {inspect_s * per:5.2f} ms) "
        f"| leaks found {leaked}/25, clean mail matched {false}/25"
    )


def bench_exact(prose: Prose) -> None:
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
    mails = [prose.page(rng, MAIL) for _ in range(50)]
    _, lookup_s = cpu(lambda: [index.match(m) for m in mails])
    print(
        f"exact data, 5,000 rows: register {register_s:.2f} s, lookup "
        f"{lookup_s / len(mails) * 1000:.2f} ms per 10 KB mail"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--scheme", type=int, nargs="+", choices=SCHEMES, default=list(SCHEMES))
    args = parser.parse_args()
    prose = Prose(real_text())
    print(f"character model: {len(prose.table):,} contexts")
    for count in args.docs:
        for scheme in args.scheme:
            bench_documents(prose, count, scheme)
    bench_exact(prose)


if __name__ == "__main__":
    main()
