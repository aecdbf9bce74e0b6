"""Internal style: how likely a text is a working paper rather than a published one.

Word lists name what a table is about; whether a text may leave depends as much on what kind of
text it is, and internal papers say that in many small ways no list enumerates — an undecided
move (还没定, 再等等), a leader's wish reported (书记说), a figure before its notice, shorthand
among colleagues, the shape of a 台账 row. A linear model over the text's character 1-, 2- and
3-grams, trained on the labelled evaluation set (``benchmarks/train_style.py``: sensitive drafts,
ledgers and messages against published look-alikes on the same topics), scores that kind.

The model is evidence of one kind among others, never a category on its own: a table that
declares ``[context] style`` gains that weight only where it already has topic hits and the
model is sure (:data:`CUT`), exactly as internal-document markers corroborate (:mod:`matchers.
engine`). The officer sees the score and the character groups that weighed most.

Features are hashed (:data:`BUCKETS` buckets) with a fixed mix, vectorised in numpy: a text of
a megabyte costs milliseconds. Only the head and foot of a long text are read (:data:`REACH`).
The weights ship inside the package (``matchers/data/style.npz``); nothing is downloaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from matchers.model import ADDRESS_LOCATIONS

BUCKETS = 1 << 18
ORDERS = (1, 2, 3)
#: a text's probability of being internal at or above which the evidence counts
CUT = 0.8
#: characters read from a long text: its head and its foot (a working paper shows what it is
#: there, and the cost per message stays bounded)
REACH = 12_000
MODEL = Path(__file__).resolve().parent / "data" / "style.npz"

_DIGIT = ord("0")
_LETTER = ord("a")
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
#: an n-gram's hash starts from n and takes its first code: n × the first mix, modulo 2**64
_SEED = {n: np.uint64((n * int(_MIX[0])) % (1 << 64)) for n in ORDERS}
_SHIFTS = (np.uint64(29), np.uint64(32))
_LOW = np.uint64(BUCKETS - 1)  # a bucket: the hash modulo BUCKETS, a power of two
I64 = npt.NDArray[np.int64]


def _codes(text: str) -> npt.NDArray[np.uint64]:
    """One code per character: ideographs as themselves, any digit as 0, any Latin letter as
    a, everything else 0 (a gap no n-gram crosses)."""
    if len(text) > 2 * REACH:
        text = f"{text[:REACH]}\n{text[-REACH:]}"
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.uint64)
    ideograph = ((codes >= 0x3400) & (codes <= 0x9FFF)) | ((codes >= 0xF900) & (codes <= 0xFAFF))
    digit = (codes >= 0x30) & (codes <= 0x39)
    letter = ((codes >= 0x41) & (codes <= 0x5A)) | ((codes >= 0x61) & (codes <= 0x7A))
    out = np.zeros_like(codes)
    out[ideograph] = codes[ideograph]
    out[digit] = _DIGIT
    out[letter] = _LETTER
    return out


def _grams(codes: npt.NDArray[np.uint64], positions: bool = True) -> tuple[I64, I64, I64]:
    """Every n-gram's bucket, its start and its length (n-grams across a gap are left out;
    ``positions=False``: the buckets only, the starts and lengths left empty)."""
    buckets, starts, sizes = [], [], []
    n_codes = len(codes)
    nonzero = codes != 0
    for n in ORDERS:
        if n_codes < n:
            break
        count = n_codes - n + 1
        keep = nonzero[:count].copy()
        value = codes[:count] + _SEED[n]
        for k in range(1, n):
            keep &= nonzero[k : k + count]
            value *= _MIX[0]
            value += codes[k : k + count]
        value ^= value >> _SHIFTS[0]
        value *= _MIX[1]
        value ^= value >> _SHIFTS[1]
        value &= _LOW
        if positions:
            where = np.flatnonzero(keep)
            buckets.append(value[where].astype(np.int64))
            starts.append(where.astype(np.int64))
            sizes.append(np.full(len(where), n, dtype=np.int64))
        else:
            buckets.append(value[keep].astype(np.int64))
    empty = np.zeros(0, dtype=np.int64)
    if not buckets:
        return empty, empty, empty
    if not positions:
        return np.concatenate(buckets), empty, empty
    return np.concatenate(buckets), np.concatenate(starts), np.concatenate(sizes)


def features(text: str) -> I64:
    """The distinct buckets of ``text``'s n-grams (the model's input: presence, not counts), in
    no particular order: each bucket kept at one of its occurrences, found through a table of
    positions that is written, never cleared or scanned (a sort, or a bitmap of every bucket,
    cost more than the rest of the reading)."""
    return _distinct(_grams(_codes(text), positions=False)[0])[0]


def _distinct(buckets: I64) -> tuple[I64, I64]:
    """``buckets`` without repeats, and the position of the occurrence kept for each: the table
    ends with one position per bucket (whichever write lands last), so exactly one occurrence
    of each reads its own position back."""
    where = np.empty(BUCKETS, dtype=np.int64)
    order = np.arange(len(buckets), dtype=np.int64)
    where[buckets] = order
    kept = order[where[buckets] == order]
    return buckets[kept], kept


def text_of(parts: Iterable[tuple[str, str]]) -> str:
    """The text the model reads from a message's ``(location, text)`` parts: everything but
    the envelope-like header fields and the parts an office suite writes itself."""
    return "\n".join(
        text
        for location, text in parts
        if location not in ADDRESS_LOCATIONS
        and "其他部件" not in location
        and "母版" not in location
    )


#: the head that reads a working paper against a published text; the others are tables' ids
INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class Judgement:
    #: the probability that the text is a working paper (the ``internal`` head)
    probability: float
    #: the character groups that weighed most towards "internal", strongest first
    cues: tuple[str, ...]
    #: each table head's probability that the text is that table's sensitive matter
    topics: dict[str, float] = field(default_factory=dict)
    #: each table head's strongest character groups
    topic_cues: dict[str, tuple[str, ...]] = field(default_factory=dict)


class StyleModel:
    """A trained model: for each head one weight per bucket and a bias (see
    ``benchmarks/train_style.py``). The ``internal`` head reads a working paper against a
    published text; a head named after a table's id reads that table's sensitive matter
    against everything else (other matters, published texts, ordinary mail)."""

    def __init__(
        self,
        weights: npt.NDArray[np.float32],
        biases: npt.NDArray[np.float64],
        heads: tuple[str, ...],
        meta: dict[str, object],
    ) -> None:
        if weights.shape != (len(heads), BUCKETS) or biases.shape != (len(heads),):
            raise ValueError(f"style model: weights {weights.shape} for heads {heads}")
        if INTERNAL not in heads:
            raise ValueError("style model: no internal head")
        # kept a bucket to a row (the only copy): a text's buckets are gathered as whole rows,
        # one read per bucket rather than one per head — half the time of a reading
        self._rows = np.ascontiguousarray(weights.T)
        self.biases = biases
        self.heads = heads
        self.meta = meta

    @classmethod
    def load(cls, path: Path = MODEL) -> StyleModel:
        with np.load(path) as data:
            weights = data["weights"].astype(np.float32)
            biases = data["biases"].astype(np.float64)
            meta = json.loads(str(data["meta"]))
        return cls(weights, biases, tuple(meta["heads"]), meta)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {**self.meta, "heads": list(self.heads)}
        with path.open("wb") as out:
            np.savez_compressed(
                out,
                weights=self._rows.T.astype(np.float16),  # stored a head to a row
                biases=self.biases.astype(np.float64),
                meta=np.str_(json.dumps(meta, ensure_ascii=False, sort_keys=True)),
            )

    def probabilities(self, features: I64) -> npt.NDArray[np.float64]:
        """Each head's probability for a text's distinct buckets (:func:`features`)."""
        return self._probabilities(self._rows[features].T)

    def _probabilities(self, contributions: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        n = max(1, contributions.shape[1])
        z = contributions.sum(axis=1) / float(np.sqrt(n)) + self.biases
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def judge(self, text: str, cues: int = 3) -> Judgement:
        codes = _codes(text)
        buckets, starts, sizes = _grams(codes)
        # each distinct bucket and one n-gram of it (the one shown as a cue)
        distinct, first = _distinct(buckets)
        if not len(distinct):
            return Judgement(0.0, ())
        contributions = self._rows[distinct].T
        probabilities = self._probabilities(contributions)

        def strongest(row: npt.NDArray[np.float32]) -> tuple[str, ...]:
            # the strongest few grams, from a partial sort (a full one per head cost a tenth of
            # the matcher's time on long texts); the full order only where those run out
            top = _CANDIDATES if len(row) > _CANDIDATES else 0
            if top:
                picked = np.argpartition(-row, top - 1)[:top]
                order = picked[np.lexsort((picked, -row[picked]))]
                shown = _shown(row, order)
                if len(shown) >= cues or row[order[-1]] <= 0:
                    return shown
            return _shown(row, np.argsort(-row, kind="stable"))

        def _shown(row: npt.NDArray[np.float32], order: npt.NDArray[np.intp]) -> tuple[str, ...]:
            shown: list[str] = []
            for i in order:
                if row[i] <= 0 or len(shown) >= cues:
                    break
                j = first[i]
                gram = "".join(chr(int(c)) for c in codes[starts[j] : starts[j] + sizes[j]])
                overlaps = any(gram in s or s in gram for s in shown)
                if sizes[j] > 1 and gram.isalpha() and "a" not in gram and not overlaps:
                    shown.append(gram)
            return tuple(shown)

        at = self.heads.index(INTERNAL)
        others = [(k, head) for k, head in enumerate(self.heads) if head != INTERNAL]
        return Judgement(
            float(probabilities[at]),
            strongest(contributions[at]),
            {head: float(probabilities[k]) for k, head in others},
            {head: strongest(contributions[k]) for k, head in others},
        )


#: how many of a head's strongest grams are sorted to find its cues
_CANDIDATES = 48


@cache
def default_model() -> StyleModel:
    """The model shipped in the package (loaded once)."""
    return StyleModel.load()
