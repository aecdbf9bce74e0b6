"""Render deploy/grafana-dashboard.json's panels as a static HTML page over ONE scrape of a
gateway's /metrics (docs/monitoring.md's screenshot). This is not Grafana and not PromQL:
each panel shows the series its queries read, summed by the query's ``by (...)`` labels, as
instant values — counters as totals since start, not rates; ``histogram_quantile`` is computed
from the cumulative buckets the way Prometheus interpolates."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

Samples = list[tuple[str, dict[str, str], float]]


def parse(exposition: str) -> Samples:
    return [
        (sample.name, dict(sample.labels), float(sample.value))
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    ]


def evaluate(expr: str, samples: Samples) -> dict[str, float]:
    """Group → value for one panel query (see the module docstring for what this is)."""
    metric = re.search(r"\bdlp_[a-z_]+", expr)
    assert metric, expr
    name = metric.group(0)
    by_match = re.search(r"\bby\s*\(([^)]*)\)", expr)
    by = [b.strip() for b in by_match.group(1).split(",")] if by_match else []
    by = [b for b in by if b not in ("instance", "le")]
    selector = dict(re.findall(r'(\w+)="([^"]*)"', expr))
    if "histogram_quantile" in expr:
        quantile = float(re.search(r"histogram_quantile\(\s*([\d.]+)", expr).group(1))  # type: ignore[union-attr]
        buckets = sorted((float(labels["le"]), value) for n, labels, value in samples if n == name)
        return {"": _quantile(quantile, buckets)}
    groups: dict[str, float] = defaultdict(float)
    for sample_name, labels, value in samples:
        if sample_name != name or any(labels.get(k) != v for k, v in selector.items()):
            continue
        groups[" ".join(labels.get(b, "") for b in by)] += value
    return dict(groups) or {"": 0.0}


def _quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    total = buckets[-1][1] if buckets else 0.0
    if total == 0:
        return 0.0
    rank = q * total
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if bound == float("inf"):
                return lower_bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / max(
                count - lower_count, 1e-9
            )
        lower_bound, lower_count = bound, count
    return lower_bound


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"
    return f"{value:g}"


def render(dashboard_path: Path, exposition: str) -> str:
    dashboard: dict[str, Any] = json.loads(dashboard_path.read_text(encoding="utf-8"))
    samples = parse(exposition)
    cells = []
    for panel in dashboard["panels"]:
        unit = panel["fieldConfig"]["defaults"].get("unit", "short")
        rows = []
        for target in panel["targets"]:
            legend = target.get("legendFormat", "")
            for group, value in sorted(evaluate(target["expr"], samples).items()):
                label = re.sub(r"\{\{[^}]*\}\}", group, legend) if "{{" in legend else legend
                rows.append((label or "—", value))
        peak = max((v for _, v in rows), default=0.0) or 1.0
        if panel["type"] == "stat":
            body = "".join(
                f'<div class="stat">{html.escape(_fmt(v, unit))}</div>'
                f'<div class="legend">{html.escape(label)}</div>'
                for label, v in rows
            )
        else:
            body = "".join(
                f'<div class="bar"><span class="name">{html.escape(label)}</span>'
                f'<span class="fill" style="width:{max(2, 60 * v / peak):.0f}%"></span>'
                f'<span class="value">{html.escape(_fmt(v, unit))}</span></div>'
                for label, v in rows
            )
        queries = "<br>".join(html.escape(t["expr"]) for t in panel["targets"])
        w = panel["gridPos"]["w"]
        cells.append(
            f'<section class="panel" style="grid-column: span {w}">'
            f"<h2>{html.escape(panel['title'])}</h2>{body}<code>{queries}</code></section>"
        )
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{html.escape(dashboard["title"])}</title><style>
body {{ background:#111217; color:#d8d9da; font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",
sans-serif; margin:16px; }}
h1 {{ font-size:20px; margin:0 0 4px; }} .note {{ color:#9fa1a6; font-size:13px; margin-bottom:12px; }}
.grid {{ display:grid; grid-template-columns:repeat(24, 1fr); gap:8px; }}
.panel {{ background:#181b1f; border:1px solid #2c3235; border-radius:3px; padding:8px 12px; }}
h2 {{ font-size:14px; margin:0 0 8px; font-weight:500; }}
.stat {{ font-size:34px; color:#73bf69; font-weight:600; }} .legend {{ color:#9fa1a6; font-size:12px; }}
.bar {{ display:flex; align-items:center; gap:8px; font-size:13px; margin:3px 0; }}
.name {{ width:30%; overflow:hidden; white-space:nowrap; }}
.fill {{ height:14px; background:#5794f2; display:inline-block; }}
code {{ display:block; color:#6e7077; font-size:10px; margin-top:8px; }}
</style></head><body>
<h1>{html.escape(dashboard["title"])}</h1>
<p class="note">deploy/grafana-dashboard.json 的面板，数据取自测试运行中网关 /metrics 的一次抓取：
计数器显示自启动以来的累计值（非速率），并非 Grafana 截图。</p>
<div class="grid">{"".join(cells)}</div></body></html>
"""
