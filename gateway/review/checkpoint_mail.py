"""Audit checkpoints mailed to the auditors (``audit.checkpoint_mail``).

Each new signed checkpoint is also sent, as a plain-text Chinese mail through the normal relay
(the outbox when no relay host is set), to ``audit.checkpoint_recipients`` or else to every
enabled auditor account's addresses. The copy then sits in mailboxes the database host's
administrator does not control: cutting the tail of the log *and* of the server's checkpoint
file is still caught by ``dlp-gateway audit verify --auditor-copy FILE``.

The mail is one of the gateway's own notices (``X-DLP-Notice``, null reverse-path), so the
gateway passes it without inspecting or holding it should it come back through. A mail that
cannot be sent is logged and counted (``dlp_notify_failures_total``) and sent again at a later
checkpoint tick (:meth:`CheckpointMailer.tick`): at the next tick after the first failure, then
after 2, 4 and at most every :data:`MAX_BACKOFF_TICKS` ticks, until the relay takes it; a newer
checkpoint replaces an unsent older one (it anchors every entry the older one did). Instances
sharing a database mail each head once (claimed in ``job_claims``; a failed send gives the claim
back, so whichever instance retries first sends it).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging

from gateway.errors import DlpError, StoreError
from gateway.metrics import Metrics
from gateway.notify import Notifier
from gateway.relay import Relay
from gateway.settings import Settings
from gateway.store import claims
from gateway.store.accounts import Accounts
from gateway.store.checkpoints import Checkpoint
from gateway.store.engine import Sessions
from gateway.store.models import Role

log = logging.getLogger("dlp_gateway.audit")

#: What ``X-DLP-Notice`` names instead of a case id.
NOTICE_TAG = "audit-checkpoint"
CLAIM_JOB = "audit_checkpoint_mail"
#: The longest wait, in checkpoint ticks, between two attempts at an unsent checkpoint mail.
MAX_BACKOFF_TICKS = 8


class Outcome(enum.Enum):
    SENT = "sent"  # the relay (or the outbox) took it
    TAKEN = "taken"  # another instance claimed this head
    FAILED = "failed"  # to be tried again


async def recipients(settings: Settings, sessions: Sessions) -> list[str]:
    """``audit.checkpoint_recipients``, else every enabled auditor account's addresses."""
    if settings.audit.checkpoint_recipients:
        return list(dict.fromkeys(settings.audit.checkpoint_recipients))
    users = await Accounts(sessions, settings.console).list()
    found = [
        address
        for user in users
        if user.role == Role.AUDITOR and not user.disabled
        for address in (user.emails or ())
    ]
    return list(dict.fromkeys(str(a) for a in found))


def local_time(point: Checkpoint, settings: Settings) -> str:
    """The checkpoint's time in the unit's time zone (the signed ``at`` stays UTC)."""
    try:
        moment = dt.datetime.strptime(point.at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return point.at
    return f"{moment.astimezone(settings.zone):%Y-%m-%d %H:%M:%S}（{settings.timezone}）"


def mail_text(point: Checkpoint, settings: Settings) -> tuple[str, list[str]]:
    """Subject and body lines of one checkpoint mail."""
    when = local_time(point, settings)
    subject = f"【审计检查点】审计日志第 {point.seq} 条 {when}"
    lines = [
        "审计员：",
        "",
        f"外发邮件保密检查网关的审计日志已记到第 {point.seq} 条。下面是网关签名的检查点，"
        "请原样保存本邮件（不要转发后删除），作为核查审计日志是否被删改的凭据。",
        "",
        f"序号：{point.seq}",
        f"末条记录哈希：{point.head}",
        f"时间：{when}",
        f"签名（HMAC-SHA256）：{point.mac}",
        "",
        "校验行（请勿改动）：",
        point.line(),
        "",
        "核查方法：把保存的邮件（.eml 或邮箱导出文件）或上面的校验行存成文件，交给网关管理员运行",
        "  dlp-gateway audit verify --auditor-copy 文件",
        "如服务器上的审计日志被删改或末尾被截去（即使服务器上的检查点文件也被截去），"
        "将报告缺失或不符的记录编号。",
    ]
    return subject, lines


class CheckpointMailer:
    """Sends each new checkpoint to the auditors; never raises."""

    def __init__(
        self,
        settings: Settings,
        sessions: Sessions,
        relay: Relay,
        notifier: Notifier,
        metrics: Metrics,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._relay = relay
        self._notifier = notifier
        self._metrics = metrics
        self._unsent: Checkpoint | None = None  # the newest checkpoint not mailed yet
        self._failures = 0  # failed attempts at it in a row
        self._skip = 0  # ticks to let pass before the next attempt
        self._held: set[str] = set()  # heads whose claim this instance holds while unsent

    @property
    def unsent(self) -> Checkpoint | None:
        return self._unsent

    async def tick(self, point: Checkpoint | None, instance: str = "") -> Outcome | None:
        """One checkpoint tick: mail ``point`` (the new checkpoint, None when the head did not
        move), or retry the unsent one when its back-off has run out. None: nothing to do."""
        if point is not None:
            self._unsent, self._skip = point, 0
        if self._unsent is None:
            return None
        if self._skip > 0:
            self._skip -= 1
            return None
        outcome = await self.attempt(self._unsent, instance)
        if outcome is Outcome.FAILED:
            self._failures += 1
            self._skip = min(2 ** (self._failures - 1), MAX_BACKOFF_TICKS) - 1
            log.warning(
                "audit checkpoint %d: mail attempt %d failed; next attempt in %d checkpoint tick(s)",
                self._unsent.seq,
                self._failures,
                self._skip + 1,
            )
        else:
            self._unsent, self._failures = None, 0
        return outcome

    async def attempt(self, point: Checkpoint, instance: str = "") -> Outcome:
        """One attempt at mailing ``point``.

        With ``instance``, the head's mail is first claimed cluster-wide (``job_claims``):
        instances sharing the database each write their checkpoint file, but the auditors get
        one mail per head; a failed send gives the claim back.
        """
        period = str(point.seq)
        try:
            if instance and period not in self._held:
                if not await claims.claim(self._sessions, CLAIM_JOB, period, instance):
                    log.info("audit checkpoint %d already mailed by another instance", point.seq)
                    return Outcome.TAKEN
                self._held.add(period)
            sent = await self._send(point)
            if sent:
                self._held.discard(period)  # the claim stays: mailed
            elif instance:
                await claims.release(self._sessions, CLAIM_JOB, period)
                self._held.discard(period)  # (kept, should giving it back fail: ours to retry)
        except StoreError as exc:
            log.warning("audit checkpoint %d not mailed: %s", point.seq, exc)
            return Outcome.FAILED
        return Outcome.SENT if sent else Outcome.FAILED

    async def _send(self, point: Checkpoint) -> bool:
        try:
            to = await recipients(self._settings, self._sessions)
            if not to:
                log.warning(
                    "audit checkpoint %d not mailed: no auditor has a mail address "
                    "(audit.checkpoint_recipients, or `dlp-gateway user email NAME ADDR`)",
                    point.seq,
                )
                return False
            subject, lines = mail_text(point, self._settings)
            raw = self._notifier.build(NOTICE_TAG, to, subject, lines)
            # Null reverse-path (RFC 3834 §3.3): automatic mail never bounces into a loop.
            reply = await self._relay.send("", to, raw)
        except (DlpError, OSError, ValueError) as exc:
            self._metrics.notify_failures_total.inc()
            log.warning("audit checkpoint %d not mailed: %s", point.seq, exc)
            return False
        log.info("audit checkpoint %d mailed to %s: %r", point.seq, ", ".join(to), reply)
        return True
