"""The review of held mail, shared by the console, its API and the CLI.

- :mod:`.rules`: who may do what (``allowed_actions``), actors and channels, reasons;
- :mod:`.addresses`: canonical mail addresses (the own-mail rule);
- :mod:`.actions`: officer actions (view, download, approve, release, reject, bulk);
- :mod:`.delivery`: delivery of released cases and its retries;
- :mod:`.housekeeping`: expiry, purge and gauges;
- :mod:`.feedback`: the officer's verdict on a hold (correct / false positive);
- :mod:`.requests`: the sender's release request (业务理由) through the notice's link;
- :mod:`.labels`: the Chinese words for states, roles, actions and channels.

:class:`Review` is all of them on one store, relay, notifier and settings.
"""

from __future__ import annotations

from gateway.review.actions import ActionResult, BulkItem, OfficerActions
from gateway.review.base import GATEWAY, UnknownCase
from gateway.review.housekeeping import Housekeeping
from gateway.review.labels import ROLE_LABELS, STATE_LABELS
from gateway.review.requests import SenderRequests
from gateway.review.rules import (
    Actor,
    Allowed,
    Channel,
    OfficerAction,
    allowed_actions,
    check_reason,
)

__all__ = [
    "GATEWAY",
    "ROLE_LABELS",
    "STATE_LABELS",
    "ActionResult",
    "Actor",
    "Allowed",
    "BulkItem",
    "Channel",
    "OfficerAction",
    "Review",
    "UnknownCase",
    "allowed_actions",
    "check_reason",
    "sender_addresses",
]


class Review(OfficerActions, Housekeeping, SenderRequests):
    """Officer actions on held cases and the gateway's periodic quarantine jobs."""


def sender_addresses(case: object) -> set[str]:
    """Canonical envelope sender, From, Sender and Reply-To of a stored case."""
    from gateway.review.addresses import sender_addresses as _addresses

    return _addresses(str(getattr(case, "mail_from", "") or ""), getattr(case, "raw", None))
