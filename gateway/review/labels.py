"""Chinese words for the review codes shown to officers and in notices (one place for them)."""

from __future__ import annotations

from gateway.review.rules import OfficerAction
from gateway.store.models import CaseState, Role

STATE_LABELS: dict[CaseState, str] = {
    CaseState.PENDING: "待审查",
    CaseState.REVIEWED: "已审核待审批",
    CaseState.RELEASE_PENDING: "放行投递中",
    CaseState.RELEASE_FAILED: "放行被拒收",
    CaseState.RELEASED: "已放行",
    CaseState.REJECTED: "已退回",
    CaseState.EXPIRED: "已过期退回",
    CaseState.BLOCKED: "已拦截",
}

ROLE_LABELS: dict[Role, str] = {
    Role.REVIEWER: "审核人",
    Role.APPROVER: "审批人",
    Role.AUDITOR: "审计员",
    Role.ADMIN: "管理员",
}

RELEASE_MODE_LABELS: dict[str, str] = {
    "single": "一人放行",
    "two-person": "两人放行（审核＋审批）",
}

ACTION_LABELS: dict[OfficerAction, str] = {
    OfficerAction.APPROVE: "审核通过（审核）",
    OfficerAction.RELEASE: "放行",
    OfficerAction.REJECT: "退回",
}

CHANNEL_LABELS: dict[str, str] = {"console": "控制台", "api": "接口", "cli": "命令行"}
