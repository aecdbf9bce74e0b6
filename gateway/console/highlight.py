"""Highlighted text for officers: escaped text with each hit wrapped in ``<mark>``.

The HTML is built here from the escaped extracted text and the findings' offsets, never by
rendering the message's own HTML, so nothing a sender wrote can become markup, load a resource
or run a script.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    label: str  # category id(s), or their Chinese names when known: the mark's title


def _merged(spans: Iterable[Span], length: int) -> list[Span]:
    """Clip to the text, drop empty spans, merge overlaps (two rules can hit the same words)."""
    clipped = sorted(
        (Span(max(0, s.start), min(length, s.end), s.label) for s in spans if s.end > s.start),
        key=lambda s: (s.start, s.end),
    )
    merged: list[Span] = []
    for span in clipped:
        if span.end <= span.start:
            continue
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            labels = (
                last.label if span.label in last.label.split() else f"{last.label} {span.label}"
            )
            merged[-1] = Span(last.start, max(last.end, span.end), labels)
        else:
            merged.append(span)
    return merged


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` escaped, with each span in ``<mark class="hit" title="category">``."""
    out: list[str] = []
    pos = 0
    for span in _merged(spans, len(text)):
        out.append(str(escape(text[pos : span.start])))
        out.append(
            f'<mark class="hit" title="{escape(span.label)}">{escape(text[span.start : span.end])}</mark>'
        )
        pos = span.end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


@dataclass(frozen=True, slots=True)
class HighlightedSegment:
    location: str
    html: Markup
    hits: int


def _label(finding: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The mark's title: the category's Chinese name with its id, or the id alone."""
    category = str(finding.get("category", ""))
    name = names.get(category)
    return f"{name}（{category}）" if name and name != category else category


def highlight_segments(
    segments: Sequence[Mapping[str, Any]],
    findings: Sequence[Mapping[str, Any]],
    names: Mapping[str, str] | None = None,
) -> list[HighlightedSegment]:
    """Every extracted segment with the hits that point into it (``names``: category id →
    Chinese name, for the marks' titles)."""
    names = names or {}
    out: list[HighlightedSegment] = []
    for segment in segments:
        location = str(segment.get("location", ""))
        text = str(segment.get("text", ""))
        spans = [
            Span(int(f.get("start", 0)), int(f.get("end", 0)), _label(f, names))
            for f in findings
            if f.get("location") == location
        ]
        out.append(HighlightedSegment(location, highlight(text, spans), len(spans)))
    return out


def highlight_context(finding: Mapping[str, Any], names: Mapping[str, str] | None = None) -> Markup:
    """A finding's context snippet with its own hit marked."""
    context = str(finding.get("context", ""))
    span = Span(
        int(finding.get("context_start", 0)),
        int(finding.get("context_end", 0)),
        _label(finding, names or {}),
    )
    return highlight(context, [span])
