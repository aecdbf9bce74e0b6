"""Extraction throughput per format and per-message inspection latency.

Per format: every corpus file of that detected type (``../shared/corpus``) plus the office-suite
fixtures in ``tests/data/extract`` is extracted ``--rounds`` times in this process; MB/s is input
bytes over CPU time of this process (one core, no worker processes; CPU time rather than wall
time so that other work on a shared machine does not distort the figures). Encrypted or otherwise unscannable files
are left out of the per-format figures (they stop early and would flatter them).

Per message: ``--messages`` realistic outgoing messages are built deterministically — a Chinese
body (real text from the corpus's GB2312/Big5 feeds and CPython's ``cjkencodings``), 0-3
attachments drawn from real Chinese office/PDF documents, a third of them zipped, some nested —
and each goes through :func:`gateway.inspection.inspect_message` (extraction + the default scope
tables), so p50/p99 are the CPU time one worker spends per message.

Run: ``.venv/bin/python benchmarks/extract.py [--rounds 3] [--messages 300]``.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import statistics
import sys
import time
import zipfile
from collections import defaultdict
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.extract import extract_document  # noqa: E402
from gateway.extract.detect import sniff  # noqa: E402
from gateway.inspection import inspect_message  # noqa: E402
from gateway.settings import LimitSettings  # noqa: E402
from matchers import load_engine  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = ROOT / "tests" / "data" / "extract"

ATTACHMENTS = [
    "poi/test-data/integration/stress009.docx",
    "poi/test-data/integration/stress020.xlsx",
    "poi/test-data/spreadsheet/61287.xls",
    "poi/test-data/spreadsheet/44235.xls",
    "poi/test-data/document/61490.doc",
    "pdfminer.six/samples/contrib/issue_566_test_2.pdf",
    "pdfminer.six/samples/contrib/issue_566_test_1.pdf",
    "tika/test-documents/testODT_svgTitleInStyledSpan.odt",
    "tika/test-documents/testPPT.pptx",
    "tika/test-documents/testRTF.rtf",
    "tika/test-documents/testMSG_chinese.msg",
]


def corpus_text() -> str:
    chunks: list[str] = []
    for folder, codec in (("chardet/tests/GB2312", "gb18030"), ("chardet/tests/Big5", "big5hkscs")):
        for path in sorted((CORPUS / folder).glob("*"))[:20]:
            text = path.read_bytes().decode(codec, errors="ignore")
            text = re.sub(r"<[^>]+>|&\w+;", " ", text)
            chunks += [line.strip() for line in text.splitlines() if len(line.strip()) > 10]
    for path in sorted((CORPUS / "cpython/cjkencodings").glob("*-utf8.txt")):
        chunks.append(path.read_text("utf-8", errors="ignore"))
    return "\n".join(chunks)


def per_format(rounds: int, limits: LimitSettings) -> list[tuple[str, int, int, float]]:
    files = [p for p in CORPUS.rglob("*") if p.is_file()] + sorted(FIXTURES.glob("lo-*"))
    by_kind: dict[str, list[bytes]] = defaultdict(list)
    for path in files:
        data = path.read_bytes()
        kind = sniff(data, path.name).value
        result = extract_document(data, path.name, limits)
        if not result.unscannable:
            by_kind[kind].append(data)
    rows = []
    for kind, blobs in sorted(by_kind.items()):
        size = sum(len(b) for b in blobs)
        started = time.process_time()
        for _ in range(rounds):
            for blob in blobs:
                extract_document(blob, "f", limits)
        elapsed = time.process_time() - started
        rows.append((kind, len(blobs), size, size * rounds / elapsed / 1e6))
    return rows


def build_messages(count: int, text: str) -> list[bytes]:
    rng = random.Random(20261127)
    docs = [
        ((CORPUS / rel).read_bytes(), Path(rel).name)
        for rel in ATTACHMENTS
        if (CORPUS / rel).exists()
    ]
    docs += [(p.read_bytes(), p.name) for p in sorted(FIXTURES.glob("lo-*"))]
    lines = text.splitlines()
    out = []
    for i in range(count):
        msg = MIMEMultipart()
        msg["From"] = "张三 <zhangsan@example.gov.cn>"
        msg["To"] = "partner@example.com"
        msg["Subject"] = f"工作联系 第{i}号"
        start = rng.randrange(0, max(1, len(lines) - 80))
        msg.attach(MIMEText("\n".join(lines[start : start + rng.randint(5, 80)]), "plain", "utf-8"))
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            data, name = rng.choice(docs)
            if rng.random() < 0.33:
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                    zf.writestr(name, data)
                    if rng.random() < 0.5:
                        extra, extra_name = rng.choice(docs)
                        zf.writestr(f"子目录/{extra_name}", extra)
                data, name = buf.getvalue(), "资料.zip"
            part = MIMEApplication(data)
            part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
            msg.attach(part)
        out.append(msg.as_bytes(policy=compat32.clone(linesep="\r\n")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    limits = LimitSettings()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS}")

    rows = per_format(args.rounds, limits)
    print(f"{'format':<10} {'files':>6} {'bytes':>10} {'MB/s':>8}")
    for kind, count, size, rate in sorted(rows, key=lambda r: r[3]):
        print(f"{kind:<10} {count:>6} {size:>10} {rate:>8.2f}")
    slowest = [r[0] for r in sorted(rows, key=lambda r: r[3])[:3]]
    print(f"slowest formats: {', '.join(slowest)}")

    engine = load_engine(ROOT / "config" / "scope")
    messages = build_messages(args.messages, corpus_text())
    inspect_message(messages[0], engine, limits)  # warm-up (jieba dictionary, pdfium)
    latencies = []
    held = 0
    for raw in messages:
        started = time.process_time()
        inspection = inspect_message(raw, engine, limits)
        latencies.append((time.process_time() - started) * 1000)
        held += inspection.decision.verdict != "pass"
    latencies.sort()
    total_mb = sum(len(m) for m in messages) / 1e6
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"messages: {len(messages)} ({total_mb:.1f} MB, mean {total_mb * 1e3 / len(messages):.0f} KB),"
        f" held {held}; latency p50 {statistics.median(latencies):.1f} ms,"
        f" p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms;"
        f" {total_mb / (sum(latencies) / 1000):.2f} MB/s per worker"
    )


if __name__ == "__main__":
    main()
