"""The message builder for tests: what an MUA writes (CRLF, UTF-8), optionally with a file;
:func:`multipart_message` for a message with several files (the extraction tests)."""

from __future__ import annotations

import datetime as dt
import secrets
from email.header import Header
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formatdate, make_msgid

from tests.support.addresses import EXTERNAL, SENDER


def message(
    text: str,
    *,
    subject: str = "季度例会通知",
    sender: str = SENDER,
    to: str = EXTERNAL,
    display_name: str = "",
    extra_headers: str = "",
    attachment: tuple[str, bytes, str] | None = None,
) -> bytes:
    """A message from ``sender`` to ``to``; ``attachment`` is ``(file name, bytes, mime type)``."""
    who = f"{Header(display_name, 'utf-8').encode()} <{sender}>" if display_name else sender
    if attachment is None:
        head = (
            f"From: {who}\r\nTo: {to}\r\nSubject: {Header(subject, 'utf-8').encode()}\r\n"
            f"Date: {format_datetime(dt.datetime.now(dt.UTC))}\r\n"
            f"Message-ID: <{secrets.token_hex(8)}@{sender.rpartition('@')[2] or 'test'}>\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n{extra_headers}\r\n"
        )
        return head.encode() + text.replace("\n", "\r\n").encode("utf-8")
    msg = EmailMessage()
    msg["From"] = f"{display_name} <{sender}>" if display_name else sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg["Message-ID"] = f"<{secrets.token_hex(8)}@{sender.rpartition('@')[2] or 'test'}>"
    msg.set_content(text)
    name, data, mime = attachment
    maintype, _, subtype = mime.partition("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    raw = msg.as_bytes()
    if extra_headers:
        raw = extra_headers.encode() + raw
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def multipart_message(
    body: str = "请查收附件。",
    attachments: list[tuple[str, bytes]] | None = None,
    subject: str = "资料",
    charset: str = "utf-8",
) -> bytes:
    """A multipart message with several files, as the extraction tests need it: each file
    ``application/octet-stream``, base64, its name RFC 2231-encoded; the body in ``charset``."""
    msg = MIMEMultipart()
    msg["From"] = "张三 <zhangsan@example.gov.cn>"
    msg["To"] = "lisi@example.com"
    msg["Subject"] = subject
    msg["Date"] = formatdate()
    msg["Message-ID"] = make_msgid(domain="example.gov.cn")
    msg.attach(MIMEText(body, "plain", charset))
    for name, data in attachments or []:
        part = MIMEApplication(data)
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
        msg.attach(part)
    return msg.as_bytes(policy=compat32.clone(linesep="\r\n"))  # CRLF, as on the wire
