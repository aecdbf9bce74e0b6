"""Chinese words for the review codes shown to officers and in notices (one place for them)."""

from __future__ import annotations

import re

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

#: The built-in detectors (``matchers.builtin.DETECTORS``) a finding's rule names.
DETECTOR_LABELS: dict[str, str] = {
    "cn_resident_id": "身份证号",
    "cn_uscc": "统一社会信用代码",
    "bank_card": "银行卡号",
    "cn_mobile": "手机号码",
    "secrecy_marking": "密级标志",
    "work_secret_marking": "工作秘密标志",
    "work_secret_statement": "工作秘密声明",
    "circulation_marker": "限制传阅标注",
    "roster": "人员名单",
    "roster_loose": "人员名单（宽松）",
    "roster_sensitive": "敏感个人信息名单",
    "roster_record": "身份证号与住址或电话名单",
    "secrecy_statement": "密级声明",
}


def rule_label(rule: str, kind: str) -> str:
    """A finding's rule for officers: a detector by its Chinese name (with any suffix the
    engine added, e.g. （文中引用）); a regular expression as ``正则：…``."""
    if kind == "detector":
        name, sep, rest = rule.partition("（")
        if name in DETECTOR_LABELS:
            return DETECTOR_LABELS[name] + sep + rest
    if kind == "pattern" and rule.startswith("regex:"):
        return "正则：" + rule.removeprefix("regex:")
    return rule


CHANNEL_LABELS: dict[str, str] = {"console": "控制台", "api": "接口", "cli": "命令行"}

#: Why content could not be inspected (``UnscannableReason``), for officers and senders.
REASON_LABELS: dict[str, str] = {
    "image": "图片中的文字无法识别（图像识别未开启）",
    "limit_ocr": "图片或扫描页过多，超出图像识别上限",
    "encrypted": "加密或设有密码",
    "limit_depth": "嵌套层数超限",
    "limit_members": "压缩包文件数超限",
    "limit_size": "解压后体积超限",
    "limit_ratio": "压缩比异常",
    "timeout": "检查超时",
    "corrupt": "文件损坏",
    "unsupported": "格式无法识别",
    "error": "检查出错",
}

#: Characters that change how text *looks* without being seen (bidi overrides that turn
#: ``…\u202egpj.exe`` into ``…exe.jpg``, zero-width characters, BOM): shown as ``‹U+202E›``.
_HIDDEN = re.compile(
    "[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]"
)


def visible(text: str) -> str:
    """``text`` with every invisible or direction-changing character shown as ``‹U+XXXX›``."""
    return _HIDDEN.sub(lambda m: f"‹U+{ord(m.group()):04X}›", text)
