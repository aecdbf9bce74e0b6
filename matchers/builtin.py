"""Every built-in detector a scope table may name (``[[patterns]] detector = "…"``)."""

from __future__ import annotations

from matchers.context import (
    CIRCULATION_PROBE,
    Probe,
    circulation_markers,
    secrecy_statements,
    work_secret_statements,
)
from matchers.detectors import BASE_DETECTORS, Detector
from matchers.roster import roster, roster_loose, roster_record, roster_sensitive

DETECTORS: dict[str, Detector] = {
    **BASE_DETECTORS,
    "circulation_marker": circulation_markers,
    "work_secret_statement": work_secret_statements,
    "secrecy_statement": secrecy_statements,
    "roster": roster,
    "roster_loose": roster_loose,
    "roster_sensitive": roster_sensitive,
    "roster_record": roster_record,
}

#: Detectors that find something only where one of a few words stands: the engine looks for
#: the words in its keyword pass and runs the detector only on segments that have one.
PROBES: dict[str, Probe] = {
    "circulation_marker": CIRCULATION_PROBE,
}
