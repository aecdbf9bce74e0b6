"""Who may do what to a held case — ONE rule for what the console offers and what is enforced.

:func:`allowed_actions` answers for one case and one officer; the console shows exactly its
``actions`` as buttons and its ``note`` as the explanation, and ``Review.decide`` refuses any
other action with ``refusals[action]``.

- only ``reviewer`` (审核) and ``approver`` (审批) accounts decide cases, and nobody acts on mail
  they sent (envelope sender, From, Sender or Reply-To is one of their addresses, compared
  canonically, see :mod:`gateway.review.addresses`);
- a ``single`` case is released or rejected by one reviewer or approver;
- a ``two-person`` case needs a reviewer's approval (state ``reviewed``) and then the release by a
  *different* approver; a reviewer's ``release`` of a pending two-person case records the approval;
- cases not waiting for an officer (released, rejected, expired, blocked by a ``reject``
  category, being delivered) offer nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from gateway.errors import ReviewError
from gateway.review.addresses import canonical_set, sender_addresses
from gateway.store.models import OPEN_STATES, CaseState, Role

OFFICER_ROLES = (Role.REVIEWER, Role.APPROVER)
MAX_REASON = 2000
OWN_MAIL = "不能审查或处理本人发出的邮件：请交由其他保密员处理"
NO_ADDRESS = "您的账号未登记本人邮箱地址，无法确认邮件是否为本人发出：请管理员补充后再处理案件"


class OfficerAction(StrEnum):
    APPROVE = "approve"  # 审核: the reviewer's half of a two-person release
    RELEASE = "release"
    REJECT = "reject"


class Channel(StrEnum):
    CONSOLE = "console"
    API = "api"
    CLI = "cli"


@dataclass(frozen=True, slots=True)
class Actor:
    """An authenticated officer and where the action came from, for the audit log.

    ``client`` is the client's IP address (console, API) or the operating-system user (CLI).
    """

    name: str
    channel: Channel = Channel.CONSOLE
    client: str = ""

    def audit_detail(self) -> dict[str, str]:
        return {"channel": self.channel.value, "client": self.client}


def as_actor(actor: Actor | str) -> Actor:
    """A bare account name is a console action (kept while callers move to :class:`Actor`)."""
    return actor if isinstance(actor, Actor) else Actor(actor)


class Officer(Protocol):
    """An account as the rules need it (a store ``User`` or a console ``SessionInfo``)."""

    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def emails(self) -> Sequence[str] | Any: ...


class ReviewedCase(Protocol):
    """A held case as the rules need it (the store's ``Case``)."""

    @property
    def id(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def release_mode(self) -> str: ...
    @property
    def reviewed_by(self) -> str | None: ...
    @property
    def mail_from(self) -> str: ...
    @property
    def raw(self) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class Allowed:
    """What this officer may do to this case now, and in words why not the rest."""

    actions: tuple[OfficerAction, ...]
    note: str = ""
    refusals: Mapping[OfficerAction, str] = field(default_factory=dict)
    own_mail: bool = False

    def check(self, action: OfficerAction) -> None:
        if action not in self.actions:
            raise ReviewError(self.refusals.get(action) or self.note or "不能执行此操作")


def is_own_mail(case: ReviewedCase, officer: Officer, headers: set[str] | None = None) -> bool:
    """``headers``: the message's From/Sender/Reply-To addresses when the caller read them
    already (:func:`~gateway.review.addresses.header_addresses`); else read from ``case.raw``."""
    own = canonical_set(officer.emails or ())
    if headers is None:
        return bool(own & sender_addresses(case.mail_from or "", case.raw))
    return bool(own & (sender_addresses(case.mail_from or "", None) | headers))


def allowed_actions(case: ReviewedCase, officer: Officer) -> Allowed:
    """The one review rule (see the module docstring)."""
    from gateway.review.labels import ROLE_LABELS, STATE_LABELS

    everything = tuple(OfficerAction)
    role = Role(officer.role)
    if role not in OFFICER_ROLES:
        why = f"账号 {officer.name} 的角色（{ROLE_LABELS[role]}）无权处理案件"
        return Allowed((), why, dict.fromkeys(everything, why))
    if not canonical_set(officer.emails or ()):
        # an account created before addresses were required: "not own mail" cannot be known
        return Allowed((), NO_ADDRESS, dict.fromkeys(everything, NO_ADDRESS))
    if is_own_mail(case, officer):
        return Allowed((), OWN_MAIL, dict.fromkeys(everything, OWN_MAIL), own_mail=True)
    state = CaseState(case.state)
    if state not in OPEN_STATES:
        label = STATE_LABELS[state]
        refusals = {
            OfficerAction.APPROVE: f"案件 {case.id} 当前状态为「{label}」，不能再审核",
            OfficerAction.RELEASE: f"案件 {case.id} 当前状态为「{label}」，不能再放行",
            OfficerAction.REJECT: f"案件 {case.id} 当前状态为「{label}」，不能退回",
        }
        if state is CaseState.BLOCKED:
            note = "此邮件命中禁止外发的类别，已在发送时拒收，不能放行。"
        else:
            note = f"此案件已处理完毕（{label}）。"
        return Allowed((), note, refusals)
    reject = OfficerAction.REJECT
    if case.release_mode != "two-person":
        single = f"案件 {case.id} 只需一人放行，无需审核后审批：请直接放行"
        return Allowed((OfficerAction.RELEASE, reject), "", {OfficerAction.APPROVE: single})
    if state is CaseState.PENDING:
        if role is Role.REVIEWER:
            # a reviewer's "release" of a pending two-person case is the approval (审核)
            return Allowed(
                (OfficerAction.APPROVE, OfficerAction.RELEASE, reject),
                "此案件需两人放行：审核通过后，由另一位审批人放行。",
            )
        first = f"案件 {case.id} 需两人放行：须先由审核人审核，再由另一位审批人放行"
        return Allowed(
            (reject,),
            "此案件需两人放行：等待审核人审核后，您才能审批放行。",
            {OfficerAction.APPROVE: first, OfficerAction.RELEASE: first},
        )
    reviewed = f"案件 {case.id} 已经审核过（审核人 {case.reviewed_by}）"
    if role is not Role.APPROVER:
        why = f"案件 {case.id} 已审核，须由审批人（而非审核人）放行"
        return Allowed(
            (reject,),
            f"已由 {case.reviewed_by} 审核，等待另一位审批人放行。",
            {OfficerAction.APPROVE: reviewed, OfficerAction.RELEASE: why},
        )
    if case.reviewed_by == officer.name:
        why = "审核与审批须由不同人员完成：您已审核过此案件"
        return Allowed(
            (reject,), why, {OfficerAction.APPROVE: reviewed, OfficerAction.RELEASE: why}
        )
    return Allowed(
        (OfficerAction.RELEASE, reject),
        f"已由 {case.reviewed_by} 审核。",
        {OfficerAction.APPROVE: reviewed},
    )


def check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ReviewError("必须填写理由（放行、退回和审核都要说明理由）")
    if len(reason) > MAX_REASON:
        raise ReviewError(f"理由过长：请控制在 {MAX_REASON} 字以内")
    return reason
