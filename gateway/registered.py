"""Registered secrets at inspection time: the loaded indexes and how a hit becomes a Finding.

:class:`Registrations` is what the service loads from the store (:mod:`gateway.store.registry`)
and hands to the inspection workers (it pickles). :func:`apply` adds the registered documents and
data sets a message's text holds to the engine's :class:`~matchers.model.Decision`: one Finding
of kind ``fingerprint`` or ``exact_data`` in the registration's category, weighted to reach the
category's threshold, with evidence that names the registration and the counts, never values.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from matchers.exactdata import ExactDataIndex
from matchers.fingerprint import FingerprintIndex
from matchers.model import (
    Action,
    CategoryScore,
    Decision,
    Finding,
    Release,
    Segment,
    Severity,
    Verdict,
)
from matchers.scope import ScopeSet

__all__ = ["Registrations", "apply", "combined_version"]

#: Between segments when the message's text is matched as one stream (never inside a k-gram).
_SEPARATOR = "\n\n"
#: Threshold of a registration's category that the scope tables do not (or no longer) have.
_FALLBACK_THRESHOLD = 1


@dataclass(frozen=True)
class Registrations:
    """The registered documents and data sets, as the index knows them (hashes only)."""

    version: str = ""
    documents: FingerprintIndex | None = None
    data: ExactDataIndex | None = None

    def __bool__(self) -> bool:
        return bool((self.documents and len(self.documents)) or (self.data and len(self.data)))


def combined_version(scope_version: str, registrations: Registrations | None) -> str:
    """The scope version recorded on a case: the tables' own when nothing is registered."""
    if not registrations or not registrations.version:
        return scope_version
    joined = f"{scope_version}+{registrations.version}".encode()
    return hashlib.sha256(joined).hexdigest()


def _locate(
    segments: Sequence[Segment], offsets: Sequence[int], start: int, end: int
) -> tuple[int, int, int]:
    """(segment number, start, end) in that segment of a span of the joined text."""
    number = 0
    for i, offset in enumerate(offsets):
        if offset <= start:
            number = i
    base = offsets[number]
    length = len(segments[number].text)
    return number, max(0, start - base), max(0, min(length, end - base))


def apply(
    decision: Decision,
    segments: Sequence[Segment],
    registrations: Registrations | None,
    scope: ScopeSet,
) -> Decision:
    """``decision`` with the registered documents and data sets found in ``segments`` added."""
    version = combined_version(decision.scope_version, registrations)
    if not registrations or not segments:
        return dataclasses.replace(decision, scope_version=version)
    offsets: list[int] = []
    pieces: list[str] = []
    position = 0
    for segment in segments:
        offsets.append(position)
        pieces.append(segment.text)
        position += len(segment.text) + len(_SEPARATOR)
    text = _SEPARATOR.join(pieces)
    hits: list[tuple[str, str, str, tuple[tuple[int, int], ...]]] = []  # category, kind, rule
    if registrations.documents is not None:
        for doc in registrations.documents.match(text):
            percent = round(100 * doc.share)
            evidence = f"与登记文件《{doc.label}》重合 {percent}%（{doc.matched}/{doc.total}）"
            hits.append((doc.category, "fingerprint", evidence, doc.spans))
    if registrations.data is not None:
        for data in registrations.data.match(text):
            evidence = f"与登记数据《{data.label}》的 {data.rows} 行相符"
            hits.append((data.category, "exact_data", evidence, data.spans))
    if not hits:
        return dataclasses.replace(decision, scope_version=version)
    categories = {c.id: c for c in decision.categories}
    known = {c.id: c for c in scope.categories}
    findings = list(decision.findings)
    for category, kind, evidence, spans in hits:
        source = known.get(category)
        threshold = source.threshold if source is not None else _FALLBACK_THRESHOLD
        current = categories.get(category)
        if current is None:
            current = CategoryScore(
                id=category,
                name=source.name if source is not None else category,
                score=0,
                threshold=threshold,
                action=source.action if source is not None else Action.QUARANTINE,
                severity=source.severity if source is not None else Severity.HIGH,
                release=source.release if source is not None else Release.SINGLE,
            )
        categories[category] = dataclasses.replace(
            current, score=max(current.score + threshold, current.threshold)
        )
        for number, (start, end) in enumerate(spans or ((0, 0),)):
            index, s, e = _locate(segments, offsets, start, end)
            segment = segments[index]
            findings.append(
                Finding(
                    category=category,
                    kind=kind,
                    rule=evidence,
                    # a data value is never repeated in the evidence; a document's passage is
                    # the message's own text, which officers read anyway
                    match="" if kind == "exact_data" else segment.text[s:e],
                    location=segment.location,
                    start=s,
                    end=e,
                    context=evidence,
                    context_start=0,
                    context_end=0,
                    weight=threshold if number == 0 else 0,
                )
            )
    scored = tuple(categories.values())
    reached = {c.action for c in scored if c.triggered}
    if Action.REJECT in reached:
        verdict = Verdict.REJECT
    elif Action.QUARANTINE in reached or decision.unscannable:
        verdict = Verdict.QUARANTINE
    else:
        verdict = decision.verdict
    return dataclasses.replace(
        decision,
        verdict=verdict,
        categories=scored,
        findings=tuple(findings),
        scope_version=version,
    )
