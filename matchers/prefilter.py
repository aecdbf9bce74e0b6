"""Words a regular expression cannot match without: the engine's pre-check for table regexes.

A table regex that starts with a lookbehind (``(?<![“"])内部参阅``) or a character class gives
Python's regex engine nothing to skip ahead to, so it is tried at every position of every
segment: two such regexes in the default tables cost more than all the keyword matching. Most
regexes, though, contain a run of plain characters that every match must include (内部参阅;
此件 or 本件). :func:`required_words` finds such a set of words from the parsed pattern; the
engine looks for them in its one keyword pass and runs the regex only on segments that have
one (:class:`matchers.context.Probe`). The result is the same; only the work changes.

The analysis is conservative: anything it does not understand (classes, optional parts,
back-references, case-insensitive matching) contributes no word, and a pattern with no word
of at least :data:`MIN_LENGTH` characters is simply always run.
"""

from __future__ import annotations

import re

# The parser behind ``re`` (``sre_parse`` before 3.11): the only way to read a pattern's
# structure without writing a parser.
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

#: Shorter words (a single character) would fire on most Chinese text: no saving.
MIN_LENGTH = 2

Words = frozenset[str]


def required_words(pattern: str, flags: int = 0) -> Words | None:
    """Words one of which every match of ``pattern`` contains, or ``None`` if unknown."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    words = _sequence(list(parsed))
    if words is None or min(map(len, words)) < MIN_LENGTH:
        return None
    return words


def _sequence(items: list[tuple[Any, Any]]) -> Words | None:
    """Of a sequence, the best-known part: consecutive literals make one word."""
    options: list[Words] = []
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            options.append(frozenset({"".join(run)}))
            run = []
        found = _node(op, av)
        if found is not None:
            options.append(found)
    if run:
        options.append(frozenset({"".join(run)}))
    return max(options, key=lambda words: min(map(len, words)), default=None)


def _node(op: Any, av: Any) -> Words | None:
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & re.IGNORECASE else _sequence(list(sub))
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(av))
    if op is sre.BRANCH:
        _, alternatives = av
        found = [_sequence(list(alternative)) for alternative in alternatives]
        if any(words is None for words in found):
            return None
        return frozenset().union(*found)  # type: ignore[arg-type]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _sequence(list(sub)) if low >= 1 else None
    return None  # classes, any character, anchors, lookarounds, references
