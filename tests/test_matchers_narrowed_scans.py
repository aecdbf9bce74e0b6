"""Round 42's faster scans find exactly what the whole-text scans they replace found.

The literal context scans run in a remapped alphabet (:class:`matchers.keywords.Literals`), the
statement forms only around their gate words (``context._gated``), the line-anchored markings
only on lines holding their word (``detectors._on_lines``) and pairs of names only before a 、
(``roster._pairs``). Each is compared here with the plain scan on text made of the words the
scans look for, their pieces and ordinary characters, at both sizes (short texts take the plain
automaton, long ones the remapped one).
"""

from __future__ import annotations

import ahocorasick
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers import context, detectors, roster
from matchers.keywords import VECTOR_MIN, Literals

WORDS = [
    "此件不公开",
    "本件属工作秘密",
    "秘密★",
    "机密",
    "内部资料",
    "欧阳明",
    "王大",
    "、",
    "请勿外传",
]
PIECES = [
    *WORDS,
    "秘",
    "密",
    "公开",
    "本",
    "此件",
    "\n",
    " ",
    "　",
    "【",
    "】",
    "，",
    "x",
    "的",
    "定为",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=400).map("".join)


def plain(words: list[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_literals_find_what_a_plain_automaton_finds(text: str) -> None:
    literals, automaton = Literals((w, w) for w in WORDS), plain(WORDS)
    long = text * (VECTOR_MIN // max(len(text), 1) + 1)  # the remapped path as well
    for sample in (text, long):
        assert list(literals.iter(sample)) == list(automaton.iter(sample))
        assert list(literals.iter_long(sample)) == list(automaton.iter_long(sample))


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_narrowed_scans_match_the_whole_text_scans(text: str) -> None:
    statements = sorted(
        (m.span() for p in context._STATEMENTS for m in p.finditer(text)), key=lambda s: s[0]
    )
    gated = context._gated(context._STATEMENTS, context._STATEMENT_GATE, text)
    assert [m.span() for m in gated] == statements
    for pattern, word in ((detectors._BARE, detectors._LEVEL_WORD),
                          (detectors._INTERNAL_ALONE, detectors._INTERNAL_WORD)):  # fmt: skip
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in detectors._on_lines(pattern, word, text)] == expected
    assert [m.span() for m in roster._pairs(text)] == [
        m.span() for m in roster._PAIR.finditer(text)
    ]
