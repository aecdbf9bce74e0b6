"""SMTP load: the gateway beside a plain relay, in one run, on this machine.

Paths, same load generator, same sink (an aiosmtpd server that drops what it gets, in its own
process):

* ``plain``   client → plain aiosmtpd relay (forwards with aiosmtplib, inspects nothing) → sink
* ``gateway`` client → ``dlp-gateway serve`` (real Inspector, default scope tables) → sink

Two corpora: ``text`` — 10 KB Chinese text mails, one in ten holding a listed term (so about
10 % take the held path: store commit + notices); ``attachments`` — mails carrying a docx, an
xlsx, a pdf (real documents from the shared corpus) and a zip of a docx, all clean.

For each corpus, closed loop (``--clients`` sessions sending back to back, as an MTA does):
msgs/s, server CPU ms per message (utime+stime from /proc, summed over the server process and
all its children, i.e. the inspection workers; ``main`` is the server process alone),
p50/p99 latency split by outcome (relayed / held). Then an open loop at ``--rate`` msgs/s (default 50) on the text corpus through both.

    .venv/bin/python benchmarks/smtp_load.py [--quick] [--messages 600] [--clients 8]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

SINK = textwrap.dedent(
    """
    import asyncio, sys
    from aiosmtpd.smtp import SMTP
    class Drop:
        async def handle_DATA(self, server, session, envelope):
            return "250 2.0.0 Ok: dropped"
    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(Drop(), hostname="sink", loop=loop),
                                          "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Event().wait()
    asyncio.run(main())
    """
)

PLAIN_RELAY = textwrap.dedent(
    """
    import asyncio, sys
    import aiosmtplib
    from aiosmtpd.smtp import SMTP
    UP = int(sys.argv[1])
    class Forward:
        def __init__(self):
            self.idle = []
        async def handle_DATA(self, server, session, envelope):
            client = self.idle.pop() if self.idle else None
            if client is None or not client.is_connected:
                client = aiosmtplib.SMTP(hostname="127.0.0.1", port=UP, start_tls=False)
                await client.connect()
            errors, reply = await client.sendmail(envelope.mail_from, envelope.rcpt_tos,
                                                  envelope.original_content)
            self.idle.append(client)
            return "250 2.0.0 relayed: " + reply
    async def main():
        loop = asyncio.get_running_loop()
        handler = Forward()
        server = await loop.create_server(lambda: SMTP(handler, hostname="plain", loop=loop),
                                          "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Event().wait()
    asyncio.run(main())
    """
)

WORDS = (
    "关于做好年度重点工作推进落实的通知。各科室、各单位：为切实做好全年各项工作，"
    "现将有关事项通知如下。一、提高思想认识。二、明确工作任务。三、加强督促检查。"
    "请各单位结合实际，认真抓好落实，并于本月底前报送工作进展情况。联系人：办公室。"
)


def text_of(size: int) -> str:
    out = []
    total = 0
    while total < size:
        out.append(WORDS)
        total += len(WORDS.encode())
    return "\n".join(out)


HELD_TERM = "另附东湖片区征地拆迁补偿方案，请审阅。"  # a listed term (land): the message is held
CORPUS = ROOT.parent / "shared" / "corpus"
DOCUMENTS = (
    ("通知.docx", "poi/test-data/integration/stress009.docx"),
    ("统计.xlsx", "poi/test-data/integration/stress020.xlsx"),
    ("材料.pdf", "pdfminer.six/samples/contrib/issue_566_test_1.pdf"),
)


def text_mail(n: int) -> bytes:
    """10 KB of Chinese text; every tenth one holds a listed term."""
    msg = EmailMessage()
    msg["From"] = "bench@example.gov.cn"
    msg["To"] = "partner@example.com"
    msg["Subject"] = f"工作通知 {n}"
    msg["Message-ID"] = f"<bench-{n}@example.gov.cn>"
    body = text_of(10_000)
    if n % 10 == 5:
        body = body[:3000] + "\n" + HELD_TERM + "\n" + body[3000:]
    msg.set_content(body, charset="utf-8", cte="8bit")
    return msg.as_bytes().replace(b"\n", b"\r\n")


def attachment_mail(n: int) -> bytes:
    """A short body with a docx, an xlsx, a pdf and a zip holding the docx (clean)."""
    msg = EmailMessage()
    msg["From"] = "bench@example.gov.cn"
    msg["To"] = "partner@example.com"
    msg["Subject"] = f"资料 {n}"
    msg["Message-ID"] = f"<bench-a{n}@example.gov.cn>"
    msg.set_content(text_of(2_000), charset="utf-8")
    for name, rel in DOCUMENTS:
        data = (CORPUS / rel).read_bytes()
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("通知.docx", (CORPUS / DOCUMENTS[0][1]).read_bytes())
    msg.add_attachment(
        buffer.getvalue(), maintype="application", subtype="zip", filename="资料.zip"
    )
    return msg.as_bytes().replace(b"\n", b"\r\n")


def cpu_seconds(pid: int) -> dict[int, float]:
    """utime+stime of ``pid`` and every descendant, by pid (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            out[current] = (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return out


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two samples; a process born in between counts from zero (one that
    died in between is lost: the gateway replaces workers only on a fault)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def spawn(code: str, *args: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([PY, "-c", code, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def spawn_gateway(
    sink_port: int, workdir: Path, log_level: str = "WARNING"
) -> tuple[subprocess.Popen[str], int]:
    config = workdir / "gw.toml"
    config.write_text(
        f'data_dir = "{workdir / "var"}"\nscope_dir = "{ROOT / "config" / "scope"}"\n'
        f'log_level = "{log_level}"\ninternal_domains = ["example.gov.cn"]\n'
        f'[smtp]\nlisten = "127.0.0.1:0"\n[console]\nlisten = "127.0.0.1:0"\n'
        f'[relay]\nhost = "127.0.0.1"\nport = {sink_port}\n'
        '[notify]\nofficers = ["officer@example.gov.cn"]\nsender = "dlp@example.gov.cn"\n'
        '[audit]\nkey = "bench-audit-key-0123456789abcdef-0123456789"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLP_")}
    proc = subprocess.Popen(
        [PY, "-m", "gateway", "serve", "--config", str(config)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        match = re.search(r"SMTP on [^:]+:(\d+),", line)
        if match:
            return proc, int(match.group(1))
    raise SystemExit("gateway did not start")


Latencies = list[tuple[str, float]]  # (outcome "relayed" | "held", seconds)


def outcome(reply: str) -> str:
    return "held" if "held for review" in reply else "relayed"


async def session_worker(
    port: int, messages: asyncio.Queue[bytes], latencies: Latencies, errors: list[str]
) -> None:
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=120)
    await client.connect()
    try:
        while True:
            try:
                raw = messages.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            try:
                _, reply = await client.sendmail(
                    "bench@example.gov.cn", ["partner@example.com"], raw
                )
            except aiosmtplib.SMTPException as exc:
                errors.append(str(exc))
                continue
            latencies.append((outcome(reply), time.perf_counter() - started))
    finally:
        await client.quit()


async def closed_loop(port: int, pid: int, raws: list[bytes], clients: int) -> dict[str, float]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for raw in raws:
        queue.put_nowait(raw)
    latencies: Latencies = []
    errors: list[str] = []
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    await asyncio.gather(*(session_worker(port, queue, latencies, errors) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    after = cpu_seconds(pid)
    main = after.get(pid, 0.0) - cpu.get(pid, 0.0)
    return summary(latencies, elapsed, errors, cpu_spent(cpu, after), main)


async def open_loop(
    port: int, pid: int, raws: list[bytes], rate: float, clients: int
) -> dict[str, float]:
    """Messages offered at ``rate``/s over a pool of sessions; latency includes queueing."""
    pool: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
    for _ in range(clients):
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=120)
        await client.connect()
        pool.put_nowait(client)
    latencies: Latencies = []
    errors: list[str] = []

    async def one(raw: bytes, due: float) -> None:
        client = await pool.get()
        try:
            _, reply = await client.sendmail("bench@example.gov.cn", ["partner@example.com"], raw)
            latencies.append((outcome(reply), time.perf_counter() - due))
        except aiosmtplib.SMTPException as exc:
            errors.append(str(exc))
        finally:
            pool.put_nowait(client)

    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    tasks = []
    for n, raw in enumerate(raws):
        due = started + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(raw, due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    after = cpu_seconds(pid)
    spent = cpu_spent(cpu, after)
    while not pool.empty():
        await pool.get_nowait().quit()
    return summary(latencies, elapsed, errors, spent, after.get(pid, 0.0) - cpu.get(pid, 0.0))


def _percentiles(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), float("nan")
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000


def summary(
    latencies: Latencies, elapsed: float, errors: list[str], cpu: float, main: float
) -> dict[str, float]:
    """``cpu``: all the server's processes; ``main``: its main process alone (the event loop;
    for the gateway the rest is the inspection workers)."""
    result = {
        "msgs": len(latencies),
        "errors": len(errors),
        "rate": len(latencies) / elapsed,
        "cpu_ms": cpu * 1000 / max(1, len(latencies)),
        "main_ms": main * 1000 / max(1, len(latencies)),
    }
    for kind in ("all", "relayed", "held"):
        values = [t for o, t in latencies if kind in ("all", o)]
        result[f"{kind}_n"] = len(values)
        result[f"{kind}_p50"], result[f"{kind}_p99"] = _percentiles(values)
    return result


HEADER = (
    f"{'path':<8} {'corpus':<11} {'msg/s':>6} {'cpu ms/msg':>10} {'main':>5}  "
    f"{'p50/p99 all':>15}  {'p50/p99 relayed':>15}  {'p50/p99 held':>15}  n held, errors"
)


def line(path: str, kind: str, s: dict[str, float]) -> str:
    def pair(k: str) -> str:
        return f"{s[k + '_p50']:6.1f}/{s[k + '_p99']:6.1f}" if s[k + "_n"] else f"{'-':>13}"

    return (
        f"{path:<8} {kind:<11} {s['rate']:6.0f} {s['cpu_ms']:10.2f} {s['main_ms']:5.2f}  "
        f"{pair('all'):>15}  "
        f"{pair('relayed'):>15}  {pair('held'):>15}  {int(s['held_n'])}, {int(s['errors'])}"
    )


async def run(args: argparse.Namespace) -> None:
    count = 200 if args.quick else args.messages
    texts = [text_mail(n) for n in range(count)]
    attachments = [attachment_mail(n) for n in range(max(20, count // 4))]
    print(
        f"# {os.cpu_count()} cpus; {args.clients} client sessions; text mail "
        f"{len(texts[0]) / 1000:.1f} KB ({sum(HELD_TERM.encode() in t for t in texts)} of {len(texts)} "
        f"held expected: every tenth), attachment mail {len(attachments[0]) / 1000:.0f} KB"
    )
    procs: list[subprocess.Popen[str]] = []
    with tempfile.TemporaryDirectory(prefix="dlp-bench-") as tmp:
        try:
            sink, sink_port = spawn(SINK)
            procs.append(sink)
            plain, plain_port = spawn(PLAIN_RELAY, str(sink_port))
            procs.append(plain)
            gateway, gateway_port = spawn_gateway(sink_port, Path(tmp))
            procs.append(gateway)
            servers = {"plain": (plain_port, plain.pid), "gateway": (gateway_port, gateway.pid)}
            for port, pid in servers.values():  # warm-up (workers, jieba, connections)
                await closed_loop(port, pid, texts[:40] + attachments[:4], args.clients)
            print(HEADER)
            peak: dict[tuple[str, str], dict[str, float]] = {}
            corpora = (("text", texts), ("attachments", attachments))
            for kind, raws in corpora:
                if args.corpus not in ("both", kind):
                    continue
                for path, (port, pid) in servers.items():
                    peak[path, kind] = await closed_loop(port, pid, raws, args.clients)
                    print(line(path, kind, peak[path, kind]), flush=True)
            for kind in {k for _, k in peak}:
                gw, pl = peak["gateway", kind], peak["plain", kind]
                print(
                    f"{kind}: gateway / plain throughput {gw['rate'] / pl['rate']:.0%}; "
                    f"extra server CPU {gw['cpu_ms'] - pl['cpu_ms']:.2f} ms/msg"
                )
            n = min(len(texts), int(args.rate * (4 if args.quick else 10)))
            print(f"open loop at {args.rate:g} msg/s, text corpus ({n} messages):")
            for path, (port, pid) in servers.items():
                result = await open_loop(port, pid, texts[:n], args.rate, args.clients)
                print(line(path, "text", result), flush=True)
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--quick", action="store_true", help="200 text mails, shorter open loop")
    parser.add_argument("--corpus", choices=("both", "text", "attachments"), default="both")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
