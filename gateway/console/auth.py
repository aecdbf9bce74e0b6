"""Who is asking: the session cookie, role checks and CSRF tokens, on every request.

Role checks are server side and per request: the user is re-read from the store each time, so a
disabled account or a changed role takes effect at once. CSRF tokens are per session (the
synchroniser-token pattern, OWASP CSRF Prevention Cheat Sheet); the login form, which has no
session yet, uses a double-submit cookie.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from fastapi import Request

from gateway.review.rules import Actor, Channel
from gateway.store.accounts import SessionInfo
from gateway.store.models import Role

if TYPE_CHECKING:
    from gateway.console.app import Console

SESSION_COOKIE = "dlp_session"
LOGIN_CSRF_COOKIE = "dlp_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

OFFICERS = frozenset({Role.REVIEWER, Role.APPROVER})
AUDITORS = frozenset({Role.AUDITOR})
ADMINS = frozenset({Role.ADMIN})


class NotSignedIn(Exception):
    """No valid session: pages redirect to the login form, the API answers 401."""


class Forbidden(Exception):
    """Signed in, but this role may not do this, or the CSRF token is wrong (403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def console(request: Request) -> Console:
    value: Console = request.app.state.console
    return value


async def signed_in(request: Request) -> SessionInfo:
    info = await console(request).accounts.session_user(request.cookies.get(SESSION_COOKIE, ""))
    if info is None:
        raise NotSignedIn()
    return info


def client_of(request: Request) -> str:
    """The client's IP address, as the audit log records it."""
    return request.client.host if request.client else ""


def actor(request: Request, info: SessionInfo, channel: Channel = Channel.CONSOLE) -> Actor:
    """The signed-in officer behind ``request``, with the channel and the client's address."""
    return Actor(info.name, channel, client_of(request))


def require_role(info: SessionInfo, roles: frozenset[Role]) -> None:
    if info.role not in roles:
        raise Forbidden("您的账号角色无权访问此页面或执行此操作")


def check_csrf(info: SessionInfo, token: str | None) -> None:
    if not token or not secrets.compare_digest(token, info.csrf_token):
        raise Forbidden("请求缺少有效的安全令牌（CSRF），已拒绝。请刷新页面后重试。")


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def check_login_csrf(request: Request, token: str | None) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(token) and bool(cookie) and secrets.compare_digest(str(token), cookie)
