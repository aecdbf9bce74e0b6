"""The registry of extractors, keyed by the detected :class:`~gateway.extract.detect.Kind`.

A format module registers its reader with :func:`extractor`; the walker looks it up with
:func:`lookup`. Importing :mod:`gateway.extract` imports every format module, so the registry is
complete before the first message is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.extract.detect import Kind
    from gateway.extract.walker import Node, Walker

Extractor = Callable[[bytes, "Node", "Walker"], None]

_EXTRACTORS: dict[str, Extractor] = {}


def extractor(*kinds: Kind) -> Callable[[Extractor], Extractor]:
    """Register the decorated function as the reader for ``kinds``."""

    def register(func: Extractor) -> Extractor:
        for kind in kinds:
            _EXTRACTORS[str(kind)] = func
        return func

    return register


def lookup(kind: Kind) -> Extractor | None:
    return _EXTRACTORS.get(str(kind))
