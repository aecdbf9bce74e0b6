"""Review rules and release delivery, on SQLite and PostgreSQL, against a real SMTP sink."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from gateway.errors import ReviewError
from gateway.review import Actor, Channel, OfficerAction
from gateway.store import audit
from gateway.store.models import AuditEntry, Case, CaseEvent
from tests.fixtures_console import Services, build_raw, days_ago, insert_case


async def _case(services: Services, case_id: str) -> Case:
    async with services.sessions() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        return case


async def _timeline(services: Services, case_id: str) -> list[tuple[str, str]]:
    async with services.sessions() as session:
        rows = await session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
        return [(e.actor, e.action) for e in rows]


async def _audit(services: Services) -> list[tuple[str, str, str]]:
    async with services.sessions() as session:
        rows = await session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        return [(e.actor, e.action, e.target) for e in rows]


async def test_single_release_relays_the_stored_original_byte_for_byte(services: Services) -> None:
    held = await insert_case(services.sessions)

    result = await services.review.release(held.id, "shen", "经核实为已公开信息")

    assert result.state == "released"
    [got] = services.sink.delivered()
    assert got.data.replace(b"\r\n", b"\n") == held.raw.replace(b"\r\n", b"\n")  # type: ignore[union-attr]
    assert got.mail_from == held.mail_from and got.rcpt_to == held.rcpt_to
    case = await _case(services, held.id)
    assert case.state == "released" and case.decided_by == "shen"
    assert case.upstream_reply == "2.0.0 Ok: queued as SINK0001"
    actions = [a for _, a in await _timeline(services, held.id)]
    assert actions[:5] == ["received", "held", "released", "release_attempt", "release_delivered"]
    assert ("shen", "release", held.id) in await _audit(services)
    assert ("gateway", "release_delivered", held.id) in await _audit(services)
    assert services.metrics.releases_total._value.get() == 1
    assert (await audit.verify(services.sessions)).ok


async def test_two_person_needs_reviewer_then_a_different_approver(services: Services) -> None:
    held = await insert_case(services.sessions, two_person=True)

    with pytest.raises(ReviewError, match="须先由审核人审核"):
        await services.review.release(held.id, "li", "审批")
    first = await services.review.release(held.id, "shen", "内容已核实，同意")
    assert first.state == "reviewed"
    assert services.sink.delivered() == []
    with pytest.raises(ReviewError, match="审批人"):
        await services.review.release(held.id, "shen", "再放行一次")

    done = await services.review.release(held.id, "wang", "同意放行")

    assert done.state == "released"
    assert len(services.sink.delivered()) == 1
    case = await _case(services, held.id)
    assert (case.reviewed_by, case.decided_by) == ("shen", "wang")
    entries = await _audit(services)
    assert ("shen", "approve", held.id) in entries and ("wang", "release", held.id) in entries


async def test_approve_is_refused_on_single_cases_and_twice(services: Services) -> None:
    single = await insert_case(services.sessions)
    double = await insert_case(services.sessions, two_person=True)
    with pytest.raises(ReviewError, match="只需一人放行"):
        await services.review.approve(single.id, "shen", "审核")
    await services.review.approve(double.id, "shen", "审核")
    with pytest.raises(ReviewError, match="已经审核过"):
        await services.review.approve(double.id, "shen", "again")


async def test_nobody_acts_on_mail_they_sent(services: Services) -> None:
    held = await insert_case(services.sessions)
    for action in OfficerAction:
        with pytest.raises(ReviewError, match="本人发出"):
            await services.review.decide(action, held.id, "zhang", "我自己的邮件")
    with pytest.raises(ReviewError, match="本人发出"):
        await services.review.view(held.id, "zhang")
    assert (await _case(services, held.id)).state == "pending"
    assert services.sink.delivered() == []


async def test_own_mail_is_recognised_by_the_from_header_too(services: Services) -> None:
    held = await insert_case(services.sessions, mail_from="bounce-123@lists.example.cn")
    raw = build_raw("通知", "正文", "a.docx", "shen@gov.example.cn", ["x@qq.com"])
    async with services.sessions() as session, session.begin():
        await session.execute(update(Case).where(Case.id == held.id).values(raw=raw))
    with pytest.raises(ReviewError, match="本人发出"):
        await services.review.release(held.id, "shen", "放行")


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
async def test_a_decision_needs_a_reason(services: Services, reason: str) -> None:
    held = await insert_case(services.sessions)
    with pytest.raises(ReviewError, match="理由"):
        await services.review.reject(held.id, "shen", reason)
    assert (await _case(services, held.id)).state == "pending"


@pytest.mark.parametrize("actor", ["auditor", "admin", "nobody"])
async def test_only_officers_decide(services: Services, actor: str) -> None:
    held = await insert_case(services.sessions)
    with pytest.raises(ReviewError, match=r"无权|不存在"):
        await services.review.release(held.id, actor, "放行")
    assert (await _case(services, held.id)).state == "pending"


async def test_reject_tells_the_sender_with_the_reason(services: Services) -> None:
    held = await insert_case(services.sessions)

    result = await services.review.reject(held.id, "li", "含拆迁补偿方案，不得外发")

    assert result.state == "rejected"
    assert services.sink.delivered() == []
    [notice] = services.sink.notices()
    assert notice.rcpt_to == [held.mail_from]
    text = notice.data.decode("utf-8", "replace")
    from email import message_from_bytes
    from email.policy import default

    body = message_from_bytes(notice.data, policy=default).get_body().get_content()  # type: ignore[union-attr]
    assert "含拆迁补偿方案，不得外发" in body and held.id in body
    assert "征地拆迁补偿方案" not in text  # never the matched text
    with pytest.raises(ReviewError, match="不能再放行"):
        await services.review.release(held.id, "shen", "改主意了")
    assert services.metrics.rejections_total._value.get() == 1


async def test_temporary_refusal_keeps_the_release_pending_and_retries(services: Services) -> None:
    held = await insert_case(services.sessions)
    services.sink.replies.append("451 4.3.0 try again later")

    result = await services.review.release(held.id, "shen", "同意")

    assert result.state == "release_pending"
    case = await _case(services, held.id)
    assert case.state == "release_pending" and "451" in (case.last_release_error or "")
    assert audit.utc(case.next_release_at) > datetime.now(UTC) + timedelta(seconds=50)  # type: ignore[arg-type]
    assert services.metrics.relay_errors_total.labels(kind="temporary")._value.get() == 1
    assert await services.review.deliver_pending() == 0  # not yet due
    assert services.sink.delivered() == []

    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Case).where(Case.id == held.id).values(next_release_at=datetime.now(UTC))
        )
    assert await services.review.deliver_pending() == 1
    assert (await _case(services, held.id)).state == "released"
    assert len(services.sink.delivered()) == 1
    assert (await _case(services, held.id)).release_attempts == 2


async def test_permanent_refusal_is_shown_and_can_be_retried(services: Services) -> None:
    held = await insert_case(services.sessions)
    services.sink.replies.append("554 5.7.1 relay denied by policy")

    result = await services.review.release(held.id, "shen", "同意")

    assert result.state == "release_failed"
    case = await _case(services, held.id)
    assert "554" in (case.last_release_error or "")
    assert ("gateway", "release_failed") in await _timeline(services, held.id)
    again = await services.review.release(held.id, "li", "上游已放开，重新放行")
    assert again.state == "released"
    assert len(services.sink.delivered()) == 1


async def test_upstream_down_is_a_temporary_failure(services: Services) -> None:
    held = await insert_case(services.sessions)
    services.review._relay = type(services.relay)(  # an upstream nobody listens on
        services.settings.relay.model_copy(update={"port": 1})
    )
    result = await services.review.release(held.id, "shen", "同意")
    assert result.state == "release_pending"
    assert (await _case(services, held.id)).last_release_error


async def test_bulk_checks_and_audits_every_case(services: Services) -> None:
    a = await insert_case(services.sessions)
    b = await insert_case(services.sessions, two_person=True)
    own = await insert_case(services.sessions, mail_from="shen@gov.example.cn")

    results = await services.review.bulk(
        OfficerAction.RELEASE, [a.id, b.id, own.id, "Q20990101-NOSUCH"], "shen", "批量处理"
    )

    by_id = {r.case_id: r for r in results}
    assert by_id[a.id].ok and by_id[a.id].state == "released"
    assert by_id[b.id].ok and by_id[b.id].state == "reviewed"
    assert not by_id[own.id].ok and "本人" in by_id[own.id].message
    assert not by_id["Q20990101-NOSUCH"].ok
    assert len(services.sink.delivered()) == 1
    entries = await _audit(services)
    assert ("shen", "release", a.id) in entries and ("shen", "approve", b.id) in entries


async def test_expiry_rejects_old_cases_and_purge_keeps_metadata(services: Services) -> None:
    stale = await insert_case(services.sessions, received_at=days_ago(15))
    fresh = await insert_case(services.sessions, received_at=days_ago(1))
    ancient = await insert_case(
        services.sessions, received_at=days_ago(100), state="rejected", review=services.review
    )

    told = len(services.sink.notices())  # the rejection's notice to the sender

    expired, purged = await services.review.expire_and_purge()

    assert (expired, purged) == (1, 1)
    assert (await _case(services, stale.id)).state == "expired"
    assert (await _case(services, fresh.id)).state == "pending"
    gone = await _case(services, ancient.id)
    assert gone.raw is None and gone.segments == [] and gone.raw_purged_at is not None
    assert gone.findings and gone.sha256 == ancient.sha256  # metadata stays
    [notice] = services.sink.notices()[told:]
    assert notice.rcpt_to == [stale.mail_from]
    with pytest.raises(ReviewError, match="已按保存期限清除"):
        await services.review.download(ancient.id, "shen")
    assert (await audit.verify(services.sessions)).ok


async def test_gauges_count_open_cases_and_the_oldest_age(services: Services) -> None:
    await insert_case(services.sessions, received_at=days_ago(2))
    await insert_case(services.sessions, received_at=days_ago(1))
    await insert_case(services.sessions, state="released", review=services.review)
    await services.review.refresh_gauges()
    assert services.metrics.quarantine_pending._value.get() == 2
    oldest = services.metrics.quarantine_oldest_pending_seconds._value.get()
    assert 2 * 86400 - 60 < oldest < 2 * 86400 + 60


async def test_view_and_download_are_audited(services: Services) -> None:
    held = await insert_case(services.sessions)
    case = await services.review.view(held.id, "li")
    assert [e.action for e in case.events][-1] == "viewed"
    raw = await services.review.download(held.id, "li")
    assert raw == held.raw
    entries = await _audit(services)
    assert ("li", "view", held.id) in entries and ("li", "download", held.id) in entries


async def test_two_officers_releasing_at_once_deliver_once(services: Services) -> None:
    held = await insert_case(services.sessions)

    results = await asyncio.gather(
        services.review.release(held.id, "shen", "同意"),
        services.review.release(held.id, "li", "同意"),
        return_exceptions=True,
    )

    assert sorted(type(r).__name__ for r in results) == ["ActionResult", "ReviewError"]
    assert len(services.sink.delivered()) == 1
    assert (await _case(services, held.id)).state == "released"


async def test_every_audit_entry_names_its_channel(services: Services) -> None:
    """Officers' actions say console/api/cli and the client; the gateway's own say gateway."""
    single = await insert_case(services.sessions)
    stale = await insert_case(services.sessions, received_at=days_ago(30))
    await services.review.view(single.id, Actor("shen", Channel.API, "192.0.2.1"))
    await services.review.release(single.id, Actor("li", Channel.CLI, "os:li"), "已核实")
    await services.review.reject(stale.id, "shen", "不得外发")
    await services.review.expire_and_purge()
    async with services.sessions() as session:
        rows = (await session.scalars(select(AuditEntry).order_by(AuditEntry.seq))).all()
    seen = [(e.actor, e.action, e.detail.get("channel"), e.detail.get("client")) for e in rows]
    assert seen == [
        ("shen", "view", "api", "192.0.2.1"),
        ("li", "release", "cli", "os:li"),
        ("gateway", "release_delivered", "gateway", None),
        ("shen", "reject", "console", ""),
    ]
