"""Prometheus metrics of one gateway instance (names fixed by DESIGN, prefix ``dlp_``).

``Metrics`` owns its own ``CollectorRegistry`` so that several gateways (and their tests) can
live in one process without colliding in the global registry.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

# Inspection of a 10 KB text mail takes milliseconds; a large archive can take the whole
# per-message deadline (limits.timeout, 30 s by default).
_INSPECTION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """Every DESIGN metric as an attribute; ``render()`` is the ``/metrics`` body."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.messages_total = Counter(
            "dlp_messages", "Messages answered after DATA, by verdict", ["verdict"], registry=r
        )
        self.inspection_seconds = Histogram(
            "dlp_inspection_seconds",
            "Time to inspect one message (extraction and matching)",
            buckets=_INSPECTION_BUCKETS,
            registry=r,
        )
        self.findings_total = Counter(
            "dlp_findings", "Findings by scope category", ["category"], registry=r
        )
        self.unscannable_total = Counter(
            "dlp_unscannable",
            "Content that could not be inspected, by reason",
            ["reason"],
            registry=r,
        )
        self.relay_errors_total = Counter(
            "dlp_relay_errors",
            "Upstream deliveries that failed (temporary or permanent)",
            ["kind"],
            registry=r,
        )
        self.quarantine_pending = Gauge(
            "dlp_quarantine_pending", "Held cases waiting for an officer", registry=r
        )
        self.quarantine_oldest_pending_seconds = Gauge(
            "dlp_quarantine_oldest_pending_seconds",
            "Age of the oldest case waiting for an officer",
            registry=r,
        )
        self.releases_total = Counter("dlp_releases", "Cases released by officers", registry=r)
        self.rejections_total = Counter("dlp_rejections", "Cases rejected by officers", registry=r)
        self.scope_reloads_total = Counter(
            "dlp_scope_reloads",
            "Scope table reloads, by result (ok | error)",
            ["result"],
            registry=r,
        )
        self.scope_terms = Gauge("dlp_scope_terms", "Terms in the live scope tables", registry=r)
        self.notify_failures_total = Counter(
            "dlp_notify_failures", "Notices that could not be sent", registry=r
        )
        self.notify_skipped_total = Counter(
            "dlp_notify_skipped",
            "Sender notices not sent, by reason (external_sender: outsiders are told nothing)",
            ["reason"],
            registry=r,
        )

        self.worker_restarts_total = Counter(
            "dlp_worker_restarts",
            "Inspection worker processes replaced after a crash, a timeout or the memory cap",
            registry=r,
        )

    def render(self) -> tuple[bytes, str]:
        """The exposition body and its content type, for the console's ``/metrics``."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
