"""Any text at all: the engine answers, and every finding points at what is written there."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from matchers.engine import Engine
from matchers.model import Segment, Verdict
from matchers.normalize import fold
from matchers.scope import load_scope

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


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT, repeat=st.integers(1, 12))
@example(text="关于干 部*调　整方案的通知，拆迁补偿 方案，工作秘密。", repeat=12)
def test_long_texts_find_what_the_chunked_translation_finds(
    engine: Engine, large_engine: Engine, text: str, repeat: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Texts from ``VECTOR_MIN`` characters on are translated with numpy arrays: the hits are
    exactly those of the chunked ``str.translate`` path, with one- and two-symbol codes."""
    import matchers.keywords

    folded = fold(text * repeat).text
    for keywords in (engine._keywords, large_engine._keywords):
        monkeypatch.setattr(matchers.keywords, "VECTOR_MIN", len(folded) + 1)
        chunked = keywords.find(folded)
        if "干 部*调" in text:  # the example: squeezed hits across chunks, so a test that can fail
            assert sum(hit.squeezed for hit in chunked) >= 12
        monkeypatch.setattr(matchers.keywords, "VECTOR_MIN", 0)
        assert keywords.find(folded) == chunked


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT, repeat=st.integers(1, 12))
@example(text="關於網上訪談的通知，ＡＢＣ１２３。", repeat=20)
def test_long_texts_fold_as_the_translation_does(
    text: str, repeat: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long texts are folded through the table as a numpy array when nothing is dropped or
    expanded; the result, map back included, is that of the general path."""
    import matchers.normalize

    text *= repeat
    monkeypatch.setattr(matchers.normalize, "VECTOR_MIN", len(text) + 1)
    general = fold(text)
    monkeypatch.setattr(matchers.normalize, "VECTOR_MIN", 1)
    assert fold(text) == general
    if text.startswith("關於"):  # the example: folded on the vectorised path, so it can fail
        assert general.text.startswith("关于网上访谈的通知,abc123。") and not general.f_starts


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_fold_offsets_stay_in_range_and_ordered(text: str) -> None:
    folded = fold(text)
    previous = 0
    for i in range(len(folded.text)):
        start, end = folded.to_original(i, i + 1)
        assert previous <= start < end <= len(text)
        previous = start


# Pieces around the context scan and the probed detectors: draft and circulation markers, a
# pending 研究, drafting-form fields, quotes that cancel a marker, topic words and names.
CONTEXT_PIECES = st.sampled_from(
    ["征求意见稿", "讨论稿", "仅供参阅", "请勿外传", "此件不公开", "内部资料", "研究", "待党组研究",
     "将于下周研究", "上会研究", "研究前", "\n拟稿人：张伟", "\n核稿：王芳", "\t会签\t",
     "\n签发人：李强", " 拟办：", "承办单位\t", "“", "”", "《", "》", "公开征求意见", "征收",
     "补偿款", "\n", " ", "，", "特此公告", "公示期", "请 勿 外 传", "内部\n资料", "稿", "待",
     "此件", "本件", "不公开", "属于工作秘密", "属工作", "秘密", "内部参阅", "材料", "内部参"]
)  # fmt: skip
CONTEXT_TEXT = st.lists(st.one_of(CONTEXT_PIECES, st.text(max_size=3)), max_size=30).map("".join)
# A topic word alone (50) or with internal evidence (+60) or two circulation limits (100).
CONTEXT_TABLE = """
id = "land"
name = "征地拆迁"
threshold = 100
[[terms]]
words = ["征收", "补偿款"]
weight = 50
[[patterns]]
detector = "circulation_marker"
min_count = 2
weight = 100
[[patterns]]
regex = '(?<![“"])(?:此件|本件)\\s*(?:不公开|属于?工作秘密)(?![”"])'
weight = 100
[[patterns]]
regex = '(?<![“"])内部参阅(?:材料)+'
weight = 100
[context]
internal = 60
internal_min = 40
public = "discount"
"""


@pytest.fixture(scope="module")
def context_engines(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Engine]:
    """A table that uses the context, compiled with probes and without (every scan runs on
    every segment)."""
    directory = tmp_path_factory.mktemp("scope")
    (directory / "land.toml").write_text(CONTEXT_TABLE, encoding="utf-8")
    scope = load_scope(directory)
    return Engine.compile(scope), Engine.compile(scope, probes=False)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(CONTEXT_TEXT, min_size=1, max_size=3))
@example(texts=["征收方案", "拟稿人：张伟\n核稿：王芳\n签发人：李强"])  # a drafting form
@example(texts=["补偿款待党组研究"])  # a matter still to be decided
@example(texts=["仅供参阅，请勿外传"])  # two circulation limits
@example(texts=["征收", "本件 属于工作秘密", "内部参阅材料材料"])  # probed table regexes
def test_probes_never_change_a_decision(
    context_engines: tuple[Engine, Engine], texts: list[str]
) -> None:
    """Skipping the context scan and probed detectors where their words are absent is only
    a saving: the decision is the one every scan on every segment gives."""
    probed, unprobed = context_engines
    segments = [Segment(f"附件 {i}.docx › 正文", text) for i, text in enumerate(texts)]
    assert probed.decide(segments) == unprobed.decide(segments)
