"""What happens to one message after DATA, and the reply it earns (DESIGN's reply table).

This is the SMTP layer's one place that turns outcomes and faults into replies; it knows
nothing of aiosmtpd. The reply is computed only after the outcome is durable: upstream said
2xx, or the case is committed to the store. Anything else is a 4xx so the sending MTA keeps
the message and retries (RFC 5321 §4.2.5: after the final dot, a 250 means we took
responsibility). Unknown faults become ``451 4.3.0`` and their text never reaches the client.

Mixed recipients (internal and external): the external copy is held *first*, then the internal
recipients are delivered. If that delivery fails after the held copy is committed, answering
4xx would make the client resend and the external copy would be held twice; so the internal
copy is committed to the store as a gateway-released case (``release_pending``, retried by
``Review.deliver_pending``; ``release_failed`` when upstream refused permanently) and the
client gets the held 250. Only if that second commit also fails is the answer ``451 4.3.0``:
a retry then duplicates a held case for the officers, which is visible, rather than losing
the internal copy. A ``reject`` verdict refuses the whole message for every recipient (one
DATA reply covers them all); nothing is delivered.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from gateway.errors import PermanentRelayError, RelayError, StoreError, TemporaryRelayError
from gateway.inspection import Inspection, InspectionBusy
from gateway.logs import log_message
from gateway.metrics import Metrics
from gateway.notify import Notifier
from gateway.relay import Relay
from gateway.settings import Settings
from gateway.smtp.envelope import Envelope, split_recipients
from gateway.store.models import Case
from gateway.store.quarantine import Quarantine, blocking_categories
from matchers.model import Decision, Unscannable, UnscannableReason, Verdict

log = logging.getLogger("dlp_gateway.smtp")

__all__ = ["Inspecting", "Pipeline", "Reply"]

# The inspector enforces limits.timeout itself (killing its worker); this outer guard only
# catches an inspector that fails to, so the SMTP client never waits forever.
_MAX_GRACE = 5.0
_MAX_REPLY = 400  # RFC 5321 §4.5.3.1.5 allows 512 octets per reply line


class Inspecting(Protocol):
    """What the pipeline needs of ``gateway.inspection.Inspector``."""

    @property
    def version(self) -> str: ...

    async def inspect(self, raw: bytes) -> Inspection: ...


@dataclass(frozen=True, slots=True)
class Reply:
    code: int
    text: str

    def __str__(self) -> str:
        text = " ".join(self.text.split())[:_MAX_REPLY]
        return f"{self.code} {text}"


STORE_DOWN = Reply(451, "4.3.0 quarantine store unavailable, try again later")
INTERNAL_FAULT = Reply(451, "4.3.0 temporary gateway failure, try again later")
QUEUE_FULL = Reply(451, "4.3.2 inspection queue full, try again later")


def fallback_inspection(reason: UnscannableReason, detail: str, scope_version: str) -> Inspection:
    """Fail closed: an inspection that did not finish holds the message with the reason."""
    decision = Decision(
        verdict=Verdict.QUARANTINE,
        categories=(),
        findings=(),
        unscannable=(Unscannable(location="整封邮件", reason=reason, detail=detail),),
        scope_version=scope_version,
    )
    return Inspection(
        decision=decision, parts=(), segments=(), subject="", message_id="", elapsed_ms=0
    )


class Pipeline:
    def __init__(
        self,
        *,
        settings: Settings,
        inspector: Inspecting,
        relay: Relay,
        quarantine: Quarantine,
        notifier: Notifier,
        metrics: Metrics,
        background: Callable[[Any], None],
    ) -> None:
        self._settings = settings
        self.inspector = inspector
        self._relay = relay
        self._quarantine = quarantine
        self._notifier = notifier
        self._metrics = metrics
        self._background = background

    async def process(self, envelope: Envelope, data: bytes) -> Reply:
        """Inspect, then relay / hold / block; return the reply for the client."""
        started = time.monotonic()
        txid = secrets.token_hex(6).upper()
        raw = received_header(envelope, txid, self._settings.smtp.hostname) + data
        fields: dict[str, Any] = {
            "tx": txid,
            "client": envelope.client_addr,
            "from": envelope.mail_from or "<>",
            "rcpts": len(envelope.rcpt_to),
            "size": len(raw),
        }
        try:
            reply = await self._process(envelope, raw, fields)
        except InspectionBusy as exc:
            # nothing inspected, nothing kept: the client retries (DESIGN: queue saturated)
            log.warning("inspection queue saturated tx=%s: %s", txid, exc)
            fields["error"] = "busy"
            self._metrics.messages_total.labels(verdict="tempfail").inc()
            reply = QUEUE_FULL
        except StoreError as exc:
            log.error("store unavailable tx=%s: %s", txid, exc)
            fields["error"] = "store"
            self._metrics.messages_total.labels(verdict="tempfail").inc()
            reply = STORE_DOWN
        except Exception:
            log.exception("unexpected fault tx=%s", txid)
            fields["error"] = "internal"
            self._metrics.messages_total.labels(verdict="tempfail").inc()
            reply = INTERNAL_FAULT
        fields["reply"] = reply.code
        fields["ms"] = int((time.monotonic() - started) * 1000)
        log_message(fields)
        return reply

    async def _process(self, envelope: Envelope, raw: bytes, fields: dict[str, Any]) -> Reply:
        _internal, external = split_recipients(envelope.rcpt_to, self._settings.internal_domains)
        if envelope.is_bounce and self._notifier.signer.verify(raw):
            fields["verdict"] = "notice"  # our own notice came back through us: no loop
            return await self._deliver(envelope, envelope.rcpt_to, "notice", raw)
        scanned = envelope.rcpt_to if self._settings.scan_internal else external
        if not scanned:
            fields["verdict"] = "internal"
            return await self._deliver(envelope, envelope.rcpt_to, "internal", raw)

        inspection = await self._inspect(raw)
        decision = inspection.decision
        fields.update(
            verdict=decision.verdict.value,
            categories=[c.id for c in decision.triggered],
            inspect_ms=inspection.elapsed_ms,
            scope=decision.scope_version[:12],
        )
        if decision.unscannable:
            fields["unscannable"] = sorted({u.reason.value for u in decision.unscannable})
        await self._record_trial(envelope, raw, inspection, fields)

        if decision.verdict == Verdict.PASS:
            return await self._deliver(envelope, envelope.rcpt_to, "pass", raw)
        if decision.verdict == Verdict.REJECT:
            case = await self._quarantine.record_block(envelope, raw, inspection, envelope.rcpt_to)
            fields["case"] = case.id
            self._metrics.messages_total.labels(verdict="reject").inc()
            self._background(self._notifier.blocked(case))
            return Reply(
                550,
                "5.7.1 blocked by data-protection policy "
                f"({_names(inspection, envelope.smtputf8)})",
            )

        case = await self._quarantine.hold(envelope, raw, inspection, scanned)
        fields["case"] = case.id
        self._metrics.messages_total.labels(verdict="quarantine").inc()
        deliver_now = tuple(r for r in envelope.rcpt_to if r not in scanned)
        if deliver_now:
            fields["delivered"] = len(deliver_now)
            await self._deliver_beside_hold(envelope, raw, inspection, deliver_now, case, fields)
        self._background(self._notifier.held(case))
        return Reply(250, f"2.6.0 held for review as {case.id}")

    async def _record_trial(
        self, envelope: Envelope, raw: bytes, inspection: Inspection, fields: dict[str, Any]
    ) -> None:
        """Trial mode: keep what a ``monitor`` category would have held. A store fault here only
        costs the trial record (logged): monitor categories never hold or delay mail."""
        try:
            hits = await self._quarantine.record_trial(
                envelope, raw, inspection, keep_text=self._settings.quarantine.trial_keep_text
            )
        except StoreError as exc:
            log.warning("trial hits not stored: %s", exc)
            return
        if hits:
            fields["trial"] = [h.category for h in hits]

    async def _inspect(self, raw: bytes) -> Inspection:
        """Raises :class:`InspectionBusy` when no worker was free in time (nothing inspected)."""
        limits = self._settings.limits
        # the inspector's deadline starts when a worker takes the message, after at most
        # limits.queue_wait in the queue; this guard covers both and a little more
        limit = limits.queue_wait + limits.timeout + min(_MAX_GRACE, limits.timeout)
        started = time.monotonic()
        try:
            inspection = await asyncio.wait_for(self.inspector.inspect(raw), timeout=limit)
        except InspectionBusy:
            raise
        except TimeoutError:
            log.error("inspection overran its deadline of %.1fs; holding", limit)
            inspection = fallback_inspection(
                UnscannableReason.TIMEOUT, f"超过 {limit:g} 秒", self._scope_version()
            )
        except Exception as exc:  # the inspector must not raise; if it does, fail closed
            log.exception("inspection failed; holding")
            inspection = fallback_inspection(
                UnscannableReason.ERROR, type(exc).__name__, self._scope_version()
            )
        self._metrics.inspection_seconds.observe(time.monotonic() - started)
        for category in inspection.decision.triggered:
            self._metrics.findings_total.labels(category=category.id).inc()
        for item in inspection.decision.unscannable:
            self._metrics.unscannable_total.labels(reason=item.reason.value).inc()
        return inspection

    def _scope_version(self) -> str:
        try:
            return self.inspector.version
        except Exception:
            return "unknown"

    async def _deliver(
        self, envelope: Envelope, rcpts: tuple[str, ...], verdict: str, raw: bytes
    ) -> Reply:
        """Relay to upstream and quote its answer (DESIGN: pass rows of the reply table)."""
        try:
            upstream = await self._relay.send(envelope.mail_from, rcpts, raw)
        except TemporaryRelayError as exc:
            self._metrics.relay_errors_total.labels(kind="temporary").inc()
            self._metrics.messages_total.labels(verdict="tempfail").inc()
            log.warning("upstream deferred: %s", exc)
            return temporary_reply(exc)
        except PermanentRelayError as exc:
            self._metrics.relay_errors_total.labels(kind="permanent").inc()
            self._metrics.messages_total.labels(verdict="refused").inc()
            log.warning("upstream refused: %s", exc)
            return Reply(exc.code, exc.message)
        self._metrics.messages_total.labels(verdict=verdict).inc()
        return Reply(250, f"2.0.0 relayed, upstream said: {upstream}")

    async def _deliver_beside_hold(
        self,
        envelope: Envelope,
        raw: bytes,
        inspection: Inspection,
        rcpts: tuple[str, ...],
        held: Case,
        fields: dict[str, Any],
    ) -> None:
        try:
            await self._relay.send(envelope.mail_from, rcpts, raw)
            return
        except RelayError as exc:
            permanent = isinstance(exc, PermanentRelayError)
            self._metrics.relay_errors_total.labels(
                kind="permanent" if permanent else "temporary"
            ).inc()
            log.warning("internal copy of %s not delivered (%s); kept for retry", held.id, exc)
            error = str(exc)
        copy = await self._quarantine.defer_delivery(
            envelope, raw, inspection, rcpts, error, permanent=permanent, parent_id=held.id
        )
        fields["deferred_case"] = copy.id


def _names(inspection: Inspection, smtputf8: bool) -> str:
    """The blocking categories as DESIGN's reply table fixes them: their (usually Chinese) names
    for a client that used SMTPUTF8 (RFC 6531), their ASCII ids otherwise (RFC 5321 §4.2: reply
    text is ASCII). The sender's notice names them in Chinese in either case."""
    blocking = blocking_categories(inspection)
    return ", ".join(c.name if smtputf8 else c.id for c in blocking)


def temporary_reply(exc: RelayError) -> Reply:
    """451 4.4.x for a deferral; our own 4.x.x texts (unreachable, outbox) pass as they are."""
    if exc.code == 451 and exc.message[:2] == "4.":
        return Reply(451, exc.message)
    return Reply(
        451, f"4.4.0 upstream deferred the message, try again later ({exc.code} {exc.message})"
    )


_date_cache: tuple[int, str] = (-1, "")


def _date_now() -> str:
    """RFC 5322 date-time of now, in local time; formatted once per second (every message)."""
    global _date_cache
    second = int(time.time())
    if _date_cache[0] != second:
        moment = dt.datetime.fromtimestamp(second, dt.UTC).astimezone()
        _date_cache = (second, email.utils.format_datetime(moment))
    return _date_cache[1]


def received_header(envelope: Envelope, txid: str, hostname: str) -> bytes:
    """The trace line of RFC 5321 §4.4, with the protocol names of RFC 3848 / RFC 6531."""
    protocol = "UTF8SMTP" if envelope.smtputf8 else "ESMTP"
    if envelope.tls:
        protocol += "S"
    if envelope.auth_user:
        protocol += "A"
    helo = envelope.helo or "unknown"
    addr = envelope.client_addr
    literal = f"[IPv6:{addr}]" if ":" in addr else f"[{addr}]"
    date = _date_now()
    # "for" only with a single recipient: listing all would disclose Bcc (RFC 5321 §7.2).
    recipient = f"\r\n\tfor <{envelope.rcpt_to[0]}>" if len(envelope.rcpt_to) == 1 else ""
    line = (
        f"Received: from {helo} ({literal})\r\n\tby {hostname} (dlp-gateway) with {protocol}"
        f" id {txid}{recipient};\r\n\t{date}\r\n"
    )
    return line.encode("utf-8")
