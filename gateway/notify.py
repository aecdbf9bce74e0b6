"""Notices in Simplified Chinese to senders and security officers, sent through the relay.

A notice names the case, the categories and what happens next, and never the matched text, the
subject or attachment names (any of them may be the secret itself). Notices are auto-generated
mail (RFC 3834): ``Auto-Submitted: auto-generated``, sent with a null reverse-path so they can
never bounce back into a loop, and never sent in answer to a bounce or to other automatic mail.
Each carries ``X-DLP-Notice``, an HMAC that lets the gateway recognise (and pass without
holding) its own notices should they come back through it; a forged header does not verify.

A notice that cannot be sent is logged and counted (``dlp_notify_failures_total``), and
recorded on the case's timeline when a store is given; it never raises and never affects the
held mail.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from datetime import tzinfo
from email.header import Header
from email.parser import BytesHeaderParser

from gateway.metrics import Metrics
from gateway.notice_queue import Notice, NoticeQueue
from gateway.relay import Relay
from gateway.review.labels import REASON_LABELS
from gateway.settings import Settings
from gateway.smtp.envelope import split_recipients
from gateway.store.engine import Sessions
from gateway.store.keys import load_fingerprint_key
from gateway.store.models import OPEN_STATES, Case, CaseState
from gateway.store.quarantine import Quarantine
from gateway.store.records import case_record

log = logging.getLogger("dlp_gateway.notify")

__all__ = ["NOTICE_HEADER", "NoticeSigner", "Notifier", "is_automatic"]

NOTICE_HEADER = "X-DLP-Notice"
FOOTER = "此邮件由外发邮件保密检查网关自动发送，请勿直接回复。如有疑问，请联系本单位保密员并提供案件编号。"

_NOTICE_NAME = "外发邮件保密检查网关"

_SEVERITY_ZH = {"low": "低", "medium": "中", "high": "高", "critical": "严重"}


class NoticeSigner:
    """HMAC-SHA256 over a notice's Message-ID (key: :func:`signing_key`; none: per process)."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def sign(self, message_id: str) -> str:
        return hmac.new(self._key, message_id.encode(), hashlib.sha256).hexdigest()

    @property
    def link_key(self) -> bytes:
        """The key of senders' release-request links (derived: a link is not a notice MAC)."""
        return hmac.new(self._key, LINK_PURPOSE.encode(), hashlib.sha256).digest()

    def verify(self, raw: bytes) -> bool:
        """True only for a notice this gateway (or one sharing its key) generated."""
        headers = BytesHeaderParser().parsebytes(raw[:65536])
        token = str(headers.get(NOTICE_HEADER, "")).strip()
        message_id = str(headers.get("Message-ID", "")).strip()
        if not token or not message_id:
            return False
        return hmac.compare_digest(token.rpartition(" ")[2], self.sign(message_id))


LINK_PURPOSE = "release-request"
# the label that derives the default signing key from the audit key (a notice MAC is not an
# audit-chain MAC: one key, two purposes, kept apart by HMAC with distinct labels)
SIGNING_LABEL = b"dlp-gateway notice-signing v1"


def signing_key(settings: Settings) -> bytes:
    """``notify.signing_key`` if set; else derived from the audit key's pinned root (the key
    registered secrets use, kept across ``audit rotate-key``), which every instance sharing the
    database already holds, so notices and senders' links verify after a restart, on every
    instance and after a key rotation."""
    key = settings.notify.signing_key
    if key is not None:
        return key.get_secret_value().encode()
    return hmac.new(load_fingerprint_key(settings), SIGNING_LABEL, hashlib.sha256).digest()


class LinkRefused(Exception):
    """A sender's link that does not verify (``expired`` is False) or has expired."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def link_token(key: bytes, case_id: str, expires: int) -> str:
    """``<case id>.<expiry, unix seconds>.<HMAC>``: a release-request link for one case only."""
    mac = hmac.new(key, f"{LINK_PURPOSE}|{case_id}|{expires}".encode(), hashlib.sha256)
    return f"{case_id}.{expires}.{mac.hexdigest()}"


def check_link(key: bytes, token: str, now: dt.datetime | None = None) -> str:
    """The case id of a valid, unexpired link; else :class:`LinkRefused`."""
    case_id, _, rest = token.partition(".")
    expires_text = rest.partition(".")[0]
    if not case_id or not expires_text.isdigit() or len(expires_text) > 12:
        raise LinkRefused("链接无效")
    expected = link_token(key, case_id, int(expires_text))
    if not hmac.compare_digest(expected.encode(), token.encode()):
        raise LinkRefused("链接无效")
    moment = now or dt.datetime.now(dt.UTC)
    if moment.timestamp() > int(expires_text):
        raise LinkRefused("链接已过期", expired=True)
    return case_id


def is_automatic(raw: bytes) -> bool:
    """RFC 3834 §2: do not answer automatic mail (Auto-Submitted other than ``no``, lists)."""
    headers = BytesHeaderParser().parsebytes(raw[:65536])
    auto = str(headers.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(headers.get("Precedence", "")).strip().lower()
    return not auto.startswith("no") or precedence in {"bulk", "list", "junk"}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _encoded(text: str) -> str:
    """RFC 2047 encoded-words (UTF-8, base64) for a header value that is not plain ASCII."""
    text = _one_line(text)
    if text.isascii():
        return text
    return Header(text, "utf-8", header_name="Subject").encode(linesep="\r\n")


def _when(moment: dt.datetime, zone: tzinfo) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _names(case: Case) -> str:
    """The categories that hold or block the mail (the rule on the typed record), by name."""
    return "、".join(c.name for c in case_record(case).holding)


def _unscannable_lines(case: Case) -> list[str]:
    """What could not be read and why, in plain Chinese: one line per item (at most five)."""
    items = case_record(case).unscannable
    lines = [
        f"· {u.location}：{REASON_LABELS.get(u.reason.value, u.reason.value)}" for u in items[:5]
    ]
    if len(items) > 5:
        lines.append(f"· 另有 {len(items) - 5} 处")
    return lines


def _what(case: Case) -> str:
    """Why the mail is held, in one phrase: categories, unreadable content, or both."""
    names = _names(case)
    unread = "含有无法检查的内容" if case.unscannable else ""
    if names and unread:
        return f"疑似涉及「{names}」，且{unread}"
    if names:
        return f"疑似涉及「{names}」"
    return f"{unread}（按规定，无法检查的邮件一律扣留，由保密员人工审核）"


def _category_line(case: Case) -> str:
    names = _names(case)
    return f"涉及类别：{names}" if names else "扣留原因：含有无法检查的内容"


def _process(case: Case) -> str:
    if case.release_mode == "two-person":
        return "该邮件须经审核人审核、审批人审批（两人）后方可发出"
    return "该邮件经一名保密员审核同意后即可发出"


class Notifier:
    """Builds and sends the notices; ``sessionmaker`` (optional) records them on the timeline."""

    def __init__(
        self,
        relay: Relay,
        settings: Settings,
        metrics: Metrics,
        *,
        sessionmaker: Sessions | None = None,
        signer: NoticeSigner | None = None,
    ) -> None:
        self._relay = relay
        self._settings = settings
        self._notify = settings.notify
        self._metrics = metrics
        self._zone = settings.zone
        self._internal = [d for d in settings.internal_domains if d.strip()]
        timeline = Quarantine(sessionmaker) if sessionmaker is not None else None
        self.queue = NoticeQueue(
            relay,
            metrics,
            timeline,
            window=self._notify.batch_window,
            batch_size=self._notify.batch_size,
            retry_seconds=self._notify.retry_seconds,
            retry_attempts=self._notify.retry_attempts,
        )
        self.signer = signer or NoticeSigner(signing_key(settings))

    # -- the notices --------------------------------------------------------------------

    async def held(self, case: Case) -> None:
        """Tell the sender their mail is held, and the officers that a case waits."""
        days = self._settings.quarantine.expire_after_days
        received = (
            case.received_at if case.received_at.tzinfo else case.received_at.replace(tzinfo=dt.UTC)
        )
        deadline = _when(received + dt.timedelta(days=days), self._zone)
        lines = [
            "您好：",
            "",
            "您发出的下列邮件经外发邮件保密检查，"
            + _what(case)
            + "，已被扣留，尚未发出，等待保密员审核。",
            "",
            *self._mail_lines(case),
            f"案件编号：{case.id}",
        ]
        if case.unscannable:
            lines += ["无法检查的内容：", *_unscannable_lines(case)]
        lines += [
            "",
            "后续处理：",
            f"· {_process(case)}；放行后将自动投递给上述收件人，您无需重新发送。",
            "· 如被退回，您会收到退回通知及原因。",
            f"· 如在 {deadline} 前无人处理，邮件将过期作废，不会发出。",
            "· 如确需对外发送，请按本单位规定办理审批，或删去涉密内容后重新发送。",
        ]
        lines += self._request_lines(case)
        # both go in one batch (one upstream session, one store transaction for their events)
        notices = [
            self._sender_notice(case, f"【邮件已扣留待审】案件 {case.id}", lines),
            self._officers_notice(case),
        ]
        await self.queue.send([n for n in notices if n is not None])

    def request_url(self, case_id: str, now: dt.datetime | None = None) -> str:
        """The sender's signed, expiring link to write a business justification for a case."""
        hours = self._notify.request_link_hours
        moment = now or dt.datetime.now(dt.UTC)
        expires = int((moment + dt.timedelta(hours=hours)).timestamp())
        token = link_token(self.signer.link_key, case_id, expires)
        return f"{self._settings.console.base_url.rstrip('/')}/request/{token}"

    def _request_lines(self, case: Case) -> list[str]:
        hours = self._notify.request_link_hours
        if hours <= 0 or CaseState(case.state) not in OPEN_STATES:
            return []
        expires = _when(dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours), self._zone)
        return [
            "",
            f"如确有业务需要对外发送，可在 {expires} 前通过下面的链接向保密员说明业务理由"
            "（仅限本案件、仅可提交一次，无需登录）：",
            self.request_url(case.id),
        ]

    def _mail_lines(self, case: Case) -> list[str]:
        """Which mail this is: subject, when, to whom (what the sender knows of it anyway)."""
        return [
            f"邮件主题：{case.subject or '（无主题）'}",
            f"发送时间：{_when(case.received_at, self._zone)}",
            f"收件人：{'、'.join(case.rcpt_to)}",
        ]

    def _contact_lines(self) -> list[str]:
        contact = self._notify.contact.strip()
        return ["", f"如有疑问，请联系：{contact}（请提供案件编号）。"] if contact else []

    async def blocked(self, case: Case) -> None:
        rcpts = "、".join(case.rcpt_to)
        lines = [
            "您好：",
            "",
            f"您于 {_when(case.received_at, self._zone)} 发出的邮件（收件人：{rcpts}）含有按规定禁止"
            "通过互联网邮件外发的内容，已被拦截，不会发出。",
            "",
            f"案件编号：{case.id}",
            _category_line(case),
            "",
            "后续处理：该邮件已记录备查，保密员可查阅。请勿通过互联网邮件发送此类内容；"
            "如有工作需要，请按本单位保密规定通过合规渠道传递。",
        ]
        await self._to_sender(case, f"【邮件已被拦截】案件 {case.id}", lines)

    async def rejected(self, case: Case, reason: str) -> None:
        lines = [
            "您好：",
            "",
            f"您于 {_when(case.received_at, self._zone)} 发出、案件编号为 {case.id} 的邮件经保密员审核，"
            "决定退回，不予发出。",
            _category_line(case),
        ]
        if self._notify.tell_sender_reason and reason.strip():
            lines.append(f"退回原因：{reason.strip()}")
        lines += ["", "如需发送，请删去涉密内容后重新发送，或按本单位规定办理审批。"]
        await self._to_sender(case, f"【邮件已退回】案件 {case.id}", lines)

    async def expired(self, case: Case) -> None:
        days = self._settings.quarantine.expire_after_days
        lines = [
            "您好：",
            "",
            f"您于 {_when(case.received_at, self._zone)} 发出、案件编号为 {case.id} 的邮件在 {days:g} 天内"
            "未经保密员处理，已过期作废，不会发出。",
            "",
            "如仍需发送，请联系本单位保密员或重新发送。",
        ]
        await self._to_sender(case, f"【邮件已过期】案件 {case.id}", lines)

    async def released(self, case: Case) -> None:
        lines = [
            "您好：",
            "",
            f"您于 {_when(case.received_at, self._zone)} 发出、案件编号为 {case.id} 的邮件经保密员审核同意，"
            "已放行投递。",
        ]
        await self._to_sender(case, f"【邮件已放行】案件 {case.id}", lines)

    async def digest(self, cases: Sequence[Case]) -> None:
        """One daily message to the officers listing the cases still waiting."""
        if not self._notify.enabled or not self._notify.officers:
            return
        now = dt.datetime.now(dt.UTC)
        lines = [f"截至 {_when(now, self._zone)}，共有 {len(cases)} 封邮件等待审核：", ""]
        for case in cases:
            received = case.received_at
            if received.tzinfo is None:
                received = received.replace(tzinfo=dt.UTC)
            age = (now - received).total_seconds() / 86400
            lines.append(
                f"· {case.id}  发件人 {case.mail_from or '<>'}  类别 {_names(case)}  "
                f"等待 {age:.1f} 天  {self._case_url(case.id)}"
            )
        if not cases:
            lines.append("（无待审邮件）")
        await self._send(
            None,
            "officers",
            list(self._notify.officers),
            f"【外发邮件待审日报】{len(cases)} 封待审",
            lines,
        )

    # -- plumbing -----------------------------------------------------------------------

    async def _to_sender(self, case: Case, subject: str, lines: list[str]) -> None:
        notice = self._sender_notice(case, subject, lines)
        if notice is not None:
            await self.queue.send([notice])

    def _sender_notice(self, case: Case, subject: str, lines: list[str]) -> Notice | None:
        if not self._notify.enabled or case.mail_from == "":
            return None  # RFC 3834 §2: never answer a bounce
        if case.raw is not None and is_automatic(case.raw):
            return None
        internal, _ = split_recipients((case.mail_from,), self._internal)
        if not internal:  # DESIGN: an outsider is told nothing (not even that a case exists)
            self._metrics.notify_skipped_total.labels(reason="external_sender").inc()
            return None
        lines = [
            *lines,
            *(() if any("如有疑问" in line for line in lines) else self._contact_lines()),
        ]
        return self._notice(case.id, "sender", [case.mail_from], subject, lines)

    def _officers_notice(self, case: Case) -> Notice | None:
        if not self._notify.enabled or not self._notify.officers:
            return None
        lines = [
            "保密员：",
            "",
            "有一封外发邮件被扣留，等待审核。",
            "",
            f"案件编号：{case.id}",
            f"发件人：{case.mail_from or '<>'}",
            f"收件人：{'、'.join(case.rcpt_to)}",
            _category_line(case),
            f"严重程度：{_SEVERITY_ZH.get(case.severity, case.severity)}",
            f"审批方式：{'两人（审核+审批）' if case.release_mode == 'two-person' else '一人'}",
        ]
        if case.unscannable:
            lines += ["无法检查的内容：", *_unscannable_lines(case)]
        lines += ["", f"请登录审核台处理：{self._case_url(case.id)}"]
        return self._notice(
            case.id,
            "officers",
            list(self._notify.officers),
            f"【待审】外发邮件扣留 {case.id}（{_names(case)}）",
            lines,
        )

    async def sender_requested(self, case: Case) -> None:
        """Tell the officers that the sender of a held mail wrote a business justification."""
        if not self._notify.enabled or not self._notify.officers:
            return
        lines = [
            "保密员：",
            "",
            "被扣留邮件的发件人提交了业务理由，请在审核时参考。",
            "",
            f"案件编号：{case.id}",
            f"发件人：{case.mail_from or '<>'}",
            f"收件人：{'、'.join(case.rcpt_to)}",
            "业务理由：",
            case.sender_request or "",
            "",
            f"请登录审核台处理：{self._case_url(case.id)}",
        ]
        await self._send(
            case.id,
            "officers",
            list(self._notify.officers),
            f"【业务理由】案件 {case.id} 的发件人已说明理由",
            lines,
        )

    def _case_url(self, case_id: str) -> str:
        return f"{self._settings.console.base_url.rstrip('/')}/cases/{case_id}"

    def build(
        self, case_id: str | None, to: Sequence[str], subject: str, lines: list[str]
    ) -> bytes:
        """The notice as RFC 5322 bytes (CRLF), text/plain UTF-8 in base64.

        Written out by hand: ``EmailMessage`` with a header policy cost more of the event loop
        than sending the notice did. Header text that is not ASCII is an RFC 2047 encoded-word.
        """
        domain = self._notify.sender.rpartition("@")[2] or "localhost"
        message_id = email.utils.make_msgid("dlp-notice", domain=domain)
        sender = email.utils.formataddr((_NOTICE_NAME, self._notify.sender), charset="utf-8")
        headers = [
            f"From: {sender}",
            "To: " + ",\r\n ".join(_one_line(a) for a in to),
            f"Subject: {_encoded(subject)}",
            f"Date: {email.utils.format_datetime(dt.datetime.now(dt.UTC))}",
            f"Message-ID: {message_id}",
            "Auto-Submitted: auto-generated",  # RFC 3834 §5
            f"{NOTICE_HEADER}: {case_id or 'digest'} {self.signer.sign(message_id)}",
            "MIME-Version: 1.0",
            'Content-Type: text/plain; charset="utf-8"',
            "Content-Transfer-Encoding: base64",
        ]
        text = "\n".join([*lines, "", "——", FOOTER]) + "\n"
        body = base64.encodebytes(text.replace("\n", "\r\n").encode("utf-8"))
        head = "\r\n".join(headers).encode("utf-8")
        return head + b"\r\n\r\n" + body.replace(b"\n", b"\r\n")

    def _notice(
        self,
        case_id: str | None,
        audience: str,
        to: list[str],
        subject: str,
        lines: list[str],
    ) -> Notice:
        return Notice(case_id, audience, to, self.build(case_id, to, subject, lines))

    async def _send(
        self,
        case_id: str | None,
        audience: str,
        to: list[str],
        subject: str,
        lines: list[str],
    ) -> None:
        await self.queue.send([self._notice(case_id, audience, to, subject, lines)])

    async def close(self, timeout: float = 30.0) -> None:
        """Send the notices still queued (at most ``timeout`` seconds); give up pending retries."""
        await self.queue.close(timeout)
