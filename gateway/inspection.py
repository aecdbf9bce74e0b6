"""Inspection of one message: extraction + matching, off the event loop, fail closed.

Two layers:

* :func:`inspect_message` / :func:`inspect_document` — synchronous, in-process: extract every
  part (:mod:`gateway.extract`), then let the engine decide. Content problems never raise; they
  become :class:`~matchers.model.Unscannable` items, which hold the message.
* :class:`Inspector` — what the SMTP layer uses: a small pool of worker *processes* (spawn
  context), each compiling the engine once from the picklable ``ScopeSet``, each under an
  address-space cap (``RLIMIT_AS`` = ``limits.memory_mb``). Every message has a deadline
  (``limits.timeout``); a worker that overruns it, dies, or runs out of memory is killed
  (SIGKILL) and replaced, and the message gets a QUARANTINE decision with
  ``Unscannable("邮件", TIMEOUT | ERROR)``. ``concurrent.futures.ProcessPoolExecutor`` cannot
  kill one hung task, hence the hand-made pool.

Reload rebuilds, then swaps: the tables are loaded and compiled off the loop; a new generation
of workers starts on the new ``ScopeSet`` and becomes current atomically; in-flight inspections
finish on the old generation, whose workers then exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import logging
import multiprocessing
import multiprocessing.connection
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gateway.extract.ocr_page import OcrPage
from gateway.extract.part import PartInfo
from matchers.errors import DlpError
from matchers.model import Decision, Segment, Unscannable, UnscannableReason, Verdict

if TYPE_CHECKING:
    from gateway.registered import Registrations
    from gateway.settings import LimitSettings
    from matchers.engine import Engine
    from matchers.scope import ScopeSet

log = logging.getLogger(__name__)

WHOLE_MESSAGE = "邮件"


@dataclass(frozen=True, slots=True)
class Inspection:
    decision: Decision
    parts: tuple[PartInfo, ...]
    segments: tuple[Segment, ...]
    subject: str
    message_id: str
    elapsed_ms: int
    pictures: tuple[OcrPage, ...] = ()  # pictures read by OCR, with each line's box


# -- in-process --------------------------------------------------------------------------------


def inspect_message(
    raw: bytes, engine: Engine, limits: LimitSettings, registrations: Registrations | None = None
) -> Inspection:
    """Extract and decide one RFC 5322 message, in this process. Never raises for content."""
    from gateway.extract import extract_message

    started = time.monotonic()
    try:
        extracted = extract_message(raw, limits, started + limits.timeout)
        decision = engine.decide(extracted.segments, extracted.unscannable)
        decision = _registered(decision, extracted.segments, engine, registrations)
        decision = _within_deadline(decision, started, limits.timeout)
    except Exception as exc:  # an unexpected fault: fail closed, keep the message
        log.exception("inspection failed")
        return failed_inspection(
            raw, UnscannableReason.ERROR, type(exc).__name__, engine.version, started
        )
    return Inspection(
        decision=decision,
        parts=extracted.parts,
        segments=extracted.segments,
        subject=extracted.subject,
        message_id=extracted.message_id,
        elapsed_ms=_elapsed_ms(started),
        pictures=extracted.pictures,
    )


def inspect_document(
    data: bytes,
    name: str,
    engine: Engine,
    limits: LimitSettings,
    registrations: Registrations | None = None,
) -> Inspection:
    """Extract and decide one file of any type (detected by content), in this process."""
    from gateway.extract import extract_document

    started = time.monotonic()
    try:
        extracted = extract_document(data, name, limits, started + limits.timeout)
        decision = engine.decide(extracted.segments, extracted.unscannable)
        decision = _registered(decision, extracted.segments, engine, registrations)
    except Exception as exc:
        log.exception("inspection failed")
        return failed_inspection(
            b"", UnscannableReason.ERROR, type(exc).__name__, engine.version, started, name
        )
    return Inspection(
        decision,
        extracted.parts,
        extracted.segments,
        "",
        "",
        _elapsed_ms(started),
        extracted.pictures,
    )


def _within_deadline(decision: Decision, started: float, timeout: float) -> Decision:
    """``limits.timeout`` bounds matching too, not only extraction: a decision reached after
    it holds the message as ``timeout``, as the limit promises (fail closed)."""
    if time.monotonic() - started <= timeout or any(
        u.reason == UnscannableReason.TIMEOUT for u in decision.unscannable
    ):
        return decision
    late = Unscannable(WHOLE_MESSAGE, UnscannableReason.TIMEOUT, f"超过 {timeout:g} 秒")
    verdict = Verdict.QUARANTINE if decision.verdict == Verdict.PASS else decision.verdict
    return dataclasses.replace(decision, verdict=verdict, unscannable=(*decision.unscannable, late))


def _registered(
    decision: Decision,
    segments: tuple[Segment, ...],
    engine: Engine,
    registrations: Registrations | None,
) -> Decision:
    """The lookup hook: registered documents and data sets found in the text (issue 14)."""
    if registrations is None:
        return decision
    from gateway.registered import apply

    return apply(decision, segments, registrations, engine.scope)


def failed_inspection(
    raw: bytes,
    reason: UnscannableReason,
    detail: str,
    version: str,
    started: float,
    location: str = WHOLE_MESSAGE,
) -> Inspection:
    """The fail-closed answer: QUARANTINE with one unscannable item for the whole input."""
    subject = message_id = ""
    if raw:
        from gateway.extract.mime import headline

        subject, message_id = headline(raw)
    decision = Decision(
        verdict=Verdict.QUARANTINE,
        categories=(),
        findings=(),
        unscannable=(Unscannable(location, reason, detail),),
        scope_version=version,
    )
    return Inspection(decision, (), (), subject, message_id, _elapsed_ms(started))


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


# -- worker processes --------------------------------------------------------------------------


def _warm_up(limits: LimitSettings) -> None:
    """Load what the first message would otherwise wait for: jieba's dictionary (1–2 s) and the
    OCR models. A failure here is logged; the message that needs them then fails closed."""
    try:
        from matchers.boundary import dictionary

        dictionary()  # the tokenizer the boundary checks use (quietly)
        if limits.ocr.enabled:
            from gateway.extract import ocr

            ocr.warm_up()
    except Exception:
        log.exception("worker warm-up failed")


def _worker_main(
    conn: multiprocessing.connection.Connection,
    scope: ScopeSet,
    limits: LimitSettings,
    worker_init: str | None,
    registrations: Registrations | None = None,
) -> None:
    """Body of a worker process: cap memory, compile once, then inspect until the pipe closes."""
    import resource

    cap = limits.memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit: keep the stricter
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from matchers.engine import Engine

    if worker_init:
        module, _, func = worker_init.partition(":")
        getattr(importlib.import_module(module), func)()
    engine = Engine.compile(scope)
    import gateway.extract  # noqa: F401  (import cost paid before the first message)

    _warm_up(limits)

    conn.send(("ready", None))
    while True:
        try:
            name = conn.recv()  # None for a message, else the document's file name
            raw = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            if name is None:
                result = _lean(inspect_message(raw, engine, limits, registrations))
            else:
                result = inspect_document(raw, str(name), engine, limits, registrations)
            conn.send(("ok", result))
        except MemoryError:
            conn.send(("error", "内存超过上限"))
            return  # the heap may be fragmented or half-built: let the pool replace us


def _lean(result: Inspection) -> Inspection:
    """What the parent needs back: a message that passes is relayed as received and nothing
    of its extracted text is kept, so its segments and parts do not cross the pipe (pickling
    them back cost the main process more than the verdict itself)."""
    if result.decision.verdict != Verdict.PASS:
        return result
    return dataclasses.replace(result, parts=(), segments=(), pictures=())


_STARTUP_SECONDS = 120.0
# The worker stops itself at ``limits.timeout`` (a ``timeout`` verdict that keeps the parts read
# so far); the parent kills it only if that answer has not arrived shortly after.
_KILL_GRACE = 1.0


class _Worker:
    """One worker process and its pipe (used by one thread at a time)."""

    def __init__(
        self,
        ctx: Any,
        scope: ScopeSet,
        limits: LimitSettings,
        init: str | None,
        registrations: Registrations | None = None,
    ) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main,
            args=(child, scope, limits, init, registrations),
            daemon=True,
            name="dlp-inspect",
        )
        self.process.start()
        child.close()
        self.ready = False
        self.stopped = False

    def wait_ready(self, timeout: float) -> bool:
        if self.ready:
            return True
        try:
            if self.conn.poll(timeout):
                kind, _ = self.conn.recv()
                self.ready = kind == "ready"
        except (EOFError, OSError):
            self.ready = False
        return self.ready

    def call(self, raw: bytes, name: str | None, timeout: float) -> tuple[str, Any]:
        if not self.wait_ready(_STARTUP_SECONDS):
            self.stop()
            return "error", "检查进程未能启动"
        try:
            self.conn.send(name)
            self.conn.send_bytes(raw)
            if self.conn.poll(timeout):
                kind, value = self.conn.recv()
                return str(kind), value
        except (EOFError, OSError):
            self.stop()
            return "error", "检查进程异常退出"
        except Exception as exc:  # e.g. an unpicklable reply: this worker is not trusted again
            self.stop()
            return "error", f"检查进程通信失败：{type(exc).__name__}"
        self.stop()
        return "timeout", f"超过 {timeout:g} 秒，检查进程已终止"

    @property
    def alive(self) -> bool:
        return not self.stopped and bool(self.process.is_alive())

    def stop(self) -> None:
        """SIGKILL: a hung extractor may ignore anything gentler."""
        if self.stopped:
            return
        self.stopped = True
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class _Generation:
    """The workers serving one compiled scope version."""

    def __init__(
        self,
        ctx: Any,
        scope: ScopeSet,
        limits: LimitSettings,
        init: str | None,
        term_count: int,
        restarted: Callable[[], None] = lambda: None,
        registrations: Registrations | None = None,
    ) -> None:
        from gateway.registered import combined_version

        self.ctx = ctx
        self.restarted = restarted
        self.scope = scope
        self.limits = limits
        self.init = init
        self.registrations = registrations
        self.version = combined_version(scope.version, registrations)
        self.term_count = term_count
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.retired = False
        self.workers = [self._spawn() for _ in range(max(1, limits.workers))]
        for worker in self.workers:
            self.idle.put(worker)

    def _spawn(self) -> _Worker:
        return _Worker(self.ctx, self.scope, self.limits, self.init, self.registrations)

    def wait_ready(self) -> bool:
        return all(w.wait_ready(_STARTUP_SECONDS) for w in list(self.workers))

    def run(
        self,
        raw: bytes,
        name: str | None = None,
        deadline: float = float("inf"),
        dropped: threading.Event | None = None,
    ) -> tuple[str, Any]:
        """Blocking: borrow a worker, inspect, give it back (or replace it). Thread-side.
        ``("retry", None)`` when this generation was retired while waiting for a worker;
        ``("busy", None)`` when no worker was free by ``deadline`` (monotonic); ``("dropped",
        None)`` when the caller gave up (its client was answered) before a worker was free."""
        worker: _Worker | None = None
        while worker is None:
            if self.retired:
                return "retry", None
            if dropped is not None and dropped.is_set():
                return "dropped", None
            left = deadline - time.monotonic()
            if left <= 0:
                return "busy", None
            with contextlib.suppress(queue.Empty):
                worker = self.idle.get(timeout=min(0.2, left))
        try:
            return worker.call(raw, name, self.limits.timeout + _KILL_GRACE)
        finally:
            with self.lock:
                if not worker.alive and not self.retired:
                    self.workers.remove(worker)
                    worker = self._spawn()
                    self.workers.append(worker)
                    self.restarted()
                if self.retired:
                    worker.stop()
                else:
                    self.idle.put(worker)

    def retire(self) -> None:
        """No new work; stop idle workers now and busy ones when they finish."""
        with self.lock:
            self.retired = True
            while True:
                try:
                    self.idle.get_nowait().stop()
                except queue.Empty:
                    break

    def stop_all(self) -> None:
        self.retire()
        for worker in list(self.workers):
            worker.stop()


class InspectionBusy(DlpError):
    """No worker became free within ``limits.queue_wait``: nothing was inspected, the SMTP
    layer answers ``451 4.3.2`` and the client retries (DESIGN's reply table)."""


class Inspector:
    """Inspects messages in isolated worker processes; see the module docstring."""

    def __init__(
        self, scope_dir: Path, limits: LimitSettings, *, worker_init: str | None = None
    ) -> None:
        """``worker_init`` ("module:function") is called once in every worker after start-up;
        tests use it to install a deliberately hanging or crashing extractor."""
        self.scope_dir = Path(scope_dir)
        self.limits = limits
        self._init = worker_init
        self._ctx = multiprocessing.get_context("spawn")
        self._gen: _Generation | None = None
        self._threads = ThreadPoolExecutor(
            max_workers=max(4, 4 * limits.workers), thread_name_prefix="dlp-inspect"
        )
        self._reload_lock = asyncio.Lock()
        #: registered documents and data sets, set by :meth:`set_registrations`
        self.registrations: Registrations | None = None
        # called (from a pool thread) each time a worker is replaced after a crash, a timeout
        # or the memory cap; the gateway points it at dlp_worker_restarts_total
        self.on_worker_restart: Callable[[], None] | None = None

    def _restarted(self) -> None:
        if self.on_worker_restart is not None:
            self.on_worker_restart()

    @property
    def version(self) -> str:
        return self._gen.version if self._gen is not None else ""

    @property
    def term_count(self) -> int:
        return self._gen.term_count if self._gen is not None else 0

    @property
    def workers_alive(self) -> tuple[int, int]:
        """(alive, configured) worker processes of the live generation (readiness)."""
        if self._gen is None:
            return 0, self.limits.workers
        return sum(1 for w in list(self._gen.workers) if w.alive), self.limits.workers

    async def start(self) -> None:
        """Load and compile the tables (raises ScopeError), then start the workers."""
        self._gen = await self._build()

    async def _build(self) -> _Generation:
        loop = asyncio.get_running_loop()
        generation = await loop.run_in_executor(self._threads, self._build_blocking, "")
        assert generation is not None
        return generation

    def _build_blocking(self, unless_version: str = "") -> _Generation | None:
        """A new generation on the tables as they are now; None when their version is
        ``unless_version`` (unchanged tables and registrations start no workers)."""
        from matchers.engine import Engine
        from matchers.scope import load_scope

        scope = load_scope(self.scope_dir)
        from gateway.registered import combined_version

        if unless_version and combined_version(scope.version, self.registrations) == unless_version:
            return None
        engine = Engine.compile(scope)  # validates here; a ScopeError never reaches a worker
        generation = _Generation(
            self._ctx,
            scope,
            self.limits,
            self._init,
            engine.term_count,
            self._restarted,
            self.registrations,
        )
        if not generation.wait_ready():
            generation.stop_all()
            raise DlpError("inspection workers failed to start (see the log for the worker error)")
        return generation

    async def reload(self) -> str:
        """Load the tables again; a new generation of workers only if their version changed."""
        async with self._reload_lock:
            loop = asyncio.get_running_loop()
            new = await loop.run_in_executor(self._threads, self._build_blocking, self.version)
            if new is None:  # ScopeError propagates; the old generation stays
                return self.version
            old, self._gen = self._gen, new
            if old is not None:
                old.retire()
            return new.version

    async def set_registrations(self, registrations: Registrations) -> bool:
        """Use a new registration set (a new generation of workers when it changed, or not
        started yet); True when it changed."""
        previous = self.registrations
        current = previous.version if previous is not None else None
        self.registrations = registrations
        if current == registrations.version or self._gen is None:
            return current != registrations.version
        try:
            await self.reload()
        except BaseException:
            self.registrations = previous  # tried again at the next poll
            raise
        return True

    async def inspect(self, raw: bytes) -> Inspection:
        """Inspect one RFC 5322 message in a worker; fails closed. Raises only
        :class:`InspectionBusy`, when no worker was free within ``limits.queue_wait``."""
        return await self._run(raw, None, time.monotonic() + self.limits.queue_wait)

    async def inspect_document(self, data: bytes, name: str) -> Inspection:
        """Inspect one file of any type in a worker (``dlp-gateway scan``); never raises."""
        return await self._run(data, name, float("inf"))

    async def _run(self, raw: bytes, name: str | None, deadline: float) -> Inspection:
        generation = self._gen
        started = time.monotonic()
        # set when our caller is cancelled (its client was answered): a thread still waiting
        # for a worker then gives up instead of inspecting for nobody
        dropped = threading.Event()
        # a failed document has no headers to show; a failed message keeps its subject
        headers, location = (raw, WHOLE_MESSAGE) if name is None else (b"", name)
        if generation is None:
            return failed_inspection(
                headers, UnscannableReason.ERROR, "检查器未启动", "", started, location
            )
        loop = asyncio.get_running_loop()
        kind, value = "retry", None
        while kind == "retry" and generation is not None:
            try:
                kind, value = await loop.run_in_executor(
                    self._threads, generation.run, raw, name, deadline, dropped
                )
            except asyncio.CancelledError:
                dropped.set()
                raise
            except Exception as exc:  # never raise to the SMTP layer: fail closed instead
                log.exception("inspection pool failed")
                kind, value = "error", type(exc).__name__
            if kind == "retry":
                generation = self._gen  # a reload swapped generations: use the new one
        if generation is None:
            return failed_inspection(
                headers, UnscannableReason.ERROR, "检查器已关闭", "", started, location
            )
        if kind == "ok" and isinstance(value, Inspection):
            return value
        if kind == "busy":
            raise InspectionBusy(f"no inspection worker free within {self.limits.queue_wait:g}s")
        reason = UnscannableReason.TIMEOUT if kind == "timeout" else UnscannableReason.ERROR
        log.warning("inspection %s: %s", kind, value)
        return await loop.run_in_executor(
            None,
            failed_inspection,
            headers,
            reason,
            str(value),
            generation.version,
            started,
            location,
        )

    async def close(self) -> None:
        generation, self._gen = self._gen, None
        if generation is not None:
            await asyncio.get_running_loop().run_in_executor(None, generation.stop_all)
        self._threads.shutdown(wait=False, cancel_futures=True)
