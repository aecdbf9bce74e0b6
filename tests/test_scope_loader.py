"""Scope-table loading: every kind of mistake gives one line naming file, line, key and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchers.errors import ScopeError
from matchers.scope import load_scope

GOOD = """\
id = "land"
name = "征地拆迁"
severity = "high"
action = "quarantine"
release = "single"
threshold = 100

[[terms]]
words = ["征地拆迁补偿方案"]
weight = 100

[[near]]
groups = [["征地"], ["补偿"]]
window = 60

[[patterns]]
detector = "cn_resident_id"
min_count = 5

[[excludes]]
words = ["新闻稿"]
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path / "scope", "land.toml", text)
    with pytest.raises(ScopeError) as info:
        load_scope(path.parent)
    return str(info.value).replace(str(path), "land.toml")


def test_good_table_loads(tmp_path: Path) -> None:
    write(tmp_path / "scope", "land.toml", GOOD)
    scope = load_scope(tmp_path / "scope")
    (category,) = scope.categories
    assert category.id == "land" and category.near[0].window == 60
    assert category.patterns[0].min_count == 5
    assert scope.files == (tmp_path / "scope" / "land.toml",)
    assert len(scope.version) == 64


def test_version_changes_with_content(tmp_path: Path) -> None:
    write(tmp_path / "scope", "land.toml", GOOD)
    before = load_scope(tmp_path / "scope").version
    write(tmp_path / "scope", "land.toml", GOOD.replace("threshold = 100", "threshold = 120"))
    assert load_scope(tmp_path / "scope").version != before


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('severity = "high"', 'severity = "urgent"',
         "land.toml:3: severity: must be one of low | medium | high | critical (got 'urgent')"),
        ("threshold = 100", 'threshold = "100"',
         "land.toml:6: threshold: must be an integer (got '100')"),
        ("threshold = 100", "threshhold = 100", "land.toml:6: threshhold: unknown key (got 100)"),
        ('id = "land"', 'id = "Land Table"',
         "land.toml:1: id: an id may use only a-z, 0-9, '_' and '-' (got 'Land Table')"),
        ('words = ["征地拆迁补偿方案"]', "words = []",
         "land.toml:9: terms[0].words: empty word list (give at least one word, or remove the "
         "block) (got [])"),
        ('words = ["征地拆迁补偿方案"]', 'words = ["，。"]',
         "land.toml:9: terms[0].words: word has no letters or digits left after normalisation "
         "(got '，。')"),
        ("weight = 100", "weight = -5",
         "land.toml:10: terms[0].weight: Input should be greater than or equal to 0 (got -5)"),
        ('detector = "cn_resident_id"', 'detector = "passport"',
         "land.toml:17: patterns[0].detector: unknown detector, known: bank_card, "
         "circulation_marker, cn_mobile, cn_resident_id, cn_uscc, roster, roster_loose, "
         "roster_record, roster_sensitive, secrecy_marking, secrecy_statement, work_secret_marking, "
         "work_secret_statement (got 'passport')"),
        ('detector = "cn_resident_id"', "regex = '(秘密'",
         "land.toml:17: patterns[0].regex: invalid regular expression: missing ), unterminated "
         "subpattern at position 0 (got '(秘密')"),
        ('groups = [["征地"], ["补偿"]]', 'groups = [["征地"]]',
         "land.toml:13: near[0].groups: a near rule needs at least two groups of words "
         "(got [['征地']])"),
        ('name = "征地拆迁"\n', "",
         "land.toml: name: required key is missing"),
        ('words = ["新闻稿"]', 'words = ["新闻稿"]\nwindow = "wide"',
         "land.toml:22: excludes[0].window: must be an integer (got 'wide')"),
        ('words = ["新闻稿"]', 'words = ["新闻稿"]\n\n[context]\ninternal_from = "anyone"',
         "land.toml:24: context.internal_from: must be one of any | instruction (got 'anyone')"),
    ],
)  # fmt: skip
def test_bad_tables(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    assert error(tmp_path, GOOD.replace(old, new, 1)) == message


def test_line_numbers_inside_multi_line_arrays(tmp_path: Path) -> None:
    text = GOOD.replace(
        'groups = [["征地"], ["补偿"]]\nwindow = 60',
        'groups = [\n  ["征地"],\n  ["补偿"],\n]\nwindow = "sixty"',
    )
    assert error(tmp_path, text) == "land.toml:17: near[0].window: must be an integer (got 'sixty')"


def test_toml_syntax_error(tmp_path: Path) -> None:
    text = GOOD.replace('name = "征地拆迁"', 'name = "征地拆迁')
    assert error(tmp_path, text).startswith("land.toml:2: toml: syntax error: ")


def test_pattern_needs_exactly_one_kind(tmp_path: Path) -> None:
    text = GOOD.replace('detector = "cn_resident_id"', "detector = \"cn_mobile\"\nregex = 'x'")
    assert error(tmp_path, text) == (
        "land.toml:16: patterns[0]: give exactly one of detector or regex"
    )


def test_a_name_is_for_a_regex(tmp_path: Path) -> None:
    # (round 43) a regex may carry the name the officer reads; a detector has its own
    text = GOOD.replace(
        'detector = "cn_resident_id"', 'detector = "cn_resident_id"\nname = "身份证"'
    )
    assert error(tmp_path, text) == (
        "land.toml:16: patterns[0]: name is for a regex: a detector has its own name"
    )


def test_cap_style_needs_cap_cut(tmp_path: Path) -> None:
    # (round 44) the internal head's bar where the words reach the cap goes with the head's cut
    text = GOOD.replace('words = ["新闻稿"]', 'words = ["新闻稿"]\n\n[context]\ncap_style = 0.5', 1)
    assert error(tmp_path, text) == (
        "land.toml:24: context.cap_style: needs cap_cut (the head's cut where the table's words "
        "reach the cap) (got 0.5)"
    )


def test_sheet_alone_needs_model_alone(tmp_path: Path) -> None:
    # (round 48) a sheet is read on its own only by a table whose head may read prose on its own
    text = GOOD.replace(
        'words = ["新闻稿"]', 'words = ["新闻稿"]\n\n[context]\nsheet_alone = 0.5', 1
    )
    assert error(tmp_path, text) == (
        "land.toml:24: context.sheet_alone: needs model_alone (a sheet is read on its own only "
        "where prose is) (got 0.5)"
    )


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path / "scope", "a.toml", GOOD)
    second = write(tmp_path / "scope", "b.toml", GOOD)
    with pytest.raises(ScopeError) as info:
        load_scope(tmp_path / "scope")
    assert str(info.value) == f"{second}:1: id: duplicate category id 'land' (also in a.toml)"


def test_missing_and_empty_directories(tmp_path: Path) -> None:
    with pytest.raises(ScopeError, match="scope_dir: not a directory"):
        load_scope(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ScopeError, match=r"scope_dir: no \*\.toml scope tables"):
        load_scope(tmp_path / "empty")


def test_not_utf8(tmp_path: Path) -> None:
    directory = tmp_path / "scope"
    directory.mkdir()
    (directory / "land.toml").write_bytes(GOOD.encode("gb18030"))
    with pytest.raises(ScopeError, match=r"land\.toml: file: not UTF-8"):
        load_scope(directory)
