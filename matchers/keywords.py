"""The keyword automaton: every scope word of every table in one pyahocorasick automaton.

Why the alphabet is remapped. pyahocorasick stores a trie node's children as an unsorted array
and finds a child by linear search (``trienode_get_next``). With thousands of distinct first
characters the root has thousands of children, and every character of the text that does not
continue a match is looked up at the root: measured here, 10,000 Chinese terms scan at about
7 MB/s against 180 MB/s for a hundred. Splitting the terms into buckets by first character would
mean one pass over the text per bucket, so instead the *text* is translated (one C-speed
``str.translate``) into a small private alphabet before the scan:

- every character that occurs in some scope word gets a dense code, ranked by how common the
  character is in Chinese (character frequencies summed from jieba's dictionary), and the codes
  are made children of the root in rank order, so a common character is found after a few
  comparisons;
- every other character becomes one separator code, inserted as the root's *first* child, so
  most of the text costs one comparison per character;
- whitespace, punctuation, symbols and marks are deleted in the same translation: that is the
  squeezed view in which ``干 部 调 整`` and ``干*部*调*整`` read ``干部调整``.

Up to :data:`SINGLE_MAX` distinct characters (the default tables use about 200) a code is one
symbol. Above that (10,000 terms use about 3,400 characters) a rank ``r`` becomes two symbols,
``HI[r // b]`` then ``LO[r % b]`` with ``b = ceil(sqrt(n))``: no node then has more than about
60 children, and the frequent characters sit at the front of both levels. Because HI and LO
symbols are disjoint and only HI symbols start a word, a match can never start in the middle of
a character. The root children that no word starts with are dead ends (``code + NEVER``) that
only exist to fix the order.

Hits come back as spans of the folded text; the squeeze is undone and bounded per hit
(:func:`matchers.normalize.gap_allowed`). Figures: ``benchmarks/matcher.py``.
"""

from __future__ import annotations

import math
import sys
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import compress
from pathlib import Path
from typing import Any

import ahocorasick
import numpy as np
import numpy.typing as npt

from matchers.normalize import TABLE_SIZE, gap_allowed

SEP = "\x01"  # every character no scope word contains
NEVER = "\x02"  # never produced by the translation: ends the ordering-only paths
CODE_BASE = 0x100
CHUNK = 256  # folded characters translated at a time (see :meth:`Keywords.find`)
VECTOR_MIN = 256  # from this many characters on, the translation is done with numpy arrays
SINGLE_MAX = 256  # alphabets up to this size use one symbol per character


@dataclass(frozen=True, slots=True)
class KeywordHit:
    """A word found in the folded text: ``[start, end)`` and the index of the word."""

    start: int
    end: int
    word: int
    squeezed: bool  # skipped whitespace or punctuation inside the hit


@cache
def _skip_mask() -> bytes:
    """Which code points the squeeze deletes: whitespace, punctuation, symbols, marks, controls
    (and unassigned or private-use code points); planes 0–2 by category, plane 3 (CJK
    ideographs) kept, planes 4–16 (unassigned, tags, private use) deleted."""
    low = bytes(unicodedata.category(chr(code))[0] in "ZPSMC" for code in range(TABLE_SIZE))
    return low + bytes(0x10000) + b"\x01" * (sys.maxunicode + 1 - TABLE_SIZE - 0x10000)


@cache
def char_ranks() -> dict[str, int]:
    """Chinese characters by frequency (most common first), from jieba's dictionary."""
    import jieba

    counts: Counter[str] = Counter()
    path = Path(jieba.__file__).parent / "dict.txt"
    try:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                word, freq, *_ = line.split(" ")
                n = int(freq)
                for ch in word:
                    counts[ch] += n
    except (OSError, ValueError):  # pragma: no cover - jieba without its dictionary
        return {}
    return {ch: i for i, (ch, _) in enumerate(counts.most_common())}


class Keywords:
    """An automaton over squeezed scope words; :meth:`find` scans folded text."""

    def __init__(self, words: Sequence[str]) -> None:
        """``words`` are already squeezed (see :func:`matchers.scope.squeeze`), distinct."""
        self.words = tuple(words)
        ranks = char_ranks()
        alphabet = sorted(
            {ch for w in self.words for ch in w}, key=lambda c: (ranks.get(c, len(ranks)), c)
        )
        self.width = 1 if len(alphabet) <= SINGLE_MAX else 2
        self.codes = _codes(alphabet, self.width)
        mask = _skip_mask()
        # Whole-Unicode tables (shared objects, ~9 MB of pointers): every character has an
        # entry, so the width of the translation never depends on the text.
        separator = SEP * self.width
        table: list[str | None] = [None if skip else separator for skip in mask]
        for ch, code in self.codes.items():
            table[ord(ch)] = code
        self._table = table
        # The same translation as arrays, for long texts (see :meth:`_coded`): whether the
        # squeeze keeps each code point, and its code symbols (all below the surrogates).
        keeps = np.frombuffer(mask, np.uint8) == 0
        symbols = np.full((len(mask), self.width), ord(SEP), np.uint16)
        for ch, code in self.codes.items():
            keeps[ord(ch)] = True
            symbols[ord(ch)] = [ord(c) for c in code]
        self._keeps = keeps
        self._symbols = symbols
        # "\x01" where the squeeze keeps a character: the positions of the kept characters
        self._keep = mask.translate(bytes.maketrans(b"\x00\x01", b"\x01\x00")).decode("latin-1")
        self._automaton = self._build(alphabet)

    def _build(self, alphabet: list[str]) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        automaton.add_word(SEP + NEVER, None)  # the separator is the root's first child
        by_first: dict[str, list[int]] = {}
        for index, word in enumerate(self.words):
            by_first.setdefault(word[0], []).append(index)
        for ch in alphabet:  # root children (and second symbols) in frequency order
            indexes = by_first.get(ch)
            if not indexes:
                automaton.add_word(self.codes[ch] + NEVER, None)
                continue
            indexes.sort(key=lambda i: [self.codes[c] for c in self.words[i]])
            for index in indexes:
                key = self.encode(self.words[index])
                automaton.add_word(key, (index, len(key)))
        automaton.make_automaton()
        return automaton

    def encode(self, word: str) -> str:
        return "".join(self.codes[ch] for ch in word)

    def find(self, folded: str) -> list[KeywordHit]:
        """Every occurrence of every word in ``folded`` whose squeeze stays within bounds."""
        if len(folded) >= VECTOR_MIN:
            coded, kept_at = self._coded(folded)
            raw = self._scan(coded)
            if not raw:
                return []

            def kept_position(c: int) -> int:  # the folded offset of the c-th kept character
                return int(kept_at[c])

            return self._hits(folded, raw, kept_position)
        # Translate in chunks so that a hit can be mapped back by looking at its own chunk
        # only: mapping the whole text would cost a Python step per punctuation run.
        chunks = [folded[i : i + CHUNK] for i in range(0, len(folded), CHUNK)]
        coded_chunks = [chunk.translate(self._table) for chunk in chunks]
        width = self.width
        starts = [0]  # squeezed position where each chunk starts
        for coded in coded_chunks:
            starts.append(starts[-1] + len(coded) // width)
        raw = self._scan("".join(coded_chunks))
        if not raw:
            return []
        kept: dict[int, list[int]] = {}

        def position(c: int) -> int:
            k = bisect_right(starts, c) - 1
            if k not in kept:
                kept[k] = self._kept(chunks[k])
            return k * CHUNK + kept[k][c - starts[k]]

        return self._hits(folded, raw, position)

    def _coded(self, folded: str) -> tuple[str, npt.NDArray[np.intp]]:
        """The translation of a long text, vectorised: the coded text and, for each squeezed
        position, the folded offset of the character kept there (the same as
        ``str.translate(self._table)``, which costs a Python object per character)."""
        points = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), np.uint32)
        kept_at = np.flatnonzero(self._keeps[points])
        coded = self._symbols[points[kept_at]].tobytes().decode("utf-16-le")
        return coded, kept_at

    def _scan(self, coded: str) -> list[tuple[int, int, int]]:
        """The automaton's hits in ``coded``: squeezed ``[start, end)`` and the word's index."""
        width = self.width
        return [
            ((end + 1 - length) // width, (end + 1) // width, index)
            for end, value in self._automaton.iter(coded)
            if value is not None
            for index, length in (value,)
        ]

    def _hits(
        self, folded: str, raw: list[tuple[int, int, int]], position: Callable[[int], int]
    ) -> list[KeywordHit]:
        hits: list[KeywordHit] = []
        for cstart, cend, index in raw:
            first = position(cstart)
            last = position(cend - 1)
            if last - first == cend - 1 - cstart:
                hits.append(KeywordHit(first, last + 1, index, False))
                continue
            previous = first
            for c in range(cstart + 1, cend):
                current = position(c)
                if not gap_allowed(folded[previous + 1 : current]):
                    break
                previous = current
            else:
                hits.append(KeywordHit(first, last + 1, index, True))
        return hits

    def _kept(self, chunk: str) -> list[int]:
        """Offsets in ``chunk`` of the characters the squeeze keeps."""
        flags = chunk.translate(self._keep).encode("latin-1")
        return list(compress(range(len(chunk)), flags))

    def __len__(self) -> int:
        return len(self.words)


class Literals:
    """An automaton over words as written (no squeeze), scanned in the remapped alphabet.

    The context scans look for a few hundred literal words (markers, anchors) at their exact
    offsets. A plain pyahocorasick automaton over them has a root with hundreds of children,
    searched linearly for every character of the text (about 100 ns a character). Here, as in
    :class:`Keywords`, the text is first translated (numpy, one array lookup) into one symbol per
    character: the words' characters get dense codes in frequency order, every other character
    becomes the separator, the root's first child. Nothing is deleted, so offsets are the text's
    own. Short texts go to a plain automaton over the same words (the translation would cost
    more than it saves). :meth:`iter` and :meth:`iter_long` answer as pyahocorasick's do."""

    def __init__(self, entries: Iterable[tuple[str, object]]) -> None:
        pairs = dict(entries)
        self._plain = ahocorasick.Automaton()
        for word, value in pairs.items():
            self._plain.add_word(word, value)
        self._plain.make_automaton()
        ranks = char_ranks()
        alphabet = sorted(
            {ch for word in pairs for ch in word}, key=lambda c: (ranks.get(c, len(ranks)), c)
        )
        codes = {ch: chr(CODE_BASE + i) for i, ch in enumerate(alphabet)}
        # code points above the last one of the alphabet all read as the separator
        top = max(map(ord, alphabet), default=0) + 1
        symbols = np.full(top + 1, ord(SEP), np.uint16)
        for ch, code in codes.items():
            symbols[ord(ch)] = ord(code)
        self._symbols = symbols
        self._top = top
        automaton = ahocorasick.Automaton()
        automaton.add_word(SEP + NEVER, None)  # the separator is the root's first child
        by_first: dict[str, list[str]] = {}
        for word in pairs:
            by_first.setdefault(word[0], []).append(word)
        for ch in alphabet:
            words = by_first.get(ch)
            if not words:
                automaton.add_word(codes[ch] + NEVER, None)
                continue
            for word in sorted(words, key=lambda w: [codes[c] for c in w]):
                automaton.add_word("".join(codes[c] for c in word), pairs[word])
        automaton.make_automaton()
        self._coded = automaton

    def _code(self, text: str) -> str:
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
        return self._symbols[np.minimum(points, self._top)].tobytes().decode("utf-16-le")

    def iter(self, text: str) -> Iterator[tuple[int, Any]]:
        """Every occurrence: ``(index of its last character, value)``."""
        if len(text) < VECTOR_MIN:
            return self._plain.iter(text)
        return self._coded.iter(self._code(text))

    def iter_long(self, text: str) -> Iterator[tuple[int, Any]]:
        """Leftmost-longest occurrences, without overlaps."""
        if len(text) < VECTOR_MIN:
            return self._plain.iter_long(text)
        return self._coded.iter_long(self._code(text))

    def __len__(self) -> int:
        return len(self._plain)


def _codes(alphabet: list[str], width: int) -> dict[str, str]:
    """Each character's code: one symbol, or a HI and a LO symbol (see the module docstring)."""
    if width == 1:
        return {ch: chr(CODE_BASE + i) for i, ch in enumerate(alphabet)}
    base = math.isqrt(len(alphabet) - 1) + 1  # ceil(sqrt(n))
    low = CODE_BASE + (len(alphabet) + base - 1) // base  # LO symbols follow the HI ones
    return {ch: chr(CODE_BASE + i // base) + chr(low + i % base) for i, ch in enumerate(alphabet)}
