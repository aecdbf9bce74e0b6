"""`dlp-gateway scan [--scope DIR] [--format text|json] PATH...`: inspect files as the gateway would.

``.eml`` files are parsed as messages; any other file is a document whose type is detected by
content. JSON Lines output follows DESIGN exactly (one object per input). Exit status: 0 every
input would pass, 1 at least one would be held or rejected, 2 an input could not be read or the
scope tables are broken (one line on stderr each).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

from gateway.inspection import Inspection, Inspector
from gateway.registered import Registrations
from gateway.settings import LimitSettings, Settings, load_settings
from matchers.model import Decision, Finding, Verdict

_ONE_LINE = re.compile(r"\s+")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "scan", help="inspect .eml messages or documents against the scope tables"
    )
    parser.add_argument(
        "--scope", metavar="DIR", help="scope directory (default: scope_dir setting)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".eml message or any document")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    directory = Path(args.scope) if args.scope else settings.scope_dir
    # One worker process, killed at limits.timeout like the gateway's: a hostile file cannot
    # hang or crash the command (DESIGN: isolate extraction; kill on timeout).
    limits = settings.limits.model_copy(update={"workers": 1})
    return asyncio.run(_scan(args.paths, args.format, directory, limits, settings))


async def _registrations(settings: Settings) -> Registrations | None:
    """The registered secrets of the configured store; None when there is no store yet."""
    url = settings.effective_database_url
    if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).exists():
        return None
    from gateway.store.keys import load_fingerprint_key
    from gateway.store.migrations import open_store
    from gateway.store.registry import load_registrations

    async with open_store(settings, writing=False) as sessions:
        return await load_registrations(sessions, load_fingerprint_key(settings, create=False))


async def _scan(
    paths: list[str], fmt: str, directory: Path, limits: LimitSettings, settings: Settings
) -> int:
    inspector = Inspector(directory, limits)
    inspector.registrations = await _registrations(settings)
    await inspector.start()  # a ScopeError is printed as one line by cli.main (exit 2)
    status = 0
    try:
        for name in paths:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                print(f"dlp-gateway: {name}: cannot read ({reason})", file=sys.stderr)
                status = 2
                continue
            if path.suffix.lower() == ".eml":
                inspection = await inspector.inspect(data)
            else:
                inspection = await inspector.inspect_document(data, path.name)
            if fmt == "json":
                print(json.dumps(as_json(name, inspection), ensure_ascii=False), flush=True)
            else:
                print(as_text(name, inspection), flush=True)
            if inspection.decision.verdict is not Verdict.PASS and status == 0:
                status = 1
    finally:
        await inspector.close()
    return status


def as_json(path: str, inspection: Inspection) -> dict[str, Any]:
    decision = inspection.decision
    return {
        "path": path,
        "verdict": decision.verdict.value,
        "categories": [
            {
                "id": c.id,
                "name": c.name,
                "score": c.score,
                "threshold": c.threshold,
                "action": c.action.value,
                "explain": explain(decision, c.id),
            }
            for c in decision.categories
        ],
        "findings": [
            {
                "category": f.category,
                "kind": f.kind,
                "rule": f.rule,
                "match": f.match,
                "location": f.location,
                "start": f.start,
                "end": f.end,
                "weight": f.weight,
                "context": f.context,
            }
            for f in decision.findings
        ],
        "unscannable": [
            {"location": u.location, "reason": u.reason.value} for u in decision.unscannable
        ],
        "scope_version": decision.scope_version,
        # hits an exclude discounted (they did not score), with the word that discounted them
        "suppressed": [
            {
                "category": f.category,
                "kind": f.kind,
                "rule": f.rule,
                "match": f.match,
                "location": f.location,
                "weight": f.weight,
                "suppressed_by": f.suppressed_by,
                "context": f.context,
            }
            for f in decision.suppressed
        ],
    }


def explain(decision: Decision, category: str) -> str:
    """A category's score as a short sum an officer can follow: ``拟提拔 100 + 征地补偿(邻近) 60 = 160``."""
    parts: dict[tuple[str, str], int] = {}
    for f in decision.findings:
        if f.category == category:
            parts.setdefault((f.kind, f.rule), f.weight)
    terms = [
        f"{rule}{EXPLAIN_KINDS.get(kind, '')} {weight}" for (kind, rule), weight in parts.items()
    ]
    if not terms:
        return ""
    total = sum(parts.values())
    score = next((c.score for c in decision.categories if c.id == category), total)
    if score != total:  # the table's topic_cap: topic words alone count at most so much
        return f"{' + '.join(terms)} = {total}，话题词封顶后计 {score}"
    return f"{' + '.join(terms)} = {total}"


#: How each kind of evidence is named in a score's explanation.
EXPLAIN_KINDS = {
    "term": "",
    "near": "（邻近组合）",
    "pattern": "（模式）",
    "detector": "（检测器）",
    "internal": "（内部文件）",
    "named": "（点名人员）",
    "style": "（内部文风）",
    "model": "（范围模型）",
}


def marked(finding: Finding) -> str:
    """The context on one line with the hit in 【】: ``…的【干部调整】方案``; a leading ``…``
    when the context starts inside the segment."""
    ctx = finding.context
    before = _ONE_LINE.sub(" ", ctx[: finding.context_start])
    hit = _ONE_LINE.sub(" ", ctx[finding.context_start : finding.context_end])
    after = _ONE_LINE.sub(" ", ctx[finding.context_end :])
    lead = "…" if finding.start > finding.context_start else ""
    return f"{lead}{before}【{hit}】{after}"


def as_text(path: str, inspection: Inspection) -> str:
    decision = inspection.decision
    lines = [f"{path}: {decision.verdict.value.upper()}"]
    names = {c.id: c.name for c in decision.categories}
    for c in decision.categories:
        state = "reached" if c.triggered else "below"
        lines.append(
            f"  category {c.name} ({c.id}): score {c.score} / threshold {c.threshold}"
            f" ({state}; action {c.action.value})"
        )
        if why := explain(decision, c.id):
            lines.append(f"    = {why}")
    for f in decision.findings:
        lines.append(
            f"  finding [{names.get(f.category, f.category)}/{f.kind}] {f.location}: {marked(f)}"
        )
    for f in decision.suppressed:
        lines.append(
            f"  suppressed [{names.get(f.category, f.category)}/{f.kind}] {f.location}: "
            f"{marked(f)} (weight {f.weight}, discounted by {f.suppressed_by})"
        )
    for u in decision.unscannable:
        detail = f" — {u.detail}" if u.detail else ""
        lines.append(f"  unscannable {u.location}: {u.reason.value}{detail}")
    if not decision.categories and not decision.unscannable:
        lines.append("  no findings")
    lines.append(f"  scope version {decision.scope_version[:12]}")
    return "\n".join(lines)
