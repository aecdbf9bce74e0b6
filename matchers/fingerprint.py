"""Registered documents: keyed, winnowed fingerprints of the folded text, and matching them.

A registered secret document is kept only as fingerprints, never as text (DESIGN "Registered
secrets"). The text is folded (:mod:`matchers.normalize`: NFKC, traditional → simplified, case)
and *squeezed* to letters, digits and ideographs, so reflowed lines, changed punctuation and
spacing, traditional characters and a PDF's broken words give the same stream. Every run of
:data:`K` characters (a k-gram) is hashed under the unit's key; winnowing keeps the smallest
hash of every window of :data:`W` consecutive hashes (Schleimer, Wilkerson, Aiken,
"Winnowing: local algorithms for document fingerprinting", SIGMOD 2003). Two texts that share a
passage of at least ``W + K - 1`` squeezed characters share at least one fingerprint, wherever
the passage stands, so reordered or deleted paragraphs and excerpts are still found.

The hashes are keyed: without the key, a stolen store does not let anyone test a guessed
sentence against the register. Two schemes exist (recorded per registration, :data:`SCHEMES`):

* **1** — k-grams chosen by an unkeyed polynomial hash, each chosen k-gram then hashed with
  BLAKE2b under the key (one Python call per fingerprint, ≈1 µs each);
* **2** (current) — every k-gram's 64-bit polynomial hash over its code points, then SipHash-2-4
  under a 128-bit key derived from the fingerprint key (:func:`siphash24`, vectorised with
  numpy), and winnowing over those keyed values, so the choice itself depends on the key.

Both give the same detection; their hashes differ, so a document is matched with its own
scheme (:meth:`FingerprintIndex.match` computes scheme 1 only when scheme-1 documents exist). Fingerprints shared by many registered documents (letterhead,
抄送/印发 lines, standard phrases) carry no evidence and are dropped from the index
(:attr:`FingerprintIndex.max_share`), as are those of a corpus of ordinary mail given at build
time (:meth:`FingerprintIndex.build` ``common``).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matchers.normalize import fold

__all__ = [
    "CURRENT_SCHEME",
    "SCHEMES",
    "DocumentMatch",
    "FingerprintIndex",
    "K",
    "Registered",
    "W",
    "fingerprints",
    "kgram_hashes",
    "siphash24",
    "siphash24_reference",
    "squeeze",
    "squeeze_map",
    "squeezed_offsets",
]

#: k-gram length in squeezed characters: about one short clause of Chinese, long enough that a
#: k-gram is rarely shared by chance, short enough to survive edits every sentence or two.
K = 10
#: Winnowing window: any shared passage of ``W + K - 1`` = 19 squeezed characters is found.
W = 10
#: Fingerprint schemes (see the module's docstring); new registrations use the current one.
SCHEMES = (1, 2)
CURRENT_SCHEME = 2
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


_MASK = (1 << 64) - 1
#: SipHash's initialisation constants ("somepseudorandomlygeneratedbytes").
_SIP_INIT = (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573)


def _rotl(x: int, bits: int) -> int:
    return ((x << bits) | (x >> (64 - bits))) & _MASK


def siphash24_reference(key: bytes, message: bytes) -> int:
    """SipHash-2-4 (Aumasson, Bernstein, 2012) of ``message`` under a 16-byte ``key``, in plain
    Python: the reference :func:`siphash24` is tested against (slow; not used to match)."""
    if len(key) != 16:
        raise ValueError("SipHash needs a 16-byte key")
    k0, k1 = int.from_bytes(key[:8], "little"), int.from_bytes(key[8:], "little")
    v = [k0 ^ _SIP_INIT[0], k1 ^ _SIP_INIT[1], k0 ^ _SIP_INIT[2], k1 ^ _SIP_INIT[3]]

    def sipround() -> None:
        v[0] = (v[0] + v[1]) & _MASK
        v[1] = _rotl(v[1], 13) ^ v[0]
        v[0] = _rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & _MASK
        v[3] = _rotl(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & _MASK
        v[3] = _rotl(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & _MASK
        v[1] = _rotl(v[1], 17) ^ v[2]
        v[2] = _rotl(v[2], 32)

    whole = len(message) - len(message) % 8
    blocks = [int.from_bytes(message[i : i + 8], "little") for i in range(0, whole, 8)]
    blocks.append(((len(message) & 0xFF) << 56) | int.from_bytes(message[whole:], "little"))
    for block in blocks:
        v[3] ^= block
        sipround()
        sipround()
        v[0] ^= block
    v[2] ^= 0xFF
    for _ in range(4):
        sipround()
    return v[0] ^ v[1] ^ v[2] ^ v[3]


_ROT_A = np.array([[13], [16]], dtype=np.uint64)  # v1, v3 in the first half of a round
_ROT_B = np.array([[17], [21]], dtype=np.uint64)  # v1, v3 in the second half
_ROT_A_BACK = np.uint64(64) - _ROT_A
_ROT_B_BACK = np.uint64(64) - _ROT_B
_32 = np.uint64(32)


def siphash24(key: bytes, words: U64) -> U64:
    """SipHash-2-4 under a 16-byte ``key`` of each element of ``words`` taken as an 8-byte
    little-endian message: :func:`siphash24_reference` of ``w.to_bytes(8, "little")``, for
    every element at once.

    The state is kept as two 2-row arrays, (v0, v2) and (v1, v3), so that each half of a
    SipRound is a few numpy operations over both pairs (uint64 arithmetic wraps modulo 2**64).
    """
    if len(key) != 16:
        raise ValueError("SipHash needs a 16-byte key")
    k0, k1 = int.from_bytes(key[:8], "little"), int.from_bytes(key[8:], "little")
    n = len(words)
    even = np.empty((2, n), dtype=np.uint64)  # v0, v2
    odd = np.empty((2, n), dtype=np.uint64)  # v1, v3
    even[0], even[1] = k0 ^ _SIP_INIT[0], k0 ^ _SIP_INIT[2]
    odd[0], odd[1] = k1 ^ _SIP_INIT[1], k1 ^ _SIP_INIT[3]
    spare = np.empty((2, n), dtype=np.uint64)
    tmp = spare[0]
    swapped = even[::-1]  # v2, v0: the second half adds v1 to v2 and v3 to v0
    v0, v2, v3 = even[0], even[1], odd[1]

    def rotate(row: U64, back: U64 | np.uint64, bits: U64 | np.uint64, out: U64) -> None:
        np.left_shift(row, bits, out=out)
        np.right_shift(row, back, out=row)
        np.bitwise_or(row, out, out=row)

    def sipround() -> None:
        np.add(even, odd, out=even)  # v0 += v1; v2 += v3
        rotate(odd, _ROT_A_BACK, _ROT_A, spare)  # v1 <<<= 13; v3 <<<= 16
        np.bitwise_xor(odd, even, out=odd)  # v1 ^= v0; v3 ^= v2
        rotate(v0, _32, _32, tmp)  # v0 <<<= 32
        np.add(swapped, odd, out=swapped)  # v2 += v1; v0 += v3
        rotate(odd, _ROT_B_BACK, _ROT_B, spare)  # v1 <<<= 17; v3 <<<= 21
        np.bitwise_xor(odd, swapped, out=odd)  # v1 ^= v2; v3 ^= v0
        rotate(v2, _32, _32, tmp)  # v2 <<<= 32

    last = np.uint64(8 << 56)  # the length byte of an 8-byte message, no tail
    for block in (words, last):
        np.bitwise_xor(v3, block, out=v3)
        sipround()
        sipround()
        np.bitwise_xor(v0, block, out=v0)
    np.bitwise_xor(v2, np.uint64(0xFF), out=v2)
    for _ in range(4):
        sipround()
    result: U64 = v0 ^ v2
    result ^= odd[0]
    result ^= v3
    return result


@functools.lru_cache(maxsize=8)
def _sip_key(key: bytes) -> bytes:
    """Scheme 2's SipHash key: 128 bits of HMAC-SHA256(fingerprint key, own label)."""
    return hmac.new(key, b"fingerprint scheme 2: siphash-2-4", hashlib.sha256).digest()[:16]


def _kgram_words(codes: U64) -> U64:
    """Every k-gram's polynomial hash over its code points, modulo 2**64 (unkeyed; only what
    SipHash makes of it is compared or stored)."""
    count = len(codes) - K + 1
    value = np.zeros(count, dtype=np.uint64)
    for j in range(K):
        value *= _BASE
        value += codes[j : j + count]
    return value


def _winnow_values(values: U64) -> I64:
    """Positions of the minimum of every window of ``W`` consecutive ``values`` (scheme 2).

    A position is chosen when its value is the minimum of some window holding it, that is when
    it equals the largest of the minima of the windows that hold it; both sliding extremes are
    computed by doubling. Ties (a repeated k-gram) choose every tied position — still a function
    of the window's values alone, so a shared passage yields the same choice in both texts.
    """
    count = len(values)
    if count <= W:
        return np.flatnonzero(values == values.min()).astype(np.int64)

    def sliding(array: U64, width: int, pick: np.ufunc) -> U64:  # width ≤ 16
        out, span = array, 1
        while span * 2 <= width:  # out[i] = pick of array[i : i + span]
            out = pick(out[:-span], out[span:])
            span *= 2
        if span < width:
            out = pick(out[: len(out) - (width - span)], out[width - span :])
        return out

    minima = sliding(values, W, np.minimum)  # of windows starting at 0 … count − W
    padded = np.concatenate([np.zeros(W - 1, dtype=np.uint64), minima, np.zeros(W - 1, np.uint64)])
    best = sliding(padded, W, np.maximum)  # best[j]: windows starting at j − W + 1 … j
    return np.flatnonzero(best[:count] == values).astype(np.int64)


def _scheme2(encoded: bytes, key: bytes) -> tuple[U64, I64]:
    """Scheme 2's keyed value of every k-gram and the positions winnowing chooses."""
    codes = np.frombuffer(encoded, dtype="<u4").astype(np.uint64)
    if len(codes) < K:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    values = siphash24(_sip_key(key), _kgram_words(codes))
    return values, _winnow_values(values)


def _chosen(encoded: bytes, key: bytes, scheme: int) -> tuple[U64, I64]:
    """Fingerprints of squeezed UTF-32-LE text under ``scheme``: (keyed hashes, positions)."""
    if scheme == 1:
        positions = _winnow(encoded)
        return _keyed(encoded, positions, key), positions
    if scheme == 2:
        values, positions = _scheme2(encoded, key)
        return values[positions], positions
    raise ValueError(f"unknown fingerprint scheme {scheme}")


def fingerprints(text: str, key: bytes, scheme: int = CURRENT_SCHEME) -> list[tuple[int, int]]:
    """Winnowed keyed fingerprints of ``text``: (hash, position in the squeezed text)."""
    encoded = squeeze(fold(text).text).encode("utf-32-le")
    values, positions = _chosen(encoded, key, scheme)
    return list(zip(values.tolist(), positions.tolist(), strict=True))


def kgram_hashes(text: str, key: bytes, scheme: int = CURRENT_SCHEME) -> set[int]:
    """Keyed hashes of *every* k-gram of ``text`` (not only the winnowed ones).

    Used for the ordinary-mail corpus (stop-set): a registered document's fingerprint is chosen
    by winnowing in the document's context, which the corpus does not share, so the corpus must
    offer every k-gram for the document's choice to be found in it.
    """
    encoded = squeeze(fold(text).text).encode("utf-32-le")
    if scheme == 2:
        return set(_scheme2(encoded, key)[0].tolist())
    if scheme != 1:
        raise ValueError(f"unknown fingerprint scheme {scheme}")
    count = len(encoded) // 4 - K + 1
    return set(_keyed(encoded, np.arange(max(count, 0), dtype=np.int64), key).tolist())


@dataclass(frozen=True, slots=True)
class Registered:
    """One registered document as the index knows it: fingerprints, never text.

    ``hashes`` is a set of keyed fingerprints or an array of them (as the store packs them),
    made with fingerprint scheme ``scheme``.
    """

    id: str
    label: str
    category: str
    hashes: frozenset[int] | U64
    threshold: float = DEFAULT_THRESHOLD
    min_run: int = DEFAULT_MIN_RUN
    scheme: int = CURRENT_SCHEME


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
class _Table:
    """One scheme's evidence fingerprints as sorted arrays (compressed sparse rows): ``keys``
    holds each once, and the documents holding ``keys[i]`` are
    ``docs[offsets[i]:offsets[i + 1]]`` (numbers into the index's document list)."""

    keys: U64
    offsets: I64
    docs: npt.NDArray[np.int32]


def _table(
    arrays: Sequence[U64], numbers: Sequence[int], stop: U64, max_share: int
) -> tuple[_Table, int]:
    """The table of one scheme's documents, and how many fingerprints were left out."""
    values = np.concatenate(arrays)
    owners = np.repeat(np.asarray(numbers, dtype=np.int32), [len(a) for a in arrays])
    order = np.argsort(values, kind="stable")
    values, owners = values[order], owners[order]
    keys, counts = np.unique(values, return_counts=True)
    dropped = counts > max_share
    if len(stop):
        dropped |= np.isin(keys, stop, assume_unique=True)
    kept = np.repeat(~dropped, counts)
    offsets = np.concatenate([[0], np.cumsum(counts[~dropped])]).astype(np.int64)
    return _Table(keys[~dropped], offsets, owners[kept]), int(dropped.sum())


@dataclass
class FingerprintIndex:
    """Fingerprint → registered documents, with the common fingerprints left out.

    One table of sorted arrays per fingerprint scheme in use (:class:`_Table`): about 12 bytes
    per registered fingerprint (a dict of lists took ten times that), and a message's
    fingerprints are looked up all at once (:func:`numpy.searchsorted`). A message is
    fingerprinted once per scheme in use — scheme 1 only while scheme-1 documents remain.
    """

    key: bytes
    documents: list[Registered] = field(default_factory=list)  # hashes moved into the tables
    max_share: int = 5  # a fingerprint in more documents than this is boilerplate
    _tables: dict[int, _Table] = field(default_factory=dict)
    _totals: list[int] = field(default_factory=list)
    _denominators: I64 = field(default_factory=lambda: np.ones(0, dtype=np.int64))  # max(total, 1)
    _thresholds: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    _needs: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # see match
    ignored: int = 0  # registered fingerprints left out as common (shared or in the corpus)

    @classmethod
    def build(
        cls,
        key: bytes,
        documents: Iterable[Registered],
        *,
        common: Iterable[int] | U64 | Mapping[int, Iterable[int] | U64] = (),
        max_share: int = 5,
    ) -> FingerprintIndex:
        """The index of ``documents``; ``common`` is the ordinary-mail corpus's k-gram hashes,
        per scheme (a plain collection is taken as the current scheme's)."""
        listed = list(documents)
        index = cls(key, [dataclasses.replace(d, hashes=frozenset()) for d in listed], max_share)
        if not listed:
            return index
        stops = dict(common) if isinstance(common, Mapping) else {CURRENT_SCHEME: common}
        totals = np.zeros(len(listed), dtype=np.int64)
        for scheme in sorted({d.scheme for d in listed}):
            numbers = [i for i, d in enumerate(listed) if d.scheme == scheme]
            arrays = [_array(listed[i].hashes) for i in numbers]
            table, ignored = _table(arrays, numbers, _array(stops.get(scheme, ())), max_share)
            index._tables[scheme] = table
            index.ignored += ignored
            totals += np.bincount(table.docs, minlength=len(listed))
        index._totals = totals.tolist()
        index._denominators = np.maximum(totals, 1)
        index._thresholds = np.array([d.threshold for d in listed], dtype=np.float64)
        # fingerprints of one run stand at most W apart: a run of n is at most (n-1)·W + K long
        runs = np.array([d.min_run for d in listed], dtype=np.int64)
        index._needs = -(-(runs - K) // W) + 1
        return index

    def __len__(self) -> int:
        return len(self.documents)

    @property
    def schemes(self) -> tuple[int, ...]:
        """The fingerprint schemes of the registered documents (what a lookup computes)."""
        return tuple(sorted(self._tables))

    def match(self, text: str) -> list[DocumentMatch]:
        """Every registered document ``text`` shares enough of."""
        tables = [(s, t) for s, t in sorted(self._tables.items()) if len(t.keys)]
        if not tables:
            return []
        folded = fold(text)
        encoded = squeeze(folded.text).encode("utf-32-le")
        parts: list[tuple[npt.NDArray[np.int32], U64, I64]] = []  # (doc, hash, pos) per hit
        for scheme, table in tables:
            values, positions = _chosen(encoded, self.key, scheme)
            slots = np.searchsorted(table.keys, values)
            slots[slots == len(table.keys)] = 0
            hit = table.keys[slots] == values
            if not hit.any():  # the usual case: nothing registered in this mail
                continue
            first = table.offsets[slots[hit]]
            lengths = table.offsets[slots[hit] + 1] - first
            rows = np.repeat(first - np.cumsum(lengths) + lengths, lengths)
            owners = table.docs[rows + np.arange(len(rows))]
            parts.append(
                (owners, np.repeat(values[hit], lengths), np.repeat(positions[hit], lengths))
            )
        if not parts:
            return []
        owners = np.concatenate([o for o, _, _ in parts])
        # A document whose hits cannot reach its threshold (matched ≤ hits) nor its run (a run
        # of min_run characters holds at least _needs fingerprints) is left out before the
        # per-document work: chance k-grams shared with many documents cost nothing more.
        hits = np.bincount(owners, minlength=len(self.documents))
        possible = (hits >= self._needs) | (hits / self._denominators >= self._thresholds)
        keep = possible[owners]
        if not keep.any():
            return []
        found: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)  # doc → (hash, pos)
        for number, value, pos in zip(
            owners[keep].tolist(),
            np.concatenate([v for _, v, _ in parts])[keep].tolist(),
            np.concatenate([p for _, _, p in parts])[keep].tolist(),
            strict=True,
        ):
            found[number].append((value, pos))
        kept: _OffsetMap | None = None
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
                kept = _OffsetMap(folded.text)
            spans = tuple(folded.to_original(kept[s], kept[e - 1] + 1) for s, e in runs)
            matches.append(
                DocumentMatch(
                    document.id, document.label, document.category, matched, total, longest, spans
                )
            )
        matches.sort(key=lambda m: (-m.share, m.id))
        return matches


class _OffsetMap:
    """``squeezed_offsets(folded)[i]`` for a few ``i``, without a list as long as the text:
    the kept runs' starts, and where each begins in the squeezed stream."""

    def __init__(self, folded: str) -> None:
        spans = [m.span() for m in _KEPT.finditer(folded)]
        self._starts = [start for start, _ in spans]
        self._squeezed = np.cumsum([0] + [end - start for start, end in spans[:-1]])

    def __getitem__(self, index: int) -> int:
        run = int(np.searchsorted(self._squeezed, index, side="right")) - 1
        return self._starts[run] + index - int(self._squeezed[run])


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
