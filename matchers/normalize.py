"""Normalisation: the folded view of a text and the map back to the original offsets.

Folding, per character, in this order (DESIGN "Normalisation"):

1. drop invisible format characters: category ``Cf`` (zero-width space/joiners, bidi controls,
   soft hyphen, BOM, tag characters), variation selectors (U+FE00–FE0F, U+E0100–E01EF) and the
   blank Hangul fillers that render as nothing;
2. NFKC (UAX #15): full-width → half-width, ① → 1, Kangxi radicals ⼯ → 工 (U+2F00–2FDF carry
   compatibility decompositions);
3. CJK Radicals Supplement (U+2E80–2EFF) → the unified ideograph it stands for; only two of
   these have an NFKC mapping, so the rest come from :data:`RADICALS` (after Unicode's
   EquivalentUnifiedIdeograph.txt);
4. traditional → simplified with OpenCC ``t2s``, character by character so the text keeps its
   length (phrase-level conversion would shift offsets; a character is kept if OpenCC would
   change its length);
5. case folding.

Everything is precomputed into one translation table, so folding a text is one
``str.translate`` (C speed) and the offset map is built only from the rare characters that are
dropped or expand into several characters (``⑴`` → ``(1)``). Offsets of everything found in the
folded view map back to the original text with :meth:`Folded.to_original`.

The *squeezed* view (whitespace, punctuation, symbols and combining marks removed) is not
materialised here: :mod:`matchers.keywords` deletes those characters while it translates the
folded text into the automaton's alphabet, and :func:`gap_allowed` bounds what a squeeze may
skip inside one hit.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

#: Code points the tables cover; above it characters are left as they are (planes 3–13 hold
#: only rare ideographs). Plane 14 tags and variation selectors are dropped by a second look.
TABLE_SIZE = 0x30000

#: CJK Radicals Supplement → unified ideograph (Unicode EquivalentUnifiedIdeograph.txt; the
#: radicals with no ideograph in the BMP basic block are left out).
RADICALS = {
    "⺁": "厂", "⺂": "乛", "⺃": "乚", "⺄": "乙", "⺅": "亻", "⺆": "冂", "⺇": "几",
    "⺉": "刂", "⺊": "卜", "⺋": "㔾", "⺌": "小", "⺎": "兀", "⺏": "尣", "⺐": "尢",
    "⺒": "巳", "⺓": "幺", "⺔": "彑", "⺕": "彐", "⺖": "忄", "⺗": "㣺", "⺘": "扌",
    "⺙": "攵", "⺛": "旡", "⺜": "日", "⺝": "月", "⺞": "歺", "⺟": "母", "⺠": "民",
    "⺡": "氵", "⺢": "氺", "⺣": "灬", "⺤": "爫", "⺥": "爫", "⺦": "丬", "⺧": "牛",
    "⺨": "犭", "⺩": "王", "⺪": "疋", "⺫": "罒", "⺬": "示", "⺭": "礻", "⺮": "竹",
    "⺯": "糸", "⺰": "纟", "⺲": "罒", "⺳": "㓁", "⺶": "羊", "⺷": "羊", "⺹": "耂",
    "⺺": "肀", "⺻": "聿", "⺼": "月", "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹",
    "⻁": "虎", "⻂": "衤", "⻃": "覀", "⻄": "西", "⻅": "见", "⻆": "角", "⻈": "讠",
    "⻉": "贝", "⻊": "足", "⻋": "车", "⻌": "辶", "⻍": "辶", "⻎": "辶", "⻏": "阝",
    "⻐": "钅", "⻑": "长", "⻒": "镸", "⻓": "长", "⻔": "门", "⻖": "阝", "⻗": "雨",
    "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻟": "饣",
    "⻠": "饣", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤",
    "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻫": "齐", "⻬": "齐", "⻭": "齿", "⻮": "齿",
    "⻯": "龙", "⻰": "龙", "⻱": "龟", "⻲": "龟", "⻳": "龟",
}  # fmt: skip

#: Letters that render as nothing and are used to split words (Hangul fillers, Mongolian
#: vowel separator) although they are not category Cf.
BLANK_LETTERS = "\u115f\u1160\u3164\uffa0\u180e"

#: Ranges OpenCC is asked about: CJK Unified Ideographs, Extension A, compatibility
#: ideographs and Extension B.
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2A6E0))

#: Characters a squeeze may not skip: sentence ends (a hit never spans two sentences).
SENTENCE_ENDS = frozenset("。！？!?\u2028\u2029")
#: How much a squeeze may skip between two consecutive characters of one hit: each skipped
#: non-space character costs 1, each run of whitespace costs 1 (a line break plus indentation
#: is one run), and a gap is never longer than :data:`MAX_GAP_CHARS` characters.
MAX_GAP_COST = 3
MAX_GAP_CHARS = 40


def _invisible(ch: str) -> bool:
    code = ord(ch)
    return (
        unicodedata.category(ch) == "Cf"
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or ch in BLANK_LETTERS
    )


def _t2s_table() -> dict[str, str]:
    """Traditional → simplified per character, keeping only length-preserving conversions."""
    import opencc  # imported here: building the table is the only use

    converter = opencc.OpenCC("t2s")
    chars = [chr(c) for lo, hi in _CJK_RANGES for c in range(lo, hi)]
    # One call for all characters; the newline keeps OpenCC from reading phrases across them.
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC changed the separators
        converted = [converter.convert(ch) for ch in chars]
    return {a: b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


def _fold_char(ch: str, t2s: dict[str, str]) -> str:
    out = []
    for part in unicodedata.normalize("NFKC", ch):
        part = RADICALS.get(part, part)
        part = t2s.get(part, part)
        out.append(part.casefold())
    folded = "".join(out)
    if len(folded) > 1 and all(unicodedata.category(c)[0] in "PZS" for c in folded):
        # … → "..." would shift offsets for nothing: punctuation only separates words, so one
        # character of it does the same job (the squeeze deletes it either way).
        return folded[0]
    return folded


#: What the table turns a dropped character into: it keeps the length, so a text with nothing
#: to drop or expand is recognised by ``len`` and one ``in`` test (C speed) after the translation.
DROPPED = "\x00"


@cache
def fold_table() -> tuple[list[str | int], re.Pattern[str]]:
    """The translation table and a pattern matching every character it drops or expands.

    Unchanged characters map to their own ordinal (small ints, not one string object each).
    """
    t2s = _t2s_table()
    table: list[str | int] = list(range(TABLE_SIZE))
    nonlinear: list[int] = [0]  # a real NUL takes the slow path, where it stays a NUL
    for code in range(TABLE_SIZE):
        ch = chr(code)
        if _invisible(ch):
            table[code] = DROPPED
            nonlinear.append(code)
            continue
        folded = _fold_char(ch, t2s)
        if folded != ch:
            table[code] = folded
            if len(folded) != 1:
                nonlinear.append(code)
    pattern = _char_class(nonlinear) + "|" + _BEYOND.pattern
    return table, re.compile(pattern)


#: From this many characters on, :func:`fold` tries the table as a numpy array first.
VECTOR_MIN = 256


@cache
def _fold_points() -> npt.NDArray[np.uint32]:
    """The fold table as code points for :func:`fold`'s vectorised path: the one character
    each code point folds to, or 0 where it is dropped or expanded (and for NUL itself), which
    sends the text down the general path."""
    table, _ = fold_table()
    points = np.zeros(TABLE_SIZE, np.uint32)
    for code, out in enumerate(table):
        if isinstance(out, int):
            points[code] = out
        elif len(out) == 1 and out != DROPPED:
            points[code] = ord(out)
    return points


#: Characters above the table that are invisible: plane 14 tags and variation selectors.
_BEYOND = re.compile("[\U000e0000-\U000e0fff]")


def _char_class(codes: list[int]) -> str:
    """A regex character class for sorted code points, collapsed into ranges."""
    parts: list[str] = []
    start = prev = codes[0]
    for code in [*codes[1:], sys.maxunicode + 2]:
        if code == prev + 1:
            prev = code
            continue
        parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
        start = prev = code
    return "[" + "".join(parts) + "]"


@dataclass(frozen=True, slots=True)
class Folded:
    """A text in its folded form with the map back to the original.

    The map is piecewise: folded offsets from ``f_starts[k]`` on come from original offsets
    ``o_starts[k]`` on, one to one, unless ``flat[k]`` (the characters an expansion produced all
    come from one original character). An empty map means the two texts align exactly.
    """

    original: str
    text: str
    f_starts: tuple[int, ...] = ()
    o_starts: tuple[int, ...] = ()
    flat: tuple[bool, ...] = ()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span to the original span that produced it."""
        if not self.f_starts:
            return start, end
        first = self._origin(start)
        if end <= start:
            return first, first
        return first, self._origin(end - 1) + 1

    def _origin(self, pos: int) -> int:
        k = bisect_right(self.f_starts, pos) - 1
        if k < 0:
            return pos
        if self.flat[k]:
            return self.o_starts[k]
        return self.o_starts[k] + pos - self.f_starts[k]


def fold(text: str) -> Folded:
    """Fold ``text`` (see the module docstring) and keep the way back."""
    table, nonlinear = fold_table()
    if len(text) >= VECTOR_MIN:  # the usual long text, where nothing is dropped or expanded
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
        if int(points.max()) < TABLE_SIZE:
            mapped = _fold_points()[points]
            if mapped.all():
                return Folded(text, mapped.tobytes().decode("utf-32-le", "surrogatepass"))
    folded = text.translate(table)
    if len(folded) == len(text) and DROPPED not in folded and not _BEYOND.search(text):
        return Folded(text, folded)
    pieces: list[str] = []
    f_starts = [0]
    o_starts = [0]
    flat = [False]
    fpos = opos = 0
    for m in nonlinear.finditer(text):
        i = m.start()
        pieces.append(text[opos:i].translate(table))
        fpos += i - opos
        out = folded_char(text[i])
        pieces.append(out)
        if out:
            f_starts.append(fpos)
            o_starts.append(i)
            flat.append(True)
            fpos += len(out)
        opos = i + 1
        f_starts.append(fpos)
        o_starts.append(opos)
        flat.append(False)
    pieces.append(text[opos:].translate(table))
    return Folded(text, "".join(pieces), tuple(f_starts), tuple(o_starts), tuple(flat))


def folded_char(ch: str) -> str:
    """What one character folds to (empty when it is dropped)."""
    if _invisible(ch):
        return ""
    table, _ = fold_table()
    code = ord(ch)
    if code >= TABLE_SIZE:
        return ch
    out = table[code]
    return chr(out) if isinstance(out, int) else out


def fold_text(text: str) -> str:
    """Only the folded string (for scope words and tests)."""
    return fold(text).text


def skippable(ch: str) -> bool:
    """May a squeeze skip this (folded) character? Whitespace, punctuation, symbols, marks."""
    return unicodedata.category(ch)[0] in "ZPSMC"


def gap_allowed(gap: str) -> bool:
    """May one hit span these skipped characters (between two of its characters)?"""
    if not gap:
        return True
    if len(gap) > MAX_GAP_CHARS or any(ch in SENTENCE_ENDS for ch in gap):
        return False
    if max(gap.count("\n"), gap.count("\r")) >= 2:  # a blank line ends a paragraph
        return False
    cost = 0
    in_space = False
    for ch in gap:
        if ch.isspace():
            if not in_space:
                cost += 1
            in_space = True
        else:
            cost += 1
            in_space = False
    return cost <= MAX_GAP_COST
