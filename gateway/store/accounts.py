"""Console accounts and sessions: argon2 passwords, lockout, session tokens, CSRF tokens.

Every account change and every login attempt is written to the audit chain. A session cookie holds
a random token; the store keeps only its sha256, so a copy of the database cannot log anyone in.
Login outcomes are values (:class:`LoginOutcome`); faults such as a duplicate name raise
:class:`~gateway.errors.AccountError` with a one-line Chinese reason (the console shows it as is,
the CLI adds its ``cli_hint``).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.errors import AccountError
from gateway.settings import ConsoleSettings
from gateway.store import audit
from gateway.store.models import ConsoleSession, Role, User

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
MIN_PASSWORD = 8
_hasher = PasswordHasher()
# Verified against for unknown names so a login takes as long whether or not the name exists.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class LoginOutcome(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class LoginResult:
    outcome: LoginOutcome
    token: str = ""  # the cookie value (only for OK)
    csrf_token: str = ""
    locked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """Who is behind a session cookie, re-read from the store on every request."""

    user_id: int
    name: str
    role: Role
    emails: tuple[str, ...]
    csrf_token: str
    expires_at: datetime


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return audit.utc(moment)


def check_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise AccountError(
            f"用户名 {name!r} 无效：只能用 1–64 个字母、数字或 . _ - @，并以字母或数字开头"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码太短：至少 {MIN_PASSWORD} 位")
    return password


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_emails(emails: Sequence[str], role: Role) -> list[str]:
    """The account's own addresses, lower-cased; reviewers and approvers must have one."""
    addresses = sorted({e.strip().lower() for e in emails if e.strip()})
    for address in addresses:
        if not _EMAIL_RE.match(address):
            raise AccountError(f"{address!r} 不是邮箱地址（应为 名字@域名）")
    if role in (Role.REVIEWER, Role.APPROVER) and not addresses:
        raise AccountError(
            "审核人和审批人账号必须登记本人邮箱：保密员不得审查本人发出的邮件，"
            "只有凭本人邮箱才能认出",
            cli_hint=f"{role.value} 账号请加 --email ADDR",
        )
    return addresses


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise AccountError(f"未知角色 {value!r}：可选 {choices}") from None


class Accounts:
    """Account administration and console sign-in, on the shared store."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], settings: ConsoleSettings
    ) -> None:
        self._sessions = sessionmaker
        self._settings = settings

    # -- administration (CLI ``dlp-gateway user`` and the admin page) -------------------------

    async def add(
        self,
        name: str,
        role: str,
        password: str,
        emails: Sequence[str],
        actor: str,
        *,
        channel: str = "console",
        client: str = "",
    ) -> User:
        check_name(name)
        parsed = parse_role(role)
        addresses = check_emails(emails, parsed)
        check_password(password)
        digest = await asyncio.to_thread(hash_password, password)
        async with self._sessions() as session, session.begin():
            await audit.begin_write(session)
            if await session.scalar(select(User.id).where(User.name == name)) is not None:
                raise AccountError(
                    f"账号 {name!r} 已存在", cli_hint="重设密码请用 dlp-gateway user passwd"
                )
            now = _now()
            user = User(
                name=name,
                role=parsed.value,
                emails=addresses,
                password_hash=digest,
                disabled=False,
                failed_logins=0,
                created_at=now,
                password_changed_at=now,
            )
            session.add(user)
            await audit.append(
                session,
                actor,
                "user_add",
                f"user:{name}",
                {"role": parsed.value, "emails": addresses, "channel": channel, "client": client},
            )
        return user

    async def passwd(
        self, name: str, password: str, actor: str, *, channel: str = "console", client: str = ""
    ) -> None:
        check_password(password)
        digest = await asyncio.to_thread(hash_password, password)
        async with self._sessions() as session, session.begin():
            await audit.begin_write(session)
            user = await self._get(session, name)
            user.password_hash = digest
            user.password_changed_at = _now()
            user.failed_logins = 0
            user.locked_until = None
            await session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))
            await audit.append(
                session,
                actor,
                "user_passwd",
                f"user:{name}",
                {"channel": channel, "client": client},
            )

    async def set_disabled(
        self, name: str, disabled: bool, actor: str, *, channel: str = "console", client: str = ""
    ) -> None:
        async with self._sessions() as session, session.begin():
            await audit.begin_write(session)
            user = await self._get(session, name)
            if disabled and name == actor:
                raise AccountError("不能停用自己的账号")
            if disabled and Role(user.role) is Role.ADMIN:
                await self._keep_an_admin(session, user)
            user.disabled = disabled
            if disabled:
                await session.execute(
                    delete(ConsoleSession).where(ConsoleSession.user_id == user.id)
                )
            action = "user_disable" if disabled else "user_enable"
            await audit.append(
                session, actor, action, f"user:{name}", {"channel": channel, "client": client}
            )

    async def set_role(
        self, name: str, role: str, actor: str, *, channel: str = "console", client: str = ""
    ) -> None:
        """Change an account's role; an officer role needs an address, one admin must remain."""
        parsed = parse_role(role)
        async with self._sessions() as session, session.begin():
            await audit.begin_write(session)
            user = await self._get(session, name)
            before = Role(user.role)
            if before is Role.ADMIN and parsed is not Role.ADMIN:
                await self._keep_an_admin(session, user)
            check_emails(list(user.emails or ()), parsed)
            user.role = parsed.value
            await audit.append(
                session,
                actor,
                "user_role",
                f"user:{name}",
                {"from": before.value, "to": parsed.value, "channel": channel, "client": client},
            )

    async def set_emails(
        self,
        name: str,
        emails: Sequence[str],
        actor: str,
        *,
        channel: str = "console",
        client: str = "",
    ) -> None:
        """Replace an account's own addresses (required for reviewers and approvers)."""
        async with self._sessions() as session, session.begin():
            await audit.begin_write(session)
            user = await self._get(session, name)
            addresses = check_emails(emails, Role(user.role))
            user.emails = addresses
            await audit.append(
                session,
                actor,
                "user_emails",
                f"user:{name}",
                {"emails": addresses, "channel": channel, "client": client},
            )

    async def unlock(
        self, name: str, actor: str, *, channel: str = "console", client: str = ""
    ) -> None:
        """End a lockout after too many wrong passwords."""
        async with self._sessions() as session, session.begin():
            await audit.begin_write(session)
            user = await self._get(session, name)
            user.locked_until = None
            user.failed_logins = 0
            await audit.append(
                session,
                actor,
                "user_unlock",
                f"user:{name}",
                {"channel": channel, "client": client},
            )

    @staticmethod
    async def _keep_an_admin(session: AsyncSession, leaving: User) -> None:
        others = await session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN.value, User.disabled.is_(False), User.id != leaving.id)
        )
        if not others:
            raise AccountError(
                f"{leaving.name} 是最后一个启用的管理员账号，不能停用或降级：请先设另一个管理员"
            )

    async def list(self) -> list[User]:
        async with self._sessions() as session:
            return list((await session.scalars(select(User).order_by(User.name))).all())

    async def get(self, name: str) -> User | None:
        async with self._sessions() as session:
            return await session.scalar(select(User).where(User.name == name))

    @staticmethod
    async def _get(session: AsyncSession, name: str) -> User:
        user = await session.scalar(select(User).where(User.name == name))
        if user is None:
            raise AccountError(f"没有账号 {name!r}", cli_hint="现有账号见 dlp-gateway user list")
        return user

    # -- sign-in -----------------------------------------------------------------------------

    async def login(
        self, name: str, password: str, client: str = "", channel: str = "console"
    ) -> LoginResult:
        """Check a password; count failures and lock the account after too many."""
        return await self._sign_in(name, password, client, channel, start_session=True)

    async def authenticate(self, name: str, password: str, client: str, channel: str) -> None:
        """Check an officer's password for one command-line action (no session is created).

        The same failure counting and lockout as the console's sign-in; the outcome is audited
        with ``channel`` and ``client`` (for the CLI: the operating-system user). Raises
        :class:`~gateway.errors.AccountError` unless the password is right and the account usable.
        """
        result = await self._sign_in(name, password, client, channel, start_session=False)
        if result.outcome is LoginOutcome.LOCKED and result.locked_until is not None:
            until = result.locked_until.strftime("%Y-%m-%d %H:%M UTC")
            raise AccountError(f"账号 {name!r} 已锁定至 {until}（密码错误次数过多）")
        if result.outcome is not LoginOutcome.OK:
            raise AccountError(f"账号 {name!r} 身份验证失败（用户名或密码错误，或账号已停用）")

    async def _sign_in(
        self, name: str, password: str, client: str, channel: str, *, start_session: bool
    ) -> LoginResult:
        name = name.strip()[:64]
        async with self._sessions() as session:
            user = await session.scalar(select(User).where(User.name == name))
            stored = user.password_hash if user is not None else _DUMMY_HASH
            locked = (
                user is not None
                and user.locked_until is not None
                and _aware(user.locked_until) > _now()
            )
        # Verify even for locked or unknown accounts: the answer takes the same time.
        matches = await asyncio.to_thread(_password_matches, stored, password)
        detail = {"channel": channel, "client": client}
        async with self._sessions() as session, session.begin():
            await audit.begin_write(session)
            user = await session.scalar(select(User).where(User.name == name))
            if user is None:
                await audit.append(
                    session, name or "-", "login_failed", "", {**detail, "why": "unknown account"}
                )
                return LoginResult(LoginOutcome.BAD_CREDENTIALS)
            if user.disabled:
                await audit.append(session, name, "login_failed", "", {**detail, "why": "disabled"})
                # Only someone who knows the password learns that the account is disabled.
                return LoginResult(
                    LoginOutcome.DISABLED if matches else LoginOutcome.BAD_CREDENTIALS
                )
            if locked and user.locked_until is not None:
                await audit.append(session, name, "login_failed", "", {**detail, "why": "locked"})
                return LoginResult(LoginOutcome.LOCKED, locked_until=_aware(user.locked_until))
            if not matches:
                user.failed_logins += 1
                if user.failed_logins >= self._settings.lockout_failures:
                    until = _now() + timedelta(minutes=self._settings.lockout_minutes)
                    user.locked_until = until
                    user.failed_logins = 0
                    await audit.append(
                        session,
                        name,
                        "login_locked",
                        f"user:{name}",
                        {**detail, "until": until.isoformat()},
                    )
                    return LoginResult(LoginOutcome.LOCKED, locked_until=until)
                await audit.append(
                    session, name, "login_failed", "", {**detail, "why": "wrong password"}
                )
                return LoginResult(LoginOutcome.BAD_CREDENTIALS)
            user.failed_logins = 0
            user.locked_until = None
            if not start_session:
                await audit.append(session, name, "authenticated", "", detail)
                return LoginResult(LoginOutcome.OK)
            token = secrets.token_urlsafe(32)
            csrf = secrets.token_urlsafe(32)
            now = _now()
            session.add(
                ConsoleSession(
                    token_hash=token_digest(token),
                    user_id=user.id,
                    csrf_token=csrf,
                    created_at=now,
                    expires_at=now + timedelta(minutes=self._settings.session_minutes),
                )
            )
            await audit.append(session, name, "login", "", detail)
            return LoginResult(LoginOutcome.OK, token=token, csrf_token=csrf)

    async def session_user(self, token: str) -> SessionInfo | None:
        """The signed-in user behind a cookie, or None when expired, revoked or disabled."""
        if not token:
            return None
        digest = token_digest(token)
        now = _now()
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(ConsoleSession, User)
                    .join(User, User.id == ConsoleSession.user_id)
                    .where(ConsoleSession.token_hash == digest)
                )
            ).first()
            if row is None:
                return None
            console_session, user = row[0], row[1]
            expires = _aware(console_session.expires_at)
            if expires <= now or user.disabled:
                return None
            lifetime = timedelta(minutes=self._settings.session_minutes)
            # Sliding expiry, but write at most once per half lifetime (writes take the lock).
            refresh = expires - now < lifetime / 2
            info = SessionInfo(
                user_id=user.id,
                name=user.name,
                role=Role(user.role),
                emails=tuple(user.emails or ()),
                csrf_token=console_session.csrf_token,
                expires_at=now + lifetime if refresh else expires,
            )
        if refresh:
            async with self._sessions() as session, session.begin():
                await audit.begin_write(session)
                await session.execute(
                    update(ConsoleSession)
                    .where(ConsoleSession.token_hash == digest)
                    .values(expires_at=info.expires_at)
                )
        return info

    async def logout(
        self, token: str, name: str, *, channel: str = "console", client: str = ""
    ) -> None:
        async with self._sessions() as session, session.begin():
            await audit.begin_write(session)
            await session.execute(
                delete(ConsoleSession).where(ConsoleSession.token_hash == token_digest(token))
            )
            await session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < _now()))
            await audit.append(session, name, "logout", "", {"channel": channel, "client": client})
