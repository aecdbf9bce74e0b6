"""Words a table regex cannot match without: the pre-check that lets the engine skip it."""

from __future__ import annotations

import re

import pytest

from matchers.prefilter import required_words


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        # a lookbehind gives the regex engine nothing to skip ahead to; the words do
        (r'(?<![“"])内部参阅(?![”"])', {"内部参阅"}),
        (r"(?:此件|本件)\s*(?:不公开|属于?工作秘密)", {"不公开", "工作秘密"}),
        (r"密\s*级\s*[:：]\s*(?:绝密|机密|秘密)", {"绝密", "机密", "秘密"}),
        (r"x(?:ab)+y", {"ab"}),
        # nothing every match must contain (or only single characters): always run
        (r"[（(]\s*(?:此件|本件)?\s*不予?\s*公\s*开\s*[）)]", None),
        (r"a(?:bc)?d", None),
        (r"(?:abc){0,2}", None),
        (r"abc|", None),
        (r"ab|c", None),
        (r"(?i)abc", None),  # case-insensitive: the literal is not what stands in the text
        (r"a(?i:bc)d", None),
        (r"[", None),  # not a regex (the scope loader reports it)
    ],
)
def test_required_words(pattern: str, words: set[str] | None) -> None:
    assert required_words(pattern) == (None if words is None else frozenset(words))


@pytest.mark.parametrize(
    "pattern", [r'(?<![“"])内部参阅', r"(?:此件|本件)\s*(?:不公开|属于?工作秘密)", r"x(?:ab)+y"]
)
@pytest.mark.parametrize(
    "text",
    ["内部参阅", "“内部参阅", "本件 属于工作秘密", "此件不公开", "xababy", "xy", "内部 参阅"],
)
def test_every_match_contains_a_required_word(pattern: str, text: str) -> None:
    words = required_words(pattern)
    assert words is not None
    for match in re.finditer(pattern, text):
        assert any(word in match.group() for word in words)
