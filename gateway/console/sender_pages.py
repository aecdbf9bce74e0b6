"""The sender's release-request page (业务理由): reached from the held notice's signed link,
without an account. It shows only the sender's own case summary; a tampered link is 403, an
expired one 403 saying so, a second request or one for a decided case 409. The sender may also
withdraw the mail. Posts are rate-limited per client address (:data:`POSTS_PER_WINDOW` in
:data:`WINDOW` seconds, then 429): the page needs no account, so it must not become a way to
flood the officers with notices."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable

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


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def _too_many(request: Request) -> Response | None:
    """The sender pages' rate limit, per client address (in this process)."""
    client = _client(request)
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


async def _post(
    request: Request,
    token: str,
    act: Callable[[Case, str], Awaitable[Case]],
    title: str,
    done: str,
) -> Response:
    """One sender action through the link: rate limit, link check, the action (409 with the
    reason when refused), then a confirmation naming the case (``done`` takes ``{id}``)."""
    if (refused := _too_many(request)) is not None:
        return refused
    found = await _case(request, token[:200])
    if isinstance(found, Response):
        return found
    try:
        case = await act(found, _client(request))
    except ReviewError as exc:
        return _page(request, found, token, str(exc), 409)
    return console(request).render(
        "message.html", user=None, title=title, message=done.format(id=case.id)
    )


@router.post("/request/{token}", response_class=HTMLResponse)
async def request_submit(request: Request, token: str) -> Response:
    form = await request.form()
    text = form.get("justification", "")

    async def submit(case: Case, client: str) -> Case:
        justification = text if isinstance(text, str) else ""
        return await console(request).review.sender_request(case.id, justification, client)

    return await _post(
        request, token, submit, "已提交", "案件 {id} 的业务理由已提交，保密员审核时可以看到。"
    )


@router.post("/request/{token}/withdraw", response_class=HTMLResponse)
async def request_withdraw(request: Request, token: str) -> Response:
    async def withdraw(case: Case, client: str) -> Case:
        return await console(request).review.sender_withdraw(case.id, client)

    return await _post(request, token, withdraw, "已撤回", "案件 {id} 的邮件已撤回，不会发出。")
