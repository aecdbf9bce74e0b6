"""Any text at all: the engine answers, and every finding points at what is written there."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchers.engine import Engine
from matchers.model import Segment, Verdict
from matchers.normalize import fold

# Text built from pieces that exercise every path: sensitive words, separators the squeeze
# skips, invisible characters, expansions (⑴, …), full-width digits, stars and random text.
PIECES = st.sampled_from(
    ["干部调整方案", "拆迁", "补偿", "方案", "工作秘密", "机密", "★", "\n", " ", "。", "*",
     "\u200b", "\u202e", "⑴", "…", "１１０１０５", "\ufe0f", "\U000e0101", "维稳", "思维", "\r\n",
     "\x00", "網上\n訪談", "越级上访", "\U00030000", "新闻稿", "征收", "\ud800"]
)  # fmt: skip
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=40).map("".join)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_findings_point_into_the_original(engine: Engine, text: str) -> None:
    decision = engine.decide([Segment("正文", text)])
    assert decision.verdict in set(Verdict)
    for finding in decision.findings:
        assert 0 <= finding.start <= finding.end <= len(text)
        assert finding.match == text[finding.start : finding.end]
        assert finding.context[finding.context_start : finding.context_end] == finding.match


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_large_alphabet_engine_agrees_with_the_default_one(
    engine: Engine, large_engine: Engine, text: str
) -> None:
    """Two-symbol codes find exactly what one-symbol codes find for the same tables."""
    small = engine.decide([Segment("正文", text)])
    large = large_engine.decide([Segment("正文", text)])
    assert large.verdict == small.verdict
    assert [f for f in large.findings if f.category != "large"] == list(small.findings)
    for finding in large.findings:
        assert finding.match == text[finding.start : finding.end]


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_fold_offsets_stay_in_range_and_ordered(text: str) -> None:
    folded = fold(text)
    previous = 0
    for i in range(len(folded.text)):
        start, end = folded.to_original(i, i + 1)
        assert previous <= start < end <= len(text)
        previous = start
