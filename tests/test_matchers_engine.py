"""The engine over the default tables and over small tables: evasions, scoring, verdicts."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from matchers.engine import Engine
from matchers.model import (
    Segment,
    Unscannable,
    UnscannableReason,
    Verdict,
)
from matchers.scope import load_scope
from tests.fixtures_matchers import ROOT


def triggered(engine: Engine, text: str) -> list[str]:
    return sorted(c.id for c in engine.decide([Segment("正文", text)]).triggered)


# Every evasion the issue lists, each caught by the default tables; `match` is what the
# officer sees highlighted: the text exactly as written.
EVASIONS = [
    ("干 部 调 整方案", "personnel", "干 部 调 整方案"),
    ("干*部*调*整方案", "personnel", "干*部*调*整方案"),
    ("干·部调整方案", "personnel", "干·部调整方案"),
    ("干\u200b部\u200c调\u200d整方案", "personnel", "干\u200b部\u200c调\u200d整方案"),
    ("\u202e干部调整方案\u202c", "personnel", "干部调整方案"),
    ("干部调整方\n案请审阅", "personnel", "干部调整方\n案"),
    ("ｗｏｒｄ：干部调整方案", "personnel", "干部调整方案"),
    ("⼯作秘密\n会议纪要", "work-secret", "⼯作秘密"),
    ("⼲部调整⽅案", "personnel", "⼲部调整⽅案"),  # Kangxi radicals ⼲ ⽅
    ("征地拆 迁补偿 方案", "land", "征地拆 迁补偿 方案"),  # spacing from PDF extraction
    ("徵地拆遷補償方案", "land", "徵地拆遷補償方案"),
    ("征 地 拆 迁 补 偿 方 案", "land", "征 地 拆 迁 补 偿 方 案"),
    ("秘密★⑥个月", "state-secret", "秘密★⑥个月"),
    ("机密＊１０年", "state-secret", "机密＊１０年"),
]


@pytest.mark.parametrize(("text", "category", "match"), EVASIONS)
def test_evasions_are_caught(engine: Engine, text: str, category: str, match: str) -> None:
    decision = engine.decide([Segment("正文", text)])
    assert category in [c.id for c in decision.triggered]
    matches = [f.match for f in decision.findings if f.category == category]
    assert match in matches
    finding = next(f for f in decision.findings if f.match == match)
    assert text[finding.start : finding.end] == match


def test_pdf_spacing_in_dates(compile_table: Callable[[str], Engine]) -> None:
    engine = compile_table('id = "t"\nname = "T"\n[[terms]]\nwords = ["11月20日撤离"]\n')
    decision = engine.decide([Segment("附件 a.pdf", "定于11 月20 日撤 离")])
    assert [f.match for f in decision.findings] == ["11 月20 日撤 离"]


def test_squeeze_does_not_join_sentences(compile_table: Callable[[str], Engine]) -> None:
    engine = compile_table('id = "t"\nname = "T"\n[[terms]]\nwords = ["拆迁补偿方案"]\n')

    def hits(text: str) -> list[str]:
        return [f.match for f in engine.match([Segment("正文", text)])]

    assert hits("拆迁补偿\n方案") == ["拆迁补偿\n方案"]
    assert hits("要拆迁。补偿方案明天讨论") == []
    assert hits("要拆迁！补偿方案明天讨论") == []
    assert hits("拆迁补偿\n\n方案") == []  # a blank line ends the paragraph
    assert hits("拆迁补偿" + " " * 50 + "方案") == []
    assert hits("拆迁补偿**，**方案") == []  # more than three skipped characters


def test_finding_locates_the_hit(engine: Engine) -> None:
    text = "各位同事：\n请查收附件中的征地拆迁补偿方案，周五前反馈意见。"
    decision = engine.decide([Segment("附件 方案.docx", text)])
    finding = next(f for f in decision.findings if f.rule == "征地拆迁补偿方案")
    assert finding.location == "附件 方案.docx"
    assert (finding.start, finding.end) == (text.index("征地"), text.index("，周五"))
    assert finding.context == text
    assert finding.context[finding.context_start : finding.context_end] == "征地拆迁补偿方案"


def test_context_is_about_thirty_characters_each_side(engine: Engine) -> None:
    text = "一" * 100 + "拆迁补偿方案" + "二" * 100
    finding = next(f for f in engine.match([Segment("正文", text)]) if f.rule == "拆迁补偿方案")
    assert finding.context == "一" * 30 + "拆迁补偿方案" + "二" * 30
    assert (finding.context_start, finding.context_end) == (30, 36)


SCORING = """
id = "s"
name = "测试"
threshold = 100
[[terms]]
words = ["甲乙丙", "丁戊己"]
weight = 40
[[terms]]
words = ["庚辛壬癸"]
weight = 100
"""


def test_distinct_terms_add_up(compile_table: Callable[[str], Engine]) -> None:
    engine = compile_table(SCORING)
    once = engine.decide([Segment("正文", "甲乙丙")])
    assert [(c.id, c.score) for c in once.categories] == [("s", 40)]
    assert once.verdict is Verdict.PASS
    repeated = engine.decide([Segment("正文", "甲乙丙 甲乙丙"), Segment("主题", "甲乙丙")])
    assert repeated.categories[0].score == 40  # the same word counts once per message
    assert len(repeated.findings) == 3  # but the officer sees every occurrence
    both = engine.decide([Segment("正文", "甲乙丙，丁戊己")])
    assert both.categories[0].score == 80
    held = engine.decide([Segment("主题", "甲乙丙"), Segment("正文", "丁戊己 庚辛壬癸")])
    assert held.categories[0].score == 180
    assert held.verdict is Verdict.QUARANTINE


def test_categories_lists_only_scores_above_zero(engine: Engine) -> None:
    # (a chat, not a sentence that reads as published: there a weak word would be discounted)
    decision = engine.decide([Segment("正文", "征地那边下午我再去一趟，晚上跟你说情况")])
    assert [(c.id, c.score, c.threshold) for c in decision.categories] == [("land", 40, 100)]
    assert decision.verdict is Verdict.PASS
    assert engine.decide([Segment("正文", "你好")]).categories == ()


EXCLUDES = """
id = "x"
name = "排除"
[[terms]]
words = ["补偿方案"]
[[excludes]]
words = ["新闻稿"]
window = 10
max_weight = 100  # this table lets its exclude discount even a phrase that holds alone
"""


def test_one_exclude_word_never_silences_strong_evidence_but_is_reported(
    compile_table: Callable[[str], Engine],
) -> None:
    engine = compile_table(EXCLUDES.replace("max_weight = 100", ""))
    decision = engine.decide([Segment("正文", "新闻稿\n附件：某村征地补偿方案（内部讨论稿）")])
    assert decision.verdict is Verdict.QUARANTINE  # weight 100 ≥ threshold: not discountable
    weak = compile_table(EXCLUDES.replace("max_weight = 100", "").replace(
        '["补偿方案"]', '["补偿方案"]\nweight = 40'))  # fmt: skip
    decision = weak.decide([Segment("正文", "新闻稿：补偿方案已公布")])
    assert decision.verdict is Verdict.PASS
    [hit] = decision.suppressed
    assert (hit.match, hit.suppressed_by, hit.weight) == ("补偿方案", "新闻稿", 40)


def test_a_structural_exclude_needs_several_of_its_words(
    compile_table: Callable[[str], Engine],
) -> None:
    table = (
        'id = "p"\nname = "干部"\n[[terms]]\nwords = ["干部调整方案"]\n[[excludes]]\n'
        'words = ["予以公示", "公示时间", "监督电话"]\nwindow = 300\nmin_words = 2\nmax_weight = 100\n'
    )
    engine = compile_table(table)
    evasion = "干部调整方案如下，现予以公示。"
    assert engine.decide([Segment("正文", evasion)]).verdict is Verdict.QUARANTINE
    notice = "现将干部调整方案予以公示。公示时间：2026年12月1日至7日。监督电话：12380。"
    assert engine.decide([Segment("正文", notice)]).verdict is Verdict.PASS


def test_a_marking_quoted_in_a_sentence_is_weaker_than_one_where_markings_stand(
    engine: Engine,
) -> None:
    head = "机密★10年\n关于某项工作的通知"
    assert engine.decide([Segment("正文", head)]).verdict is Verdict.REJECT
    quiz = "1. 保密期限为一年的秘密级文件，其标志正确的写法是（ ）。\nA. 秘密★1年\u3000B. 秘密1年★"
    assert engine.decide([Segment("正文", quiz)]).verdict is Verdict.PASS
    law = "标志由密级和保密期限组成，如“秘密★5年”。"
    assert engine.decide([Segment("正文", law)]).verdict is Verdict.PASS
    form = "密级：机密★5年\n份号：003"
    assert engine.decide([Segment("正文", form)]).verdict is Verdict.REJECT
    assert (
        engine.decide([Segment("附件 a.docx › 页眉", "本文件 机密★ 请妥善保管")]).verdict
        is Verdict.REJECT
    )


def test_excludes_cancel_nearby_hits_only(compile_table: Callable[[str], Engine]) -> None:
    engine = compile_table(EXCLUDES)
    assert engine.decide([Segment("正文", "新闻稿：补偿方案已公布")]).verdict is Verdict.PASS
    far = "新闻稿" + "。" * 20 + "补偿方案"
    assert engine.decide([Segment("正文", far)]).verdict is Verdict.QUARANTINE
    # an exclude word in another segment does not excuse this one
    split = [Segment("主题", "新闻稿"), Segment("正文", "补偿方案")]
    assert engine.decide(split).verdict is Verdict.QUARANTINE


def test_two_character_words_need_word_boundaries(engine: Engine) -> None:
    assert engine.match([Segment("正文", "思维稳定，网上访谈")]) == []
    words = {f.match for f in engine.match([Segment("正文", "维稳和上访")])}
    assert words == {"维稳", "上访"}


def test_boundary_opt_in_and_opt_out(compile_table: Callable[[str], Engine]) -> None:
    strict = compile_table('id = "b"\nname = "B"\n[[terms]]\nwords = ["人事"]\n')
    assert strict.match([Segment("正文", "他不省人事")]) == []
    loose = compile_table('id = "b"\nname = "B"\n[[terms]]\nwords = ["人事"]\nboundary = false\n')
    assert [f.match for f in loose.match([Segment("正文", "他不省人事")])] == ["人事"]
    longer = compile_table(
        'id = "b"\nname = "B"\n[[terms]]\nwords = ["调整方案"]\nboundary = true\n'
    )
    assert longer.match([Segment("正文", "要协调整方案")]) == []  # 协调 / 整 / 方案
    assert [f.match for f in longer.match([Segment("正文", "微调整方案")])] == ["调整方案"]


def test_near_rule_window(compile_table: Callable[[str], Engine]) -> None:
    engine = compile_table(
        'id = "n"\nname = "N"\n[[near]]\ngroups = [["征收"], ["补偿"], ["方案"]]\n'
        "window = 20\nweight = 100\n"
    )
    inside = engine.decide([Segment("正文", "征收工作的补偿还要拟定方案")])
    assert [f.kind for f in inside.findings] == ["near"]
    assert inside.findings[0].match == "征收工作的补偿还要拟定方案"
    assert inside.verdict is Verdict.QUARANTINE
    outside = "征收工作的补偿" + "还" * 30 + "方案"
    assert engine.decide([Segment("正文", outside)]).verdict is Verdict.PASS
    # two-character near words need word boundaries too: 征收 inside 特征收集 is no 征收
    inside_other_words = engine.decide([Segment("正文", "特征收集的补偿方案")])
    assert inside_other_words.verdict is Verdict.PASS


def test_min_count_counts_distinct_values_across_segments(engine: Engine) -> None:
    from tests.fixtures_matchers import resident_id

    ids = [resident_id(f"1101051980031512{i}") for i in range(5)]
    one_each = [Segment(f"附件 {i}.txt", v) for i, v in enumerate(ids)]
    assert "personal-data" in [c.id for c in engine.decide(one_each).triggered]
    same_five_times = [Segment(f"附件 {i}.txt", ids[0]) for i in range(5)]
    decision = engine.decide(same_five_times)
    assert decision.verdict is Verdict.PASS
    assert decision.findings == ()  # one person's own number is not a finding


def test_reject_wins_over_quarantine(engine: Engine) -> None:
    decision = engine.decide([Segment("正文", "机密★5年\n干部调整方案")])
    assert decision.verdict is Verdict.REJECT
    assert {c.id for c in decision.triggered} == {"state-secret", "personnel"}


def test_monitor_categories_never_hold(compile_table: Callable[[str], Engine]) -> None:
    engine = compile_table(
        'id = "m"\nname = "M"\naction = "monitor"\n[[terms]]\nwords = ["观察词"]\n'
    )
    decision = engine.decide([Segment("正文", "观察词")])
    assert decision.verdict is Verdict.PASS
    assert [c.id for c in decision.triggered] == ["m"]


def test_unscannable_content_holds(engine: Engine) -> None:
    item = Unscannable("附件 a.zip", UnscannableReason.ENCRYPTED)
    decision = engine.decide([Segment("正文", "你好")], [item])
    assert decision.verdict is Verdict.QUARANTINE
    assert decision.unscannable == (item,)


def test_regex_patterns_run_on_folded_text(compile_table: Callable[[str], Engine]) -> None:
    engine = compile_table(
        'id = "r"\nname = "R"\n[[patterns]]\nregex = \'ab-\\d{3}\'\nmin_count = 2\n'
    )
    decision = engine.decide([Segment("正文", "ＡＢ-１２３ 与 ab-124，以及 AB-123")])
    assert decision.verdict is Verdict.QUARANTINE
    assert [f.match for f in decision.findings] == ["ＡＢ-１２３", "ab-124", "AB-123"]


def test_latin_words_match_whole_words(compile_table: Callable[[str], Engine]) -> None:
    engine = compile_table('id = "l"\nname = "L"\n[[terms]]\nwords = ["ABC"]\n')
    assert [f.match for f in engine.match([Segment("正文", "项目 abc 与 ＡＢＣ")])] == [
        "abc",
        "ＡＢＣ",
    ]
    assert engine.match([Segment("正文", "the cab cat, abcd")]) == []


def test_version_and_counts(engine: Engine) -> None:
    scope = load_scope(ROOT / "config" / "scope")
    assert engine.version == scope.version and len(engine.version) == 64
    assert engine.term_count > 50
    assert {c.id for c in engine.categories} == {
        "personnel", "public-security", "land", "state-secret", "work-secret", "personal-data",
    }  # fmt: skip
    decision = engine.decide([Segment("正文", "你好")])
    assert decision.scope_version == engine.version


def test_scope_set_is_picklable_and_recompiles() -> None:
    scope = load_scope(ROOT / "config" / "scope")
    copy = pickle.loads(pickle.dumps(scope))
    engine = Engine.compile(copy)
    assert engine.decide([Segment("正文", "拆迁补偿方案")]).verdict is Verdict.QUARANTINE


def test_many_hits_are_listed_up_to_a_cap(engine: Engine) -> None:
    decision = engine.decide([Segment("正文", "维稳，上访。" * 5000 + "（讨论稿）")])
    assert decision.verdict is Verdict.QUARANTINE
    assert sum(f.rule == "维稳" for f in decision.findings) == 50
    assert "社会治安：规则“维稳”命中较多，仅列出前 50 处" in decision.notes


def test_hostile_repetition_is_bounded(engine: Engine) -> None:
    # a megabyte of a two-character word inside other words: boundary checks stop early
    decision = engine.decide([Segment("正文", "思维稳定" * 250_000)])
    assert decision.verdict is Verdict.PASS
    assert decision.findings == ()


def test_large_alphabet_uses_two_symbol_codes(compile_table: Callable[[str], Engine]) -> None:
    import jieba

    from matchers.keywords import Keywords

    dictionary = Path(jieba.__file__).parent / "dict.txt"
    words = [line.split(" ", 1)[0] for line in dictionary.read_text("utf-8").splitlines()]
    chosen = [w for w in words if len(w) >= 4][::40][:2000]
    quoted = ", ".join(f'"{w}"' for w in [*chosen, "拆迁补偿方案"])
    engine = compile_table(f'id = "big"\nname = "大表"\n[[terms]]\nwords = [{quoted}]\n')
    assert engine._keywords.width == 2 and isinstance(engine._keywords, Keywords)
    text = f"前言。拆 迁*补\u200b偿方案，另见{chosen[7]}与{chosen[1500]}。"
    found = {f.rule: f.match for f in engine.match([Segment("正文", text)])}
    assert found["拆迁补偿方案"] == "拆 迁*补\u200b偿方案"
    assert found[chosen[7]] == chosen[7] and found[chosen[1500]] == chosen[1500]


def test_excluded_hits_do_not_use_up_the_listing_limit(
    compile_table: Callable[[str], Engine],
) -> None:
    engine = compile_table(EXCLUDES)
    cover = "新闻稿：补偿方案。" * 80  # 80 excluded hits first
    decision = engine.decide([Segment("正文", cover + "。" * 20 + "内部补偿方案")])
    assert decision.verdict is Verdict.QUARANTINE
    assert [f.start for f in decision.findings] == [len(cover) + 22]


def test_repeated_near_rule_words_list_a_bounded_number_of_windows(engine: Engine) -> None:
    decision = engine.decide([Segment("正文", "征地补偿测算，" * 20_000)])
    assert decision.verdict is Verdict.QUARANTINE
    assert sum(f.kind == "near" for f in decision.findings) == 50


def test_line_breaks_are_not_word_boundaries(engine: Engine) -> None:
    # a hard-wrapped mail breaks lines anywhere: 上访 and 维稳 are still not words here
    assert triggered(engine, "今晚的网上\n访谈节目") == []
    assert triggered(engine, "今晚的网上访谈节目，思\n维稳定性训练") == []
    # spaced out on purpose, 维稳 and 上访 are words (found; whether this one line reads as a
    # published text, which discounts them, is the style model's business, not the boundary's)
    decision = engine.decide([Segment("正文", "请 做 好 维 稳 和 上 访 工 作")])
    assert {f.rule for f in (*decision.findings, *decision.suppressed)} == {"维稳", "上访"}


def test_a_word_inside_a_longer_word_counts_too(compile_table: Callable[[str], Engine]) -> None:
    # DESIGN: the score sums the weights of the distinct matched terms
    engine = compile_table(
        'id = "p"\nname = "P"\n[[terms]]\nwords = ["上访", "越级上访"]\nweight = 50\n'
    )
    decision = engine.decide([Segment("正文", "他曾越级上访")])
    assert [(f.match, f.start) for f in decision.findings] == [("越级上访", 2), ("上访", 4)]
    assert decision.categories[0].score == 100


def test_named_people_evidence_points_at_the_first_name(
    compile_table: Callable[[str], Engine],
) -> None:
    """The officer sees the evidence where the list starts, whatever order the process keeps
    the names in (it used to follow a set's order, which changes with the hash seed)."""
    engine = compile_table(
        'id = "land"\nname = "征地拆迁"\nthreshold = 100\n[[terms]]\nwords = ["补偿款"]\n'
        "weight = 50\n[context]\nnamed = 60\ninternal_min = 40\n"
    )
    text = "补偿款发放名单\n蒋素琴\t12000元\n谢长青\t8000元\n潘翠萍\t9000元\n袁振华\t7000元\n"
    decision = engine.decide([Segment("正文", text)])
    named = [f for f in decision.findings if f.kind == "named"]
    assert [f.match for f in named] == ["蒋素琴"]
    assert decision.categories[0].score == 110
