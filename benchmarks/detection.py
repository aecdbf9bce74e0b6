"""Detection quality on the evaluation set: held % of sensitive mail, false holds on public mail.

The set (``benchmarks/detection/``) was written independently of the scope tables: drafts,
spreadsheets, slides, PDFs and archives of the kind a district or town office sends, and public
notices, training material and law texts on the same topics. Each message is a file in
``detection/files/`` described in ``detection/sources/*.toml`` (label, category, family, split);
``detection/build.py`` regenerates the files.

Every file goes through the gateway's own in-process inspection
(:func:`gateway.inspection.inspect_message` for ``.eml``, :func:`inspect_document` otherwise)
with the default :class:`LimitSettings`, so extraction, normalisation and matching are exactly
what the relay does. A message counts as *held* when the decision is not PASS (quarantine or
reject, including fail-closed holds); *right* when one of the triggered categories is the one
the message was written for.

The figures for the old unit-test samples (``tests/data/scope/samples.toml``) are printed
alongside; they were written for the tables, the set was not.

Run (the code is imported from PYTHONPATH, the data found next to this file)::

    cd REPO && PYTHONPATH=$PWD python benchmarks/detection.py [--scope config/scope]
        [--split dev|holdout|blind|blind2|blind3|blind4|blind5|blind6|blind7|blind8|blind9|blind10|blind11|blind12|blind13|blind14|blind15|blind16|blind17|blind18|blind19|clean|clean2|blind20|blind21|blind22|blind23|blind24|blind25|blind26|blind27|blind28|blind29|blind30|blind31|blind32|blind33|blind34|blind35|blind36|blind37|blind38|blind39|blind40|blind41|blind42|blind43|blind44|blind45|blind46|blind47|blind48|blind49|blind50|blind51|blind52|blind53|blind54|blind55|blind56|blind57|blind58|blind59|blind60|blind61|blind62|blind63|blind64|blind65|blind66|blind67|blind68|blind69|blind70|blind71|blind72|blind73|blind74|blind75|blind76|blind77|blind78|blind79|blind80|blind81|blind82|blind83|blind84|blind85|blind86|blind87|blind88|blind89|blind90|blind91|blind92|blind93|blind94|blind95|blind96|blind97|blind98|blind99|blind100|blind101|blind102|blind103|blind104|blind105|blind106|blind107|blind108|blind109|blind110|blind111|blind112|blind113|blind114|blind115|blind116|blind117|blind118|blind119|blind120|blind121|blind122|blind123|blind124|blind125|blind126|blind127|blind128|blind129|blind130|blind131|blind132|blind133|blind134|blind135|blind136|blind137|blind138|blind139|blind140|blind141|blind142|blind143|blind144|blind145|blind146|blind147|blind148|blind149|blind150|blind151|blind152|blind153|blind154|blind155|blind156|blind157|blind158|blind159|blind160|blind161|blind162|blind163|blind164|blind165|blind166|blind167|blind168|blind169|blind170|blind171|blind172|blind173|blind174|blind175|blind176|blind177|blind178|blind179|blind180|blind181|blind182|blind183|blind184|blind185|blind186|blind187|blind188|blind189|blind190|blind191|blind192|blind193|blind194|blind195|blind196|blind197|blind198|blind199|blind200|blind201|blind202|blind203|blind204|blind205|blind206|blind207|blind208|blind209|blind210|blind211|blind212|all] [--verbose] [--show-blind]

Splits: ``dev`` (tune on it; its misses are listed), ``holdout`` (figures only), the blind
splits ``blind``, ``blind2``, ``blind3``, ``blind4``, ``blind5``, ``blind6``, ``blind7``, ``blind8``, ``blind9``, ``blind10``, ``blind11``, ``blind12``, ``blind13``, ``blind14``, ``blind15``, ``blind16``, ``blind17``, ``blind18`` and ``blind19`` (figures only; each written
later by another author without reading the tables), ``clean`` and ``clean2`` (harmless
internal office mail, all public; ``clean2`` figures only), ``blind20`` … ``blind26`` (the twentieth to twenty-sixth blind splits), ``blind27`` … ``blind30``, ``blind31`` and ``blind32`` (the thirty-first and thirty-second), ``blind33`` and ``blind34`` (the thirty-third and thirty-fourth), ``blind35``, ``blind36``, ``blind37``, ``blind38`` (the
thirty-fifth to thirty-eighth), ``blind39`` and ``blind40`` (the thirty-ninth and fortieth), ``blind41`` and ``blind42`` (the forty-first and forty-second), ``blind43`` and ``blind44`` (the forty-third and
forty-fourth), ``blind45`` … ``blind48`` (the forty-fifth to forty-eighth), ``blind49`` … ``blind52`` (the
forty-ninth to fifty-second; figures only), ``blind53`` and ``blind54`` (the fifty-third and
fifty-fourth; figures only), ``blind55`` and ``blind56`` (the fifty-fifth and fifty-sixth;
figures only), ``blind57`` and ``blind58`` (the fifty-seventh and
fifty-eighth; figures only), ``blind59`` and ``blind60`` (the fifty-ninth and sixtieth; figures
only), ``blind61`` and ``blind62`` (the sixty-first and sixty-second; figures only),
``blind63`` and ``blind64`` (the sixty-third and sixty-fourth; figures only),
``blind65`` and ``blind66`` (the sixty-fifth and sixty-sixth; figures only),
``blind67`` and ``blind68`` (the sixty-seventh and sixty-eighth; figures only),
``blind69`` and ``blind70`` (the sixty-ninth and seventieth; figures only),
``blind71`` and ``blind72`` (the seventy-first and seventy-second; figures only),
``blind73`` and ``blind74`` (the seventy-third and seventy-fourth; figures only),
``blind75`` … ``blind82`` (round 41's tuning splits, read after their arrival), ``blind83`` and
``blind84`` (the eighty-third and eighty-fourth; figures only), ``blind85`` and ``blind86``
(round 41's last tuning splits), ``blind87`` and ``blind88`` (the eighty-seventh
and eighty-eighth; figures only), ``blind89`` and ``blind90`` (round 41's last tuning
splits), ``blind91`` and ``blind92`` (round 42's tuning splits), ``blind93`` and ``blind94``
(the ninety-third and ninety-fourth; figures only), ``blind95`` … ``blind104`` (round 42's
last tuning splits), ``blind105`` and ``blind106`` (the hundred-and-fifth and hundred-and-sixth;
figures only), ``blind107`` … ``blind116`` (round 43's tuning splits), ``blind117`` and ``blind118`` (round
43's last; figures only), ``blind119`` … ``blind124`` (round 44's tuning splits), ``blind125``
and ``blind126`` (round 44's sealed pair; figures only), ``blind127`` … ``blind130`` (round 44's
later tuning splits), ``blind131`` and ``blind132`` (its second sealed pair; figures only), ``blind133`` … ``blind140``
(round 44's last tuning splits) and ``all``
(every split: the combined table, one table per split, and the misses of dev and holdout — never of a blind split). Exit
status is always 0.

The blind splits ``blind`` … ``blind48``, ``blind75`` … ``blind82``, ``blind85``, ``blind86``,
``blind89`` … ``blind92``, ``blind95`` … ``blind104``, ``blind107`` … ``blind116``, ``blind119`` … ``blind124``, ``blind127`` … ``blind130``, ``blind133`` … ``blind140`` and the
clean-traffic split
``clean`` (:data:`RETIRED`)
have been *retired to tuning* (docs/detection-benchmark.md): ``--show-blind`` lists their misses
too, with ``--split`` naming one of them or ``all``. Once read, their figures no longer measure
generalisation; a newer split takes that role and its misses are never printed (``blind49`` …
``blind74``, ``blind83``, ``blind84``, ``blind87``, ``blind88``, ``blind93``, ``blind94``, ``blind105``, ``blind106``, ``blind117``, ``blind118``, ``blind125``, ``blind126``, ``blind131``, ``blind132``; ``clean2``: its false holds, never read).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "detection"
REPO = HERE.parent
SAMPLES = Path("tests") / "data" / "scope" / "samples.toml"


def _build_module() -> Any:
    """``detection/build.py``, which lists the splits and reads the sources."""
    spec = importlib.util.spec_from_file_location("detection_build", DATA / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _build_module()
# figures only unless retired: the blind splits the builder knows, in its order
BLIND_SPLITS = tuple(BUILD.BLIND_SPLITS)
# retired to tuning: --show-blind lists them
RETIRED = (
    "blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8", "blind9",
    "blind10", "blind11", "blind12", "blind13", "blind14", "blind15", "blind16", "blind17", "blind18",
    "blind19", "clean", "blind20", "blind21", "blind22", "blind23", "blind24", "blind25", "blind26",
    "blind27", "blind28", "blind29", "blind30", "blind31", "blind32", "blind33", "blind34",
    "blind35", "blind36", "blind37", "blind38", "blind39", "blind40", "blind41", "blind42",
    "blind43", "blind44", "blind45", "blind46", "blind47", "blind48", "blind75", "blind76",
    "blind77", "blind78", "blind79", "blind80", "blind81", "blind82", "blind85", "blind86",
    "blind89", "blind90", "blind91", "blind92", "blind95", "blind96", "blind97", "blind98",
    "blind99", "blind100", "blind101", "blind102", "blind103", "blind104", "blind107", "blind108",
    "blind109", "blind110", "blind111", "blind112", "blind113", "blind114",
    "blind115", "blind116", "blind119", "blind120", "blind121", "blind122", "blind123",
    "blind124", "blind127", "blind128", "blind129", "blind130", "blind133", "blind134",
    "blind135", "blind136", "blind137", "blind138", "blind139", "blind140",
    "blind141", "blind142", "blind143", "blind144",
    "blind147", "blind148", "blind149", "blind150", "blind151", "blind152",
    "blind153", "blind154", "blind155", "blind156",
    "blind157", "blind158", "blind159", "blind160",
    "blind165", "blind166", "blind167", "blind168", "blind169", "blind170",
    "blind171", "blind172", "blind173", "blind174",
    "blind175", "blind176", "blind177", "blind178",
    "blind179", "blind180", "blind181", "blind182",
    "blind183", "blind184", "blind187", "blind188",
    "blind189", "blind190",
    "blind193", "blind194", "blind195", "blind196",
    "blind197", "blind198",
    "blind199", "blind200",
    "blind201", "blind202", "blind203", "blind204",
    "blind207", "blind208", "blind209", "blind210",
)  # fmt: skip
SPLITS = ("dev", "holdout", *BLIND_SPLITS)
LISTED = ("dev", "holdout")  # splits whose misses --split all lists; blind splits stay unread
CATEGORIES = (
    "personnel",
    "public_security",
    "land",
    "state_secret",
    "work_secret",
    "personal_data",
)


@dataclass(slots=True)
class Outcome:
    key: str  # file name, or "sample N"
    label: str  # sensitive | public
    category: str
    family: str
    held: bool
    triggered: tuple[str, ...]
    scores: str
    notes: str = ""
    evidence: list[str] = field(default_factory=list)
    split: str = ""

    @property
    def right(self) -> bool:
        return self.category in self.triggered


def canonical(category_id: str) -> str:
    """Table ids may spell the set's ids with hyphens (``public-security``)."""
    return category_id.replace("-", "_")


def load_entries() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = BUILD.load_entries()
    for entry in entries:
        ext = "eml" if entry["format"].startswith("eml") else entry["format"]
        entry["file"] = f"{entry['id']}.{ext}"
    return entries


def judge(inspection: Any, key: str, label: str, category: str, family: str) -> Outcome:
    from matchers.model import Verdict

    decision = inspection.decision
    triggered = tuple(canonical(c.id) for c in decision.triggered)
    scores = ", ".join(
        f"{canonical(c.id)}={c.score}/{c.threshold}"
        for c in sorted(decision.categories, key=lambda c: -c.score)
    )
    notes = "; ".join(f"{u.location}: {u.reason}" for u in decision.unscannable)
    evidence = [
        f"{canonical(f.category)} {f.kind} {f.rule!r} +{f.weight} @ {f.location}"
        for f in decision.findings
    ] + [f"note: {note}" for note in decision.notes]  # e.g. hits an exclude suppressed
    return Outcome(
        key, label, category, family, decision.verdict != Verdict.PASS, triggered, scores,
        notes, evidence,
    )  # fmt: skip


def extracted(entry: dict[str, Any]) -> Any:
    """An evaluation message as the gateway extracts it (default limits): its segments."""
    import time

    from gateway.extract import extract_document, extract_message
    from gateway.settings import LimitSettings

    path = DATA / "files" / entry["file"]
    data = path.read_bytes()
    deadline = time.monotonic() + 60
    if path.suffix == ".eml":
        return extract_message(data, LimitSettings(), deadline)
    return extract_document(data, path.name, LimitSettings(), deadline)


def run_set(engine: Any, limits: Any, split: str) -> list[Outcome]:
    from gateway.inspection import inspect_document, inspect_message

    outcomes = []
    for entry in load_entries():
        if split != "all" and entry["split"] != split:
            continue
        path = DATA / "files" / entry["file"]
        if not path.exists():
            print(f"missing {path.name} (run benchmarks/detection/build.py)", file=sys.stderr)
            continue
        data = path.read_bytes()
        if path.suffix == ".eml":
            inspection = inspect_message(data, engine, limits)
        else:
            inspection = inspect_document(data, path.name, engine, limits)
        outcome = judge(inspection, path.name, entry["label"], entry["category"], entry["family"])
        outcome.split = entry["split"]
        outcomes.append(outcome)
    return outcomes


def run_samples(engine: Any, limits: Any) -> list[Outcome]:
    import gateway
    from gateway.inspection import inspect_message

    path = samples_path(gateway)
    if path is None:
        return []
    with path.open("rb") as handle:
        samples = tomllib.load(handle)
    outcomes = []
    for kind, label in (("positive", "sensitive"), ("negative", "public")):
        for n, sample in enumerate(samples.get(kind, []), 1):
            msg = EmailMessage(policy=SMTP)
            msg["From"] = "a@unit.example"
            msg["To"] = "b@outside.example"
            msg["Subject"] = "sample"
            msg.set_content(sample["text"])
            inspection = inspect_message(msg.as_bytes(), engine, limits)
            cats = [canonical(c) for c in sample.get("categories", [])] or ["(negative)"]
            for category in cats:
                outcomes.append(
                    judge(inspection, f"{kind} {n}", label, category, sample["text"][:40])
                )
    return outcomes


def samples_path(package: Any) -> Path | None:
    """The samples of the code under test (PYTHONPATH's repository), else of this one."""
    for root in (Path(package.__file__).resolve().parent.parent, REPO):
        if (root / SAMPLES).exists():
            return root / SAMPLES
    return None


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def table(outcomes: list[Outcome], title: str) -> None:
    print(f"\n{title}")
    print(
        f"  {'category':<16} {'sensitive':>9} {'held':>7} {'right':>7}   {'public':>6} {'false':>7}"
    )
    by_cat: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_cat[outcome.category].append(outcome)
    cats = [c for c in CATEGORIES if c in by_cat] + sorted(set(by_cat) - set(CATEGORIES))
    rows = [(c, by_cat[c]) for c in cats] + [("overall", outcomes)]
    for name, group in rows:
        sens = [o for o in group if o.label == "sensitive"]
        pub = [o for o in group if o.label == "public"]
        held = sum(o.held for o in sens)
        right = sum(o.held and o.right for o in sens)
        false = sum(o.held for o in pub)
        print(
            f"  {name:<16} {len(sens):>9} {pct(held, len(sens)):>7} {pct(right, len(sens)):>7}"
            f"   {len(pub):>6} {pct(false, len(pub)):>7}"
        )


def misses(outcomes: list[Outcome], verbose: bool) -> None:
    missed = [o for o in outcomes if o.label == "sensitive" and not o.held]
    wrong = [o for o in outcomes if o.label == "sensitive" and o.held and not o.right]
    false = [o for o in outcomes if o.label == "public" and o.held]
    for title, group in (
        ("misses (sensitive, passed)", missed),
        ("held under another category", wrong),
        ("false holds (public, held)", false),
    ):
        print(f"\n{title}: {len(group)}")
        for o in group:
            got = ",".join(o.triggered) or "pass"
            print(f"  {o.key:<28} expected {o.category:<15} got {got:<24} [{o.family}]")
            print(
                f"      scores: {o.scores or '-'}{'  unscannable: ' + o.notes if o.notes else ''}"
            )
            if verbose:
                for line in o.evidence:
                    print(f"      · {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scope", type=Path, default=REPO / "config" / "scope")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="dev")
    parser.add_argument("--verbose", action="store_true", help="list every finding of a miss")
    parser.add_argument(
        "--show-blind",
        action="store_true",
        help="also list the misses of the retired blind splits (blind … blind34 and clean: tuning now)",
    )
    args = parser.parse_args(argv)

    from gateway.settings import LimitSettings
    from matchers.engine import Engine
    from matchers.scope import load_scope

    try:
        scope = load_scope(args.scope)
    except Exception as exc:  # a benchmark: say what failed and stop, status 0
        print(f"cannot load scope tables from {args.scope}: {exc}")
        return 0
    engine = Engine.compile(scope)
    limits = LimitSettings()
    print(f"scope {args.scope} (version {scope.version[:12]}), split {args.split}")

    outcomes = run_set(engine, limits, args.split)
    table(outcomes, f"evaluation set ({len(outcomes)} messages, split {args.split})")
    if args.split == "all":
        for split in SPLITS:
            part = [o for o in outcomes if o.split == split]
            table(part, f"split {split} ({len(part)} messages)")
    if args.split in ("dev", "all"):
        misses([o for o in outcomes if o.split in LISTED], args.verbose)
    if args.show_blind:
        for split in RETIRED:
            if args.split in (split, "all"):
                print(f"\nretired blind split {split} (tuning set now):")
                misses([o for o in outcomes if o.split == split], args.verbose)
    samples = run_samples(engine, limits)
    if samples:
        table(samples, f"old unit-test samples ({SAMPLES})")
        if args.verbose:
            misses(samples, False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
