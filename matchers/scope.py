"""Scope tables (工作秘密事项范围表): the pydantic model and the loader for ``config/scope/*.toml``.

One category per file (format in DESIGN "Scope tables"). :func:`load_scope` validates every
file and raises :class:`~matchers.errors.ScopeError` for the first problem, as one line
``file:line: key: problem`` so an operator can go straight to it. The loaded :class:`ScopeSet`
is plain data (picklable): extraction workers receive it and compile their own engine.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from matchers.builtin import DETECTORS
from matchers.errors import ScopeError
from matchers.model import Action, Release, Severity
from matchers.normalize import fold_text, skippable

ID_PATTERN = re.compile(r"[a-z0-9_-]+")


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _check_words(words: list[str]) -> list[str]:
    if not words:
        raise ValueError("empty word list (give at least one word, or remove the block)")
    for word in words:
        if not squeeze(word):
            raise ValueError(
                f"word has no letters or digits left after normalisation (got {word!r})"
            )
    return words


def squeeze(word: str) -> str:
    """A scope word as the automaton sees it: folded, without whitespace and punctuation."""
    return "".join(ch for ch in fold_text(word) if not skippable(ch))


def symbol_pattern(word: str) -> re.Pattern[str] | None:
    """For a word that has symbols (``秘密★``, ``U盘#1``): a pattern for it as written, with its
    symbols, spaces allowed between characters; ``None`` for a plain word. The automaton finds
    the squeezed word; this check keeps a table term with a symbol from matching without it."""
    folded = "".join(fold_text(word).split())
    if squeeze(word) == folded:
        return None
    return re.compile(r"\s*".join(map(re.escape, folded)))


def symbol_warnings(scope: ScopeSet) -> list[str]:
    """Words whose symbols carry their meaning: without them they read as an ordinary word.

    They are matched with their symbols, but an officer should know that mail writing the
    word without the symbol (or a converter that drops it) is not caught by this term."""
    from matchers.boundary import dictionary

    words = dictionary()
    out = []
    for path, category in zip(scope.files, scope.categories, strict=False):
        for ri, rule in enumerate(category.terms):
            for word in rule.words:
                bare = squeeze(word)
                if symbol_pattern(word) is not None and words.get(bare, 0) > 0:
                    out.append(
                        f"{path}: terms[{ri}]: warning: {word!r} is matched with its symbols; "
                        f"without them it is the ordinary word {bare!r} (mail that drops the "
                        "symbol is not caught by this term)"
                    )
    return out


Weight = Annotated[int, Field(ge=0, le=1_000_000)]
Window = Annotated[int, Field(ge=1, le=100_000)]


class TermRule(_Rule):
    """Literal keywords; each distinct word that matches adds ``weight``."""

    words: list[str]
    weight: Weight = 100
    # None: check word boundaries (jieba) for two-character words only.
    boundary: bool | None = None

    _words = field_validator("words")(_check_words)


class NearRule(_Rule):
    """One word from each group within ``window`` characters."""

    groups: list[list[str]]
    window: Window = 60
    weight: Weight = 100

    @field_validator("groups")
    @classmethod
    def _groups(cls, groups: list[list[str]]) -> list[list[str]]:
        if len(groups) < 2:
            raise ValueError("a near rule needs at least two groups of words")
        for group in groups:
            _check_words(group)
        return groups


class PatternRule(_Rule):
    """A built-in validated detector or a regular expression (run on the folded text).
    ``name``: what the officer reads for the rule (表决比分) instead of the regex itself."""

    detector: str | None = None
    regex: str | None = None
    name: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    min_count: Annotated[int, Field(ge=1, le=100_000)] = 1
    weight: Weight = 100

    @field_validator("detector")
    @classmethod
    def _detector(cls, name: str | None) -> str | None:
        if name is not None and name not in DETECTORS:
            known = ", ".join(sorted(DETECTORS))
            raise ValueError(f"unknown detector, known: {known} (got {name!r})")
        return name

    @field_validator("regex")
    @classmethod
    def _regex(cls, regex: str | None) -> str | None:
        if regex is None:
            return None
        try:
            compiled = re.compile(regex)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc} (got {regex!r})") from None
        if compiled.match(""):
            raise ValueError(f"the regular expression matches the empty string (got {regex!r})")
        return regex

    @model_validator(mode="after")
    def _one_kind(self) -> PatternRule:
        if (self.detector is None) == (self.regex is None):
            raise ValueError("give exactly one of detector or regex")
        if self.name is not None and self.detector is not None:
            raise ValueError("name is for a regex: a detector has its own name")
        return self

    @property
    def label(self) -> str:
        return self.name or self.detector or f"regex:{self.regex}"


class ExcludeRule(_Rule):
    """A hit within ``window`` characters of one of these words does not count — unless it is
    strong evidence: only hits weighing at most ``max_weight`` are discounted (default: less
    than the category's threshold, so one word such as 新闻稿 never silences a phrase that holds
    on its own). Every discounted hit is still reported, with the word that discounted it."""

    words: list[str]
    window: Window = 80
    max_weight: int | None = Field(default=None, ge=0)
    # the rule applies only where at least this many *different* of its words stand in the same
    # text: structure (公示如下 + 公示时间 + 监督电话), not one word an evader can add
    min_words: int = Field(default=1, ge=1)

    _words = field_validator("words")(_check_words)


class ContextRule(_Rule):
    """How document context weighs in this table (:mod:`matchers.context`).

    ``internal``: added once when the message carries internal-document evidence (a draft or
    circulation marker, a 发文稿纸) and this table already scored at least ``internal_min``.
    ``public``: ``"discount"`` discounts this table's words, near rules and loose rosters inside
    a text that reads as a published notice, law or news release; ``"ignore"`` (default) does not.
    ``topic_cap``: this table's weak topic evidence (words and near rules weighing less than its
    threshold, and strong ones a public text halved) together counts at most this much, so
    topic vocabulary alone never holds; a strong phrase, a detector, named people or internal
    evidence must corroborate it. Default: no cap.
    ``named``: added once when a document of the message (not a public one) names at least two
    particular people (嫌疑人戴某某、范某某; a list of names) and this table already scored at
    least ``internal_min``: a text about *these* people, not about the topic in general.
    ``dense``: this many *distinct* weak words and near rules each weighing at least half the
    threshold lift ``topic_cap`` to the threshold: a text dense with the table's vocabulary (a
    舆情日报 listing a post throttled, its poster found, a deletion agreed, organisers under
    watch) is about the matter itself. Public texts are discounted before this counts.
    Default: never.
    ``style``: added once when the message reads as a working paper rather than a published
    text — the internal-style model (:mod:`matchers.style`) is at least ``style_cut`` sure —
    and this table already scored at least ``internal_min``: the same corroboration as an
    internal-document marker, for the many drafts, ledgers and chats that carry none.
    ``style_cut``: the model's probability from which it counts (default 0.8).
    ``style_min``: the topic score ``style`` needs (default: ``internal_min``).
    ``model``: added once when this table's own head of the model (:mod:`matchers.style`, a
    head named after the table's id) is at least ``model_cut`` sure the message is this
    table's matter *and* the internal head at least ``model_style`` sure it is a working paper:
    learnt topic and style together, once the table's topic words and near rules scored at
    least ``model_min`` (default 1: any). Never in a message whose documents all read as
    published.
    ``model_marked``: where the message carries internal-document evidence (a draft or
    circulation marker, an instruction to keep the matter quiet: 别往外传, 本人还不知道), the
    table's head at least this sure, the highest of the heads (and the internal head at least
    ``model_style``, or 0.6 if lower: the marker already says the text is internal) makes
    ``model`` count with none of the table's words: the colleague's note that says who gets
    the post and not to tell anyone, in words no table lists. Default: never.
    ``model_alone``: with none of the table's words and no marker, the table's head at least
    this sure and the highest of the heads, and the internal head at least ``alone_style``,
    makes ``model`` count: a working paper on the matter written in words no table lists (who
    will be moved where, what the census of a weapons depot found). The internal head is the
    stronger reader (it tells a working paper from its published look-alike far better than a
    head tells one matter from another), so ``alone_style`` is high and ``model_alone`` low.
    Only in a message with 40 ideographs of prose (a one-line remark reads as surely as a page;
    a list of names and addresses is not a paper about them), never where a document reads as
    published or is titled as a notice, and not where the table's words scored ``model_min``
    (there the head reads those words too, and ``model_cut`` applies). Default: never.
    ``alone_style``: the internal head ``model_alone`` needs (default 0.9).
    ``sheet_style``: in a message with a spreadsheet (a workbook's sheet, a CSV file), where
    the table's words scored ``model_min`` but ``model`` did not count, the table's head at
    least 0.4 sure (and the highest of the heads) makes it count with the internal head at
    least this sure instead of ``model_style``: a sheet is cells of names and figures, whose
    writing the internal head reads less surely than a paper's prose. Default: never.
    ``sheet_alone``: where the message has a spreadsheet (a workbook's sheet, a CSV file) and
    too little prose for ``model_alone``, the table's head at least this sure (and the highest
    of the heads), with the internal head at least ``sheet_alone_style``, makes ``model`` count
    with none of the table's words and no marker: a score sheet or a ledger of a work matter
    kept inside, in cells no table word names. Only where the table sets ``model_alone``.
    Default: never.
    ``sheet_alone_style``: the internal head ``sheet_alone`` needs (default 0.9).
    ``cap_cut``: where the table's words reach its ``topic_cap`` (several of them already say
    what the matter is), ``model`` counts from this head instead of ``model_cut`` (a sheet's
    ``SHEET_CUT`` stays lower). Default: never.
    ``cap_style``: … and the internal head it needs there instead of ``model_style``: with
    several of the table's words saying what the matter is, writing that leans internal is
    enough. Only where the table sets ``cap_cut``. Default: ``model_style``.
    ``marked_residual``: the table keeps what no other table claims. Where the message carries
    evidence that limits who may know and no other table holds it, ``model_marked`` counts
    though another head reads higher (below its own table's bar): the marker already says a
    work matter is kept quiet, the heads only which. Default false.
    ``published``: where the internal head is below this (and the message carries no internal
    evidence), the message reads as published: this table's weak topic words, near rules and
    loose rosters are discounted as in a public text (strong ones keep their weight: the
    model's reading alone is weaker than a published text's structure), and its named people
    do not count.
    ``internal_from``: ``"instruction"`` counts as internal evidence only an instruction in
    words to keep the matter quiet (你别复印, 先别往乡镇传), not a printed marker (内部资料) or a
    draft: a secrecy notice marked 内部资料 that names 涉密载体 is routine. Default ``"any"``.
    ``detectors``: the table's detector and pattern findings that weigh less than its threshold
    (three ID numbers, one sensitive row) count as topic evidence that internal evidence may
    corroborate (a few residents' card numbers with 别说是村里给的). Default: only words and
    near rules do.
    """

    internal: Weight = 0
    internal_from: str = "any"
    detectors: bool = False
    internal_min: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    public: str = "ignore"
    topic_cap: Weight | None = None
    named: Weight = 0
    dense: Annotated[int, Field(ge=2, le=1000)] | None = None
    style: Weight = 0
    style_cut: Annotated[float, Field(gt=0.5, lt=1.0)] = 0.8
    style_min: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    model: Weight = 0
    model_cut: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.5
    model_style: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.8
    model_min: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    model_marked: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None
    model_alone: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None
    alone_style: Annotated[float, Field(gt=0.5, lt=1.0)] = 0.9
    sheet_style: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None
    sheet_alone: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None
    sheet_alone_style: Annotated[float, Field(gt=0.5, lt=1.0)] = 0.9
    cap_cut: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None
    cap_style: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None
    marked_residual: bool = False
    published: Annotated[float, Field(gt=0.0, lt=0.5)] | None = None

    @field_validator("public", "internal_from")
    @classmethod
    def _choice(cls, value: str, info: ValidationInfo) -> str:
        choices = {"public": ("ignore", "discount"), "internal_from": ("any", "instruction")}
        allowed = choices[info.field_name or ""]
        if value not in allowed:
            raise ValueError(f"must be one of {' | '.join(allowed)} (got {value!r})")
        return value

    @field_validator("sheet_alone")
    @classmethod
    def _sheet_alone(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and info.data.get("model_alone") is None:
            raise ValueError("needs model_alone (a sheet is read on its own only where prose is)")
        return value

    @field_validator("cap_style")
    @classmethod
    def _cap_style(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and info.data.get("cap_cut") is None:
            raise ValueError("needs cap_cut (the head's cut where the table's words reach the cap)")
        return value


class Category(BaseModel):
    """One scope table: a matter the unit protects."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: str
    name: Annotated[str, Field(min_length=1)]
    severity: Severity = Severity.HIGH
    action: Action = Action.QUARANTINE
    release: Release = Release.SINGLE
    threshold: Annotated[int, Field(ge=1, le=1_000_000)] = 100
    description: str = ""
    terms: list[TermRule] = []
    near: list[NearRule] = []
    patterns: list[PatternRule] = []
    excludes: list[ExcludeRule] = []
    context: ContextRule = ContextRule()

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_PATTERN.fullmatch(value):
            raise ValueError(f"an id may use only a-z, 0-9, '_' and '-' (got {value!r})")
        return value

    @field_validator("severity", "action", "release", mode="before")
    @classmethod
    def _enum(cls, value: Any, info: ValidationInfo) -> Any:
        # strict mode would refuse the plain TOML string; accept exactly the enum's values
        enums: dict[str | None, type[StrEnum]] = {
            "severity": Severity,
            "action": Action,
            "release": Release,
        }
        enum = enums[info.field_name]
        if isinstance(value, str) and value in {m.value for m in enum}:
            return enum(value)
        allowed = " | ".join(m.value for m in enum)
        raise ValueError(f"must be one of {allowed} (got {value!r})")

    @model_validator(mode="after")
    def _has_rules(self) -> Category:
        if not (self.terms or self.near or self.patterns):
            raise ValueError("no [[terms]], [[near]] or [[patterns]]: the table can never match")
        return self


class ScopeSet(BaseModel):
    """Every category of a scope directory, with the version (hash) that decisions record."""

    model_config = ConfigDict(frozen=True)

    categories: tuple[Category, ...]
    version: str
    files: tuple[Path, ...]


def load_scope(directory: Path) -> ScopeSet:
    """Load and validate ``directory/*.toml`` (sorted by name)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ScopeError(str(directory), "scope_dir", "not a directory (set scope_dir)")
    files = tuple(sorted(directory.glob("*.toml")))
    if not files:
        raise ScopeError(str(directory), "scope_dir", "no *.toml scope tables in this directory")
    digest = hashlib.sha256()
    categories: list[Category] = []
    seen: dict[str, Path] = {}
    for path in files:
        raw = _read(path)
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        category = load_table(path, raw)
        if category.id in seen:
            text = raw.decode("utf-8")
            raise ScopeError(
                str(path),
                "id",
                f"duplicate category id {category.id!r} (also in {seen[category.id].name})",
                _line_of(text, ("id",)),
            )
        seen[category.id] = path
        categories.append(category)
    return ScopeSet(categories=tuple(categories), version=digest.hexdigest(), files=files)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ScopeError(str(path), "file", f"cannot read: {exc.strerror}") from None


def load_table(path: Path, raw: bytes | None = None) -> Category:
    """Parse and validate one scope table file."""
    raw = _read(path) if raw is None else raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScopeError(
            str(path), "file", f"not UTF-8 (byte {exc.start}); save the table as UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(found.group(1)) if found else None
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise ScopeError(str(path), "toml", f"syntax error: {problem}", line) from None
    try:
        return Category.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error.get("loc", ()))
        raise ScopeError(str(path), _key(loc), _problem(error), _line_of(text, loc)) from None


def _key(loc: tuple[Any, ...]) -> str:
    key = ""
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        else:
            key += ("." if key else "") + str(part)
    return key or "table"


_TYPE_WORDS: dict[str, str] = {
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "model_type": "must be a table",
    "missing": "required key is missing",
    "extra_forbidden": "unknown key",
}


def _problem(error: Any) -> str:
    kind: str = error.get("type", "")
    if kind == "missing":
        return "required key is missing"
    message = _TYPE_WORDS.get(kind) or str(error.get("msg", "invalid")).removeprefix(
        "Value error, "
    )
    value = error.get("input")
    if "(got " in message or isinstance(value, dict):
        return message
    return f"{message} (got {value!r})"


_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
# a table header, not the continuation line of a multi-line array such as  ["征地", "征收"],
_TABLE = re.compile(r"^\s*\[\[?\s*[A-Za-z0-9_-][A-Za-z0-9_.-]*\s*\]\]?\s*(?:#.*)?$")


def _section(lines: list[str], name: str) -> tuple[int, int] | None:
    """The lines of the single table ``[name]``: its header's index and the next header's."""
    header = f"[{name}]"
    for i, line in enumerate(lines):
        if line.strip() == header:
            for j in range(i + 1, len(lines)):
                if _TABLE.match(lines[j]):
                    return i, j
            return i, len(lines)
    return None


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best effort: the line where the key at ``loc`` is written (1-based)."""
    lines = text.splitlines()
    start, stop = 0, len(lines)
    keys = [p for p in loc if isinstance(p, str)]
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        # [[terms]] number loc[1]: narrow to that block
        count = -1
        for i, line in enumerate(lines):
            header = _HEADER.match(line)
            if header and header.group(1) == loc[0]:
                count += 1
                if count == loc[1]:
                    start = i
                    break
        else:
            return None
        for j in range(start + 1, len(lines)):
            if _TABLE.match(lines[j]):
                stop = j
                break
        keys = keys[1:]
        if not keys:
            return start + 1
    elif len(loc) >= 2 and (table := _section(lines, loc[0])) is not None:
        # a key of a single table ([context]): narrow to that table
        start, stop = table
        keys = keys[1:]
    else:
        # top-level keys come before the first table header
        for j, line in enumerate(lines):
            if _TABLE.match(line):
                stop = j
                break
    if not keys:
        return None
    pattern = re.compile(rf"^\s*[\"']?{re.escape(keys[0])}[\"']?\s*=")
    for i in range(start, stop):
        if pattern.match(lines[i]):
            return i + 1
    return start + 1 if start else None
