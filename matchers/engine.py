"""The engine: scope tables compiled once, then segments in, findings and a decision out.

``Engine.compile`` builds one keyword automaton over every word of every table (terms, near
groups and excludes) and compiles the patterns; it is CPU work, done off the event loop, and
the result is never mutated (a reload compiles a new engine and swaps the reference). An
engine is not shared between threads (pyahocorasick objects are not thread-safe); extraction
workers each compile their own from the picklable :class:`~matchers.scope.ScopeSet`.

Per segment: fold (:mod:`matchers.normalize`), find keywords in the squeezed view
(:mod:`matchers.keywords`), check word boundaries of short hits (:mod:`matchers.boundary`), run
detectors and regexes on the folded text (:mod:`matchers.detectors`), evaluate near rules,
drop hits close to an exclude word, and map every hit back to the original text.

Scoring (DESIGN): a category's score is the sum of the weights of its *distinct* matched terms,
near rules and patterns across the whole message; a pattern scores only when it found at least
``min_count`` distinct values. Verdict: reject if a ``reject`` category reached its threshold,
else quarantine if a ``quarantine`` category did or anything was unscannable, else pass;
``monitor`` categories are reported but never hold.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path

from matchers.boundary import on_boundaries
from matchers.builtin import DETECTORS, PROBES
from matchers.context import (
    INTERNAL_PROBE,
    SIGN_IN,
    Probe,
    after_words,
    cited_as_example,
    in_sentence,
    instruction,
    internal_markers,
    is_circulation,
    is_public,
    marker_label,
    pending_column,
    public_signals,
    put_off,
    spoken,
    training_errand,
    withheld_from_public,
    written_as_published,
)
from matchers.detectors import cited_marking, taught
from matchers.errors import ScopeError
from matchers.keywords import KeywordHit, Keywords
from matchers.model import (
    ADDRESS_LOCATIONS,
    Action,
    CategoryScore,
    Decision,
    Finding,
    Segment,
    Unscannable,
    Verdict,
)
from matchers.normalize import Folded, fold
from matchers.prefilter import required_words
from matchers.roster import named_people
from matchers.scope import (
    Category,
    ContextRule,
    NearRule,
    ScopeSet,
    load_scope,
    squeeze,
    symbol_pattern,
)
from matchers.style import INTERNAL as STYLE_INTERNAL
from matchers.style import MODEL, Judgement, default_model, features, text_of

#: Characters of context on each side of a hit in a finding.
CONTEXT = 30
#: Findings kept per rule and message; the rest are counted in a note (the score is unchanged).
MAX_SUPPRESSED = 50  # discounted hits reported per message
MAX_FINDINGS_PER_RULE = 50
#: Boundary refusals per word and segment before the word is given up in that segment: bounds
#: the jieba work on hostile input (a megabyte of 思维稳定).
MAX_BOUNDARY_REFUSALS = 200

RuleKey = tuple[int, str, int | str]  # (category index, kind, rule index or word)
Evidence = tuple[int, int, int, str]  # (segment index, original span, label)
#: A probe a keyword fires where it stands literally: (probe name, check or None).
Watch = tuple[str, Callable[[str, int, int], bool] | None]
#: The probe of the internal-document evidence (:class:`_Context`); detectors use their names.
INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class _Use:
    """One use of a keyword by a table."""

    category: int
    role: str  # "term" | "near" | "exclude"
    rule: int
    group: int
    weight: int
    window: int
    boundary: bool
    word: str  # as written in the table
    key: str  # the word squeezed (distinct terms score once)
    symbols: re.Pattern[str] | None = None  # a word with symbols (秘密★) is matched with them


@dataclass(frozen=True, slots=True)
class _Hit:
    """A hit in original offsets, before it becomes a finding."""

    category: int
    key: RuleKey
    kind: str
    rule: str
    start: int
    end: int
    weight: int
    value: str = ""
    suppressed_by: str = ""  # the exclude word that discounted it (then it does not score)
    cited: bool = False  # a marking quoted in a sentence, at half its weight


@dataclass(frozen=True, slots=True)
class _NearHit:
    """A word of a near rule, before its boundary is checked."""

    start: int
    end: int
    group: int
    word: str
    keyword: KeywordHit
    boundary: bool


@dataclass(frozen=True, slots=True)
class _Pattern:
    category: int
    index: int
    label: str
    detector: str | None
    regex: re.Pattern[str] | None
    min_count: int
    weight: int
    probe: str  # the name of the probe that may skip it (its detector, or the regex's place)


class Engine:
    """Compiled scope tables. Build with :meth:`compile`; use :meth:`decide`."""

    def __init__(
        self, scope: ScopeSet, keywords: Keywords, uses: tuple[tuple[_Use, ...], ...],
        patterns: tuple[_Pattern, ...], watches: tuple[tuple[Watch, ...], ...] = (),
        wrapping: frozenset[str] = frozenset(),
    ) -> None:  # fmt: skip
        self.scope = scope
        self._keywords = keywords
        self._uses = uses
        self._patterns = patterns
        # per keyword: the probes it fires (probe-only words have no uses); the scans with a
        # probe run only on segments where it fired
        self._watches = watches or tuple(() for _ in uses)
        self._probed = frozenset(name for watch in self._watches for name, _ in watch)
        self._wrapping = wrapping  # probes whose scans read through line wraps
        #: the patterns that find a person's number (an ID, a mobile, a bank card; not an
        #: address or an amount): what opens a table of detectors to its head of the model
        self._identifying = frozenset(
            (p.category, "pattern", p.index) for p in patterns if p.detector in IDENTIFIERS
        )
        #: the patterns that are a table's regexes (below its threshold they are topic evidence)
        self._regexes = frozenset(
            (p.category, "pattern", p.index) for p in patterns if p.regex is not None
        )
        self._term_count = sum(1 for u in uses if u)
        self._contextual = any(_contextual(c) for c in scope.categories)
        self._named = any(c.context.named for c in scope.categories)
        # categories whose hits make the context worth reading (most clean mail has none)
        self._context_users = frozenset(
            ci for ci, c in enumerate(scope.categories) if _contextual(c)
        )
        # tables whose head may count on internal evidence alone: a message with a marker (the
        # probe fired) is read even when no table word stands
        self._marked = any(
            c.context.model and c.context.model_marked is not None for c in scope.categories
        )
        # tables whose head may count with no word and no marker: (id, head cut, style cut)
        self._alone = tuple(
            (c.id, c.context.model_alone, c.context.alone_style)
            for c in scope.categories
            if c.context.model and c.context.model_alone is not None
        )
        # … and those whose head may read a spreadsheet with no prose on its own (sheet_alone)
        self._sheet_alone = tuple(
            (c.id, c.context.sheet_alone, c.context.sheet_alone_style)
            for c in scope.categories
            if c.context.model
            and c.context.model_alone is not None
            and c.context.sheet_alone is not None
        )

    @classmethod
    def compile(cls, scope: ScopeSet, *, probes: bool = True) -> Engine:
        """Build the automaton and the patterns (CPU work: call it off the event loop).

        ``probes``: look for the words the context scan and some detectors need in the one
        keyword pass, and skip those scans on segments without them (:class:`~matchers.context.Probe`). The
        findings are the same either way; ``False`` exists to show that (and what it saves)."""
        by_key: dict[str, list[_Use]] = {}
        for ci, category in enumerate(scope.categories):
            for use in _uses(ci, category):
                by_key.setdefault(use.key, []).append(use)
        patterns = tuple(
            _Pattern(
                category=ci,
                index=ri,
                label=pattern.label,
                detector=pattern.detector,
                regex=re.compile(pattern.regex) if pattern.regex is not None else None,
                min_count=pattern.min_count,
                weight=pattern.weight,
                probe=pattern.detector or f"regex {ci}.{ri}",
            )
            for ci, category in enumerate(scope.categories)
            for ri, pattern in enumerate(category.patterns)
        )
        used: dict[str, Probe] = {}
        for p in patterns:
            if p.detector in PROBES:
                used[p.probe] = PROBES[p.detector]
            elif p.regex is not None and (words := required_words(p.regex.pattern)):
                used[p.probe] = Probe(words)
        if any(_contextual(c) for c in scope.categories):
            used[INTERNAL] = INTERNAL_PROBE
        watching: dict[str, list[Watch]] = {}
        for name, probe in used.items() if probes else ():
            words = probe.words
            if any(squeeze(word) != word for word in words):
                if not probe.wrapped:
                    continue  # the keyword pass would not see the word as written: always scan
                # a probe that fires on squeezed hits too can watch the squeezed words
                words = frozenset(squeeze(word) for word in words)
            checks = dict(probe.checks)
            for word in sorted(words | set(checks)):
                watching.setdefault(word, []).append((name, checks.get(word)))
                by_key.setdefault(word, [])  # a probe-only word scores nothing
        if any(_reads_model(c) for c in scope.categories):
            _load_model()  # a broken install fails here, at load, not in the middle of mail
        keywords = Keywords(list(by_key))  # dicts keep insertion order: word i ↔ uses[i]
        uses = tuple(tuple(u) for u in by_key.values())
        watches = tuple(tuple(watching.get(word, ())) for word in by_key)
        wrapping = frozenset(name for name, probe in used.items() if probe.wrapped)
        return cls(scope, keywords, uses, patterns, watches, wrapping)

    @property
    def version(self) -> str:
        return self.scope.version

    @property
    def term_count(self) -> int:
        """Distinct words of the tables (terms, near-rule words and excludes)."""
        return self._term_count

    @property
    def categories(self) -> tuple[Category, ...]:
        return self.scope.categories

    # -- matching -------------------------------------------------------------------------

    def match(self, segments: Sequence[Segment]) -> list[Finding]:
        """Every finding that counts, in segment order."""
        return self._evaluate(segments)[0]

    def decide(
        self, segments: Sequence[Segment], unscannable: Sequence[Unscannable] = ()
    ) -> Decision:
        findings, keys, notes, suppressed = self._evaluate(segments)
        scores = self._scores(keys)
        categories: list[CategoryScore] = []
        for ci, category in enumerate(self.scope.categories):
            if scores.get(ci, 0) > 0:
                categories.append(
                    CategoryScore(
                        id=category.id, name=category.name, score=scores[ci],
                        threshold=category.threshold, action=category.action,
                        severity=category.severity, release=category.release,
                    )
                )  # fmt: skip
        reached = {c.action for c in categories if c.triggered}
        if Action.REJECT in reached:
            verdict = Verdict.REJECT
        elif Action.QUARANTINE in reached or unscannable:
            verdict = Verdict.QUARANTINE
        else:
            verdict = Verdict.PASS
        return Decision(
            verdict=verdict,
            categories=tuple(categories),
            findings=tuple(findings),
            unscannable=tuple(unscannable),
            scope_version=self.version,
            notes=tuple(notes),
            suppressed=tuple(suppressed),
        )

    def _evaluate(
        self, segments: Sequence[Segment]
    ) -> tuple[list[Finding], dict[RuleKey, int], list[str], list[Finding]]:
        folds = [fold(segment.text) for segment in segments]
        fired: list[set[str]] = [set() for _ in segments]  # the probes each segment fired
        per_segment = [
            (segment, list(self._segment_hits(segment, folded, fired[i])))
            for i, (segment, folded) in enumerate(zip(segments, folds, strict=True))
        ]
        per_segment = _spent(per_segment)
        context = None
        cited = any(hit.cited for _, hits in per_segment for hit in hits)
        wanted = (
            cited
            or any(hit.category in self._context_users for _, hits in per_segment for hit in hits)
            or (self._marked and self._keeps_quiet(segments, folds, fired))
        )
        # (thirty-seventh round) no table word and no marker: the model alone may still read a
        # working paper on a table's matter; the context is read only where it does
        alone, sheet_only = (
            self._alone_reading(segments, folds)
            if self._contextual and not wanted
            else (None, False)
        )
        if self._contextual and (wanted or alone is not None):
            markers = [INTERNAL in f or INTERNAL not in self._probed for f in fired]
            context = _Context(segments, folds, self._named, markers)
            context.judged(alone, sheet_only)
        if context is not None:
            published = self._published(context, segments, per_segment)
            if context.public or published:
                per_segment = [
                    (
                        segment,
                        [
                            self._in_public(hit, context.public.get(i))
                            if i in context.public
                            else self._in_public(
                                hit, published.get(hit.category), strong=i in context.signalled
                            )
                            for hit in hits
                        ],
                    )
                    for i, (segment, hits) in enumerate(per_segment)
                ]
            limits = any(_lesson_limit(hit) for _, hits in per_segment for hit in hits)
            lesson = context.lesson() if limits else set()
            if lesson:
                per_segment = [
                    (
                        segment,
                        [
                            hit
                            for hit in hits
                            if not (i in lesson and _taught_marking(segment.text, hit))
                        ],
                    )
                    for i, (segment, hits) in enumerate(per_segment)
                ]
            if cited and context.quiet is not None and not context.all_public:
                # (thirty-second round) a marking named in a sentence (右上角印的机密★10年) in a
                # message that tells its reader to keep quiet (千万别跟别人讲): a marked paper
                # being passed on, not a lesson quoting one
                per_segment = [
                    (
                        segment,
                        [
                            self._told_quietly(hit) if i not in context.public else hit
                            for hit in hits
                        ],
                    )
                    for i, (segment, hits) in enumerate(per_segment)
                ]
        # min_count: distinct values of a pattern across the whole message
        values: dict[RuleKey, set[str]] = defaultdict(set)
        for _, hits in per_segment:
            for hit in hits:
                if hit.kind in ("pattern", "detector") and not hit.suppressed_by:
                    values[hit.key].add(hit.value)
        minimum = {(p.category, "pattern", p.index): p.min_count for p in self._patterns}
        keys: dict[RuleKey, int] = {}
        shown: dict[RuleKey, tuple[int, str]] = {}
        findings: list[Finding] = []
        suppressed: list[Finding] = []
        for segment, hits in per_segment:
            for hit in hits:
                if hit.suppressed_by:  # reported, never scored
                    if len(suppressed) < MAX_SUPPRESSED:
                        suppressed.append(self._finding(segment, hit))
                    continue
                if hit.key in minimum and len(values[hit.key]) < minimum[hit.key]:
                    continue
                keys[hit.key] = max(keys.get(hit.key, 0), hit.weight)
                count = shown.get(hit.key, (0, hit.rule))[0] + 1
                shown[hit.key] = (count, hit.rule)
                if count <= MAX_FINDINGS_PER_RULE:
                    findings.append(self._finding(segment, hit))
        if context is not None:
            # the tables whose identifiers were found, if fewer than they count (one ID)
            found = {key[0] for key, seen in values.items() if seen and key in self._identifying}
            findings += self._corroborate(context, segments, keys, found)
        notes = [
            f"{self.scope.categories[key[0]].name}：规则“{rule}”命中较多，仅列出前 "
            f"{MAX_FINDINGS_PER_RULE} 处"
            for key, (n, rule) in shown.items()
            if n > MAX_FINDINGS_PER_RULE
        ]
        return findings, keys, notes, suppressed

    def _alone_reading(
        self, segments: Sequence[Segment], folds: Sequence[Folded]
    ) -> tuple[Judgement | None, bool]:
        """The model's judgement of a message with no table word, where a table's head could
        count on it alone (``model_alone``; in a spreadsheet with no prose, ``sheet_alone``);
        None where none could (most mail). Also: whether the message is such a sheet."""
        alone = self._alone
        sheet_only = not _prose(segments, folds)
        if sheet_only:
            # (forty-eighth round) a sheet's cells are no prose: only the tables that read a
            # sheet on its own (``sheet_alone``), more surely
            alone = self._sheet_alone if _has_sheet(segments) else ()
        if not alone:
            return None, False
        parts = [(s.location, f.text) for s, f in zip(segments, folds, strict=True)]
        text = text_of(parts)
        model = default_model()
        heads = dict(zip(model.heads, model.probabilities(features(text)), strict=True))
        best = max(p for head, p in heads.items() if head != STYLE_INTERNAL)
        for table, cut, style in alone:
            topic = heads.get(table)
            if (
                topic is not None
                and topic >= cut
                and topic >= best
                and heads[STYLE_INTERNAL] >= style
            ):
                return model.judge(text), sheet_only
        return None, False

    def _keeps_quiet(
        self, segments: Sequence[Segment], folds: Sequence[Folded], fired: Sequence[set[str]]
    ) -> bool:
        """Does a segment of a message with no table word say to keep something quiet (the
        evidence ``model_marked`` reads), or a sheet's header propose what is to be done with
        each row (forty-seventh round, ``_Context.pending``)? Most mail has no marker word: the
        probe skips it."""
        return any(
            not put_off(word) or _sheet_column(word, segment)
            for segment, folded, probes in zip(segments, folds, fired, strict=True)
            if INTERNAL in probes or INTERNAL not in self._probed
            for _, _, word in internal_markers(folded.text)
        )

    def _finding(self, segment: Segment, hit: _Hit) -> Finding:
        text = segment.text
        lo = max(0, hit.start - CONTEXT)
        hi = min(len(text), hit.end + CONTEXT)
        return Finding(
            category=self.scope.categories[hit.category].id,
            kind=hit.kind,
            rule=hit.rule,
            match=text[hit.start : hit.end],
            location=segment.location,
            start=hit.start,
            end=hit.end,
            context=text[lo:hi],
            context_start=hit.start - lo,
            context_end=hit.end - lo,
            weight=hit.weight,
            suppressed_by=hit.suppressed_by,
        )

    def _scores(self, keys: dict[RuleKey, int]) -> dict[int, int]:
        """Each category's score: the sum of its keys' weights, where a table's weak topic
        evidence (words, near rules and — forty-third round — regexes below its threshold,
        including strong ones a public text halved) together counts at most its ``[context]
        topic_cap``."""
        scores: dict[int, int] = defaultdict(int)
        weak: dict[int, int] = defaultdict(int)
        solid: dict[int, int] = defaultdict(int)  # distinct weak keys of half the threshold
        categories = self.scope.categories
        for key, weight in keys.items():
            ci = key[0]
            threshold = categories[ci].threshold
            if weight < threshold and (key[1] in ("term", "near") or key in self._regexes):
                weak[ci] += weight
                solid[ci] += 2 * weight >= threshold
            else:
                scores[ci] += weight
        for ci, weight in weak.items():
            context = categories[ci].context
            cap = context.topic_cap
            if cap is not None and context.dense is not None and solid[ci] >= context.dense:
                cap = max(cap, categories[ci].threshold)  # dense with the table's vocabulary
            scores[ci] += weight if cap is None else min(weight, cap)
        return scores

    def _published(
        self,
        context: _Context,
        segments: Sequence[Segment],
        per_segment: list[tuple[Segment, list[_Hit]]],
    ) -> dict[int, str]:
        """The tables (by index) for which the message reads as published by its style: the
        internal head below the table's ``published`` and no internal evidence."""
        if context.internal is not None:
            return {}
        asking = {
            hit.category
            for _, hits in per_segment
            for hit in hits
            if self.scope.categories[hit.category].context.published is not None
        }
        if not asking:
            return {}
        probability = context.judgement(segments).probability
        return {
            ci: f"公开文风（模型评分 {probability:.2f}）"
            for ci in asking
            if probability < (self.scope.categories[ci].context.published or 0.0)
        }

    def _topical(self, key: RuleKey, weight: int) -> bool:
        """Is a scored key topic evidence that context may corroborate?"""
        if key[1] in ("term", "near"):
            return True
        category = self.scope.categories[key[0]]
        if key[1] != "pattern" or weight >= category.threshold:
            return False
        # (forty-third round) a regex of the table's words below its threshold (表决比分) is topic
        # evidence as a near rule is; detector findings only where the table says so
        return category.context.detectors or key in self._regexes

    def _told_quietly(self, hit: _Hit) -> _Hit:
        """A marking quoted in a sentence, at its full weight again."""
        if not hit.cited or hit.suppressed_by:
            return hit
        weight = self.scope.categories[hit.category].patterns[int(hit.key[2])].weight
        rule = hit.rule.removesuffix(CITED) + CITED_QUIETLY
        return replace(hit, weight=weight, rule=rule, cited=False)

    def _in_public(self, hit: _Hit, signals: str | None, strong: bool = True) -> _Hit:
        """A topic hit inside a published notice, law or news text: weak ones are discounted,
        strong ones count half (``strong``: where the text's structure says so, or — forty-first
        round — where one structural signal and the style model's reading agree; not where only
        the style model reads it as published); markings and validated rosters are never
        touched."""
        if signals is None or hit.suppressed_by:
            return hit
        category = self.scope.categories[hit.category]
        if category.context.public != "discount":
            return hit
        if hit.kind not in ("term", "near") and not hit.rule.startswith("roster_loose"):
            return hit
        if hit.weight < category.threshold:
            return replace(hit, suppressed_by=signals)
        if not strong:
            return hit
        return replace(hit, weight=hit.weight // 2, rule=f"{hit.rule}（公开文本）")

    def _corroborate(
        self,
        context: _Context,
        segments: Sequence[Segment],
        keys: dict[RuleKey, int],
        found: set[int],
    ) -> list[Finding]:
        """Internal-document evidence and named people, for every table that asks for them and
        already has topic hits: one key each (scored once) and one finding at the evidence.
        ``found``: the tables whose detectors found a person's number, counted or not (one ID)."""
        # only topic evidence (words, near rules) is corroborated: a list of names is not a topic
        # (and, where a table says so, its weak detector findings: three ID numbers)
        scores = self._scores({k: w for k, w in keys.items() if self._topical(k, w)})
        # (thirty-eighth round) the tables the message's own evidence already holds it for: a
        # second table's head must read its matter clearly before theirs (``RIVAL_LEAD``)
        categories = self.scope.categories
        holding = {  # (before any context evidence is added below)
            categories[ci].id
            for ci, score in self._scores(keys).items()
            if score >= categories[ci].threshold
        }
        findings = []
        residual: list[tuple[int, float, float, Evidence]] = []
        sheet = _has_sheet(segments)  # a CSV file or a workbook's sheet: its cells read less surely
        for ci, category in enumerate(categories):
            rule = category.context
            gate = scores.get(ci, 0)
            if rule.detectors and ci in found:
                # (thirty-fifth round) a table of detectors: one number of a person stands (a
                # single ID or mobile, not a finding of its own) as its words would
                gate = max(gate, rule.model_min)
            pending = None
            if rule.marked_residual and context.pending is not None and gate < rule.model_min:
                # (forty-seventh round) a sheet whose header has a column of what is proposed
                # for each row (排名 … 得分 | 拟处理: 拟评优秀, 拟取消补贴) is a table of results
                # before they are decided, as the table's words would say: the head reads which
                # matter, and the officer is shown the column
                pending = context.pending
                gate = rule.model_min
            reading = _model_reading(rule, gate, context.quiet is not None)
            if reading and rule.model and not (context.all_public or context.titled):
                how, cut, style = reading
                capped = how == "words" and _at_cap(rule, gate)
                if capped and sheet:
                    cut = min(cut, SHEET_CUT)
                elif capped and rule.cap_cut is not None:
                    cut = min(cut, rule.cap_cut)
                elif how == "alone" and sheet:
                    cut = max(cut, SHEET_ALONE)
                if capped and rule.cap_style is not None:
                    # (forty-fourth round) beside several of the table's words, writing that
                    # leans internal (``cap_style``; the loader asks for cap_cut with it)
                    style = min(style, rule.cap_style)
                # the model's reading alone weighs only in a text long enough to be a paper
                short = how == "alone" and not context.long_enough
                if short and rule.sheet_alone is not None and sheet:
                    # (forty-eighth round) a sheet with no prose: the head must read it surely
                    # (``sheet_alone``, ``sheet_alone_style``)
                    short = False
                    cut, style = max(cut, rule.sheet_alone), max(style, rule.sheet_alone_style)
                marker = context.quiet if how == "marked" else pending
                rivals = holding - {category.id}
                # (forty-seventh round) the residual table reads a marker for a matter no other
                # table claims: where another table's own evidence holds the message (a personnel
                # plan marked 征求意见稿, 暂勿扩散), the marker is that matter's, not a second one
                # (a retrained model read that plan 0.80 work secret against 0.39 personnel)
                residual_claimed = how == "marked" and rule.marked_residual and bool(rivals)
                evidence = None
                if not short and not residual_claimed:
                    evidence = context.modelled(
                        segments,
                        category.id,
                        cut,
                        style,
                        marker,
                        alone=how == "alone",
                        rivals=rivals,
                        passage_cut=PASSAGE_RESIDUAL_CUT if rule.marked_residual else PASSAGE_CUT,
                        by_passage=how == "marked",
                    )
                    if (
                        evidence is None
                        and how == "marked"
                        and marker
                        and rule.marked_residual
                        and not rivals
                    ):
                        residual.append((ci, cut, style, marker))
                if evidence is None and how == "words" and rule.sheet_style is not None and sheet:
                    # a sheet's cells read less surely internal too (``sheet_style``): a surer
                    # head may count beside less internal writing
                    evidence = context.modelled(
                        segments,
                        category.id,
                        max(cut, SHEET_SURE),
                        min(style, rule.sheet_style),
                        rivals=rivals,
                    )
                if evidence is not None:
                    findings.append(self._keyed(ci, "model", rule.model, evidence, segments, keys))
            score = scores.get(ci, 0)
            style_min = rule.internal_min if rule.style_min is None else rule.style_min
            if score < min(rule.internal_min, style_min):
                continue
            for kind, weight in (
                ("internal", rule.internal), ("named", rule.named), ("style", rule.style)
            ):  # fmt: skip
                if not weight or score < (style_min if kind == "style" else rule.internal_min):
                    continue
                if kind == "internal":
                    instructed = rule.internal_from == "instruction"
                    evidence = context.instructed if instructed else context.internal
                elif kind == "named":
                    # a table that reads style counts names only in a text that reads more as
                    # a working paper than as a published one (a list of those to be assessed)
                    # (thirty-seventh round: below the table's ``published`` where it has one —
                    # the sharper model reads a bare sheet of names near 0.5)
                    below = 0.5 if rule.published is None else rule.published
                    published = rule.style and context.judgement(segments).probability < below
                    evidence = None if published else context.named
                else:
                    evidence = context.style(segments, rule.style_cut)
                if evidence is None:
                    continue
                findings.append(self._keyed(ci, kind, weight, evidence, segments, keys))
        if residual:
            findings += self._residual(context, segments, keys, residual)
        return findings

    def _residual(
        self,
        context: _Context,
        segments: Sequence[Segment],
        keys: dict[RuleKey, int],
        residual: list[tuple[int, float, float, Evidence]],
    ) -> list[Finding]:
        """The residual table's head beside a marker (``marked_residual``), where no other table
        holds the message with all its evidence: it counts though another head reads higher."""
        categories = self.scope.categories
        held = {ci for ci, s in self._scores(keys).items() if s >= categories[ci].threshold}
        findings = []
        for ci, cut, style, marker in residual:
            if held - {ci}:
                continue
            if max(context.judgement(segments).topics.values(), default=0.0) >= RESIDUAL_MATTER:
                # another head reads its matter clearly (a list of staff's health results with
                # 别在群里说谁, 0.5 personal data): the residual head need only lean its way
                cut = min(cut, RESIDUAL_CUT)
            evidence = context.modelled(
                segments,
                categories[ci].id,
                cut,
                style,
                marker,
                first=False,
                passage_cut=PASSAGE_RESIDUAL_CUT,
            )
            if evidence is not None:
                weight = categories[ci].context.model
                findings.append(self._keyed(ci, "model", weight, evidence, segments, keys))
        return findings

    def _keyed(
        self,
        ci: int,
        kind: str,
        weight: int,
        evidence: Evidence,
        segments: Sequence[Segment],
        keys: dict[RuleKey, int],
    ) -> Finding:
        """A table's context evidence of ``kind``, scored once (its key) and found at ``evidence``."""
        index, start, end, label = evidence
        keys[(ci, kind, 0)] = weight
        hit = _Hit(ci, (ci, kind, 0), kind, label, start, end, weight)
        return self._finding(segments[index], hit)

    def _segment_hits(self, segment: Segment, folded: Folded, fired: set[str]) -> Iterator[_Hit]:
        """The segment's hits; ``fired`` gets the probes whose words stand in it."""
        boundaries = _Boundaries(folded.text)
        found: list[tuple[KeywordHit, int, int]] = []
        for kw in self._keywords.find(folded.text):
            watch = self._watches[kw.word]
            if watch:  # a probe word as written (or split by a line wrap, where read so)
                for name, check in watch:
                    if kw.squeezed and name not in self._wrapping:
                        continue
                    if check is None or check(folded.text, kw.start, kw.end):
                        fired.add(name)
            if not self._uses[kw.word]:
                continue
            word = self._keywords.words[kw.word]
            if word.isascii() and not _ascii_word(folded.text, kw.start, kw.end, kw.squeezed):
                continue
            found.append((kw, *folded.to_original(kw.start, kw.end)))
        by_rule: dict[tuple[int, int], list[tuple[int, int, int, str, int]]] = defaultdict(list)
        for kw, start, end in found:
            for use in self._uses[kw.word]:
                if use.role == "exclude":
                    span = (start, end, use.window, use.word, use.weight)
                    by_rule[(use.category, use.rule)].append(span)
        excludes: dict[int, list[tuple[int, int, int, str, int]]] = defaultdict(list)
        for (ci, ri), spans in by_rule.items():
            needed = self.scope.categories[ci].excludes[ri].min_words
            if len({span[3] for span in spans}) >= needed:
                excludes[ci].extend(spans)
        zones = {category: _Zones(spans) for category, spans in excludes.items()}
        terms: dict[int, list[tuple[_Use, KeywordHit, int, int]]] = defaultdict(list)
        discounted: list[_Hit] = []  # terms an exclude discounted: reported, never listed
        near: dict[tuple[int, int], list[_NearHit]] = defaultdict(list)
        for kw, start, end in found:
            for use in self._uses[kw.word]:
                if use.symbols is not None and not _with_symbols(use.symbols, folded.text, kw):
                    continue
                if use.role == "near":
                    # boundaries are checked later, only where all groups come together
                    word_hit = _NearHit(start, end, use.group, use.word, kw, use.boundary)
                    near[(use.category, use.rule)].append(word_hit)
                elif use.role == "term":
                    zone = zones.get(use.category)
                    by = zone.suppressor(start, end, use.weight) if zone else None
                    if by is None:  # discounted hits never use up the listing limits below
                        terms[use.category].append((use, kw, start, end))
                    elif len(discounted) < MAX_SUPPRESSED:
                        key: RuleKey = (use.category, "term", use.key)
                        discounted.append(
                            _Hit(
                                use.category, key, "term", use.word, start, end, use.weight, "", by
                            )
                        )
        for candidates in terms.values():
            yield from _listed_terms(candidates, boundaries)
        yield from discounted
        for hit in [
            *self._near_hits(near, boundaries),
            *self._pattern_hits(folded, segment.location, fired),
        ]:
            zone = zones.get(hit.category)
            by = zone.suppressor(hit.start, hit.end, hit.weight) if zone else None
            yield hit if by is None else replace(hit, suppressed_by=by)

    def _near_hits(
        self, near: dict[tuple[int, int], list[_NearHit]], boundaries: _Boundaries
    ) -> Iterator[_Hit]:
        for (ci, ri), found in near.items():
            rule = self.scope.categories[ci].near[ri]
            starts: dict[int, list[int]] = defaultdict(list)
            for hit in found:
                starts[hit.group].append(hit.start)
            if len(starts) < len(rule.groups):
                continue
            for group_starts in starts.values():
                group_starts.sort()

            close = sorted(
                (h for h in found if _close(h, starts, rule.window)),
                key=lambda h: (h.start, h.end, h.group),
            )
            yield from _windows(ci, ri, rule, close, boundaries)

    def _pattern_hits(
        self, folded: Folded, location: str = "", fired: set[str] | None = None
    ) -> Iterator[_Hit]:
        cache: dict[str, list[tuple[int, int, str]]] = {}
        for pattern in self._patterns:
            if fired is not None and pattern.probe in self._probed and pattern.probe not in fired:
                continue  # none of the words it needs stands in this segment
            if pattern.detector is not None:
                if pattern.detector not in cache:
                    cache[pattern.detector] = list(DETECTORS[pattern.detector](folded.text))
                found = cache[pattern.detector]
                kind = "detector"
            else:
                assert pattern.regex is not None
                found = [
                    (m.start(), m.end(), m.group()) for m in pattern.regex.finditer(folded.text)
                ]
                kind = "pattern"
                # (forty-fifth round) a level that a table's regex finds (密级：秘密) is an example
                # where the detectors' markings are: a lesson's table of how to mark (示例)
                found = [
                    hit
                    for hit in found
                    if not (_LEVEL_IN.search(hit[2]) and cited_marking(folded.text, hit[0], hit[1]))
                ]
            key: RuleKey = (pattern.category, "pattern", pattern.index)
            for fstart, fend, value in found:
                start, end = folded.to_original(fstart, fend)
                weight, label = pattern.weight, pattern.label
                cited = pattern.detector in MARKING_DETECTORS and not marking_position(
                    folded.text, fstart, fend, location
                )
                if cited:  # a marking quoted in a sentence (a quiz, a rule): weaker evidence
                    weight, label = weight // 2, f"{label}{CITED}"
                yield _Hit(
                    pattern.category, key, kind, label, start, end, weight, value, cited=cited
                )


def _reads_model(category: Category) -> bool:
    """Does a table read the style model (its context keys or the circulation detector)?"""
    rule = category.context
    return bool(
        rule.style
        or rule.model
        or rule.published is not None
        or any(p.detector == "circulation_marker" for p in category.patterns)
    )


def _load_model() -> None:
    try:
        default_model()
    except (OSError, ValueError, KeyError) as error:
        raise ScopeError(
            str(MODEL), "style model", f"cannot be read ({error}); reinstall the package"
        ) from error


#: Public signals of texts that speak *about* other documents (a reply to a request, a press
#: conference, an interview, a news report, a reply to a deputy, a judgment): a marker in one of
#: their sentences describes a document, it is not theirs.
DESCRIBING = frozenset(
    # (thirty-fourth round) a hearing notice on a draft (对补偿方案（征求意见稿）提出异议，决定举行听证)
    {"依申请公开", "发布会", "问答", "记者", "新闻", "建议答复", "裁判文书", "听证"}
)

#: the internal head a table's head needs beside internal evidence (``model_marked``): the
#: marker already says the text is a working paper; its writing need only lean that way (a
#: short note reads 0.6-0.7, where ``model_style`` asks 0.8 of a text with no marker; a kept
#: surprise, 先别告诉他, is left out by its own guard, ``_SURPRISE``). (thirty-ninth round) 0.5:
#: a note that names its limit (（阅卷组内部，未公布）, 不要给其他投标人看) reads 0.5-0.6 to a
#: model that has not seen its kind; on training files the model was trained without, 3 more
#: of 97 work-secret notes held, and no other message measured moved
MARKED_STYLE = 0.5

#: how much surer a table's head must be than the head of a table whose own evidence already
#: holds the message (thirty-eighth round): a personnel plan marked 征求意见稿 and 暂勿扩散 reads
#: 0.41 personnel and 0.44 work secret (0.52 and 0.66 for a draft marked 请勿转发, with the
#: retrained model); it is one paper on one matter, not two. Only the categories change: the
#: message is held either way. (thirty-ninth round) 0.25: a land plan said to be 尚未公布 (now
#: internal evidence) read 0.38 public security against land's 0.17. (forty-second round) 0.3:
#: round 42's retrained model read the marked personnel plan 0.67 work secret against 0.41.
RIVAL_LEAD = 0.3


#: the head's cut for a spreadsheet whose words reach the table's ``topic_cap`` (fortieth
#: round): a sheet is rows of names, figures and short cells, and the head reads fewer of its
#: matter's sentence cues there (a ranking or a findings table read 0.2-0.3 where its prose
#: report reads 0.4 and more); the table's words, several of them, say what the matter is. On
#: the read evaluation set and the training notes nothing moved; decided with the unread splits'
#: totals in view (+2 held, no false hold) and checked on two splits written after it
SHEET_CUT = 0.2

#: … and the cut of a head reading a message with a spreadsheet on its own, with none of the
#: table's words (forty-first round): for the same reason a sheet's head reads less surely, and
#: with no word to say what the matter is, it must be surer than in prose (``model_alone``, 0.3
#: for work secret). A model trained on more spreadsheet notes read a clean workbook of an
#: unread split (clean2) at 0.31 alone; at 0.35 only that message moved, on every set measured
SHEET_ALONE = 0.35


#: how sure a table's head must be where ``sheet_style`` lets less internal writing count
#: beside the table's words in a message with a spreadsheet (forty-second round)
SHEET_SURE = 0.4


#: (forty-eighth round) the residual table's head beside a marker where another head reads its
#: matter at least ``RESIDUAL_MATTER`` sure: it counts from ``RESIDUAL_CUT`` (work secret's
#: ``model_marked`` before round 48), though its own cut is higher. Personal mail that keeps a
#: surprise (求婚计划，她闺蜜也不能说; 这事先别让他知道) reads low on every head (0.1-0.2); a
#: paper on a matter another table names (体检异常人员, 别在群里说谁) reads 0.5 on that one
RESIDUAL_MATTER = 0.3
RESIDUAL_CUT = 0.05

#: the Han characters of a paragraph the model reads on its own beside a marker that says to keep
#: it quiet (forty-fifth round): a sentence or two, not a phrase
PASSAGE_MIN_HAN = 40
#: … and how sure the head and the internal head must be there: a few sentences read less surely
#: than a paper (published texts' paragraphs beside a quoted rule read 0.1-0.35, and 0.5-0.75
#: internal; the sentences that tell a paper's matter read 0.55 and more, 0.9 internal)
PASSAGE_CUT = 0.5
#: (forty-sixth round) … and 0.3 for the table of work matters kept quiet (``marked_residual``):
#: the internal head (0.8) already sets the published paragraphs apart, and one sentence on a
#: work matter in routine mail (名单先内部掌握, 千万别提要调整) reads 0.3-0.4 on its head. Other
#: tables keep 0.5: at 0.3 for all, a press conference's inside notes were held under public
#: security's head (0.33) rather than work secret's. On the read evaluation set 2 more sensitive
#: messages held and nothing else moved, nor on the training notes or the unread splits' public
#: messages
PASSAGE_RESIDUAL_CUT = 0.3
PASSAGE_STYLE = 0.8


def _han(text: str) -> int:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def _counts(
    judgement: Judgement,
    table: str,
    cut: float,
    style: float,
    rivals: Collection[str],
    first: bool,
) -> bool:
    """Does a head's reading count: at least ``cut`` sure, the internal head at least ``style``,
    first of the heads (where ``first``) and ahead of the ``rivals`` by ``RIVAL_LEAD``?"""
    topic = judgement.topics.get(table)
    if topic is None or topic < cut or judgement.probability < style:
        return False
    if first and topic < max(judgement.topics.values()):
        return False  # only the matter the model reads first
    # the paper's matter is the one its own words name
    return all(topic >= judgement.topics.get(rival, 0.0) + RIVAL_LEAD for rival in rivals)


def _at_cap(rule: ContextRule, gate: int) -> bool:
    """Do the table's words reach its cap?"""
    return rule.topic_cap is not None and gate >= rule.topic_cap


def _sheet_column(marker: str, segment: Segment) -> bool:
    """Is ``marker`` a column of what is proposed for each row (拟处理) in a spreadsheet's
    header (forty-seventh round, ``_Context.pending``)?"""
    return pending_column(marker) and _SHEET.search(segment.location) is not None


def _has_sheet(segments: Sequence[Segment]) -> bool:
    """Has the message a spreadsheet (a CSV file, a workbook's sheet)?"""
    return any(_SHEET.search(segment.location) for segment in segments)


def _model_reading(
    rule: ContextRule, score: int, internal: bool
) -> tuple[str, float, float] | None:
    """How a table's head may count (None: it cannot): its ground, the head's cut and the
    internal head's cut. ``marked``, where the message carries internal evidence that limits
    who may know (the writing need only lean that way; thirty-ninth round: whether or not the
    table's words stand — work secret's words include circulation limits, 内部掌握, and the
    marker must not make its head harder to count); else ``words``, once the table's words
    scored ``model_min``; else ``alone`` where the table has it. Not ``alone`` where the words
    scored: a head reads the table's weak words too (部长, 包保, 征收), so where they stand its
    reading is not independent of them and ``model_cut`` applies."""
    if internal and rule.model_marked is not None:
        return "marked", rule.model_marked, min(rule.model_style, MARKED_STYLE)
    if score >= rule.model_min:
        return "words", rule.model_cut, rule.model_style
    if rule.model_alone is not None:
        return "alone", rule.model_alone, rule.alone_style
    return None


def _contextual(category: Category) -> bool:
    """Does a table use the document context (internal evidence, named people, public text)?"""
    rule = category.context
    return bool(
        rule.internal or rule.named or rule.style or rule.model or rule.public == "discount"
    )


def _ascii_word(text: str, start: int, end: int, squeezed: bool) -> bool:
    """Latin words match whole and unsqueezed (``cab cat`` does not contain ``abc``)."""
    if squeezed:
        return False
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


#: Detectors whose hits are markings: they count fully only where markings stand.
MARKING_DETECTORS = frozenset({"secrecy_marking"})
#: a secrecy level in what a table's regex found
_LEVEL_IN = re.compile("绝密|机密|秘密")
#: detectors that find a person's number
IDENTIFIERS = frozenset(
    {"cn_resident_id", "cn_mobile", "bank_card", "roster", "roster_record", "roster_sensitive"}
)
#: the Han characters a message needs before a table's head of the model may read it
MODEL_MIN_HAN = 12
#: … and the ideographs a message needs for a head to count on its reading alone
#: (``model_alone``): a one-line remark (他秘密地离开了会场) reads as confidently as a page, and
#: a working paper on a matter says more than a line
ALONE_MIN_HAN = 40
#: … counted on lines of at least this many (prose, not a list of names and addresses)
ALONE_LINE_HAN = 15
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _prose(segments: Sequence[Segment], folds: Sequence[Folded]) -> bool:
    """Has the message prose enough for a head to count on its reading alone: ``ALONE_MIN_HAN``
    ideographs on lines of at least ``ALONE_LINE_HAN`` (a list of names and addresses, a line
    each, is not a working paper about them)?

    (thirty-eighth round) A CSV file's row is cells, not a sentence: it is parted at its commas
    and tabs in the original text, where a sentence's commas are still ，. A sheet's rows keep
    their lines: parted at the tabs, sensitive tables of results and findings fell short."""
    needed = ALONE_MIN_HAN
    for segment, folded in zip(segments, folds, strict=True):
        if _CSV.search(segment.location):
            lines = [cell for line in segment.text.splitlines() for cell in _CELLS.split(line)]
        else:
            lines = folded.text.split("\n")
        for line in lines:
            count = len(_HAN.findall(line))
            if count >= ALONE_LINE_HAN:
                needed -= count
                if needed <= 0:
                    return True
    return False


#: a spreadsheet or a sheet of one (a CSV file, a workbook's 工作表)
_SHEET = re.compile(r"\.(?:csv|xlsx?|et)$|工作表", re.IGNORECASE)
#: a CSV file or a member of one (its location ends in the file's name)
_CSV = re.compile(r"\.csv$", re.IGNORECASE)
_CELLS = re.compile(r"[,\t]")


def _worded(folds: Sequence[Folded]) -> bool:
    """Has the message some words for the model to read (not only numbers and file names)?"""
    needed = MODEL_MIN_HAN
    for folded in folds:
        needed -= sum(1 for _ in islice(_HAN.finditer(folded.text), needed))
        if needed <= 0:
            return True
    return False


#: the label of a marking quoted in a sentence (half its weight)
CITED = "（文中引用）"
#: … and of one the message also tells its reader to keep quiet about (its full weight again)
CITED_QUIETLY = "（文中提到，并交代保密）"
#: Locations that are a page's margins: a marking there stands where markings stand.
_MARGINS = ("页眉", "页脚", "母版", "页眉页脚")
#: What may precede a marking on its line: a form label (密级：) or a list of its own.
# (twenty-eighth round: a forwarded document's lines keep their quote marks, > 秘密★5年)
_MARKING_LEAD = re.compile(r"(?:\s*[>＞|])*\s*(?:密\s*级|标\s*志)?\s*[:：]?\s*[【〔\[（(]?\s*")
#: What may follow it: urgency, copy number, a document number — not a sentence.
_SENTENCE = re.compile('[，。；？！,;?!“”"「」]')


def marking_position(text: str, start: int, end: int, location: str) -> bool:
    """Does a marking at ``text[start:end]`` stand where markings stand (GB/T 9704: the head of
    the document, top left; a page margin; a line or form field of its own), rather than being
    quoted inside a sentence?"""
    if location.rstrip().endswith(_MARGINS):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:start]
    if _cell(before, text[end:line_end]):  # a table cell of its own (a 密级 column, a form field)
        return True
    after = text[end:line_end].strip()
    if _GLOSSED.match(after):
        return False  # (forty-sixth round) a glossary's entry: 绝密★：最重要的国家秘密
    if _LEVELS_LISTED.match(after) or _LEVELS_LISTED_BEFORE.search(before):
        return False  # the levels listed (绝密★、机密★、秘密★): a lesson's, no paper has three
    if _closes_title(text[:line_start], before, after):
        return True
    if not _MARKING_LEAD.fullmatch(before):
        return False
    return len(after) <= 30 and not _SENTENCE.search(after)


#: (forty-sixth round) a marking followed by a colon and words: a lesson's gloss of the level
#: (秘密★：一般的国家秘密), which no marked paper prints (one read text, public)
_GLOSSED = re.compile(r"[0-9一二三四五六七八九十年长期 \t]*[：:][ \t　]*[^\s0-9]")
#: (forty-third round) a marking beside another level, listed (绝密★、机密★、秘密★ 后面跟保密期限 on
#: a training slide's line of its own)
_LEVELS_LISTED = re.compile(r"[、，,/和或及与][ \t　]*(?:绝密|机密|秘密)")
_LEVELS_LISTED_BEFORE = re.compile(
    r"(?:绝密|机密|秘密)(?:★[^、，,/和或及与\s]{0,6})?[ \t　]*[、，,/和或及与][ \t　]*$"
)


def _closes_title(above: str, before: str, after: str) -> bool:
    """A marking in brackets closing a document's first line: 重要目标防护点位（秘密★10年）."""
    return (
        not above.strip()
        and before.rstrip().endswith(("（", "("))
        and after in ("）", ")")
        and not _SENTENCE.search(before)
    )


def _cell(before: str, after: str) -> bool:
    """Is what stands between ``before`` and ``after`` on its line a whole table cell?"""
    if not before.strip():  # (thirty-first round) the first cell of a row: 机密\t0417\t…
        return after.lstrip(" ").startswith(("\t", "|"))
    return before.rstrip(" ").endswith(("\t", "|")) and (
        not after.strip() or after.lstrip(" ").startswith(("\t", "|"))
    )


def _uses(ci: int, category: Category) -> Iterator[_Use]:
    """Every word of a table with the role it plays there."""
    for ri, term in enumerate(category.terms):
        for word in term.words:
            key = squeeze(word)
            boundary = len(key) == 2 if term.boundary is None else term.boundary
            symbols = symbol_pattern(word)
            yield _Use(ci, "term", ri, 0, term.weight, 0, boundary, word, key, symbols)
    for ri, near in enumerate(category.near):
        for gi, group in enumerate(near.groups):
            for word in group:
                key = squeeze(word)
                yield _Use(
                    ci, "near", ri, gi, near.weight, near.window, len(key) == 2, word, key,
                    symbol_pattern(word),
                )  # fmt: skip
    for ri, exclude in enumerate(category.excludes):
        limit = category.threshold - 1 if exclude.max_weight is None else exclude.max_weight
        for word in exclude.words:  # an exclude's ``weight`` is the most it may discount
            yield _Use(ci, "exclude", ri, 0, limit, exclude.window, False, word, squeeze(word))


def _with_symbols(pattern: re.Pattern[str], text: str, hit: KeywordHit) -> bool:
    """Is the squeezed hit of a word with symbols written with them (秘密★, not 秘密)?"""
    reach = len(pattern.pattern)
    return pattern.search(text, max(0, hit.start - reach), hit.end + reach) is not None


def _listed_terms(
    candidates: list[tuple[_Use, KeywordHit, int, int]], boundaries: _Boundaries
) -> Iterator[_Hit]:
    """One category's term hits in a segment, in text order.

    Every distinct word counts (DESIGN): ``越级上访`` also contains the word ``上访``. Each word is
    listed at most :data:`MAX_FINDINGS_PER_RULE` + 1 times (the one more tells the officer there
    are more), and word boundaries are checked only for hits that will be listed.
    """
    candidates.sort(key=lambda c: (c[2], -c[3]))
    listed: dict[str, int] = defaultdict(int)
    for use, kw, start, end in candidates:
        if listed[use.key] > MAX_FINDINGS_PER_RULE:
            continue
        if use.boundary and not boundaries.check(kw):
            continue
        listed[use.key] += 1
        key: RuleKey = (use.category, "term", use.key)
        yield _Hit(use.category, key, "term", use.word, start, end, use.weight)


def _close(hit: _NearHit, starts: dict[int, list[int]], window: int) -> bool:
    """Is a word of every other group within ``window`` of this one (sorted ``starts``)?"""
    for group, group_starts in starts.items():
        if group == hit.group:
            continue
        k = bisect_left(group_starts, hit.end - window)
        if k == len(group_starts) or group_starts[k] > hit.start + window:
            return False
    return True


def _windows(
    ci: int, ri: int, rule: NearRule, found: list[_NearHit], boundaries: _Boundaries
) -> Iterator[_Hit]:
    """Non-overlapping spans holding one word of each group within ``rule.window``.

    Word boundaries are checked only for the words a window would use, and the search stops
    once the officer has enough examples, so repetition cannot make it slow.
    """

    def usable(hit: _NearHit) -> bool:
        return not hit.boundary or boundaries.check(hit.keyword)

    after = -1
    shown = 0
    for i, first in enumerate(found):
        if first.start < after or not usable(first):
            continue
        best: dict[int, _NearHit] = {}
        for j in range(i, len(found)):
            hit = found[j]
            if hit.start > first.start + rule.window:
                break
            if (hit.group not in best or hit.end < best[hit.group].end) and usable(hit):
                best[hit.group] = hit
        if len(best) < len(rule.groups):
            continue
        end = max(h.end for h in best.values())
        if end - first.start > rule.window:
            continue
        label = "+".join(best[g].word for g in sorted(best))
        yield _Hit(ci, (ci, "near", ri), "near", label, first.start, end, rule.weight)
        after = end
        shown += 1
        if shown > MAX_FINDINGS_PER_RULE:
            return


_FILE_NAME = re.compile(r"\.[A-Za-z0-9]{2,5}(?:（|$)")


#: (forty-sixth round) a marking that lasts until the paper's use (绝密★启用前, an exam's) …
_UNTIL_USE = re.compile(r"[ \t　]*(?:启用前|考试结束前|开考前)")
#: … in a document that says it has been published since (本试题已于考试结束后公开发布, 考后公布)
_SINCE_PUBLISHED = re.compile(
    r"考后公布|(?:已于|已在|已经|现已)[^\n。]{0,30}?(?:公开发布|公布|公开)"
)


def _spent(per_segment: list[tuple[Segment, list[_Hit]]]) -> list[tuple[Segment, list[_Hit]]]:
    """Drop the markings that lasted until an exam (绝密★启用前) from a document that says it
    has been published since: a past paper put out for study keeps its header, and is public."""
    if not any(
        hit.kind == "detector" and hit.rule in MARKING_DETECTORS
        for _, hits in per_segment
        for hit in hits
    ):
        return per_segment
    published = {
        _document(segment.location)
        for segment, _ in per_segment
        if _SINCE_PUBLISHED.search(segment.text)
    }
    if not published:
        return per_segment
    return [
        (
            segment,
            [
                hit
                for hit in hits
                if not (
                    hit.kind == "detector"
                    and hit.rule in MARKING_DETECTORS
                    and _UNTIL_USE.match(segment.text, hit.end)
                )
            ],
        )
        if _document(segment.location) in published
        else (segment, hits)
        for segment, hits in per_segment
    ]


#: the detectors of circulation limits and work-secret statements, whose finds in a lesson's
#: sentences are the rules it teaches (forty-fifth round)
LESSON_TAUGHT = frozenset({"circulation_marker", "work_secret_statement"})


def _lesson_limit(hit: _Hit) -> bool:
    """Is ``hit`` a circulation limit or a work-secret statement (what a lesson may teach)?"""
    return hit.kind == "detector" and hit.rule in LESSON_TAUGHT


def _taught_marking(text: str, hit: _Hit) -> bool:
    """Is ``hit`` (in a lesson's document) a circulation limit or a work-secret statement in a
    sentence of its line, not in brackets: a rule taught, not the lesson's own tag?"""
    return (
        _lesson_limit(hit)
        and _in_lesson(text, hit.start, hit.end)
        and not _bracketed(text, hit.start)
    )


def _in_lesson(text: str, start: int, end: int, word: str = "") -> bool:
    """Is the marker at ``text[start:end]`` part of what a lesson says, not its tag: words stand
    before it on its line, or after it (内部资料、征求意见稿都要按规定管理), or it is an instruction
    in words (对外发布以正式公开文件为准)? A printed marker alone on its line is the tag."""
    if after_words(text, start) or (word and spoken(word)):
        return True
    line_end = text.find("\n", end)
    rest = text[end : len(text) if line_end < 0 else line_end]
    return bool(rest.strip(" \t\u3000】〕])）★*:：，,、。;；"))


def _bracketed(text: str, start: int) -> bool:
    """Does a bracket open just before ``start`` (a title's tag: 征兵工作培训（内部资料）)?"""
    return text[max(0, start - 4) : start].rstrip(" \t\u3000")[-1:] in ("（", "(", "【", "[", "〔")


def _document(location: str) -> str:
    """The document a segment belongs to: the innermost file in its location (``附件 a.zip ›
    b.docx › 页眉`` → ``附件 a.zip › b.docx``); ``""`` for the message's own subject and body."""
    parts = location.split(" › ")
    for i in range(len(parts) - 1, -1, -1):
        if _FILE_NAME.search(parts[i]):
            return " › ".join(parts[: i + 1])
    return ""


class _Context:
    """The message's internal-document evidence (first marker) and its public documents."""

    def __init__(
        self, segments: Sequence[Segment], folds: Sequence[Folded], named: bool,
        markers: Sequence[bool],
    ) -> None:  # fmt: skip
        """``markers``: which segments may hold internal-document evidence (the probe)."""
        self.public: dict[int, str] = {}
        self._segments = segments
        self._folds = folds
        self._private: list[list[int]] = []  # documents that are not public: where names count
        self._named: Evidence | bool | None = named  # True: not looked for yet
        self._style: Judgement | None = None  # the style model's, once asked
        self._worded: bool | None = None  # words enough for a model head (once asked)
        self._long: bool | None = None  # … and for a head on its own (once asked)
        #: the model's judgement of the paragraph of a marker (once asked, per marker)
        self._passages: dict[tuple[int, int, int, str], Judgement | None] = {}
        title = "".join(s.text for s in segments if s.location == "主题")
        documents: dict[str, list[int]] = defaultdict(list)
        for i, segment in enumerate(segments):
            if segment.location not in ADDRESS_LOCATIONS:
                documents[_document(segment.location)].append(i)
        document_of = {i: name for name, members in documents.items() for i in members}
        signals: dict[str, list[str]] = {}
        errands: set[str] = set()  # documents whose lesson title is a training's errand

        def signals_of(name: str) -> list[str]:
            if name not in signals:
                text = "\n".join(folds[i].text for i in documents[name])
                heading = fold(title).text if name == "" else ""
                signals[name] = public_signals(text, heading)
                if "培训标题" in signals[name] and training_errand(text, heading):
                    errands.add(name)
            return signals[name]

        self.internal: Evidence | None = None
        #: the first internal evidence that limits who may know (not a decision put off)
        self.quiet: Evidence | None = None
        #: the first of those that is an instruction in words (别往外说, 你别复印), not a
        #: document's printed marker (内部资料) — what some tables ask for (``internal_from``)
        self.instructed: Evidence | None = None
        #: (forty-seventh round) the first column of what is proposed for each row (拟处理) in
        #: a spreadsheet's header
        self.pending: Evidence | None = None
        for i, folded in enumerate(folds):
            if not markers[i]:
                continue
            for fstart, fend, word in internal_markers(folded.text):
                found = signals_of(document_of.get(i, ""))
                if withheld_from_public(word) and is_public(found):
                    continue
                if cited_as_example(folded.text, fstart):
                    continue  # 比如…考核排名初稿: one kind of paper named, not this one's marker
                if taught(folded.text, fstart, fend):
                    continue  # 保密知识培训要点：不要在微信群里说工作秘密 — a rule taught
                # (forty-eighth round) a deck read as published whose headings teach (哪些不能发,
                # 案例) is a lesson too, titled or not (信息发布前的保密审查)
                taught_here = "培训标题" in found or ("讲授提纲" in found and is_public(found))
                if (
                    taught_here
                    and document_of.get(i, "") not in errands
                    and _in_lesson(folded.text, fstart, fend, word)
                    and (is_public(found) or not _bracketed(folded.text, fstart))
                ):
                    # a lesson's example (误将内部讨论稿上网; a slide's 在微信群里转发内部材料),
                    # not the text's marker; (forty-first round) also where the lesson shows no
                    # second public signal (a deck titled …培训), unless it is the lesson's own
                    # tag opening in brackets (征兵工作培训（内部资料）); (forty-fifth round) and a
                    # slide's item that opens with a marker (内部资料、征求意见稿…都要按规定管理)
                    # or gives an instruction (对外发布以正式公开文件为准): rules taught
                    continue
                if is_public(found) and in_sentence(folded.text, fstart, fend):
                    if is_circulation(word) and written_as_published(folded.text):
                        continue  # what a published text says the public is not told
                    if DESCRIBING.intersection(found):
                        # a reply naming the drafts it withholds (评估初稿属于过程性信息), a
                        # spokesman on a scheme still 征求意见稿: about drafts, not one of them
                        continue
                evidence = (i, *folded.to_original(fstart, fend), marker_label(word))
                self.internal = self.internal or evidence
                if _sheet_column(word, segments[i]):
                    self.pending = self.pending or evidence
                if not put_off(word):
                    self.quiet = self.quiet or evidence
                    if instruction(word):
                        self.instructed = evidence
                        break
            if self.instructed is not None:
                break
        self._documents = documents
        self._signals_of = signals_of
        titled = 0
        #: (forty-first round) segments of documents that show one public signal, too few to
        #: read as published by structure alone (see ``Engine._in_public``)
        self.signalled: set[int] = set()
        for name, members in documents.items():
            if self.internal is None:  # internal evidence always beats public context
                found = signals_of(name)
                if is_public(found):
                    label = "公开文本（" + "、".join(dict.fromkeys(found)) + "）"
                    self.public.update(dict.fromkeys(members, label))
                    continue
                # (forty-fourth round) a sign-in sheet reads as one, as a notice does
                titled += "标题" in found or SIGN_IN in found
                if found:
                    self.signalled.update(members)
            self._private.append(members)
        # (thirty-second round) every document not read as published is headed as a notice
        # (…审计结果公告) and nothing says it is internal: the model's reading of its style is
        # not evidence against its own title
        self.titled = bool(self._private) and titled == len(self._private)

    def lesson(self) -> set[int]:
        """(forty-fifth round) The segments of documents titled as a lesson (工作秘密的识别与管理 /
        县法院保密办　干警培训): a circulation limit in a sentence there is the rule taught (…的
        文件不得上传互联网), as the markers above already read it. Asked only where such a limit
        was found (the signals of every document are read then)."""
        return {
            i for name, members in self._documents.items() if "培训标题" in self._signals_of(name)
            for i in members
        }  # fmt: skip

    @property
    def long_enough(self) -> bool:
        """Has the message words enough for a head to count on its reading alone?"""
        if self._long is None:
            self._long = _prose(self._segments, self._folds)
        return self._long

    def judged(self, judgement: Judgement | None, sheet_only: bool = False) -> None:
        """The model's judgement, where the engine already made it (on the model alone: in a
        message it found to have prose enough, :func:`_prose`, or a sheet, ``sheet_only``)."""
        if judgement is not None:
            self._style = judgement
            self._long = not sheet_only  # a sheet read on its own is still no prose

    @property
    def all_public(self) -> bool:
        """Does every document of the message read as published?"""
        return bool(self.public) and not self._private

    def modelled(
        self,
        segments: Sequence[Segment],
        table: str,
        cut: float,
        style: float,
        marker: tuple[int, int, int, str] | None = None,
        alone: bool = False,
        rivals: Collection[str] = (),
        first: bool = True,
        passage_cut: float = PASSAGE_CUT,
        by_passage: bool = True,
    ) -> tuple[int, int, int, str] | None:
        """The table head's evidence, where it is at least ``cut`` sure, the highest of the
        heads (thirty-seventh round: also beside the table's words — a low cut must not let one
        matter's head claim another's paper), and the internal head at least ``style``: located
        at the first of the head's strongest character groups (at ``marker``, the internal
        evidence that let a head count without the table's words). ``alone``: no word and no
        marker let it count (the officer is told). ``rivals``: the tables the message is held for
        already; the head must lead theirs by ``RIVAL_LEAD``. ``first``: false where the head
        need not be the highest (a residual table beside a marker, ``marked_residual``).
        ``passage_cut``: how sure the head must be on a marker's paragraph read alone (where
        ``by_passage``: not for a sheet's column, ``_Context.pending``, whose rows are no paragraph)."""
        if self._worded is None:
            self._worded = _worded(self._folds)
        if not self._worded:
            return None  # (thirty-fifth round) numbers and no sentence: nothing to read
        judgement = self.judgement(segments)
        where = ""
        if not _counts(judgement, table, cut, style, rivals, first) and marker and by_passage:
            # (forty-fifth round) one paragraph of routine mail that says to keep it quiet
            # (会议室改了……今年考核初步定的优秀是……你先别跟任何人讲): its paragraph read alone
            paragraph = self._passage(segments, marker)
            if paragraph is None:
                return None
            judgement = paragraph
            where = "；据交代所在段落"
            # a paragraph is a few sentences: the head and the writing must read it surely
            cut, style = max(cut, passage_cut), max(style, PASSAGE_STYLE)
        if not _counts(judgement, table, cut, style, rivals, first):
            return None
        topic = judgement.topics[table]
        shown = judgement.topic_cues.get(table, ())
        cues = "".join(f"“{cue}”" for cue in shown)
        alone_label = "；模型单独判断" if alone else ""
        label = (
            f"范围模型（本类事项 {topic:.2f}{'：' + cues if cues else ''}；"
            f"内部文风 {judgement.probability:.2f}"
            f"{'；' + marker[3] if marker is not None else ''}{where}{alone_label}）"
        )
        if marker is not None:
            return (*marker[:3], label)
        return self._located(segments, shown, label)

    def _passage(
        self, segments: Sequence[Segment], marker: tuple[int, int, int, str]
    ) -> Judgement | None:
        """The model's judgement of the paragraph that holds ``marker`` (with the paragraph
        before it where it is short), where that is a passage of prose in a longer text (made
        once per message, whichever tables ask)."""
        if marker not in self._passages:
            self._passages[marker] = self._judge_passage(segments[marker[0]].text, marker)
        return self._passages[marker]

    @staticmethod
    def _judge_passage(text: str, marker: tuple[int, int, int, str]) -> Judgement | None:
        begin = text.rfind("\n", 0, marker[1]) + 1
        end = text.find("\n", marker[2])
        end = len(text) if end < 0 else end
        if _han(text[begin:end]) < PASSAGE_MIN_HAN and begin:
            above = len(text[: begin - 1].rstrip())  # the paragraph before, blank lines aside
            begin = text.rfind("\n", 0, above) + 1
        passage = text[begin:end]
        if _han(passage) < PASSAGE_MIN_HAN or _han(text) < _han(passage) + PASSAGE_MIN_HAN:
            return None  # the whole text is the passage, or too short to read
        return default_model().judge(fold(passage).text)

    def _located(
        self, segments: Sequence[Segment], cues: Sequence[str], label: str
    ) -> tuple[int, int, int, str]:
        """``label`` at the first of ``cues`` found in a part of the message's text."""
        for i, folded in enumerate(self._folds):
            if segments[i].location in ADDRESS_LOCATIONS:
                continue
            for cue in cues:
                at = folded.text.find(cue)
                if at >= 0:
                    return (i, *folded.to_original(at, at + len(cue)), label)
        return (0, 0, 0, label)

    def judgement(self, segments: Sequence[Segment]) -> Judgement:
        """The internal-style model's judgement of the message (made once, when asked)."""
        if self._style is None:
            parts = [(s.location, f.text) for s, f in zip(segments, self._folds, strict=True)]
            self._style = default_model().judge(text_of(parts))
        return self._style

    def style(self, segments: Sequence[Segment], cut: float) -> tuple[int, int, int, str] | None:
        """The internal-style evidence, where the model is at least ``cut`` sure: located at
        the first of the character groups that weighed most."""
        judgement = self.judgement(segments)
        if judgement.probability < cut:
            return None
        cues = "".join(f"“{cue}”" for cue in judgement.cues)
        label = f"内部文风（模型评分 {judgement.probability:.2f}{'：' + cues if cues else ''}）"
        return self._located(segments, judgement.cues, label)

    @property
    def named(self) -> tuple[int, int, int, str] | None:
        """Named people, looked for only when a table asks (the name scan reads every text)."""
        if self._named is True:
            self._named = None
            for members in self._private:
                self._named = _named(members, self._folds)
                if self._named is not None:
                    break
        return self._named or None


_STAFF_LIST = re.compile(
    r"值班|带班|签到|报名|通讯录|联系表|联系方式|座次|参会人员|参训|培训班?名单|考勤|排班"
    r"|培训(?:科目|内容|课程|项目)"
)


def _named(members: list[int], folds: Sequence[Folded]) -> tuple[int, int, int, str] | None:
    """Two or more particular people named in one document: evidence at the first name.

    A list of staff for a duty, a meeting or a course (值班安排, 签到表, 报名表, 通讯录) names
    people as those who do the work, not as its subject: it is not counted."""
    head = [line for i in members[:3] for line in folds[i].text.strip().split("\n", 2)[:2]]
    if any(_STAFF_LIST.search(line) for line in head[:3]):
        return None
    people = named_people([folds[i].text for i in members])
    if len(people) < 2:
        return None
    label = "点名的人员：" + "、".join(sorted(people)[:5]) + ("等" if len(people) > 5 else "")
    for i in members:  # the first name in text order (not in the set's, which varies by process)
        text = folds[i].text
        found = [(at, -len(p)) for p in people if (at := text.find(p)) >= 0]
        if found:
            at, size = min(found)
            return (i, *folds[i].to_original(at, at - size), label)
    return None


class _Boundaries:
    """jieba boundary checks for one folded text, cached, and given up on after a while."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._seen: dict[tuple[int, int], bool] = {}
        self._refused: dict[int, int] = defaultdict(int)

    def check(self, hit: KeywordHit) -> bool:
        span = (hit.start, hit.end)
        if span not in self._seen:
            if self._refused[hit.word] >= MAX_BOUNDARY_REFUSALS:
                return False  # hostile repetition: the same word inside other words, again
            self._seen[span] = on_boundaries(self._text, hit.start, hit.end)
            if not self._seen[span]:
                self._refused[hit.word] += 1
        return self._seen[span]


class _Zones:
    """Where an exclude word discounts hits: ``[start - window, end + window]`` around each, for
    hits weighing at most that exclude's limit."""

    def __init__(self, found: list[tuple[int, int, int, str, int]]) -> None:
        self._zones = sorted(
            (start - window, end + window, word, limit) for start, end, window, word, limit in found
        )
        self._starts = [zone[0] for zone in self._zones]
        self._reach: list[int] = []  # the furthest end among zones starting up to here
        furthest = -1
        for zone in self._zones:
            furthest = max(furthest, zone[1])
            self._reach.append(furthest)

    def suppressor(self, start: int, end: int, weight: int) -> str | None:
        """The exclude word that discounts a hit at ``start:end`` of this weight, if any."""
        k = bisect_right(self._starts, end)
        if k == 0 or self._reach[k - 1] < start:
            return None  # no zone reaches the hit (the common case, in O(log n))
        for _lo, hi, word, limit in reversed(self._zones[:k]):
            if hi >= start and weight <= limit:
                return word
        return None


def load_engine(directory: Path) -> Engine:
    """Load the scope tables in ``directory`` and compile them."""
    return Engine.compile(load_scope(directory))
