"""The console's HTML pages: sign-in, queue, case, decisions, download, audit log, accounts.

Server-rendered and usable without JavaScript. Every page checks the session and the role;
every POST checks the session's CSRF token. Mail content reaches the page only as escaped text.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import date
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gateway.console.auth import (
    ADMINS,
    AUDITORS,
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    OFFICERS,
    SESSION_COOKIE,
    actor,
    check_csrf,
    check_login_csrf,
    client_of,
    console,
    new_login_csrf,
    require_role,
    signed_in,
)
from gateway.console.highlight import highlight_context, highlight_segments
from gateway.console.preview import previews
from gateway.review import OfficerAction, allowed_actions
from gateway.review.feedback import scoring_keys
from gateway.review.labels import ACTION_LABELS
from gateway.settings import Settings
from gateway.store import audit, scope_versions
from gateway.store.accounts import MIN_PASSWORD, LoginOutcome, SessionInfo
from gateway.store.models import OPEN_STATES, Case, CaseState, Role
from gateway.store.queue import ALL, OPEN, QueueFilter, list_cases
from gateway.store.records import case_record
from matchers.errors import DlpError
from matchers.scope import load_scope

router: APIRouter = APIRouter(include_in_schema=False)

MAX_HEADER_VALUE = 2000
AUDIT_PAGE = 100


def _safe_next(value: str | None) -> str:
    """Only same-site paths: ``//host`` and ``/\\host`` would leave the console."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


def _home(info: SessionInfo) -> str:
    if info.role in OFFICERS:
        return "/cases"
    if info.role in AUDITORS:
        return "/audit"
    return "/users"


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


async def _form(request: Request) -> dict[str, Any]:
    form = await request.form()
    data: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        data[key] = values if len(values) > 1 else (values[0] if values else "")
    data["case_id[]"] = [v for v in form.getlist("case_id") if isinstance(v, str)]
    data["listed[]"] = [v for v in form.getlist("listed") if isinstance(v, str)]
    data["wrong[]"] = [v for v in form.getlist("wrong") if isinstance(v, str)]
    return data


async def _posted(
    request: Request, roles: frozenset[Role] | None = None
) -> tuple[SessionInfo, dict[str, Any]]:
    """Every form POST: a signed-in user (of ``roles``), then the form with its CSRF token."""
    info = await signed_in(request)
    if roles is not None:
        require_role(info, roles)
    form = await _form(request)
    check_csrf(info, form.get(CSRF_FIELD))
    return info, form


# -- sign-in -----------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, _safe_next(next), "", 200)


def _login_page(request: Request, next_path: str, error: str, status: int) -> Response:
    token = new_login_csrf()
    response = console(request).render(
        "login.html", status, user=None, next=next_path, error=error, csrf_token=token
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=console(request).settings.console.secure_cookies,
        path="/login",
    )
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await _form(request)
    next_path = _safe_next(str(form.get("next", "/")))
    if not check_login_csrf(request, form.get(CSRF_FIELD)):
        return _login_page(request, next_path, "登录表单已失效（缺少安全令牌），请重新登录。", 403)
    ctx = console(request)
    client = request.client.host if request.client else ""
    result = await ctx.accounts.login(
        str(form.get("name", "")), str(form.get("password", "")), client
    )
    if result.outcome is LoginOutcome.LOCKED:
        until = (
            result.locked_until.astimezone(ctx.settings.zone).strftime("%H:%M")
            if result.locked_until
            else ""
        )
        return _login_page(
            request,
            next_path,
            f"连续登录失败次数过多，账号已锁定，请在 {until} 之后再试或联系管理员。",
            429,
        )
    if result.outcome is not LoginOutcome.OK:
        return _login_page(request, next_path, "用户名或密码错误，或账号已停用。", 401)
    response = RedirectResponse(next_path if next_path != "/" else "/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        httponly=True,
        samesite="strict",
        secure=ctx.settings.console.secure_cookies,
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    info, _form_data = await _posted(request)
    await console(request).accounts.logout(
        request.cookies.get(SESSION_COOKIE, ""), info.name, client=client_of(request)
    )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
async def home(request: Request) -> Response:
    info = await signed_in(request)
    return RedirectResponse(_home(info), status_code=303)


# -- queue -------------------------------------------------------------------------------------


def queue_filter(params: Any) -> QueueFilter:
    state = str(params.get("state") or OPEN)
    if state not in (OPEN, ALL) and state not in {s.value for s in CaseState}:
        state = OPEN
    return QueueFilter(
        state=state,
        category=str(params.get("category") or "")[:64],
        severity=str(params.get("severity") or "")[:16],
        sender=str(params.get("sender") or "")[:200],
        domain=str(params.get("domain") or "")[:200],
        since=_parse_date(params.get("since")),
        until=_parse_date(params.get("until")),
        search=str(params.get("q") or "")[:200],
    )


_CATEGORY_ID = re.compile(r"[a-z0-9_-]+")


async def _category_ids(settings: Settings, name: str) -> tuple[str, ...]:
    """The ids of the categories whose name contains ``name`` (from the scope tables)."""
    try:
        scope = await asyncio.to_thread(load_scope, settings.scope_dir)
    except DlpError:
        return ("-",)
    found = tuple(c.id for c in scope.categories if name.strip() in c.name)
    return found or ("-",)  # no such category: an empty queue, not every case


@router.get("/cases", response_class=HTMLResponse)
async def queue(request: Request) -> Response:
    info = await signed_in(request)
    require_role(info, OFFICERS)
    ctx = console(request)
    flt = queue_filter(request.query_params)
    if flt.category and not _CATEGORY_ID.fullmatch(flt.category):  # a name, as officers type it
        flt = replace(flt, category="", categories=await _category_ids(ctx.settings, flt.category))
    page_no = _int(request.query_params.get("page"), 1)
    page = await list_cases(ctx.sessionmaker, flt, page_no, 50)
    params = {k: v for k, v in request.query_params.items() if k != "page" and v}
    return ctx.render(
        "queue.html",
        user=info,
        page=page,
        flt=flt,
        params=params,
        open_count=sum(page.counts.get(s.value, 0) for s in OPEN_STATES),
        states=[s.value for s in CaseState],
        severities=["low", "medium", "high", "critical"],
    )


@router.post("/cases/bulk", response_class=HTMLResponse)
async def bulk(request: Request) -> Response:
    info, form = await _posted(request, OFFICERS)
    ctx = console(request)
    try:
        action = OfficerAction(str(form.get("action", "")))
    except ValueError:
        action = None
    ids = form["case_id[]"]
    if form.get("all_listed"):  # 全选本页: every case the officer saw on this page
        ids = list(dict.fromkeys([*ids, *form["listed[]"]]))
    if action not in (OfficerAction.RELEASE, OfficerAction.REJECT) or not ids:
        return ctx.render(
            "message.html",
            400,
            user=info,
            title="无法执行",
            message="请先勾选案件，并选择批量放行或批量退回。",
        )
    results = await ctx.review.bulk(action, ids, actor(request, info), str(form.get("reason", "")))
    return ctx.render("bulk.html", user=info, action=action.value, results=results)


# -- case --------------------------------------------------------------------------------------


#: the stored message's header block is read from at most this many leading bytes: a 50 MiB
#: message costs the page no more than a small one
HEADER_PREFIX = 256 * 1024


def _header_block(raw: bytes) -> bytes:
    """The header section (RFC 5322 §2.1: up to the first empty line), within the prefix."""
    prefix = raw[:HEADER_PREFIX]
    ends = [i for i in (prefix.find(b"\r\n\r\n"), prefix.find(b"\n\n")) if i >= 0]
    return prefix[: min(ends) + 1] if ends else prefix


def _headers(raw: bytes | None) -> list[tuple[str, str]]:
    if raw is None:
        return []
    parsed = BytesHeaderParser(policy=default_policy).parsebytes(_header_block(raw))
    out: list[tuple[str, str]] = []
    for name, value in parsed.raw_items():
        try:
            shown = str(parsed.policy.header_fetch_parse(name, value))
        except Exception:  # an undecodable header is shown as written
            shown = str(value)
        out.append((name, shown[:MAX_HEADER_VALUE]))
    return out


def available_actions(case: Case, info: SessionInfo) -> tuple[list[tuple[str, str]], str]:
    """The buttons this officer may press on this case, and why not the others: exactly what
    ``allowed_actions`` lets ``Review`` do (one rule for the buttons and the server)."""
    allowed = allowed_actions(case, info)
    actions = list(allowed.actions)
    if OfficerAction.APPROVE in actions:  # a reviewer's release of a two-person case *is* 审核
        actions = [a for a in actions if a is not OfficerAction.RELEASE]
    second = case.release_mode == "two-person" and case.state == CaseState.REVIEWED.value
    labels = {**ACTION_LABELS, **({OfficerAction.RELEASE: "审批放行（审批）"} if second else {})}
    return [(a.value, labels[a]) for a in actions], allowed.note


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, case_id: str) -> Response:
    info = await signed_in(request)
    require_role(info, OFFICERS)
    ctx = console(request)
    case = await ctx.review.view(case_id, actor(request, info))
    findings = list(case.findings or ())
    tables = await scope_versions.get(ctx.sessionmaker, case.scope_version)
    names = {str(c.get("id", "")): str(c.get("name", "")) for c in case.categories or []}
    by_category: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        by_category.setdefault(str(finding.get("category", "")), []).append(
            {
                **finding,
                "context_html": highlight_context(finding, names),
                "source": scope_versions.rule_source(tables, finding) if tables else None,
            }
        )
    actions, note = available_actions(case, info)
    headers = await asyncio.to_thread(_headers, case.raw)  # parsing stays off the event loop
    return ctx.render(
        "case.html",
        user=info,
        case=case,
        headers=headers,
        segments=highlight_segments(case.segments or [], findings, names),
        previews=previews(case_record(case)),
        categories=case.categories or [],
        by_category=by_category,
        actions=actions,
        action_note=note,
        scoring_keys=scoring_keys(findings),
        tables_kept=tables is not None,
    )


@router.post("/cases/{case_id}/action", response_class=HTMLResponse)
async def case_action(request: Request, case_id: str) -> Response:
    info, form = await _posted(request, OFFICERS)
    ctx = console(request)
    try:
        action = OfficerAction(str(form.get("action", "")))
    except ValueError:
        return ctx.render("message.html", 400, user=info, title="无法执行", message="未知操作。")
    result = await ctx.review.decide(
        action,
        case_id,
        actor(request, info),
        str(form.get("reason", "")),
        feedback=str(form.get("feedback", "")),
        wrong=form["wrong[]"] if str(form.get("feedback", "")) == "false_positive" else (),
    )
    return ctx.render(
        "message.html",
        user=info,
        title="操作完成",
        message=f"案件 {result.case_id}：{result.message}",
        case_id=result.case_id,
    )


@router.get("/cases/{case_id}/raw")
async def download(request: Request, case_id: str) -> Response:
    info = await signed_in(request)
    require_role(info, OFFICERS)
    raw = await console(request).review.download(case_id, actor(request, info))
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", case_id)
    return Response(
        raw,
        media_type="message/rfc822",
        headers={"content-disposition": f'attachment; filename="{safe}.eml"'},
    )


# -- audit log ---------------------------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
async def audit_log(request: Request) -> Response:
    info = await signed_in(request)
    require_role(info, AUDITORS)
    ctx = console(request)
    params = request.query_params
    page_no = max(_int(params.get("page"), 1), 1)
    actor = (params.get("actor") or "")[:64]
    action = (params.get("action") or "")[:40]
    target = (params.get("target") or "")[:64]
    entries, total = await audit.list_entries(
        ctx.sessionmaker,
        actor=actor,
        action=action,
        target=target,
        offset=(page_no - 1) * AUDIT_PAGE,
        limit=AUDIT_PAGE,
    )
    verified = (
        await audit.verify(ctx.sessionmaker, ctx.settings.audit_checkpoint_file)
        if params.get("verify")
        else None
    )
    filters = {k: v for k, v in {"actor": actor, "action": action, "target": target}.items() if v}
    return ctx.render(
        "audit.html",
        user=info,
        entries=entries,
        total=total,
        page=page_no,
        pages=max(1, -(-total // AUDIT_PAGE)),
        filters=filters,
        verified=verified,
    )


# -- accounts ----------------------------------------------------------------------------------


@router.get("/users", response_class=HTMLResponse)
async def users(request: Request) -> Response:
    info = await signed_in(request)
    require_role(info, ADMINS)
    ctx = console(request)
    return ctx.render("users.html", user=info, accounts=await ctx.accounts.list(), roles=list(Role))


@router.post("/users", response_class=HTMLResponse)
async def add_user(request: Request) -> Response:
    info, form = await _posted(request, ADMINS)
    emails = re.split(r"[\s,;，；]+", str(form.get("emails", "")))
    await console(request).accounts.add(
        str(form.get("name", "")).strip(),
        str(form.get("role", "")),
        str(form.get("password", "")),
        [e for e in emails if e],
        info.name,
        client=client_of(request),
    )
    return RedirectResponse("/users", status_code=303)


_USER_CHANGES = ("disable", "enable", "role", "emails", "password", "unlock")


@router.post("/users/{name}/{change}", response_class=HTMLResponse)
async def change_user(request: Request, name: str, change: str) -> Response:
    info, form = await _posted(request, ADMINS)
    ctx = console(request)
    if change not in _USER_CHANGES:
        return ctx.render("message.html", 404, user=info, title="出错了", message="未知操作。")
    refusal = await _user_change_refusal(ctx.accounts, info.name, name, change, form)
    if refusal:
        return ctx.render("message.html", 400, user=info, title="未能修改", message=refusal)
    accounts = ctx.accounts
    client = client_of(request)
    if change in ("disable", "enable"):
        await accounts.set_disabled(name, change == "disable", info.name, client=client)
    elif change == "role":
        await accounts.set_role(name, str(form.get("role", "")), info.name, client=client)
    elif change == "emails":
        emails = re.split(r"[\s,;，；]+", str(form.get("emails", "")))
        await accounts.set_emails(name, [e for e in emails if e], info.name, client=client)
    elif change == "password":
        await accounts.passwd(name, str(form.get("password", "")), info.name, client=client)
    else:
        await accounts.unlock(name, info.name, client=client)
    return RedirectResponse("/users", status_code=303)


async def _user_change_refusal(
    accounts: Any, actor: str, name: str, change: str, form: Any
) -> str | None:
    """The Chinese one-line reason a console account change is refused, or None."""
    role = str(form.get("role", ""))
    leaves_admin = change == "disable" or (change == "role" and role != Role.ADMIN.value)
    if change == "password" and str(form.get("password", "")) != str(form.get("password2", "")):
        return "两次输入的密码不一致。"
    if change == "password" and len(str(form.get("password", ""))) < MIN_PASSWORD:
        return f"密码太短：至少 {MIN_PASSWORD} 位。"
    if not leaves_admin:
        return None
    if name == actor:
        return "不能停用或降级自己的账号。"
    target = await accounts.get(name)
    if target is None or target.role != Role.ADMIN.value:
        return None
    others = [
        a
        for a in await accounts.list()
        if a.role == Role.ADMIN.value and not a.disabled and a.name != name
    ]
    if not others:
        return "这是最后一个启用的管理员账号，不能停用或降级。"
    return None
