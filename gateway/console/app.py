"""``create_app``: the console's FastAPI application, its security headers and error pages.

Every response carries a strict Content-Security-Policy (``default-src 'self'``, no inline
script), ``X-Frame-Options: DENY`` and ``nosniff``; every asset is served by the console itself.
Faults never reach the officer as a traceback: rule violations are explained, the rest is logged.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import logging
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.console.api import router as api_router
from gateway.console.auth import Forbidden, NotSignedIn
from gateway.console.health import router as health_router
from gateway.console.pages import router as pages_router
from gateway.console.preview import router as preview_router
from gateway.console.register_pages import router as register_router
from gateway.console.scope_pages import router as scope_router
from gateway.console.sender_pages import router as sender_router
from gateway.console.stats_pages import router as stats_router
from gateway.errors import AccountError, ReviewError
from gateway.metrics import Metrics
from gateway.notify import Notifier
from gateway.relay import Relay
from gateway.review import ROLE_LABELS, STATE_LABELS, Review, UnknownCase
from gateway.review.feedback import FEEDBACK_LABELS
from gateway.review.labels import CHANNEL_LABELS, REASON_LABELS, rule_label, visible
from gateway.settings import Settings
from gateway.store.accounts import Accounts
from gateway.store.engine import Sessions

log = logging.getLogger("dlp_gateway.console")
HERE = Path(__file__).resolve().parent

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers to every HTTP response (errors included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass(frozen=True, slots=True)
class Console:
    """What the routes need, built once per application."""

    settings: Settings
    sessionmaker: Sessions
    accounts: Accounts
    review: Review
    metrics: Metrics
    templates: Environment

    def render(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        body = self.templates.get_template(name).render(**context)
        return HTMLResponse(body, status_code=status_code)


EVENT_LABELS = {
    "received": "收到",
    "held": "扣留待审",
    "blocked": "拦截",
    "notified_sender": "已通知发件人",
    "notified_officers": "已通知保密员",
    "notify_failed": "通知发送失败",
    "viewed": "查看",
    "downloaded": "下载原始邮件",
    "reviewed": "审核通过",
    "released": "放行",
    "release_attempt": "投递尝试",
    "release_delivered": "上游已接收",
    "release_failed": "上游拒收",
    "rejected": "退回",
    "feedback": "判定",
    "sender_request": "发件人说明业务理由",
    "withdrawn": "发件人撤回",
    "expired": "过期退回",
    "purged": "清除原始邮件",
}

#: What an audit entry's action means, for the 审计日志 page (the code is shown beside it).
AUDIT_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "账号锁定",
    "logout": "退出登录",
    "view": "查看案件",
    "download": "下载原始邮件",
    "preview": "查看图片预览",
    "approve": "审核通过",
    "release": "放行",
    "reject": "退回",
    "expire": "过期退回",
    "purge": "清除原始邮件",
    "held": "扣留",
    "release_delivered": "上游已接收",
    "release_failed": "上游拒收",
    "feedback": "判定",
    "sender_request": "发件人说明业务理由",
    "withdraw": "发件人撤回",
    "own_mail_refused": "拒绝处理本人邮件",
    "user_add": "新增账号",
    "user_role": "修改角色",
    "user_emails": "修改邮箱",
    "user_passwd": "修改密码",
    "user_unlock": "解除锁定",
    "user_disable": "停用账号",
    "user_enable": "启用账号",
    "register_document": "登记文件",
    "register_data": "登记数据",
    "unregister": "撤销登记",
    "audit_rekeyed": "审计日志改用密钥签名",
    "audit_key_rotated": "更换审计密钥（旧密钥最后一条）",
    "audit_key_started": "启用新审计密钥",
}


#: The keys of an audit entry's detail, as the audit page names them.
AUDIT_DETAIL_LABELS = {
    "reason": "理由",
    "channel": "渠道",
    "client": "来源",
    "reviewed_by": "审核人",
    "sha256": "SHA-256",
    "picture": "图片序号",
    "reply": "上游答复",
    "feedback": "判定",
    "wrong_findings": "误报的命中",
    "why": "原因",
    "attempted": "所试操作",
    "justification": "业务理由",
    "label": "名称",
    "role": "角色",
    "emails": "邮箱",
    "until": "锁定至",
    "old_key": "旧密钥",
    "new_key": "新密钥",
    "previous_key": "原密钥",
    "legacy_head": "原哈希链末条",
    "entries": "条数",
}

#: Why a sign-in failed (``login_failed``'s ``why``).
LOGIN_FAILURE_LABELS = {
    "unknown account": "账号不存在",
    "disabled": "账号已停用",
    "locked": "账号已锁定",
    "wrong password": "密码错误",
}

#: What ``audit verify`` found broken (``VerifyResult.kind``), for the audit page.
VERIFY_LABELS = {
    "inserted": "有编号在哈希链之外的记录（被插入）",
    "removed": "记录缺失（被删除）",
    "unkeyed": "记录没有用审计密钥签名（伪造，或未重新签名）",
    "relinked": "与前一条记录的哈希不衔接（之前有记录被插入、删除或改写）",
    "key_missing": "记录由本机没有的审计密钥签名（密钥文件或 DLP_AUDIT__KEY 须包含该密钥）",
    "altered": "哈希不符（记录被改动）",
    "checkpoint_edited": "检查点文件被改动（签名不符）",
    "tail_cut": "记录缺失：检查点记录过的末尾记录已不存在（日志末尾被截去）",
    "rewritten": "与检查点不符（哈希链被改写）",
}


def _templates(zone: tzinfo) -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        STATE_LABELS={s.value: label for s, label in STATE_LABELS.items()},
        ROLE_LABELS={r.value: label for r, label in ROLE_LABELS.items()},
        SEVERITY_LABELS={"low": "低", "medium": "中", "high": "高", "critical": "严重"},
        ACTION_LABELS={"monitor": "仅记录", "quarantine": "扣留审查", "reject": "拦截"},
        KIND_LABELS={
            "term": "关键词",
            "near": "邻近组合",
            "pattern": "模式",
            "detector": "检测器",
            "internal": "内部文件标记",
            "named": "点名人员",
            "style": "内部文风",
            "model": "范围模型",
            "fingerprint": "登记文件",
            "exact_data": "登记数据",
        },
        EVENT_LABELS=EVENT_LABELS,
        AUDIT_LABELS=AUDIT_LABELS,
        FEEDBACK_LABELS={f.value: label for f, label in FEEDBACK_LABELS.items()},
        REASON_LABELS=REASON_LABELS,
        AUDIT_DETAIL_LABELS=AUDIT_DETAIL_LABELS,
        VERIFY_LABELS=VERIFY_LABELS,
    )

    def local(moment: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
        """A stored (UTC) time as the unit reads it: in its time zone (setting ``timezone``)."""
        if moment is None:
            return ""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(zone).strftime(fmt)

    def audit_value(value: Any, key: str) -> str:
        """An audit detail's value as the audit page shows it (codes in Chinese)."""
        words: dict[str, str] = {
            "channel": {**CHANNEL_LABELS, "sender-link": "发件人链接"},
            "why": LOGIN_FAILURE_LABELS,
            "feedback": {f.value: label for f, label in FEEDBACK_LABELS.items()},
            "attempted": AUDIT_LABELS,
            "role": {r.value: label for r, label in ROLE_LABELS.items()},
        }.get(key, {})
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return words.get(str(value), str(value))

    env.filters["local"] = local
    env.filters["audit_value"] = audit_value
    env.filters["rule_label"] = rule_label
    env.filters["visible"] = visible
    return env


def _may_scrape(
    request: Request, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network], token: Any
) -> bool:
    """``console.metrics_token`` (bearer) when set, else the client in ``metrics_networks``."""
    if token is not None:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.get_secret_value().encode())
    try:
        client = ipaddress.ip_address(request.client.host if request.client else "")
    except ValueError:
        return False
    return any(client in net for net in networks)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    settings: Settings,
    sessionmaker: Sessions,
    relay: Relay,
    metrics: Metrics,
    notifier: Notifier,
) -> FastAPI:
    app = FastAPI(
        title="DLP gateway console API",
        description="保密检查网关审查台 JSON 接口（登录后以会话 Cookie 访问；写操作需 X-CSRF-Token）",
        version="1",
        docs_url=None,  # the Swagger page loads scripts from a CDN; the schema is enough
        redoc_url=None,
        openapi_url=None,  # served by the API router, to signed-in users only
    )
    console = Console(
        settings=settings,
        sessionmaker=sessionmaker,
        accounts=Accounts(sessionmaker, settings.console),
        review=Review(sessionmaker, relay, notifier, metrics, settings),
        metrics=metrics,
        templates=_templates(settings.zone),
    )
    app.state.console = console
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(health_router)
    app.include_router(api_router)
    app.include_router(pages_router)
    app.include_router(preview_router)
    app.include_router(stats_router)
    app.include_router(sender_router)
    app.include_router(scope_router)
    app.include_router(register_router)

    networks = [ipaddress.ip_network(n, strict=False) for n in settings.console.metrics_networks]
    token = settings.console.metrics_token

    @app.get("/metrics", include_in_schema=False)
    async def metrics_endpoint(request: Request) -> Response:
        if not _may_scrape(request, networks, token):
            return Response("forbidden\n", status_code=403, media_type="text/plain")
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "未登录或会话已过期"}, status_code=401)
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        next_part = "" if request.method != "GET" else "?next=" + quote(target, safe="")
        return RedirectResponse("/login" + next_part, status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.message}, status_code=403)
        return console.render("message.html", 403, title="拒绝访问", message=exc.message, user=None)

    @app.exception_handler(UnknownCase)
    async def unknown_case(request: Request, exc: UnknownCase) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return console.render("message.html", 404, title="找不到案件", message=str(exc), user=None)

    async def refused(request: Request, exc: Exception) -> Response:
        """A review or account rule said no (409): the rule's own words, in both forms."""
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=409)
        return console.render("message.html", 409, title="无法执行", message=str(exc), user=None)

    app.add_exception_handler(ReviewError, refused)
    app.add_exception_handler(AccountError, refused)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) or exc.status_code == 405:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        message = "页面不存在" if exc.status_code == 404 else str(exc.detail)
        return console.render(
            "message.html", exc.status_code, title="出错了", message=message, user=None
        )

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("console: unexpected error on %s %s", request.method, request.url.path)
        if _is_api(request):
            return JSONResponse({"detail": "内部错误，已记录日志"}, status_code=500)
        return console.render(
            "message.html",
            500,
            title="内部错误",
            message="内部错误，已记录日志，请联系管理员。",
            user=None,
        )

    return app
