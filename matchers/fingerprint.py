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

import dataclasses
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
    "squeeze",
    "squeeze_map",
    "squeezed_offsets",
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
    squeezed, positions = squeeze(folded.text), squeezed_offsets(folded.text)
    if not folded.f_starts:  # folding kept every offset
        return squeezed, positions, [p + 1 for p in positions]
    spans = [folded.to_original(p, p + 1) for p in positions]
    return squeezed, [s for s, _ in spans], [e for _, e in spans]


def squeeze(folded: str) -> str:
    """The squeezed stream of an already folded text (letters, digits and ideographs)."""
    return "".join(_KEPT.findall(folded))


def squeezed_offsets(folded: str) -> list[int]:
    """Per character of :func:`squeeze`, its offset in the folded text."""
    positions: list[int] = []
    for m in _KEPT.finditer(folded):
        positions.extend(range(m.start(), m.end()))
    return positions


#: Multiplier of the polynomial k-gram hash that picks the fingerprints (an odd 64-bit constant).
_BASE = np.uint64(0x9E3779B97F4A7C15)

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


def _selection_hashes(codes: U64) -> U64:
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


def _winnow(encoded: bytes) -> I64:
    """k-gram positions chosen by winnowing (rightmost minimum of every window of ``W``), in
    order, from the squeezed text encoded as UTF-32-LE."""
    codes = np.frombuffer(encoded, dtype="<u4").astype(np.uint64)
    if len(codes) < K:
        return np.zeros(0, dtype=np.int64)
    hashes = _selection_hashes(codes)
    if len(hashes) <= W:
        return np.array([len(hashes) - 1 - int(np.argmin(hashes[::-1]))], dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(hashes, W)
    chosen = (W - 1 - np.argmin(windows[:, ::-1], axis=1)) + np.arange(len(windows))
    picked = np.zeros(len(hashes), dtype=bool)
    picked[chosen] = True
    return np.flatnonzero(picked).astype(np.int64)


def _keyed(encoded: bytes, positions: I64, key: bytes) -> U64:
    """The stored form of the k-grams at ``positions``: BLAKE2b under the unit's key (64 bits,
    little-endian), of each k-gram's UTF-32-LE bytes."""
    blake = hashlib.blake2b
    size = 4 * K
    digests = [
        blake(encoded[4 * p : 4 * p + size], digest_size=8, key=key).digest()
        for p in positions.tolist()
    ]
    return np.frombuffer(b"".join(digests), dtype="<u8").astype(np.uint64)


def fingerprints(text: str, key: bytes) -> list[tuple[int, int]]:
    """Winnowed keyed fingerprints of ``text``: (hash, position in the squeezed text)."""
    encoded = squeeze(fold(text).text).encode("utf-32-le")
    positions = _winnow(encoded)
    return list(zip(_keyed(encoded, positions, key).tolist(), positions.tolist(), strict=True))


def kgram_hashes(text: str, key: bytes) -> set[int]:
    """Keyed hashes of *every* k-gram of ``text`` (not only the winnowed ones).

    Used for the ordinary-mail corpus (stop-set): a registered document's fingerprint is chosen
    by winnowing in the document's context, which the corpus does not share, so the corpus must
    offer every k-gram for the document's choice to be found in it.
    """
    encoded = squeeze(fold(text).text).encode("utf-32-le")
    count = len(encoded) // 4 - K + 1
    return set(_keyed(encoded, np.arange(max(count, 0), dtype=np.int64), key).tolist())


@dataclass(frozen=True, slots=True)
class Registered:
    """One registered document as the index knows it: fingerprints, never text.

    ``hashes`` is a set of keyed fingerprints or an array of them (as the store packs them).
    """

    id: str
    label: str
    category: str
    hashes: frozenset[int] | U64
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


def _array(hashes: Iterable[int] | U64) -> U64:
    if isinstance(hashes, np.ndarray):
        return np.unique(hashes.astype(np.uint64, copy=False))
    values = hashes if isinstance(hashes, (set, frozenset, list, tuple)) else list(hashes)
    return np.unique(np.fromiter(values, dtype=np.uint64, count=len(values)))


@dataclass
class FingerprintIndex:
    """Fingerprint → registered documents, with the common fingerprints left out.

    Kept as sorted arrays (compressed sparse rows): ``_keys`` holds every evidence fingerprint
    once, and the documents holding ``_keys[i]`` are ``_docs[_offsets[i]:_offsets[i + 1]]``.
    About 12 bytes per registered fingerprint (a dict of lists took ten times that), and a
    message's fingerprints are looked up all at once (:func:`numpy.searchsorted`).
    """

    key: bytes
    documents: list[Registered] = field(default_factory=list)  # hashes moved into the arrays
    max_share: int = 5  # a fingerprint in more documents than this is boilerplate
    _keys: U64 = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    _offsets: I64 = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    _docs: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    _totals: list[int] = field(default_factory=list)
    ignored: int = 0  # registered fingerprints left out as common (shared or in the corpus)

    @classmethod
    def build(
        cls,
        key: bytes,
        documents: Iterable[Registered],
        *,
        common: Iterable[int] | U64 = (),
        max_share: int = 5,
    ) -> FingerprintIndex:
        listed = list(documents)
        arrays = [_array(d.hashes) for d in listed]
        index = cls(key, [dataclasses.replace(d, hashes=frozenset()) for d in listed], max_share)
        if not arrays:
            return index
        values = np.concatenate(arrays)
        owners = np.repeat(np.arange(len(arrays), dtype=np.int32), [len(a) for a in arrays])
        order = np.argsort(values, kind="stable")
        values, owners = values[order], owners[order]
        keys, counts = np.unique(values, return_counts=True)
        dropped = counts > max_share
        stop = _array(common)
        if len(stop):
            dropped |= np.isin(keys, stop, assume_unique=True)
        kept = np.repeat(~dropped, counts)
        index._keys = keys[~dropped]
        index._docs = owners[kept]
        index._offsets = np.concatenate([[0], np.cumsum(counts[~dropped])]).astype(np.int64)
        index._totals = np.bincount(index._docs, minlength=len(listed)).tolist()
        index.ignored = int(dropped.sum())
        return index

    def __len__(self) -> int:
        return len(self.documents)

    def match(self, text: str) -> list[DocumentMatch]:
        """Every registered document ``text`` shares enough of."""
        if not len(self._keys):
            return []
        folded = fold(text)
        encoded = squeeze(folded.text).encode("utf-32-le")
        positions = _winnow(encoded)
        values = _keyed(encoded, positions, self.key)
        slots = np.searchsorted(self._keys, values)
        slots[slots == len(self._keys)] = 0
        hit = self._keys[slots] == values
        if not hit.any():  # the usual case: nothing registered in this mail
            return []
        found: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)  # doc → (hash, pos)
        offsets = self._offsets
        for value, pos, slot in zip(
            values[hit].tolist(), positions[hit].tolist(), slots[hit].tolist(), strict=True
        ):
            for number in self._docs[offsets[slot] : offsets[slot + 1]].tolist():
                found[number].append((value, pos))
        kept: list[int] | None = None
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
            if kept is None:  # squeezed → folded offsets, only when something is reported
                kept = squeezed_offsets(folded.text)
            spans = tuple(folded.to_original(kept[s], kept[e - 1] + 1) for s, e in runs)
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
