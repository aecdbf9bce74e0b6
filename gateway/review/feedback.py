"""The officer's verdict on a hold (issue 11): correct (确认涉密/应扣押) or false positive (误报).

A verdict is optional and given with a release, a rejection or an approval (审核). For a false
positive the officer names the findings that were wrong by their *key* ``category:kind:rule``
(e.g. ``land:term:地块``), the unit the statistics count; naming none marks every scoring
finding wrong (the console pre-fills exactly those).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gateway.errors import ReviewError
from gateway.store.models import Feedback

FEEDBACK_LABELS: dict[Feedback, str] = {
    Feedback.CORRECT: "确认涉密/应扣押",
    Feedback.FALSE_POSITIVE: "误报",
}


def finding_key(finding: Mapping[str, Any]) -> str:
    """The rule a finding came from, as officers name it: ``category:kind:rule``."""
    return f"{finding.get('category', '')}:{finding.get('kind', '')}:{finding.get('rule', '')}"


def scoring_keys(findings: Iterable[Mapping[str, Any]]) -> list[str]:
    """The distinct keys of the findings that scored (not discounted by an exclude word)."""
    return list(dict.fromkeys(finding_key(f) for f in findings if not f.get("suppressed_by")))


@dataclass(frozen=True, slots=True)
class Verdict:
    feedback: Feedback
    wrong: tuple[str, ...] = ()

    def audit_detail(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"feedback": self.feedback.value}
        if self.feedback is Feedback.FALSE_POSITIVE:
            detail["wrong_findings"] = list(self.wrong)
        return detail

    def describe(self) -> str:
        """One line for the case timeline."""
        text = FEEDBACK_LABELS[self.feedback]
        return f"{text}：{'、'.join(self.wrong)}" if self.wrong else text


def parse_feedback(value: str | None) -> Feedback | None:
    """``correct`` | ``false-positive`` (or ``false_positive``) | empty → no verdict."""
    text = (value or "").strip().lower().replace("-", "_")
    if not text:
        return None
    try:
        return Feedback(text)
    except ValueError:
        raise ReviewError(
            f"未知的判定 {value!r}：应为 correct（确认涉密/应扣押）或 false-positive（误报）"
        ) from None


def check_verdict(
    findings: Sequence[Mapping[str, Any]], feedback: str | None, wrong: Iterable[str] = ()
) -> Verdict | None:
    """The verdict for a case with these findings, or a one-line Chinese error."""
    kind = parse_feedback(feedback)
    named = list(dict.fromkeys(w.strip() for w in wrong if w.strip()))
    if kind is None:
        if named:
            raise ReviewError("标记误报的命中前，请选择判定“误报”")
        return None
    if kind is Feedback.CORRECT:
        if named:
            raise ReviewError("判定为“确认涉密/应扣押”时不能标记误报的命中")
        return Verdict(kind)
    known = {finding_key(f) for f in findings}
    unknown = [w for w in named if w not in known]
    if unknown:
        raise ReviewError(
            f"本案件没有命中 {'、'.join(unknown)}（格式：类别:规则类型:规则，见 quarantine show）"
        )
    return Verdict(kind, tuple(named or scoring_keys(findings)))
