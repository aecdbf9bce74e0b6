"""Folding and the offset map back to the original text."""

from __future__ import annotations

import pytest

from matchers.normalize import fold, gap_allowed


@pytest.mark.parametrize(
    ("original", "folded"),
    [
        ("干\u200b部\u200d调\u2060整", "干部调整"),  # zero-width space/joiner, word joiner
        ("\u202e干部\u202c调整\u00ad", "干部调整"),  # bidi override, soft hyphen
        ("干\ufe0f部\U000e0101", "干部"),  # variation selectors (BMP and plane 14)
        ("ＡＢＣ１２３", "abc123"),  # full width, case fold
        ("①②③", "123"),  # circled digits (NFKC)
        ("⼯作秘密", "工作秘密"),  # Kangxi radical U+2F2F
        ("⻔卫", "门卫"),  # CJK Radicals Supplement U+2ED4
        ("徵地拆遷補償方案", "征地拆迁补偿方案"),  # traditional → simplified, per character
        ("⑴干部", "(1)干部"),  # one character expands to three
    ],
)
def test_fold(original: str, folded: str) -> None:
    assert fold(original).text == folded


def test_offsets_map_back_through_drops_and_expansions() -> None:
    original = "⑴\u200b干部\u200b调整"
    folded = fold(original)
    start = folded.text.index("干部调整")
    s, e = folded.to_original(start, start + 4)
    assert original[s:e] == "干部\u200b调整"
    s, e = folded.to_original(0, 3)  # "(1)" comes from the single ⑴
    assert original[s:e] == "⑴"


def test_plain_text_keeps_offsets() -> None:
    folded = fold("普通文本，没有需要丢弃的字符。")
    assert folded.to_original(2, 4) == (2, 4)


@pytest.mark.parametrize("gap", ["", " ", "*", "·", "\n", "\r\n    ", " * "])
def test_gaps_a_squeeze_may_skip(gap: str) -> None:
    assert gap_allowed(gap)


@pytest.mark.parametrize("gap", ["。", "！", "?", "\n\n", "\r\n\r\n", "****", " " * 41, "，、；："])
def test_gaps_a_squeeze_may_not_skip(gap: str) -> None:
    assert not gap_allowed(gap)
