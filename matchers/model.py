"""Records shared by the engine and the service: segments in, findings and decisions out."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    PASS = "pass"
    QUARANTINE = "quarantine"
    REJECT = "reject"


class Action(StrEnum):
    MONITOR = "monitor"
    QUARANTINE = "quarantine"
    REJECT = "reject"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Release(StrEnum):
    SINGLE = "single"
    TWO_PERSON = "two-person"


class UnscannableReason(StrEnum):
    ENCRYPTED = "encrypted"
    LIMIT_DEPTH = "limit_depth"
    LIMIT_MEMBERS = "limit_members"
    LIMIT_SIZE = "limit_size"
    LIMIT_RATIO = "limit_ratio"
    TIMEOUT = "timeout"
    CORRUPT = "corrupt"
    UNSUPPORTED = "unsupported"
    ERROR = "error"  # inspection itself failed (fail closed)
    IMAGE = "image"  # a picture that may carry text, not read (OCR off)
    LIMIT_OCR = "limit_ocr"  # more pictures or scanned pages than ocr.max_pages


#: the locations of a message's address fields: segments, but not its text
ADDRESS_LOCATIONS = frozenset({"发件人", "收件人", "抄送"})


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of extracted text and where it came from.

    ``location`` reads like a path an officer understands: ``附件 资料.zip › 通报.docx › 页眉``.
    """

    location: str
    text: str


@dataclass(frozen=True, slots=True)
class Unscannable:
    """Content that could not be inspected; it holds the message."""

    location: str
    reason: UnscannableReason
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One hit, as the officer needs to see it.

    ``match`` is the text *as written in the original*; ``start``/``end`` are offsets into the
    original segment text; ``context`` is a snippet around it and ``context_start``/``context_end``
    locate the hit inside ``context`` (for highlighting).
    """

    category: str
    kind: str  # "term" | "near" | "pattern" | "detector"
    rule: str  # the word, regex or detector name that matched (for officers and tuning)
    match: str
    location: str
    start: int
    end: int
    context: str
    context_start: int
    context_end: int
    weight: int
    suppressed_by: str = ""  # the exclude word that discounted this hit (it did not score)


@dataclass(frozen=True, slots=True)
class CategoryScore:
    id: str
    name: str
    score: int
    threshold: int
    action: Action
    severity: Severity
    release: Release

    @property
    def triggered(self) -> bool:
        return self.score >= self.threshold


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's answer for one message or document."""

    verdict: Verdict
    categories: tuple[CategoryScore, ...]  # every category with a score > 0
    findings: tuple[Finding, ...]
    unscannable: tuple[Unscannable, ...]
    scope_version: str
    notes: tuple[str, ...] = field(default=())
    # hits an exclude discounted: reported to officers and in ``scan``, never scored
    suppressed: tuple[Finding, ...] = field(default=())

    @property
    def triggered(self) -> tuple[CategoryScore, ...]:
        """Categories whose score reached their threshold (monitor ones included)."""
        return tuple(c for c in self.categories if c.triggered)

    @property
    def holding(self) -> tuple[CategoryScore, ...]:
        """Triggered categories that stop the mail (``quarantine`` or ``reject``): the hold rule.

        The 550 reply, the notices, the stored case and the console all name these (or
        :attr:`blocking`); none of them re-derives the rule.
        """
        return holding(self.categories)

    @property
    def blocking(self) -> tuple[CategoryScore, ...]:
        """Triggered ``reject`` categories: the mail is refused at SMTP time (550)."""
        return blocking(self.categories)


def holding(categories: tuple[CategoryScore, ...]) -> tuple[CategoryScore, ...]:
    """The hold rule (see :attr:`Decision.holding`), also for a stored case's categories."""
    return tuple(c for c in categories if c.triggered and c.action != Action.MONITOR)


def blocking(categories: tuple[CategoryScore, ...]) -> tuple[CategoryScore, ...]:
    """The block rule (see :attr:`Decision.blocking`), also for a stored case's categories."""
    return tuple(c for c in categories if c.triggered and c.action == Action.REJECT)
