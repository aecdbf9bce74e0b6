"""Registered data sets (exact-data match): rows of people's data kept only as keyed hashes.

A unit registers the rosters it holds (personnel files, 低保 and 信访 registers); a message that
carries values of enough *rows* of one set is found, even when the values would pass no
validator (internal staff numbers, a name and an address). Every value is folded
(:mod:`matchers.normalize`) and squeezed to letters, digits and ideographs, so
``110101 19900307 1234``, ``+86 138-0013-8000`` and a traditional-character name match what was
registered. Values are stored as BLAKE2b hashes under the unit's key, and so is a short prefix
of each, which is how a value is looked for in a message: every position of the message's
squeezed text is hashed at the prefix lengths the set uses, and only where a prefix is known is
the whole value's hash computed.

A row counts when ``min_values`` of its values are present (a name alone is too common), or
one value of a column registered as unique (a staff number); a set is found when ``min_rows``
distinct rows count. Evidence names the set and the counts, never the values.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from matchers.fingerprint import squeeze, squeeze_map, squeezed_offsets
from matchers.normalize import fold

__all__ = ["DataMatch", "DataSet", "ExactDataIndex", "normalise_value", "value_hash"]

#: Shortest value registered: shorter ones (one character, a 3-digit amount) match anything.
MIN_VALUE_CHARS = 2
MIN_DIGIT_CHARS = 5
#: Prefix length a value is looked up by: every value has at least this many characters.
PREFIX = MIN_VALUE_CHARS


def normalise_value(value: str) -> str:
    """A cell as the index keeps it: folded, squeezed; '' when too short to be evidence."""
    squeezed = squeeze_map(value)[0]
    if squeezed.isdigit() and len(squeezed) < MIN_DIGIT_CHARS:
        return ""
    return squeezed if len(squeezed) >= MIN_VALUE_CHARS else ""


def value_hash(value: str, key: bytes) -> int:
    digest = hashlib.blake2b(value.encode("utf-32-le"), digest_size=8, key=key).digest()
    return int.from_bytes(digest, "little")


@dataclass(frozen=True, slots=True)
class DataSet:
    """One registered data set as the index knows it: hashes, sizes and rules, never values.

    ``values`` maps a value hash to the (row, column) cells that hold it; ``prefixes`` maps a
    prefix hash to the lengths of the values starting with it.
    """

    id: str
    label: str
    category: str
    rows: int
    columns: tuple[str, ...]
    values: dict[int, tuple[tuple[int, int], ...]]
    prefixes: dict[int, frozenset[int]]
    unique: frozenset[int] = frozenset()  # column numbers whose one value identifies a row
    min_values: int = 2
    min_rows: int = 3

    @classmethod
    def register(
        cls,
        id: str,
        label: str,
        category: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[str]],
        key: bytes,
        *,
        unique: Iterable[int] = (),
        min_values: int = 2,
        min_rows: int = 3,
    ) -> DataSet:
        cells: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        prefixes: defaultdict[int, set[int]] = defaultdict(set)
        count = 0
        for number, row in enumerate(rows):
            count += 1
            for column, raw in enumerate(row):
                value = normalise_value(str(raw or ""))
                if not value:
                    continue
                cells[value_hash(value, key)].append((number, column))
                prefixes[value_hash(value[:PREFIX], key)].add(len(value))
        return cls(
            id,
            label,
            category,
            count,
            tuple(columns),
            {h: tuple(c) for h, c in cells.items()},
            {h: frozenset(lengths) for h, lengths in prefixes.items()},
            frozenset(unique),
            min_values,
            min_rows,
        )


@dataclass(frozen=True, slots=True)
class DataMatch:
    """A registered set found in a text: how many rows, how many values, and where."""

    id: str
    label: str
    category: str
    rows: int  # distinct rows that count
    total_rows: int
    values: int  # distinct values found
    spans: tuple[tuple[int, int], ...]  # original offsets of the values found


@dataclass
class ExactDataIndex:
    key: bytes
    sets: list[DataSet] = field(default_factory=list)
    #: the sets each :data:`PREFIX`-character string seen in mail may start a value of: a
    #: message's prefixes are mostly the same few thousand character pairs, so most are neither
    #: hashed nor looked up again (bounded; kept in memory only, like the key)
    _prefix_cache: dict[str, tuple[tuple[int, frozenset[int]], ...]] = field(
        default_factory=dict, repr=False
    )

    def __len__(self) -> int:
        return len(self.sets)

    def match(self, text: str) -> list[DataMatch]:
        if not self.sets:
            return []
        folded = fold(text)
        squeezed = squeeze(folded.text)
        key = self.key
        found: list[defaultdict[int, set[int]]] = [defaultdict(set) for _ in self.sets]
        spans: list[list[tuple[int, int]]] = [[] for _ in self.sets]  # squeezed offsets
        hashes: list[set[int]] = [set() for _ in self.sets]
        size = len(squeezed)
        for i, candidates in enumerate(self._candidates(squeezed)):
            for number, lengths in candidates:
                data = self.sets[number]
                for length in lengths:
                    if i + length > size:
                        continue
                    value = squeezed[i : i + length]
                    if value.isdigit() and not _digit_bounded(squeezed, i, i + length):
                        continue
                    h = value_hash(value, key)
                    cells = data.values.get(h)
                    if not cells:
                        continue
                    hashes[number].add(h)
                    spans[number].append((i, i + length))
                    for row, column in cells:
                        found[number][row].add(column)
        out: list[DataMatch] = []
        offsets: list[int] | None = None
        for number, data in enumerate(self.sets):
            rows = sum(
                1
                for columns in found[number].values()
                if len(columns) >= data.min_values or columns & data.unique
            )
            if rows >= data.min_rows:
                if offsets is None:  # squeezed → folded offsets, only when a set is found
                    offsets = squeezed_offsets(folded.text)
                located = {
                    folded.to_original(offsets[s], offsets[e - 1] + 1) for s, e in spans[number]
                }
                out.append(
                    DataMatch(
                        data.id,
                        data.label,
                        data.category,
                        rows,
                        data.rows,
                        len(hashes[number]),
                        tuple(sorted(located)),
                    )
                )
        return out

    def _candidates(self, squeezed: str) -> list[tuple[tuple[int, frozenset[int]], ...]]:
        """Per position, the sets (number, value lengths) a value starting there may be in:
        the keyed hash of its :data:`PREFIX` characters looked up in every set's prefixes."""
        cache = self._prefix_cache
        if len(cache) > _PREFIX_CACHE:
            cache.clear()
        key = self.key
        out: list[tuple[tuple[int, frozenset[int]], ...]] = []
        for p in range(len(squeezed) - PREFIX + 1):
            gram = squeezed[p : p + PREFIX]
            found = cache.get(gram)
            if found is None:
                h = value_hash(gram, key)
                found = cache[gram] = tuple(
                    (number, data.prefixes[h])
                    for number, data in enumerate(self.sets)
                    if h in data.prefixes
                )
            out.append(found)
        return out


#: Prefixes remembered per index (each ~150 bytes): the cache is emptied beyond this.
_PREFIX_CACHE = 200_000


def _digit_bounded(text: str, start: int, end: int) -> bool:
    """A registered number counts only as a whole number, not inside a longer one."""
    return not (start > 0 and text[start - 1].isdigit()) and not (
        end < len(text) and text[end].isdigit()
    )
