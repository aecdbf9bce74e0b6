"""Train the internal-style model (``matchers/style.py``) on the evaluation set.

Reads every message of the splits tuning may read (``dev``, ``holdout`` and the retired blind
splits of ``benchmarks/detection.py``; an unread split is refused, so the figures measured on
it stay honest), extracts it exactly as the gateway does, and the plain-text training corpus of
``benchmarks/training/*.toml`` (never measured on), folds the text and fits a logistic
regression over hashed character 1-3-grams: sensitive messages against their public look-alikes
and harmless internal mail. Deterministic (full-batch Adam from zero weights, a fixed number of
steps).

    cd REPO && PYTHONPATH=$PWD python benchmarks/train_style.py [--out matchers/data/style.npz]
    cd REPO && PYTHONPATH=$PWD python benchmarks/train_style.py --loso

``--loso`` trains once per split without it and prints how the model alone does on the split
it did not see (held and false-hold % at the engine's cut): the estimate of how it generalises.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import detection  # noqa: E402

from matchers.style import (  # noqa: E402
    BUCKETS,
    CUT,
    INTERNAL,
    MODEL,
    StyleModel,
    features,
    text_of,
)

#: the fit's settings (recorded in the model)
SETTINGS = {"l2": 1e-5, "steps": 300, "rate": 0.01}
#: the tables with a head of their own (the default tables that read document context)
TOPICS = ("land", "personnel", "public-security", "work-secret", "personal-data", "state-secret")


#: plain-text corpora written for training only (docs/detection-benchmark.md, "Training corpus")
TRAINING = HERE / "training"


#: read splits the model is not trained on: those that came after the last retrain, so that their
#: arrival figures stay a measure of how the model generalises. Round 47 retrained on every read
#: split up to blind196 and the training notes up to trainap (earlier rounds had left blind81 …
#: blind190's later tuning splits out: docs/detection-benchmark.md, "Round 47"); blind197 …
#: blind200 came after the retrain; round 48 read blind201 … blind204 and blind207 … blind210
#: without retraining
NOT_TRAINED = (
    *("blind197", "blind198", "blind199", "blind200"),
    *("blind201", "blind202", "blind203", "blind204"),
    *("blind207", "blind208", "blind209", "blind210"),
)
#: … and training files written after it (round 48's trainaq and trainar, measures of everyday mail)
NOT_TRAINED_FILES = ("trainaq", "trainar")


def readable_splits() -> tuple[str, ...]:
    return tuple(s for s in (*detection.LISTED, *detection.RETIRED) if s not in NOT_TRAINED)


def training_messages(folder: Path = TRAINING) -> list[dict[str, Any]]:
    """Every ``[[message]]`` of the training corpus, with its file's stem as ``split``."""
    messages = []
    for path in sorted(folder.glob("*.toml")):
        if path.stem in NOT_TRAINED_FILES:
            continue
        with path.open("rb") as f:
            for message in tomllib.load(f)["message"]:
                messages.append({**message, "split": f"training/{path.stem}"})
    return messages


def _row(entry_id: str, split: str, label: str, category: str, text: str) -> dict[str, Any]:
    return {
        "id": entry_id,
        "split": split,
        "y": 1.0 if label == "sensitive" else 0.0,
        "topic": category.replace("_", "-") if label == "sensitive" else "",
        "features": features(text),
    }


def load(splits: tuple[str, ...], training: bool = True) -> list[dict[str, Any]]:
    """Each message of ``splits`` (and of the training corpus): id, split, label (1 sensitive,
    0 public or harmless), its table's head and its features."""
    from matchers.normalize import fold

    rows = []
    for entry in detection.load_entries():
        if entry["split"] not in splits:
            continue
        segments = detection.extracted(entry).segments
        text = text_of((s.location, fold(s.text).text) for s in segments)
        rows.append(_row(entry["id"], entry["split"], entry["label"], entry["category"], text))
    for message in training_messages() if training else ():
        text = fold(f"{message['subject']}\n{message['body']}").text
        rows.append(_row(message["id"], message["split"], message["label"], message["topic"], text))
    return rows


def _design(rows: list[dict[str, Any]]) -> tuple[npt.NDArray[Any], ...]:
    """The sparse design matrix as (row, bucket, value): presence scaled by 1/sqrt(n)."""
    r, c, v = [], [], []
    for k, row in enumerate(rows):
        f = row["features"]
        r.append(np.full(len(f), k))
        c.append(f)
        v.append(np.full(len(f), 1 / np.sqrt(max(1, len(f)))))
    return np.concatenate(r), np.concatenate(c), np.concatenate(v)


def fit(rows: list[dict[str, Any]], head: str = INTERNAL) -> tuple[npt.NDArray[np.float32], float]:
    """One head: ``internal`` (sensitive against public) or a table's (its matter against all)."""
    r, c, v = _design(rows)
    y = np.array([row["y"] if head == INTERNAL else float(row["topic"] == head) for row in rows])
    n = len(rows)
    w = np.zeros(BUCKETS)
    b = 0.0
    m = np.zeros(BUCKETS)
    s = np.zeros(BUCKETS)
    for step in range(1, SETTINGS["steps"] + 1):  # type: ignore[operator]
        z = np.bincount(r, weights=v * w[c], minlength=n) + b
        g = 1 / (1 + np.exp(-z)) - y
        gw = np.bincount(c, weights=v * g[r], minlength=BUCKETS) / n + SETTINGS["l2"] * w
        m = 0.9 * m + 0.1 * gw
        s = 0.999 * s + 0.001 * gw * gw
        w -= SETTINGS["rate"] * (m / (1 - 0.9**step)) / (np.sqrt(s / (1 - 0.999**step)) + 1e-8)
        b -= 0.05 * float(g.mean())
    return w.astype(np.float32), b


def model_of(rows: list[dict[str, Any]], splits: tuple[str, ...]) -> StyleModel:
    heads = (INTERNAL, *TOPICS)
    fitted = [fit(rows, head) for head in heads]
    # what is stored is float16: the model used is the stored one
    weights = np.stack([w for w, _ in fitted]).astype(np.float16).astype(np.float32)
    biases = np.array([b for _, b in fitted])
    meta = {"splits": list(splits), "messages": len(rows), **SETTINGS}
    return StyleModel(weights, biases, heads, meta)


def probabilities(
    model: StyleModel, rows: list[dict[str, Any]], head: str = INTERNAL
) -> npt.NDArray[np.float64]:
    k = model.heads.index(head)
    return np.array([model.probabilities(row["features"])[k] for row in rows])


def loso(
    rows: list[dict[str, Any]], splits: tuple[str, ...], save: Path | None = None
) -> dict[str, StyleModel]:
    """One model per split, trained without it; prints how each does on its own split (and
    saves each as ``save/SPLIT.npz`` when asked)."""
    models = {}
    totals: dict[str, list[float]] = defaultdict(list)
    print(f"{'split':<10} {'sensitive':>9} {'held':>7} {'public':>7} {'false':>7}   (cut {CUT})")
    for split in splits:
        train = [row for row in rows if row["split"] != split]
        test = [row for row in rows if row["split"] == split]
        models[split] = model_of(train, tuple(s for s in splits if s != split))
        if save is not None:
            models[split].save(save / f"{split}.npz")
        for head in TOPICS:
            q = probabilities(models[split], test, head)
            mine = np.array([row["topic"] == head for row in test])
            public = np.array([row["y"] == 0 for row in test])
            totals[head] += list(q[mine] >= 0.5)
            totals[f"{head} public"] += list(q[public] >= 0.5)
        p = probabilities(models[split], test)
        y = np.array([row["y"] for row in test])
        held, false = p[y == 1] >= CUT, p[y == 0] >= CUT
        totals["held"] += list(held)
        totals["false"] += list(false)
        print(
            f"{split:<10} {int((y == 1).sum()):>9} {100 * held.mean():6.1f}% "
            f"{int((y == 0).sum()):>7} {100 * false.mean():6.1f}%"
        )
    print(
        f"{'overall':<10} {len(totals['held']):>9} {100 * np.mean(totals['held']):6.1f}% "
        f"{len(totals['false']):>7} {100 * np.mean(totals['false']):6.1f}%"
    )
    for head in TOPICS:
        print(
            f"head {head}: its matter ≥ 0.5 in {100 * np.mean(totals[head]):.1f}%, "
            f"public texts ≥ 0.5 in {100 * np.mean(totals[f'{head} public']):.1f}%"
        )
    return models


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--loso", action="store_true", help="leave-one-split-out figures only")
    parser.add_argument("--save-loso", type=Path, help="with --loso: keep each split's model here")
    parser.add_argument(
        "--without-training", action="store_true", help="leave out benchmarks/training/"
    )
    args = parser.parse_args(argv)
    splits = readable_splits()
    rows = load(splits, training=not args.without_training)
    if args.loso:
        loso(rows, splits, args.save_loso)
        return 0
    sources = tuple(dict.fromkeys(row["split"] for row in rows))
    model = model_of(rows, sources)
    model.save(args.out)
    print(f"trained on {len(rows)} messages of {', '.join(sources)} → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
