"""SMTP load: the gateway against two baselines, on this machine.

Three paths, same load generator, same sink (an aiosmtpd server that drops what it gets, in
its own process):

* ``direct``  client → sink
* ``plain``   client → plain aiosmtpd relay (forwards with aiosmtplib, inspects nothing) → sink
* ``gateway`` client → ``dlp-gateway serve`` (real Inspector, default scope tables) → sink

Two message kinds: 10 KB of Chinese text, and a mail with attachments (a zip holding a text
file, and a csv). All messages are clean, so every one takes the full path (inspect + relay).

For each path and kind: closed-loop peak (``--clients`` connections, each sending back to back
over one SMTP session, as an MTA does) → msgs/s, p50/p99 latency (MAIL to the DATA reply).
Then an open-loop run at half the gateway's peak rate on text mail, through the gateway and
direct, to show the latency the gateway adds at a comfortable load.

    .venv/bin/python benchmarks/smtp_load.py [--messages 600] [--clients 16]
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


def text_mail(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = "bench@example.gov.cn"
    msg["To"] = "partner@example.com"
    msg["Subject"] = f"工作通知 {n}"
    msg["Message-ID"] = f"<bench-{n}@example.gov.cn>"
    msg.set_content(text_of(10_000), charset="utf-8", cte="8bit")
    return msg.as_bytes().replace(b"\n", b"\r\n")


def attachment_mail(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = "bench@example.gov.cn"
    msg["To"] = "partner@example.com"
    msg["Subject"] = f"资料 {n}"
    msg["Message-ID"] = f"<bench-a{n}@example.gov.cn>"
    msg.set_content(text_of(2_000), charset="utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("通知.txt", text_of(8_000))
    msg.add_attachment(
        buffer.getvalue(), maintype="application", subtype="zip", filename="资料.zip"
    )
    csv = "姓名,科室,电话\n" + "".join(f"同事{i},办公室,0571-8800{i:04d}\n" for i in range(60))
    msg.add_attachment(csv.encode("gb18030"), maintype="text", subtype="csv", filename="名单.csv")
    return msg.as_bytes().replace(b"\n", b"\r\n")


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
        f'log_level = "{log_level}"\n'
        f'[smtp]\nlisten = "127.0.0.1:0"\n[console]\nlisten = "127.0.0.1:0"\n'
        f'[relay]\nhost = "127.0.0.1"\nport = {sink_port}\n'
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


async def session_worker(
    port: int, messages: asyncio.Queue[bytes], latencies: list[float], errors: list[str]
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
                await client.sendmail("bench@example.gov.cn", ["partner@example.com"], raw)
            except aiosmtplib.SMTPException as exc:
                errors.append(str(exc))
                continue
            latencies.append(time.perf_counter() - started)
    finally:
        await client.quit()


async def closed_loop(port: int, raws: list[bytes], clients: int) -> dict[str, float]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for raw in raws:
        queue.put_nowait(raw)
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    await asyncio.gather(*(session_worker(port, queue, latencies, errors) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return summary(latencies, elapsed, errors)


async def open_loop(port: int, raws: list[bytes], rate: float, clients: int) -> dict[str, float]:
    """Messages offered at ``rate``/s over a pool of sessions; latency includes queueing."""
    pool: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
    for _ in range(clients):
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=120)
        await client.connect()
        pool.put_nowait(client)
    latencies: list[float] = []
    errors: list[str] = []

    async def one(raw: bytes, due: float) -> None:
        client = await pool.get()
        try:
            await client.sendmail("bench@example.gov.cn", ["partner@example.com"], raw)
            latencies.append(time.perf_counter() - due)
        except aiosmtplib.SMTPException as exc:
            errors.append(str(exc))
        finally:
            pool.put_nowait(client)

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
    while not pool.empty():
        await pool.get_nowait().quit()
    return summary(latencies, elapsed, errors)


def summary(latencies: list[float], elapsed: float, errors: list[str]) -> dict[str, float]:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")
    return {
        "msgs": len(latencies),
        "errors": len(errors),
        "rate": len(latencies) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000 if ordered else float("nan"),
        "p99_ms": p99 * 1000,
    }


def line(path: str, kind: str, s: dict[str, float]) -> str:
    return (
        f"{path:<8} {kind:<11} {s['rate']:8.0f} msg/s   p50 {s['p50_ms']:7.1f} ms   "
        f"p99 {s['p99_ms']:7.1f} ms   ({int(s['msgs'])} ok, {int(s['errors'])} errors)"
    )


async def run(args: argparse.Namespace) -> None:
    texts = [text_mail(n) for n in range(args.messages)]
    attachments = [attachment_mail(n) for n in range(args.messages // 2)]
    print(
        f"# {os.cpu_count()} cpus; {args.clients} client sessions; text mail "
        f"{len(texts[0]) / 1000:.1f} KB, attachment mail {len(attachments[0]) / 1000:.1f} KB"
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
            ports = {"direct": sink_port, "plain": plain_port, "gateway": gateway_port}
            await closed_loop(gateway_port, texts[:50], args.clients)  # warm-up (workers, jieba)
            peak: dict[tuple[str, str], dict[str, float]] = {}
            for kind, raws in (("text", texts), ("attachments", attachments)):
                for path, port in ports.items():
                    peak[path, kind] = await closed_loop(port, raws, args.clients)
                    print(line(path, kind, peak[path, kind]), flush=True)
            ratio = peak["gateway", "text"]["rate"] / peak["plain", "text"]["rate"]
            print(f"gateway / plain relay throughput on text mail: {ratio:.0%}")
            half = peak["gateway", "text"]["rate"] / 2
            count = min(len(texts), max(100, int(half * 10)))
            through = await open_loop(gateway_port, texts[:count], half, args.clients)
            direct = await open_loop(sink_port, texts[:count], half, args.clients)
            print(f"open loop at {half:.0f} msg/s (half the gateway's peak), text mail:")
            print(line("gateway", "text", through))
            print(line("direct", "text", direct))
            print(f"p99 added by the gateway: {through['p99_ms'] - direct['p99_ms']:.1f} ms")
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
    parser.add_argument("--clients", type=int, default=16)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
