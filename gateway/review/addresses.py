"""Canonical mail addresses, so "nobody reviews their own mail" cannot be dodged by spelling.

``canonical`` maps every spelling of one mailbox to one string: display names and angle brackets
go, NUL and every other control or invisible format character (bidi overrides, zero-width
spaces) is dropped, full-width forms are folded (NFKC), a quoted local part is unquoted, the
sub-address (``+tag``) is cut, the domain loses trailing dots and everything is lower-cased.
Two addresses that differ only in those ways name the same person here — the safe direction for
a rule that refuses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.policy import default as default_policy
from email.utils import getaddresses

SENDER_HEADERS = ("from", "sender", "reply-to")
_QUOTED_PAIR = re.compile(r"\\(.)")


def _visible(text: str) -> str:
    """NFKC, without controls (Cc), format characters (Cf), surrogates and unassigned points."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] != "C")


def canonical(address: str) -> str:
    """One spelling per mailbox: ``"Appr1+x"@Example.GOV.cn.`` → ``appr1@example.gov.cn``."""
    text = _visible(address).strip()
    if "<" in text and ">" in text:  # a display name around the address
        text = text[text.rfind("<") + 1 : text.rfind(">")]
    text = "".join(text.split())  # folding whitespace inside an address carries no meaning
    local, at, domain = text.rpartition("@")
    if not at:
        return text.lower()
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        local = _QUOTED_PAIR.sub(r"\1", local[1:-1])
    local = local.split("+", 1)[0]
    return f"{local.lower()}@{domain.rstrip('.').lower()}"


def canonical_set(addresses: Iterable[str]) -> set[str]:
    return {c for c in (canonical(a) for a in addresses) if c}


def header_addresses(raw: bytes | None) -> set[str]:
    """Canonical From, Sender and Reply-To addresses of a stored message.

    Parsed twice (as written, and with encoded-words decoded) and both kept: a message that
    reads differently to two parsers counts as from both spellings.
    """
    if not raw:
        return set()
    values: list[str] = []
    for policy in (compat32, default_policy):
        try:
            headers = BytesHeaderParser(policy=policy).parsebytes(raw)
            values += [str(v) for key in SENDER_HEADERS for v in headers.get_all(key) or ()]
        except Exception:  # a hostile header must not stop the review; other spellings count
            continue
    found: set[str] = set()
    for value in values:
        cleaned = _visible(value)
        found |= canonical_set(addr for _, addr in getaddresses([cleaned]) if addr)
    return found


def header_section(head: bytes) -> bytes | None:
    """The header section of a message's first bytes, up to its blank line; None when
    ``head`` ends before the headers do."""
    ends = [i for i in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if i >= 0]
    return head[: min(ends)] if ends else None


def sender_addresses(mail_from: str, raw: bytes | None) -> set[str]:
    """The envelope sender plus the From, Sender and Reply-To addresses, canonical."""
    found = canonical_set([mail_from]) if mail_from.strip() else set()
    return found | header_addresses(raw)
