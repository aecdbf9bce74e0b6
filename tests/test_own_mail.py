"""Nobody reviews their own mail, however the address is spelt; refusals are audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from gateway.errors import ReviewError
from gateway.review import Actor, Channel, allowed_actions
from gateway.review.addresses import canonical, sender_addresses
from gateway.store.models import AuditEntry, Case, User
from tests.fixtures_console import Services, insert_case

# the approver "li" owns li@gov.example.cn (tests/fixtures_console.py OFFICERS)


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("li@gov.example.cn", "li@gov.example.cn"),
        ("LI@Gov.Example.CN", "li@gov.example.cn"),
        ("li@gov.example.cn.", "li@gov.example.cn"),
        ("li@gov.example.cn..", "li@gov.example.cn"),
        ("li+leak@gov.example.cn", "li@gov.example.cn"),
        ('"li"@gov.example.cn', "li@gov.example.cn"),
        ('"l\\i"@gov.example.cn', "li@gov.example.cn"),
        ("li@gov.example.cn\x00", "li@gov.example.cn"),
        ("l\x00i@gov.example.cn", "li@gov.example.cn"),
        ("li\u200b@gov.example.cn", "li@gov.example.cn"),
        ("\u202eli@gov.example.cn", "li@gov.example.cn"),
        ("ｌｉ@ｇｏｖ.example.cn", "li@gov.example.cn"),
        ("李 <li@gov.example.cn>", "li@gov.example.cn"),
        (" <li @gov.example.cn> ", "li@gov.example.cn"),
        ("other@gov.example.cn", "other@gov.example.cn"),
        ("postmaster", "postmaster"),
    ],
)
def test_canonical_addresses(spelling: str, expected: str) -> None:
    assert canonical(spelling) == expected


def _message(headers: str) -> bytes:
    return (headers + "To: x@qq.com\r\nSubject: s\r\n\r\nbody\r\n").encode(
        "utf-8", "surrogateescape"
    )


@pytest.mark.parametrize(
    ("mail_from", "headers"),
    [
        ("li@gov.example.cn.", "From: a@b.cn\r\n"),
        ("LI+x@gov.example.cn", "From: a@b.cn\r\n"),
        ('"li"@gov.example.cn', "From: a@b.cn\r\n"),
        ("li@gov.example.cn\x00", "From: a@b.cn\r\n"),
        ("bounce@lists.cn", "From: =?utf-8?b?5p2O?= <Li+Leak@Gov.Example.CN.>\r\n"),
        ("bounce@lists.cn", 'From: "li@gov.example.cn" <"l\\i"@gov.example.cn>\r\n'),
        ("bounce@lists.cn", "From: a@b.cn\r\nSender: li@gov.example.cn\r\n"),
        ("bounce@lists.cn", "From: a@b.cn\r\nReply-To: x@y.cn, li\u200b@gov.example.cn\r\n"),
        ("bounce@lists.cn", "From: a@b.cn, li@gov.example.cn\x00\r\n"),
    ],
)
async def test_own_mail_variants_are_refused_and_audited(
    services: Services, mail_from: str, headers: str
) -> None:
    if "\x00" in mail_from and services.settings.effective_database_url.startswith("postgres"):
        pytest.skip("PostgreSQL text cannot hold NUL: such an envelope is never stored there")
    held = await insert_case(services.sessions)
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Case)
            .where(Case.id == held.id)
            .values(mail_from=mail_from, raw=_message(headers))
        )
        case = await session.get(Case, held.id)
        assert case is not None
        assert "li@gov.example.cn" in sender_addresses(case.mail_from, case.raw)
    who = Actor("li", Channel.API, "192.0.2.7")
    with pytest.raises(ReviewError, match="本人发出"):
        await services.review.release(held.id, who, "放行")
    with pytest.raises(ReviewError, match="本人发出"):
        await services.review.view(held.id, who)
    async with services.sessions() as session:
        case = await session.get(Case, held.id)
        refused = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "own_mail_refused"))
        ).all()
    assert case is not None and case.state == "pending"
    assert [(e.actor, e.target, e.detail) for e in refused] == [
        ("li", held.id, {"attempted": "release", "channel": "api", "client": "192.0.2.7"}),
        ("li", held.id, {"attempted": "view", "channel": "api", "client": "192.0.2.7"}),
    ]
    assert services.sink.delivered() == []


async def test_someone_elses_mail_is_not_own_mail(services: Services) -> None:
    held = await insert_case(services.sessions, mail_from="lisa@gov.example.cn")
    async with services.sessions() as session:
        case = await session.get(Case, held.id)
        assert case is not None
        user = await session.scalar(select(User).where(User.name == "li"))
        assert user is not None
        assert [a.value for a in allowed_actions(case, user).actions] == ["release", "reject"]


async def test_an_officer_without_an_address_cannot_act(services: Services) -> None:
    """Accounts from before addresses were required: own mail cannot be ruled out."""
    held = await insert_case(services.sessions)
    async with services.sessions() as session, session.begin():
        await session.execute(update(User).where(User.name == "li").values(emails=[]))
    with pytest.raises(ReviewError, match="未登记本人邮箱地址"):
        await services.review.release(held.id, "li", "放行")
    with pytest.raises(ReviewError, match="未登记本人邮箱地址"):
        await services.review.view(held.id, "li")
    assert services.sink.delivered() == []


async def test_a_sender_named_past_the_read_prefix_is_still_found(services: Services) -> None:
    """The view reads only a prefix of the stored message before it takes the write lock;
    a header section longer than that prefix is read in full, so padding cannot hide a sender."""
    from gateway.review.actions import HEAD_BYTES

    padding = "".join(f"X-Pad-{n}: {'x' * 900}\r\n" for n in range(HEAD_BYTES // 900 + 10))
    held = await insert_case(services.sessions)
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Case)
            .where(Case.id == held.id)
            .values(mail_from="a@b.cn", raw=_message(padding + "Sender: li@gov.example.cn\r\n"))
        )
    with pytest.raises(ReviewError, match="本人发出"):
        await services.review.view(held.id, Actor("li", Channel.API, "192.0.2.7"))
    # someone else's big message opens, with its whole stored original
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Case)
            .where(Case.id == held.id)
            .values(raw=_message("From: a@b.cn\r\n" + padding))
        )
    case = await services.review.view(held.id, Actor("li", Channel.API, "192.0.2.7"))
    assert case.raw is not None and len(case.raw) > HEAD_BYTES
    assert [e.action for e in case.events][-1] == "viewed"
