"""What every part of :class:`gateway.review.Review` shares: the store, relay, notices, metrics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gateway.errors import ReviewError
from gateway.relay import Relay
from gateway.settings import Settings
from gateway.store.cases import CaseTx
from gateway.store.engine import Sessions
from gateway.store.models import Case

if TYPE_CHECKING:
    from gateway.metrics import Metrics
    from gateway.notify import Notifier

GATEWAY = "gateway"


class UnknownCase(ReviewError):
    """No case with that id (the console answers 404)."""


def now() -> datetime:
    return datetime.now(UTC)


class ReviewBase:
    def __init__(
        self,
        sessionmaker: Sessions,
        relay: Relay,
        notifier: Notifier,
        metrics: Metrics,
        settings: Settings,
    ) -> None:
        self._sessions = sessionmaker
        self._relay = relay
        self._notifier = notifier
        self._metrics = metrics
        self._settings = settings

    @property
    def notifier(self) -> Notifier:
        return self._notifier

    @staticmethod
    async def _case(tx: CaseTx, case_id: str, *, for_update: bool = False) -> Case:
        case = await tx.case(case_id, for_update=for_update)
        if case is None:
            raise UnknownCase(f"没有编号为 {case_id} 的案件")
        return case
