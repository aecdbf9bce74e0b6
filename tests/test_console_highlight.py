"""Highlighting: escaped text plus ``<mark>`` around hits, whatever the text and offsets."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from gateway.console.highlight import Span, highlight, highlight_context, highlight_segments


def test_hits_are_marked_and_text_escaped() -> None:
    text = "<b>征地拆迁补偿方案</b> & 其他"
    out = str(highlight(text, [Span(3, 11, "land")]))
    assert (
        out
        == '&lt;b&gt;<mark class="hit" title="land">征地拆迁补偿方案</mark>&lt;/b&gt; &amp; 其他'
    )


def test_overlapping_hits_merge_and_keep_both_categories() -> None:
    out = str(highlight("拟提拔考察对象", [Span(0, 3, "personnel"), Span(2, 7, "roster")]))
    assert out == '<mark class="hit" title="personnel roster">拟提拔考察对象</mark>'


def test_offsets_outside_the_text_are_clipped_or_dropped() -> None:
    assert str(highlight("abc", [Span(2, 99, "x"), Span(50, 60, "y"), Span(-5, 1, "z")])) == (
        '<mark class="hit" title="z">a</mark>b<mark class="hit" title="x">c</mark>'
    )


def test_a_category_id_cannot_break_out_of_its_attribute() -> None:
    out = str(highlight("abc", [Span(0, 1, '"><script>')]))
    assert "<script>" not in out and "&#34;&gt;&lt;script&gt;" in out


def test_segments_get_only_their_own_findings() -> None:
    segments = [
        {"location": "正文", "text": "含拆迁方案"},
        {"location": "附件 a.docx", "text": "拆迁方案"},
    ]
    findings = [{"category": "land", "location": "附件 a.docx", "start": 0, "end": 4}]
    body, attachment = highlight_segments(segments, findings)
    assert (body.hits, attachment.hits) == (0, 1)
    assert "<mark" not in str(body.html) and str(attachment.html).startswith("<mark")


def test_context_snippets_mark_their_own_hit() -> None:
    finding = {
        "category": "land",
        "context": "报送《拆迁方案》",
        "context_start": 3,
        "context_end": 7,
    }
    assert (
        str(highlight_context(finding)) == '报送《<mark class="hit" title="land">拆迁方案</mark>》'
    )


@given(
    text=st.text(max_size=200),
    spans=st.lists(st.tuples(st.integers(-10, 220), st.integers(-10, 220)), max_size=8),
)
def test_marking_never_changes_or_unescapes_the_text(
    text: str, spans: list[tuple[int, int]]
) -> None:
    out = str(highlight(text, [Span(a, b, "c") for a, b in spans]))
    assert html.unescape(re.sub(r"</?mark[^>]*>", "", out)) == text
    assert re.sub(r"</?mark[^>]*>", "", out).count("<") == 0
