"""Accounts and sign-in: argon2, lockout, session expiry, revocation, all audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.errors import AccountError
from gateway.settings import ConsoleSettings
from gateway.store import audit
from gateway.store.accounts import Accounts, LoginOutcome
from gateway.store.models import AuditEntry, ConsoleSession, User

PASSWORD = "long-enough-1"


@pytest.fixture
async def accounts(store: async_sessionmaker[AsyncSession]) -> Accounts:
    accounts = Accounts(
        store, ConsoleSettings(lockout_failures=3, lockout_minutes=15, session_minutes=30)
    )
    await accounts.add("shen", "reviewer", PASSWORD, ["Shen@Gov.Example.CN"], "cli:root")
    return accounts


async def _actions(store: async_sessionmaker[AsyncSession]) -> list[tuple[str, str]]:
    async with store() as session:
        return [
            (e.actor, e.action)
            for e in await session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        ]


async def test_passwords_are_argon2_and_emails_normalised(
    accounts: Accounts, store: async_sessionmaker[AsyncSession]
) -> None:
    user = await accounts.get("shen")
    assert user is not None
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert user.emails == ["shen@gov.example.cn"]
    assert ("cli:root", "user_add") in await _actions(store)


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("shen", "reviewer", PASSWORD, "已存在"),
        ("li", "boss", PASSWORD, "未知角色"),
        ("li", "approver", "short", "密码太短"),
        ("li li", "approver", PASSWORD, "无效"),
    ],
)
async def test_bad_account_changes_are_refused_with_a_reason(
    accounts: Accounts, name: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        await accounts.add(name, role, password, [f"{name}@gov.example.cn"], "admin")


async def test_login_gives_a_session_that_names_the_user(accounts: Accounts) -> None:
    result = await accounts.login("shen", PASSWORD, "127.0.0.1")
    assert result.outcome is LoginOutcome.OK and result.token and result.csrf_token
    info = await accounts.session_user(result.token)
    assert info is not None and info.name == "shen" and info.role == "reviewer"
    assert info.csrf_token == result.csrf_token
    assert await accounts.session_user(result.token + "x") is None
    assert await accounts.session_user("") is None


async def test_the_store_keeps_only_a_digest_of_the_session_token(
    accounts: Accounts, store: async_sessionmaker[AsyncSession]
) -> None:
    result = await accounts.login("shen", PASSWORD)
    async with store() as session:
        stored = (await session.scalars(select(ConsoleSession.token_hash))).all()
    assert stored and result.token not in stored


async def test_repeated_wrong_passwords_lock_the_account(
    accounts: Accounts, store: async_sessionmaker[AsyncSession]
) -> None:
    assert (await accounts.login("shen", "wrong-1")).outcome is LoginOutcome.BAD_CREDENTIALS
    assert (await accounts.login("shen", "wrong-2")).outcome is LoginOutcome.BAD_CREDENTIALS
    locked = await accounts.login("shen", "wrong-3")
    assert locked.outcome is LoginOutcome.LOCKED and locked.locked_until is not None
    # even the right password is refused while locked
    assert (await accounts.login("shen", PASSWORD)).outcome is LoginOutcome.LOCKED
    assert ("shen", "login_locked") in await _actions(store)
    # the lock ends after lockout_minutes
    async with store() as session, session.begin():
        await session.execute(
            update(User).values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert (await accounts.login("shen", PASSWORD)).outcome is LoginOutcome.OK


async def test_unknown_names_are_answered_like_wrong_passwords(
    accounts: Accounts, store: async_sessionmaker[AsyncSession]
) -> None:
    assert (await accounts.login("nobody", PASSWORD)).outcome is LoginOutcome.BAD_CREDENTIALS
    assert ("nobody", "login_failed") in await _actions(store)


async def test_sessions_expire(accounts: Accounts, store: async_sessionmaker[AsyncSession]) -> None:
    result = await accounts.login("shen", PASSWORD)
    async with store() as session, session.begin():
        await session.execute(
            update(ConsoleSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert await accounts.session_user(result.token) is None


async def test_disable_and_passwd_end_sessions(
    accounts: Accounts, store: async_sessionmaker[AsyncSession]
) -> None:
    first = await accounts.login("shen", PASSWORD)
    await accounts.set_disabled("shen", True, "admin")
    assert await accounts.session_user(first.token) is None
    assert (await accounts.login("shen", PASSWORD)).outcome is LoginOutcome.DISABLED
    await accounts.set_disabled("shen", False, "admin")
    second = await accounts.login("shen", PASSWORD)
    await accounts.passwd("shen", "another-password", "admin")
    assert await accounts.session_user(second.token) is None
    assert (await accounts.login("shen", PASSWORD)).outcome is LoginOutcome.BAD_CREDENTIALS
    assert (await accounts.login("shen", "another-password")).outcome is LoginOutcome.OK
    actions = await _actions(store)
    for expected in ("user_disable", "user_enable", "user_passwd"):
        assert ("admin", expected) in actions
    assert (await audit.verify(store)).ok


async def test_changes_to_unknown_accounts_are_refused(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match="没有账号"):
        await accounts.passwd("ghost", PASSWORD, "admin")


async def test_admin_changes_role_addresses_and_unlocks(
    accounts: Accounts, store: async_sessionmaker[AsyncSession]
) -> None:
    await accounts.add("root", "admin", PASSWORD, [], "cli:root")
    for _ in range(3):
        await accounts.login("shen", "wrong-guess")
    assert (await accounts.login("shen", PASSWORD)).outcome is LoginOutcome.LOCKED
    await accounts.unlock("shen", "root")
    assert (await accounts.login("shen", PASSWORD)).outcome is LoginOutcome.OK

    await accounts.set_emails("shen", ["shen@new.example.cn", " SHEN@new.example.cn "], "root")
    await accounts.set_role("shen", "approver", "root")
    user = await accounts.get("shen")
    assert user is not None and (user.role, user.emails) == ("approver", ["shen@new.example.cn"])
    with pytest.raises(AccountError, match="必须登记本人邮箱"):
        await accounts.set_emails("shen", [], "root")
    actions = await _actions(store)
    assert [a for a in actions if a[0] == "root"] == [
        ("root", "user_unlock"),
        ("root", "user_emails"),
        ("root", "user_role"),
    ]


async def test_the_last_admin_and_ones_own_account_stay(accounts: Accounts) -> None:
    await accounts.add("root", "admin", PASSWORD, [], "cli:root")
    with pytest.raises(AccountError, match="不能停用自己的账号"):
        await accounts.set_disabled("root", True, "root")
    with pytest.raises(AccountError, match="最后一个启用的管理员"):
        await accounts.set_disabled("root", True, "cli:someone")
    with pytest.raises(AccountError, match="最后一个启用的管理员"):
        await accounts.set_role("root", "auditor", "cli:someone")
    await accounts.add("root2", "admin", PASSWORD, [], "root")
    await accounts.set_role("root", "auditor", "root2")
    with pytest.raises(AccountError, match="必须登记本人邮箱"):
        await accounts.set_role("root", "reviewer", "root2")  # an officer needs an address
