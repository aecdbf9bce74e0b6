"""Unit tests of small pure helpers: the trace header, 451 replies, the review rule, settings."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from gateway.errors import ReviewError, SettingsError, TemporaryRelayError
from gateway.review import OfficerAction, allowed_actions
from gateway.review.labels import DETECTOR_LABELS, rule_label
from gateway.settings import load_settings
from gateway.smtp.envelope import Envelope
from gateway.smtp.pipeline import Reply, received_header, temporary_reply
from matchers.builtin import DETECTORS

APPROVE, RELEASE, REJECT = OfficerAction.APPROVE, OfficerAction.RELEASE, OfficerAction.REJECT


def test_received_header_names_protocol_client_and_a_single_recipient() -> None:
    envelope = Envelope(
        "a@b.cn", ("x@qq.com",), client_addr="10.0.0.7", helo="mta", tls=True, auth_user="u"
    )
    line = received_header(envelope, "ABC123", "gw.example.cn").decode()
    assert line.startswith("Received: from mta ([10.0.0.7])\r\n\tby gw.example.cn (dlp-gateway)")
    assert " with ESMTPSA id ABC123\r\n\tfor <x@qq.com>;\r\n\t" in line
    assert line.endswith("\r\n") and re.search(r"\d{2}:\d{2}:\d{2} [+-]\d{4}\r\n$", line)


def test_received_header_hides_recipients_of_many_and_marks_ipv6_and_utf8() -> None:
    envelope = Envelope("", ("x@qq.com", "y@qq.com"), client_addr="::1", smtputf8=True)
    line = received_header(envelope, "T", "gw").decode()
    assert "from unknown ([IPv6:::1])" in line and "with UTF8SMTP id T;" in line
    assert "for <" not in line  # listing several recipients would disclose Bcc


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (451, "4.3.0 outbox not writable", "451 4.3.0 outbox not writable"),
        (
            421,
            "4.7.0 try later",
            "451 4.4.0 upstream deferred the message, try again later (421 4.7.0 try later)",
        ),
        (
            451,
            "mailbox busy",
            "451 4.4.0 upstream deferred the message, try again later (451 mailbox busy)",
        ),
    ],
)
def test_temporary_reply(code: int, message: str, expected: str) -> None:
    reply = temporary_reply(TemporaryRelayError(code, message))
    assert isinstance(reply, Reply) and str(reply) == expected


@dataclass
class _Case:
    state: str = "pending"
    release_mode: str = "single"
    reviewed_by: str | None = None
    mail_from: str = "zhang@gov.example.cn"
    raw: bytes | None = b"From: Zhang <zhang@gov.example.cn>\r\nSubject: s\r\n\r\nx\r\n"
    id: str = "Q20261205-AAAAAA"


@dataclass
class _Officer:
    name: str
    role: str
    emails: tuple[str, ...] = ()


SHEN = _Officer("shen", "reviewer", ("shen@gov.example.cn",))
LI = _Officer("li", "approver", ("li@gov.example.cn",))
ZHANG = _Officer("zhang", "approver", ("Zhang+x@GOV.example.cn.",))
AUDITOR = _Officer("au", "auditor")


@pytest.mark.parametrize(
    ("case", "officer", "actions"),
    [
        (_Case(), SHEN, (RELEASE, REJECT)),
        (_Case(), LI, (RELEASE, REJECT)),
        (_Case(), ZHANG, ()),  # own mail, however spelt
        (_Case(), AUDITOR, ()),
        (_Case(), _Officer("old", "approver"), ()),  # no registered address: cannot rule out own
        (_Case(release_mode="two-person"), SHEN, (APPROVE, RELEASE, REJECT)),
        (_Case(release_mode="two-person"), LI, (REJECT,)),
        (
            _Case(release_mode="two-person", state="reviewed", reviewed_by="shen"),
            LI,
            (RELEASE, REJECT),
        ),
        (_Case(release_mode="two-person", state="reviewed", reviewed_by="shen"), SHEN, (REJECT,)),
        (_Case(state="blocked", release_mode="two-person"), LI, ()),  # reject category: never
        (_Case(state="released"), LI, ()),
        (_Case(state="release_pending"), LI, ()),
        (_Case(state="release_failed"), LI, (RELEASE, REJECT)),
    ],
)
def test_allowed_actions(
    case: _Case, officer: _Officer, actions: tuple[OfficerAction, ...]
) -> None:
    allowed = allowed_actions(case, officer)
    assert allowed.actions == actions
    for action in set(OfficerAction) - set(actions):
        with pytest.raises(ReviewError):
            allowed.check(action)


def test_blocked_cases_say_they_cannot_be_released() -> None:
    allowed = allowed_actions(_Case(state="blocked"), LI)
    assert allowed.note == "此邮件命中禁止外发的类别，已在发送时拒收，不能放行。"


def test_the_unused_inspection_timeout_setting_is_gone() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(None, smtp={"inspection_timeout": 5})
    assert any("inspection_timeout" in line for line in info.value.problems)


@pytest.mark.parametrize(
    "path",
    [
        "<a@b.cn>",
        "<zhang.san+x@example.gov.cn> SIZE=1024 BODY=8BITMIME",
        "<a@b.cn>  \tSMTPUTF8",
        "<a@b.cn> (comment) SIZE=1",
        '<"q u"@b.cn>',
        "<a..b@b.cn>",
        "<a@[10.0.0.1]>",
        "<张三@例子.中国>",
        "<a@b..cn>",
        "<>",
        "a@b.cn",
    ],
)
def test_mail_and_rcpt_paths_read_as_aiosmtpd_reads_them(path: str) -> None:
    """The SMTP server's fast path for ``<local@domain>`` gives aiosmtpd's own answer."""
    from aiosmtpd.smtp import SMTP

    from gateway.smtp.server import _GatewaySMTP

    reference = SMTP.__new__(SMTP)
    ours = _GatewaySMTP.__new__(_GatewaySMTP)
    reference.local_part_limit = ours.local_part_limit = 0
    assert ours._getaddr(path) == SMTP._getaddr(reference, path)


@pytest.mark.parametrize(
    ("rule", "kind", "shown"),
    [
        ("secrecy_marking", "detector", "密级标志"),
        ("secrecy_marking（文中引用）", "detector", "密级标志（文中引用）"),
        ("cn_resident_id", "detector", "身份证号"),
        ("regex:\\d{6}", "pattern", "正则：\\d{6}"),
        ("征地拆迁补偿方案", "term", "征地拆迁补偿方案"),
        ("a_new_detector", "detector", "a_new_detector"),
    ],
)
def test_rule_labels(rule: str, kind: str, shown: str) -> None:
    assert rule_label(rule, kind) == shown


def test_every_built_in_detector_has_a_chinese_name() -> None:
    assert set(DETECTOR_LABELS) == set(DETECTORS)
