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
import collections
import contextlib
import dataclasses
import importlib
import logging
import multiprocessing
import multiprocessing.connection
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
            name, raw = _read_request(conn)
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


# One request is one frame when small — a tag byte, M(essage) or D(ocument) and the document's
# name (UTF-8), NUL, then the bytes — so the worker wakes once per message; a big one is the tag
# frame alone followed by the bytes in their own frame (no second copy of 50 MiB).
_INLINE, _SEPARATE = b"I", b"S"


def _request_frames(raw: bytes, name: str | None, inline: bool) -> list[bytes]:
    kind = b"M" if name is None else b"D"
    head = kind + (name or "").encode("utf-8", "surrogatepass") + b"\0"
    if inline:
        return [_INLINE + head + raw]
    return [_SEPARATE + head, raw]


def _read_request(conn: multiprocessing.connection.Connection) -> tuple[str | None, bytes]:
    frame = conn.recv_bytes()
    name_bytes, _, rest = frame[2:].partition(b"\0")
    name = None if frame[1:2] == b"M" else name_bytes.decode("utf-8", "surrogatepass")
    if frame[:1] == _SEPARATE:
        return name, conn.recv_bytes()
    return name, rest


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
    """One worker process and its pipe. The event loop talks to it directly: the request is
    written to the pipe (from a thread only when it is large) and the reply read when the
    loop sees the pipe readable — no thread hop per message."""

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
        """Blocking (a thread's): True once the worker said it compiled its engine."""
        if self.ready:
            return True
        try:
            if self.conn.poll(timeout):
                kind, _ = self.conn.recv()
                self.ready = kind == "ready"
        except (EOFError, OSError):
            self.ready = False
        return self.ready

    def _post(self, raw: bytes, name: str | None) -> None:
        for frame in _request_frames(raw, name, len(raw) <= _INLINE_BYTES):
            self.conn.send_bytes(frame)

    async def call(self, raw: bytes, name: str | None, timeout: float) -> tuple[str, Any]:
        """Inspect ``raw`` in this (ready, idle) worker; ``(kind, value)`` as the worker answered,
        or ``("error"|"timeout", why)`` after stopping it."""
        loop = asyncio.get_running_loop()
        if not self.ready and not await self._started(loop):
            await self._stop_off_loop()
            return "error", "检查进程未能启动"
        try:
            if len(raw) <= _INLINE_BYTES:  # fits the socket buffer of an idle worker: no wait
                self._post(raw, name)
            else:  # a big message: copy it into the pipe from a thread, the loop goes on
                await loop.run_in_executor(None, self._post, raw, name)
        except (EOFError, OSError):
            await self._stop_off_loop()
            return "error", "检查进程异常退出"
        reply: asyncio.Future[tuple[str, Any]] = loop.create_future()
        fd = self.conn.fileno()

        def readable() -> None:
            if reply.done():
                return
            try:
                kind, value = self.conn.recv()  # the worker writes its reply in one go
            except (EOFError, OSError):
                reply.set_result(("error", "检查进程异常退出"))
            except Exception as exc:  # e.g. an unpicklable reply: not trusted again
                reply.set_result(("error", f"检查进程通信失败：{type(exc).__name__}"))
            else:
                reply.set_result((str(kind), value))

        loop.add_reader(fd, readable)
        try:
            kind, value = await asyncio.wait_for(reply, timeout)
        except TimeoutError:
            kind, value = "timeout", f"超过 {timeout:g} 秒，检查进程已终止"
        finally:
            loop.remove_reader(fd)
        if kind in ("error", "timeout"):
            await self._stop_off_loop()
        return kind, value

    async def _started(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Wait (without blocking the loop) for a new worker's "ready"."""
        said: asyncio.Future[bool] = loop.create_future()
        fd = self.conn.fileno()

        def readable() -> None:
            if not said.done():
                try:
                    kind, _ = self.conn.recv()
                except Exception:
                    said.set_result(False)
                else:
                    said.set_result(kind == "ready")

        loop.add_reader(fd, readable)
        try:
            self.ready = await asyncio.wait_for(said, _STARTUP_SECONDS)
        except TimeoutError:
            self.ready = False
        finally:
            loop.remove_reader(fd)
        return self.ready

    async def _stop_off_loop(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.stop)

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


# messages up to this size are written to the worker's pipe on the event loop (an idle worker's
# socket buffer takes them at once); bigger ones from a thread
_INLINE_BYTES = 128 * 1024


class _Generation:
    """The workers serving one compiled scope version.

    Idle workers and callers waiting for one are kept here under a lock (a replacement worker
    becomes idle from the thread that waited for it to start); a waiting caller is handed a
    worker on its own event loop.
    """

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
        self.idle: list[_Worker] = []
        self.waiters: collections.deque[asyncio.Future[_Worker | None]] = collections.deque()
        self.lock = threading.Lock()
        self.retired = False
        self.workers = [self._spawn() for _ in range(max(1, limits.workers))]
        self.idle.extend(self.workers)

    def _spawn(self) -> _Worker:
        return _Worker(self.ctx, self.scope, self.limits, self.init, self.registrations)

    def wait_ready(self) -> bool:
        return all(w.wait_ready(_STARTUP_SECONDS) for w in list(self.workers))

    async def run(
        self, raw: bytes, name: str | None = None, deadline: float = float("inf")
    ) -> tuple[str, Any]:
        """Borrow a worker, inspect, give it back (or replace it).
        ``("retry", None)`` when this generation was retired while waiting for a worker;
        ``("busy", None)`` when no worker was free by ``deadline`` (monotonic). A caller
        cancelled while waiting (its client was answered) takes no worker; one cancelled
        during the inspection leaves it to finish, and the worker comes back after."""
        worker = await self._take(deadline)
        if worker is None:
            return "retry", None
        if isinstance(worker, str):
            return worker, None
        return await asyncio.shield(self._use(worker, raw, name))

    async def _use(self, worker: _Worker, raw: bytes, name: str | None) -> tuple[str, Any]:
        try:
            return await worker.call(raw, name, self.limits.timeout + _KILL_GRACE)
        finally:
            if worker.alive:
                self._put_idle(worker)
            else:
                await asyncio.get_running_loop().run_in_executor(None, self._replace, worker)

    async def _take(self, deadline: float) -> _Worker | str | None:
        loop = asyncio.get_running_loop()
        with self.lock:
            if self.retired:
                return None
            if self.idle:
                return self.idle.pop()
            waiter: asyncio.Future[_Worker | None] = loop.create_future()
            self.waiters.append(waiter)
        left = deadline - time.monotonic()
        try:
            async with asyncio.timeout(None if left == float("inf") else max(0.0, left)):
                return await asyncio.shield(waiter)
        except TimeoutError:
            self._give_up(waiter)
            return "busy"
        except asyncio.CancelledError:
            self._give_up(waiter)
            raise

    def _give_up(self, waiter: asyncio.Future[_Worker | None]) -> None:
        """A waiter that stopped waiting: hand on a worker it was given meanwhile."""
        with self.lock, contextlib.suppress(ValueError):
            self.waiters.remove(waiter)
        if not waiter.done():
            waiter.cancel()
        elif not waiter.cancelled() and waiter.result() is not None:
            self._put_idle(waiter.result())  # type: ignore[arg-type]

    def _put_idle(self, worker: _Worker) -> None:
        """Back to the pool: to the first caller still waiting, else idle. Any thread."""
        with self.lock:
            if self.retired:
                stop = True
            else:
                stop = False
                while self.waiters:
                    waiter = self.waiters.popleft()
                    if not waiter.done() and not waiter.get_loop().is_closed():
                        _on_loop_of(waiter, self._hand, waiter, worker)
                        return
                self.idle.append(worker)
                return
        if stop:
            worker.stop()

    def _hand(self, waiter: asyncio.Future[_Worker | None], worker: _Worker) -> None:
        if waiter.done():  # gave up in the meantime
            self._put_idle(worker)
        else:
            waiter.set_result(worker)

    def _replace(self, worker: _Worker) -> None:
        """Thread-side: a dead worker's successor starts now and joins the pool at once (its
        first call waits, off the loop, for it to be ready)."""
        worker.stop()
        with self.lock:
            if self.retired:
                return
            with contextlib.suppress(ValueError):
                self.workers.remove(worker)
            successor = self._spawn()
            self.workers.append(successor)
        self.restarted()
        self._put_idle(successor)

    def retire(self) -> None:
        """No new work; stop idle workers now and busy ones when they finish."""
        with self.lock:
            self.retired = True
            idle, self.idle = self.idle, []
            waiters, self.waiters = list(self.waiters), collections.deque()
        for waiter in waiters:
            _on_loop_of(waiter, _set_none, waiter)
        for worker in idle:
            worker.stop()

    def stop_all(self) -> None:
        self.retire()
        for worker in list(self.workers):
            worker.stop()


def _set_none(waiter: asyncio.Future[_Worker | None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _on_loop_of(future: asyncio.Future[Any], callback: Callable[..., None], *args: Any) -> None:
    """Run ``callback(*args)`` on the loop ``future`` belongs to, from any thread."""
    loop = future.get_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        loop.call_soon(callback, *args)
    elif not loop.is_closed():
        loop.call_soon_threadsafe(callback, *args)


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
        # a failed document has no headers to show; a failed message keeps its subject
        headers, location = (raw, WHOLE_MESSAGE) if name is None else (b"", name)
        if generation is None:
            return failed_inspection(
                headers, UnscannableReason.ERROR, "检查器未启动", "", started, location
            )
        kind, value = "retry", None
        while kind == "retry" and generation is not None:
            try:
                kind, value = await generation.run(raw, name, deadline)
            except asyncio.CancelledError:
                raise  # our client was answered: a caller still waiting took no worker
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
        loop = asyncio.get_running_loop()
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
