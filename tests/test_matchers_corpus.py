"""The default tables on real Chinese text from the shared corpus (blog and news feeds in
GB2312 and Big5, CPython's CJK samples): ordinary text passes; a planted secret is found exactly
where it was planted."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchers.engine import Engine
from matchers.model import Segment, Verdict

pytestmark = pytest.mark.corpus

SOURCES = [("chardet/tests/GB2312", "gb18030"), ("chardet/tests/Big5", "big5")]


def real_texts(corpus: Path) -> list[tuple[str, str]]:
    texts = []
    for folder, encoding in SOURCES:
        for path in sorted((corpus / folder).iterdir()):
            texts.append((path.name, path.read_bytes().decode(encoding, errors="replace")))
    for path in sorted((corpus / "cpython" / "cjkencodings").glob("*-utf8.txt")):
        texts.append((path.name, path.read_text(encoding="utf-8", errors="replace")))
    return texts


def test_real_ordinary_text_passes(engine: Engine, corpus: Path) -> None:
    texts = real_texts(corpus)
    assert len(texts) >= 40
    for name, text in texts:
        decision = engine.decide([Segment(name, text)])
        assert decision.verdict is Verdict.PASS, (name, decision.findings)


def test_planted_secret_is_found_where_it_was_planted(engine: Engine, corpus: Path) -> None:
    planted = "干 部 调\r\n整 方 案"
    held = 0
    for name, text in real_texts(corpus):
        middle = text.find("\n", len(text) // 2) + 1
        mail = text[:middle] + planted + text[middle:]
        decision = engine.decide([Segment(name, mail)])
        finding = next(f for f in decision.findings if f.rule.startswith("干部调整方案"))
        assert (finding.start, finding.match) == (middle, planted), name
        if finding.rule == "干部调整方案":  # not halved inside a published text (news pages)
            assert decision.verdict is Verdict.QUARANTINE, name
            held += 1
    assert held >= 40
