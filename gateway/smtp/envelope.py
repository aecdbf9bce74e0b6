"""The SMTP envelope of one transaction, as the gateway records it (no aiosmtpd types)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Envelope:
    mail_from: str  # "" for a bounce (MAIL FROM:<>)
    rcpt_to: tuple[str, ...]
    client_addr: str = ""
    helo: str = ""
    tls: bool = False
    auth_user: str | None = None
    smtputf8: bool = False

    @property
    def is_bounce(self) -> bool:
        return self.mail_from == ""


def domain_of(address: str) -> str:
    """The domain of ``local@domain`` lower-cased (IDNA/UTF-8 domains compare as given)."""
    return address.rpartition("@")[2].strip().rstrip(".").lower()


def split_recipients(
    rcpt_to: tuple[str, ...], internal_domains: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(internal, external): internal when the domain, or a parent of it, is listed."""
    internal_set = {d.strip().rstrip(".").lower() for d in internal_domains if d.strip()}
    internal: list[str] = []
    external: list[str] = []
    for rcpt in rcpt_to:
        domain = domain_of(rcpt)
        labels = domain.split(".")
        parents = {".".join(labels[i:]) for i in range(len(labels))}
        (internal if parents & internal_set else external).append(rcpt)
    return tuple(internal), tuple(external)
