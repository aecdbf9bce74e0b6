"""The detection engine: scope tables in, findings and a verdict out.

Pure library: no I/O beyond reading scope files, no asyncio, no email, no sockets.
"""

from matchers.engine import Engine, load_engine
from matchers.errors import DlpError, ScopeError
from matchers.model import (
    Action,
    CategoryScore,
    Decision,
    Finding,
    Segment,
    Severity,
    Unscannable,
    UnscannableReason,
    Verdict,
)

__all__ = [
    "Action",
    "CategoryScore",
    "Decision",
    "DlpError",
    "Engine",
    "Finding",
    "ScopeError",
    "Segment",
    "Severity",
    "Unscannable",
    "UnscannableReason",
    "Verdict",
    "load_engine",
]
