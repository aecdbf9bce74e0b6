"""The sender's release-request page (业务理由): reached from the held notice's signed link,
without an account. It shows only the sender's own case summary; a tampered link is 403, an
expired one 403 saying so, a second request or one for a decided case 409. The sender may also
withdraw the mail. Posts are rate-limited per client address (:data:`POSTS_PER_WINDOW` in
:data:`WINDOW` seconds, then 429): the page needs no account, so it must not become a way to
flood the officers with notices."""

from __future__ import annotations

import time
from collections import defaultdict, deque

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from gateway.console.auth import console
from gateway.errors import ReviewError
from gateway.notify import LinkRefused, check_link
from gateway.store.models import OPEN_STATES, Case, CaseState

router = APIRouter(include_in_schema=False)

POSTS_PER_WINDOW = 10
WINDOW = 600.0
_posts: dict[str, deque[float]] = defaultdict(deque)


def _too_many(request: Request) -> Response | None:
    """The sender pages' rate limit, per client address (in this process)."""
    client = request.client.host if request.client else ""
    moment = time.monotonic()
    recent = _posts[client]
    while recent and moment - recent[0] > WINDOW:
        recent.popleft()
    if len(recent) >= POSTS_PER_WINDOW:
        return console(request).render(
            "message.html", 429, user=None, title="提交过于频繁",
            message="提交过于频繁，请十分钟后再试。",
        )  # fmt: skip
    recent.append(moment)
    return None


def _refused(request: Request, exc: LinkRefused) -> Response:
    message = (
        "该链接已过期。如仍需说明，请联系本单位保密员并提供案件编号。"
        if exc.expired
        else "链接无效：请使用扣留通知邮件中的完整链接。"
    )
    return console(request).render("message.html", 403, user=None, title=str(exc), message=message)


async def _case(request: Request, token: str) -> Case | Response:
    ctx = console(request)
    try:
        case_id = check_link(ctx.review.notifier.signer.link_key, token)
    except LinkRefused as exc:
        return _refused(request, exc)
    return await ctx.review.request_case(case_id)


def _page(request: Request, case: Case, token: str, error: str = "", status: int = 200) -> Response:
    state = CaseState(case.state)
    return console(request).render(
        "request.html",
        status,
        user=None,
        case=case,
        token=token,
        error=error,
        open=state in OPEN_STATES and not case.sender_request,
    )


@router.get("/request/{token}", response_class=HTMLResponse)
async def request_form(request: Request, token: str) -> Response:
    found = await _case(request, token[:200])
    if isinstance(found, Response):
        return found
    return _page(request, found, token)


@router.post("/request/{token}", response_class=HTMLResponse)
async def request_submit(request: Request, token: str) -> Response:
    if (refused := _too_many(request)) is not None:
        return refused
    found = await _case(request, token[:200])
    if isinstance(found, Response):
        return found
    form = await request.form()
    text = form.get("justification", "")
    client = request.client.host if request.client else ""
    try:
        case = await console(request).review.sender_request(
            found.id, text if isinstance(text, str) else "", client
        )
    except ReviewError as exc:
        return _page(request, found, token, str(exc), 409)
    return console(request).render(
        "message.html",
        user=None,
        title="已提交",
        message=f"案件 {case.id} 的业务理由已提交，保密员审核时可以看到。",
    )


@router.post("/request/{token}/withdraw", response_class=HTMLResponse)
async def request_withdraw(request: Request, token: str) -> Response:
    if (refused := _too_many(request)) is not None:
        return refused
    found = await _case(request, token[:200])
    if isinstance(found, Response):
        return found
    client = request.client.host if request.client else ""
    try:
        case = await console(request).review.sender_withdraw(found.id, client)
    except ReviewError as exc:
        return _page(request, found, token, str(exc), 409)
    return console(request).render(
        "message.html",
        user=None,
        title="已撤回",
        message=f"案件 {case.id} 的邮件已撤回，不会发出。",
    )
