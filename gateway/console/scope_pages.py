"""Table history (范围表历史): the scope versions that were loaded, their text, and the diff between
consecutive versions, for officers and auditors."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from gateway.console.auth import AUDITORS, OFFICERS, console, require_role, signed_in
from gateway.store import scope_versions

router = APIRouter(include_in_schema=False)
READERS = OFFICERS | AUDITORS


@router.get("/scope/history", response_class=HTMLResponse)
async def history_page(request: Request) -> Response:
    info = await signed_in(request)
    require_role(info, READERS)
    ctx = console(request)
    versions = await scope_versions.history(ctx.sessionmaker)
    entries = [
        (newer, scope_versions.diff(older, newer) if older is not None else "")
        for newer, older in zip(versions, [*versions[1:], None], strict=True)
    ]
    return ctx.render("scope_history.html", user=info, entries=entries)


@router.get("/scope/versions/{version}", response_class=HTMLResponse)
async def version_page(request: Request, version: str) -> Response:
    info = await signed_in(request)
    require_role(info, READERS)
    ctx = console(request)
    found = await scope_versions.get(ctx.sessionmaker, version[:64])
    if found is None:
        raise HTTPException(404, f"范围表版本 {version[:16]} 未保存（早于表历史功能或已被清除）")
    return ctx.render("scope_version.html", user=info, version=found)
