"""The default scope tables against realistic mail: hold what an officer would hold, pass the rest."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from matchers.engine import Engine
from matchers.model import Segment, Verdict

SAMPLES = tomllib.loads(
    (Path(__file__).parent / "data" / "scope" / "samples.toml").read_text(encoding="utf-8")
)


def _short(sample: dict[str, Any]) -> str:
    return sample["text"].replace("\n", " ")[:24]


def test_there_are_enough_samples() -> None:
    assert len(SAMPLES["positive"]) >= 40
    assert len(SAMPLES["negative"]) >= 40


@pytest.mark.parametrize("sample", SAMPLES["positive"], ids=_short)
def test_positive(engine: Engine, sample: dict[str, Any]) -> None:
    decision = engine.decide([Segment("正文", sample["text"])])
    assert sorted(c.id for c in decision.triggered) == sorted(sample["categories"])
    assert decision.verdict is not Verdict.PASS
    assert decision.findings


@pytest.mark.parametrize("sample", SAMPLES["negative"], ids=_short)
def test_negative(engine: Engine, sample: dict[str, Any]) -> None:
    decision = engine.decide([Segment("正文", sample["text"])])
    assert decision.triggered == ()
    assert decision.verdict is Verdict.PASS
