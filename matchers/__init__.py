"""The detection engine: scope tables in, findings and a verdict out.

Pure library: no I/O beyond reading scope files, no asyncio, no email, no sockets::

    scope = load_scope(Path("config/scope"))     # matchers.scope: validated, picklable
    engine = Engine.compile(scope)               # CPU work: off the event loop
    decision = engine.decide([Segment("正文", text)], unscannable=())

Modules: ``scope`` (tables and loader), ``normalize`` (folding and offsets), ``keywords``
(the automaton), ``detectors`` (validated numbers and markings), ``boundary`` (jieba checks),
``engine`` (scoring and verdict), ``model`` (the records shared with the gateway).
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
