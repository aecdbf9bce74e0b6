"""The detection evaluation set is what docs/detection-benchmark.md says it is.

Cheap checks that need none of the generation libraries: every message is well formed and has
its generated file, the six categories are each covered by at least 15 sensitive and 15 public
messages, the dev/holdout split is stratified, the blind split has the shape the docs give it,
and generated identifiers are valid by their standards (so a roster miss is the engine's, not
the data's).
"""

from __future__ import annotations

import importlib.util
import random
from collections import Counter
from pathlib import Path
from types import ModuleType

from matchers.detectors import valid_bank_card, valid_resident_id
from tests.fixtures_matchers import ROOT

DETECTION = ROOT / "benchmarks" / "detection"


def build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("detection_build", DETECTION / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_set_is_complete_and_stratified() -> None:
    build = build_module()
    entries = build.load_entries()
    assert build.check(entries) == []
    tuning = [e for e in entries if e["split"] in ("dev", "holdout")]
    counts = Counter((e["category"], e["label"]) for e in tuning)
    holdout = Counter((e["category"], e["label"]) for e in entries if e["split"] == "holdout")
    for category in build.CATEGORIES:
        for label in ("sensitive", "public"):
            assert counts[category, label] >= 15, (category, label)
            share = holdout[category, label] / counts[category, label]
            assert 0.3 <= share <= 0.5, (category, label, share)
    expected = {
        f"{e['id']}.{'eml' if e['format'].startswith('eml') else e['format']}" for e in entries
    }
    assert {p.name for p in Path(DETECTION / "files").iterdir()} == expected


def test_blind_split_is_apart_and_balanced() -> None:
    build = build_module()
    entries = build.load_entries()
    blind = [e for e in entries if e["split"] == "blind"]
    assert all(e["id"].startswith("b-") and e["source"].startswith("blind/") for e in blind)
    assert not any(e["id"].startswith("b-") for e in entries if e["split"] != "blind")
    counts = Counter((e["category"], e["label"]) for e in blind)
    wanted = {"personnel": 9, "land": 9, "public_security": 9}
    for category in build.CATEGORIES:
        for label in ("sensitive", "public"):
            assert counts[category, label] == wanted.get(category, 3), (category, label)
    assert len({e["family"] for e in blind}) == len(blind)  # no two from one template
    assert {e["format"] for e in blind} >= {"eml", "eml-html", "docx", "xlsx", "pptx", "pdf", "csv"}


def test_a_misplaced_blind_entry_is_refused() -> None:
    build = build_module()
    entry = {"id": "land-s99", "label": "sensitive", "category": "land", "family": "x",
             "split": "blind", "format": "eml", "source": "land.toml"}  # fmt: skip
    problems = build.check([entry])
    assert any("sources/blind/" in p for p in problems)
    assert any("'b-'" in p for p in problems)


def test_generated_identifiers_are_valid() -> None:
    build = build_module()
    rng = random.Random(7)
    for _ in range(500):
        assert valid_resident_id(build.resident_id(rng))
        assert valid_bank_card(build.bank_card(rng))
        assert len(build.mobile(rng)) == 11
