"""Registered documents: keyed, winnowed fingerprints of the folded text, and matching them.

A registered secret document is kept only as fingerprints, never as text (DESIGN "Registered
secrets"). The text is folded (:mod:`matchers.normalize`: NFKC, traditional → simplified, case)
and *squeezed* to letters, digits and ideographs, so reflowed lines, changed punctuation and
spacing, traditional characters and a PDF's broken words give the same stream. Every run of
:data:`K` characters (a k-gram) is hashed with BLAKE2b under the unit's key; winnowing keeps the
smallest hash of every window of :data:`W` consecutive hashes (Schleimer, Wilkerson, Aiken,
"Winnowing: local algorithms for document fingerprinting", SIGMOD 2003). Two texts that share a
passage of at least ``W + K - 1`` squeezed characters share at least one fingerprint, wherever
the passage stands, so reordered or deleted paragraphs and excerpts are still found.

The hashes are keyed: without the key, a stolen store does not let anyone test a guessed
sentence against the register. Fingerprints shared by many registered documents (letterhead,
抄送/印发 lines, standard phrases) carry no evidence and are dropped from the index
(:attr:`FingerprintIndex.max_share`), as are those of a corpus of ordinary mail given at build
time (:meth:`FingerprintIndex.build` ``common``).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matchers.normalize import fold

__all__ = [
    "DocumentMatch",
    "FingerprintIndex",
    "K",
    "Registered",
    "W",
    "fingerprints",
    "kgram_hashes",
    "squeeze_map",
]

#: k-gram length in squeezed characters: about one short clause of Chinese, long enough that a
#: k-gram is rarely shared by chance, short enough to survive edits every sentence or two.
K = 10
#: Winnowing window: any shared passage of ``W + K - 1`` = 19 squeezed characters is found.
W = 10
#: Default share of a document's fingerprints that must appear for it to count as leaked.
DEFAULT_THRESHOLD = 0.10
#: Default length (squeezed characters) of one contiguous shared passage that counts on its own.
DEFAULT_MIN_RUN = 60


#: Characters kept in the squeezed stream: letters, digits, ideographs (``\w`` less ``_``).
_KEPT = re.compile(r"[^\W_]+")


def squeeze_map(text: str) -> tuple[str, list[int], list[int]]:
    """The squeezed folded text and, per squeezed character, its original start and end."""
    folded = fold(text)
    pieces: list[str] = []
    positions: list[int] = []
    for m in _KEPT.finditer(folded.text):
        pieces.append(m.group())
        positions.extend(range(m.start(), m.end()))
    if not folded.f_starts:  # folding kept every offset
        return "".join(pieces), positions, [p + 1 for p in positions]
    spans = [folded.to_original(p, p + 1) for p in positions]
    return "".join(pieces), [s for s, _ in spans], [e for _, e in spans]


#: Multiplier of the polynomial k-gram hash that picks the fingerprints (an odd 64-bit constant).
_BASE = np.uint64(0x9E3779B97F4A7C15)


def _selection_hashes(codes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """A fast unkeyed hash of every k-gram, used only to *choose* fingerprints (winnowing).

    What is stored and compared is the keyed BLAKE2b of each chosen k-gram; the choice itself
    reveals nothing of the text, so it may be unkeyed and vectorised.
    """
    count = len(codes) - K + 1
    value = np.zeros(count, dtype=np.uint64)
    for j in range(K):  # uint64 arithmetic wraps: a polynomial hash modulo 2**64
        value = value * _BASE + codes[j : j + count]
    value ^= value >> np.uint64(31)  # finalise (splitmix64) so that low bits mix too
    value *= np.uint64(0xBF58476D1CE4E5B9)
    value ^= value >> np.uint64(27)
    return value


def _winnow(squeezed: str) -> list[int]:
    """k-gram positions chosen by winnowing (rightmost minimum of every window of ``W``)."""
    if len(squeezed) < K:
        return []
    codes = np.frombuffer(squeezed.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    hashes = _selection_hashes(codes)
    if len(hashes) <= W:
        return [len(hashes) - 1 - int(np.argmin(hashes[::-1]))]
    windows = np.lib.stride_tricks.sliding_window_view(hashes, W)
    chosen = (W - 1 - np.argmin(windows[:, ::-1], axis=1)) + np.arange(len(windows))
    return [int(p) for p in np.unique(chosen)]


def _keyed(squeezed: str, positions: list[int], key: bytes) -> list[tuple[int, int]]:
    """The stored form of the chosen k-grams: BLAKE2b under the unit's key, with positions."""
    blake = hashlib.blake2b
    out = []
    for p in positions:
        digest = blake(squeezed[p : p + K].encode("utf-32-le"), digest_size=8, key=key).digest()
        out.append((int.from_bytes(digest, "little"), p))
    return out


def fingerprints(text: str, key: bytes) -> list[tuple[int, int]]:
    """Winnowed keyed fingerprints of ``text``: (hash, position in the squeezed text)."""
    squeezed, _, _ = squeeze_map(text)
    return _keyed(squeezed, _winnow(squeezed), key)


def kgram_hashes(text: str, key: bytes) -> set[int]:
    """Keyed hashes of *every* k-gram of ``text`` (not only the winnowed ones).

    Used for the ordinary-mail corpus (stop-set): a registered document's fingerprint is chosen
    by winnowing in the document's context, which the corpus does not share, so the corpus must
    offer every k-gram for the document's choice to be found in it.
    """
    squeezed, _, _ = squeeze_map(text)
    blake = hashlib.blake2b
    return {
        int.from_bytes(
            blake(squeezed[p : p + K].encode("utf-32-le"), digest_size=8, key=key).digest(),
            "little",
        )
        for p in range(len(squeezed) - K + 1)
    }


@dataclass(frozen=True, slots=True)
class Registered:
    """One registered document as the index knows it: fingerprints, never text."""

    id: str
    label: str
    category: str
    hashes: frozenset[int]
    threshold: float = DEFAULT_THRESHOLD
    min_run: int = DEFAULT_MIN_RUN


@dataclass(frozen=True, slots=True)
class DocumentMatch:
    """A registered document found in a text: how much of it, and where in the text."""

    id: str
    label: str
    category: str
    matched: int  # distinct fingerprints of the document found
    total: int  # its fingerprints that carry evidence (common ones left out)
    longest_run: int  # longest contiguous shared passage, squeezed characters
    spans: tuple[tuple[int, int], ...]  # original offsets of the shared passages

    @property
    def share(self) -> float:
        return self.matched / self.total if self.total else 0.0


@dataclass
class FingerprintIndex:
    """Fingerprint → registered documents, with the common fingerprints left out."""

    key: bytes
    documents: list[Registered] = field(default_factory=list)
    max_share: int = 5  # a fingerprint in more documents than this is boilerplate
    _postings: dict[int, list[int]] = field(default_factory=dict)
    _totals: list[int] = field(default_factory=list)
    ignored: int = 0  # registered fingerprints left out as common (shared or in the corpus)

    @classmethod
    def build(
        cls,
        key: bytes,
        documents: Iterable[Registered],
        *,
        common: Iterable[int] = (),
        max_share: int = 5,
    ) -> FingerprintIndex:
        index = cls(key, list(documents), max_share)
        postings: defaultdict[int, list[int]] = defaultdict(list)
        for number, document in enumerate(index.documents):
            for value in document.hashes:
                postings[value].append(number)
        stop = common if isinstance(common, (set, frozenset)) else set(common)
        dropped = {v for v, docs in postings.items() if len(docs) > max_share or v in stop}
        index._postings = {v: d for v, d in postings.items() if v not in dropped}
        index.ignored = len(dropped)
        index._totals = [len(d.hashes - dropped) for d in index.documents]
        return index

    def __len__(self) -> int:
        return len(self.documents)

    def match(self, text: str) -> list[DocumentMatch]:
        """Every registered document ``text`` shares enough of."""
        if not self._postings:
            return []
        squeezed, starts, ends = squeeze_map(text)
        found: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)  # doc → (hash, pos)
        for value, pos in _keyed(squeezed, _winnow(squeezed), self.key):
            for number in self._postings.get(value, ()):
                found[number].append((value, pos))
        matches: list[DocumentMatch] = []
        for number, pairs in found.items():
            document = self.documents[number]
            total = self._totals[number]
            matched = len({value for value, _ in pairs})
            runs = _runs(sorted({pos for _, pos in pairs}))
            longest = max(end - start for start, end in runs)
            share = matched / total if total else 0.0
            if share < document.threshold and longest < document.min_run:
                continue
            spans = tuple((starts[s], ends[e - 1]) for s, e in runs)
            matches.append(
                DocumentMatch(
                    document.id, document.label, document.category, matched, total, longest, spans
                )
            )
        matches.sort(key=lambda m: (-m.share, m.id))
        return matches


def _runs(positions: Sequence[int]) -> list[tuple[int, int]]:
    """Merge k-gram positions into passages (squeezed start, end).

    Winnowing picks at least one k-gram from every window of ``W``, so consecutive fingerprints
    of one shared passage stand at most ``W`` apart; a larger gap starts a new passage.
    """
    runs: list[tuple[int, int]] = []
    for pos in positions:
        if runs and pos - runs[-1][1] + K <= W:
            runs[-1] = (runs[-1][0], pos + K)
        else:
            runs.append((pos, pos + K))
    return runs
