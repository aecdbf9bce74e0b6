"""Every built-in detector a scope table may name (``[[patterns]] detector = "…"``)."""

from __future__ import annotations

from matchers.context import circulation_markers
from matchers.detectors import BASE_DETECTORS, Detector
from matchers.roster import roster, roster_loose

DETECTORS: dict[str, Detector] = {
    **BASE_DETECTORS,
    "circulation_marker": circulation_markers,
    "roster": roster,
    "roster_loose": roster_loose,
}
