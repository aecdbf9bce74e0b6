"""登记文件 (``/registered``): approvers and admins register secret documents and data sets.

A document is uploaded in one step. A data set (a roster, xlsx or csv) in two: the upload is read
and only its header row is shown, with a column-kind choice per column (guessed from the header
name); the officer confirms, and only then are the chosen columns hashed into the store. Between
the two steps the upload waits in this console process's memory only (never on disk or in the
database), bound to the officer's session, for :data:`PENDING_SECONDS`; no page ever shows more
of it than the header row. Every change is audited with ``channel: console``.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from gateway.console.auth import CSRF_FIELD, check_csrf, client_of, console, require_role, signed_in
from gateway.store.accounts import SessionInfo
from gateway.store.models import Role
from matchers.errors import DlpError
from matchers.scope import load_scope

router = APIRouter(include_in_schema=False)

REGISTRARS = frozenset({Role.APPROVER, Role.ADMIN})
MAX_UPLOAD = 50 * 1024 * 1024
#: How long an uploaded roster waits for the officer to choose its columns.
PENDING_SECONDS = 15 * 60
#: Uploads waiting at once (all officers): the oldest is dropped beyond this.
MAX_PENDING = 16

#: Column kinds an officer chooses from: (value, label, one value identifies a row).
KINDS: tuple[tuple[str, str, bool], ...] = (
    ("", "不登记", False),
    ("name", "姓名", False),
    ("id", "身份证号（单独即可识别一行）", True),
    ("mobile", "手机号", False),
    ("card", "银行卡号（单独即可识别一行）", True),
    ("address", "地址", False),
    ("staff", "工号/编号（单独即可识别一行）", True),
    ("other", "其他", False),
)
_UNIQUE = {value for value, _, unique in KINDS if unique}
_GUESSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("id", ("身份证", "证件号", "公民身份")),
    ("card", ("银行卡", "卡号", "账号", "帐号")),
    ("mobile", ("手机", "电话", "联系方式")),
    ("address", ("地址", "住址", "住所", "户籍")),
    ("staff", ("工号", "编号", "档案号", "学号")),
    ("name", ("姓名", "名字", "户主", "申请人")),
)


def guess_kind(header: str) -> str:
    """The column kind a header name suggests ('' = not registered)."""
    for kind, words in _GUESSES:
        if any(word in header for word in words):
            return kind
    return ""


@dataclass
class PendingData:
    """A roster uploaded but not yet registered: its parsed table, for one officer's session."""

    owner: str  # the session's CSRF token: bound to that session, not only to the account
    name: str
    label: str
    category: str
    min_rows: int
    header: list[str]
    rows: list[list[str]]
    created: float = field(default_factory=time.monotonic)


class PendingUploads:
    """Rosters between upload and confirmation, in memory, expiring."""

    def __init__(self) -> None:
        self._items: dict[str, PendingData] = {}

    def put(self, item: PendingData) -> str:
        self._expire()
        while len(self._items) >= MAX_PENDING:
            self._items.pop(next(iter(self._items)))
        token = secrets.token_urlsafe(24)
        self._items[token] = item
        return token

    def take(self, token: str, owner: str) -> PendingData | None:
        self._expire()
        item = self._items.get(token)
        if item is None or not secrets.compare_digest(item.owner, owner):
            return None
        return self._items.pop(token)

    def _expire(self) -> None:
        now = time.monotonic()
        for token in [t for t, i in self._items.items() if now - i.created > PENDING_SECONDS]:
            del self._items[token]


def _pending(request: Request) -> PendingUploads:
    state = request.app.state
    if not hasattr(state, "pending_data"):
        state.pending_data = PendingUploads()
    pending: PendingUploads = state.pending_data
    return pending


async def _categories(request: Request) -> list[Any]:
    try:
        scope = await asyncio.to_thread(load_scope, console(request).settings.scope_dir)
    except DlpError:
        return []
    return list(scope.categories)


async def _category(request: Request, form: Any) -> str:
    category = str(form.get("category", ""))
    if category not in {c.id for c in await _categories(request)}:
        raise DlpError("请选择范围表中的一个类别。")
    return category


def _error(request: Request, info: SessionInfo, error: DlpError) -> Response:
    """The refusal page, in Chinese (a refused registration carries its Chinese reason)."""
    from gateway.store.registry import RegistrationRefused

    message = error.reason if isinstance(error, RegistrationRefused) else str(error)
    return console(request).render(
        "message.html", 400, user=info, title="未能登记", message=message
    )


@router.get("/registered", response_class=HTMLResponse)
async def registered(request: Request) -> Response:
    from gateway.store.registry import list_registered
    from matchers.fingerprint import DEFAULT_THRESHOLD

    info = await signed_in(request)
    require_role(info, REGISTRARS)
    ctx = console(request)
    documents, sets = await list_registered(ctx.sessionmaker)
    return ctx.render(
        "registered.html",
        user=info,
        documents=documents,
        sets=sets,
        categories=await _categories(request),
        default_threshold=round(DEFAULT_THRESHOLD * 100),
    )


async def _upload(form: Any, suffixes: tuple[str, ...] = ()) -> tuple[str, bytes]:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise DlpError("请选择要登记的文件。")
    name = upload.filename
    if suffixes and not name.lower().endswith(suffixes):
        raise DlpError("登记数据请上传 .xlsx 或 .csv 文件（第一行为表头）。")
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise DlpError("文件超过 50 MB，无法登记。")
    return name, data


@router.post("/registered", response_class=HTMLResponse)
async def register_document(request: Request) -> Response:
    from gateway.cli.register import document_from_bytes
    from gateway.store.keys import load_fingerprint_key
    from gateway.store.registry import add_document

    info = await signed_in(request)
    require_role(info, REGISTRARS)
    ctx = console(request)
    async with request.form() as form:
        token = form.get(CSRF_FIELD)
        check_csrf(info, token if isinstance(token, str) else None)
        threshold = str(form.get("threshold", "")).strip().rstrip("%")
        try:
            if not threshold.isdigit() or not 1 <= int(threshold) <= 100:
                raise DlpError("阈值应为 1 到 100 之间的整数（百分比）。")
            category = await _category(request, form)
            name, data = await _upload(form)
            text = await asyncio.to_thread(document_from_bytes, data, name, ctx.settings)
            label = str(form.get("label", "")).strip() or name.rsplit(".", 1)[0]
            await add_document(
                ctx.sessionmaker,
                load_fingerprint_key(ctx.settings),
                text=text,
                label=label,
                category=category,
                threshold=int(threshold),
                actor=info.name,
                via={"channel": "console", "client": client_of(request)},
            )
        except DlpError as exc:
            return _error(request, info, exc)
    return RedirectResponse("/registered", status_code=303)


@router.post("/registered/data", response_class=HTMLResponse)
async def upload_data(request: Request) -> Response:
    """Step one of a data set: read the table, show its header row and the column choice."""
    from gateway.cli.register import read_table

    info = await signed_in(request)
    require_role(info, REGISTRARS)
    ctx = console(request)
    async with request.form() as form:
        token = form.get(CSRF_FIELD)
        check_csrf(info, token if isinstance(token, str) else None)
        min_rows = str(form.get("min_rows", "")).strip()
        try:
            if not min_rows.isdigit() or not 1 <= int(min_rows) <= 1000:
                raise DlpError("K（达到多少行即扣留）应为 1 到 1000 之间的整数。")
            category = await _category(request, form)
            name, data = await _upload(form, (".xlsx", ".csv"))
            try:
                header, rows = await asyncio.to_thread(read_table, data, name)
            except DlpError as exc:
                raise DlpError(
                    "无法读取该表格：请上传第一行为表头、至少有一行数据的 .xlsx 或 .csv 文件"
                    "（UTF-8 或 GB18030 编码）。"
                ) from exc
        except DlpError as exc:
            return _error(request, info, exc)
        label = str(form.get("label", "")).strip() or name.rsplit(".", 1)[0]
    item = PendingData(info.csrf_token, name, label, category, int(min_rows), header, rows)
    pending = _pending(request).put(item)
    columns = [(n, h or f"第 {n + 1} 列", guess_kind(h)) for n, h in enumerate(header)]
    return ctx.render(
        "registered_data.html",
        user=info,
        pending=pending,
        item=item,
        count=len(rows),
        columns=columns,
        kinds=KINDS,
        minutes=PENDING_SECONDS // 60,
    )


@router.post("/registered/data/confirm", response_class=HTMLResponse)
async def confirm_data(request: Request) -> Response:
    """Step two: register the chosen columns (or drop the upload on 取消)."""
    from gateway.store.keys import load_fingerprint_key
    from gateway.store.registry import add_dataset

    info = await signed_in(request)
    require_role(info, REGISTRARS)
    ctx = console(request)
    async with request.form() as form:
        token = form.get(CSRF_FIELD)
        check_csrf(info, token if isinstance(token, str) else None)
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    item = _pending(request).take(fields.get("pending", ""), info.csrf_token)
    if fields.get("action") == "cancel":
        return RedirectResponse("/registered", status_code=303)
    if item is None:
        return _error(request, info, DlpError("上传的表格已过期或已处理，请重新上传。"))
    known = {value for value, _, _ in KINDS}
    chosen = [
        (n, fields.get(f"kind_{n}", ""))
        for n in range(len(item.header))
        if fields.get(f"kind_{n}", "") in known - {""}
    ]
    if not chosen:
        return _error(request, info, DlpError("请至少为一列选择类型（其余列可选“不登记”）。"))
    names = [item.header[n] or f"第{n + 1}列" for n, _ in chosen]
    rows = [[row[n] if n < len(row) else "" for n, _ in chosen] for row in item.rows]
    unique = [i for i, (_, kind) in enumerate(chosen) if kind in _UNIQUE]
    try:
        await add_dataset(
            ctx.sessionmaker,
            load_fingerprint_key(ctx.settings),
            label=item.label,
            category=item.category,
            columns=names,
            rows=rows,
            min_rows=item.min_rows,
            unique=unique,
            actor=info.name,
            via={
                "channel": "console",
                "client": client_of(request),
                "kinds": ",".join(kind for _, kind in chosen),
            },
        )
    except DlpError as exc:
        return _error(request, info, exc)
    return RedirectResponse("/registered", status_code=303)


@router.post("/registered/{registration}/remove", response_class=HTMLResponse)
async def unregister(request: Request, registration: str) -> Response:
    from gateway.store.registry import RegistrationRefused, remove

    info = await signed_in(request)
    require_role(info, REGISTRARS)
    ctx = console(request)
    async with request.form() as form:
        token = form.get(CSRF_FIELD)
        check_csrf(info, token if isinstance(token, str) else None)
    try:
        await remove(
            ctx.sessionmaker,
            registration,
            info.name,
            {"channel": "console", "client": client_of(request)},
        )
    except RegistrationRefused as exc:
        return ctx.render("message.html", 404, user=info, title="出错了", message=exc.reason)
    return RedirectResponse("/registered", status_code=303)
