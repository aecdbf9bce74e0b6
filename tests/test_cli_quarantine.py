"""`dlp-gateway quarantine list|show|release|reject`: same rules and audit as the console."""

from __future__ import annotations

import asyncio
import getpass
import io
import json
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import select

from gateway.cli import main
from gateway.notice_queue import GIVEN_UP
from gateway.settings import ConsoleSettings, load_settings
from gateway.store.accounts import Accounts
from gateway.store.migrations import migrated_store, open_store
from gateway.store.models import AuditEntry, Case, CaseEvent
from tests.fixtures_console import (
    EXTERNAL,
    PASSWORD,
    SENDER,
    Sink,
    add_officers,
    days_ago,
    insert_case,
    make_settings,
)


@pytest.fixture
def url(tmp_path: Path, sink: Sink, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DLP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DLP_RELAY__HOST", "127.0.0.1")
    monkeypatch.setenv("DLP_RELAY__PORT", str(sink.port))
    monkeypatch.delenv("DLP_DATABASE_URL", raising=False)
    monkeypatch.setenv("DLP_INTERNAL_DOMAINS", json.dumps([SENDER.rpartition("@")[2]]))
    url = f"sqlite+aiosqlite:///{(tmp_path / 'dlp-gateway.sqlite3').resolve()}"

    async def seed() -> None:
        async with migrated_store(url) as sessions:
            await add_officers(sessions, make_settings(tmp_path, url, sink.port))

    asyncio.run(seed())
    return url


def held(url: str, **kwargs: object) -> Case:
    async def insert() -> Case:
        async with migrated_store(url) as sessions:
            return await insert_case(sessions, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(insert())


def audit_rows(url: str) -> list[tuple[str, str, str]]:
    async def read() -> list[tuple[str, str, str]]:
        async with migrated_store(url) as sessions, sessions() as session:
            rows = await session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
            return [(e.actor, e.action, e.target) for e in rows]

    return asyncio.run(read())


def run(
    capsys: pytest.CaptureFixture[str], *args: str, password: str | None = PASSWORD
) -> tuple[int, str, str]:
    """Run the CLI; officer commands get ``--password-stdin`` with ``password`` on stdin."""
    argv = list(args)
    if password is not None and "--actor" in argv:
        argv.append("--password-stdin")
    with mock.patch("sys.stdin", io.StringIO(f"{password or ''}\n")):
        code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def audit_details(url: str, action: str) -> list[dict[str, object]]:
    async def read() -> list[dict[str, object]]:
        async with migrated_store(url) as sessions, sessions() as session:
            rows = await session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
            )
            return [{"actor": e.actor, **e.detail} for e in rows]

    return asyncio.run(read())


def test_list_is_oldest_first_and_json_has_the_design_keys(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = held(url, received_at=days_ago(1))
    older = held(url, two_person=True, received_at=days_ago(2))
    released = held(url)  # decided by an officer through the CLI, as in production
    assert (
        run(capsys, "quarantine", "release", released.id, "--actor", "li", "--reason", "x")[0] == 0
    )

    code, out, _ = run(capsys, "quarantine", "list", "--format", "json")

    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == [older.id, newer.id]
    assert set(rows[0]) == {"id", "state", "mail_from", "rcpt_to", "categories", "received_at"}
    assert rows[0]["state"] == "pending" and rows[0]["mail_from"] == SENDER
    assert rows[0]["rcpt_to"] == [EXTERNAL]
    assert [c["id"] for c in rows[0]["categories"]] == ["land", "personnel"]

    text = run(capsys, "quarantine", "list")[1].splitlines()
    assert text[0].startswith(f"{older.id}  pending") and "[land,personnel]" in text[0]
    assert len(run(capsys, "quarantine", "list", "--state", "released")[1].splitlines()) == 1


def test_an_empty_queue(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "quarantine", "list") == (0, "no cases\n", "")


def test_show_prints_the_case_and_is_audited(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    case = held(url)
    code, out, _ = run(capsys, "quarantine", "show", case.id, "--actor", "shen")
    assert code == 0
    assert f"案件 {case.id}  pending（待审查）" in out
    assert (
        "命中 [land:term:征地拆迁补偿方案] 正文: 征地拆迁补偿方案" in out
        and "主题: 关于征地拆迁补偿方案的请示" in out
    )
    assert ("shen", "view", case.id) in audit_rows(url)


def test_release_relays_and_is_audited(
    url: str, sink: Sink, capsys: pytest.CaptureFixture[str]
) -> None:
    case = held(url)
    code, out, err = run(
        capsys, "quarantine", "release", case.id, "--actor", "li", "--reason", "已核实"
    )
    assert (code, err) == (0, "")
    assert out == f"{case.id}: released (已放行，上游服务器已接收)\n"
    assert [m.rcpt_to for m in sink.handler.delivered()] == [[EXTERNAL]]
    assert ("li", "release", case.id) in audit_rows(url)


def stored(url: str, case_id: str) -> Case:
    async def read() -> Case:
        async with migrated_store(url) as sessions, sessions() as session:
            found = await session.get(Case, case_id)
            assert found is not None
            return found

    return asyncio.run(read())


def test_a_false_positive_verdict_names_the_wrong_findings(
    url: str, sink: Sink, capsys: pytest.CaptureFixture[str]
) -> None:
    case = held(url, two_person=True)
    assert (
        run(capsys, "quarantine", "release", case.id, "--actor", "shen", "--reason", "审核")[0] == 0
    )
    code, out, err = run(
        capsys,
        "quarantine",
        "release",
        case.id,
        "--actor",
        "wang",
        "--reason",
        "考察对象是普通用语",
        "--verdict",
        "false-positive",
        "--wrong",
        "personnel:term:考察对象",
    )
    assert (code, err) == (0, "") and out.startswith(f"{case.id}: released")
    after = stored(url, case.id)
    assert (after.feedback, after.wrong_findings, after.feedback_by) == (
        "false_positive",
        ["personnel:term:考察对象"],
        "wang",
    )
    feedback = audit_details(url, "feedback")
    assert feedback == [
        {
            "actor": "wang",
            "feedback": "false_positive",
            "wrong_findings": ["personnel:term:考察对象"],
            "channel": "cli",
            "client": f"os:{getpass.getuser()}",
        }
    ]
    shown = run(capsys, "quarantine", "show", case.id, "--actor", "shen")[1]
    assert "判定: 误报（wang） 误报的命中: personnel:term:考察对象" in shown


def test_a_correct_verdict_and_a_false_positive_without_names(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    right = held(url)
    assert (
        run(
            capsys,
            "quarantine",
            "reject",
            right.id,
            "--actor",
            "shen",
            "--reason",
            "涉密",
            "--verdict",
            "correct",
        )[0]
        == 0
    )
    assert (stored(url, right.id).feedback, stored(url, right.id).wrong_findings) == ("correct", [])

    wrong = held(url)
    assert (
        run(
            capsys,
            "quarantine",
            "release",
            wrong.id,
            "--actor",
            "li",
            "--reason",
            "公开信息",
            "--verdict",
            "false-positive",
        )[0]
        == 0
    )
    # without names, every rule that held the mail was wrong (each once)
    every = {f"{f['category']}:{f['kind']}:{f['rule']}" for f in wrong.findings}
    marked = stored(url, wrong.id).wrong_findings
    assert "land:term:征地拆迁补偿方案" in marked and len(marked) == len(every) > 1
    assert set(marked) == every


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--verdict", "false-positive", "--wrong", "land:term:无此词"],
            "本案件没有命中 land:term:无此词",
        ),
        (["--verdict", "correct", "--wrong", "land:term:征地拆迁补偿方案"], "不能标记误报的命中"),
        (["--wrong", "land:term:征地拆迁补偿方案"], "请选择判定"),
    ],
)
def test_a_bad_verdict_is_one_line_and_decides_nothing(
    url: str, sink: Sink, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    case = held(url)
    code, out, err = run(
        capsys, "quarantine", "release", case.id, "--actor", "li", "--reason", "x", *extra
    )
    assert code == 2 and out == "" and message in err and err.count("\n") == 1
    after = stored(url, case.id)
    assert (after.state, after.feedback) == ("pending", None)
    assert sink.handler.delivered() == [] and audit_details(url, "feedback") == []


def test_two_person_rules_hold_on_the_command_line(
    url: str, sink: Sink, capsys: pytest.CaptureFixture[str]
) -> None:
    case = held(url, two_person=True)
    code, _, err = run(
        capsys, "quarantine", "release", case.id, "--actor", "li", "--reason", "同意"
    )
    assert code == 2 and "须先由审核人审核" in err
    assert run(capsys, "quarantine", "release", case.id, "--actor", "shen", "--reason", "审核同意")[
        1
    ] == (f"{case.id}: reviewed (已审核，等待另一位审批人放行)\n")
    assert (
        run(capsys, "quarantine", "release", case.id, "--actor", "wang", "--reason", "审批同意")[0]
        == 0
    )
    assert len(sink.handler.delivered()) == 1


def test_reject_notifies_the_sender(
    url: str, sink: Sink, capsys: pytest.CaptureFixture[str]
) -> None:
    case = held(url)
    code, out, _ = run(
        capsys, "quarantine", "reject", case.id, "--actor", "shen", "--reason", "不得外发"
    )
    assert code == 0 and out.startswith(f"{case.id}: rejected")
    assert [m.rcpt_to for m in sink.handler.notices()] == [[SENDER]]


def timeline(url: str, case_id: str) -> list[tuple[str, str]]:
    async def read() -> list[tuple[str, str]]:
        async with migrated_store(url) as sessions, sessions() as session:
            rows = await session.execute(
                select(CaseEvent.action, CaseEvent.detail)
                .where(CaseEvent.case_id == case_id)
                .order_by(CaseEvent.id)
            )
            return [(action, detail) for action, detail in rows]

    return asyncio.run(read())


def test_a_deferred_notice_is_not_promised_a_retry_the_command_cannot_make(
    url: str, sink: Sink, capsys: pytest.CaptureFixture[str]
) -> None:
    case = held(url)
    sink.replies.append("451 4.3.0 mailbox busy, try again later")  # the sender's notice
    code, out, _ = run(
        capsys, "quarantine", "reject", case.id, "--actor", "shen", "--reason", "不得外发"
    )
    assert code == 0 and out.startswith(f"{case.id}: rejected")
    assert sink.handler.notices() == []
    failed = [detail for action, detail in timeline(url, case.id) if action == "notify_failed"]
    # the first attempt's line promises a retry; the command's exit says it will not come
    assert len(failed) == 2 and "第 2 次尝试" in failed[0]
    assert failed[1] == f"sender: {GIVEN_UP}"


@pytest.mark.parametrize(
    ("actor", "message"),
    [("zhang", "本人发出"), ("auditor", "无权处理"), ("ghost", "身份验证失败")],
)
def test_forbidden_actors_get_one_line_and_exit_2(
    url: str, capsys: pytest.CaptureFixture[str], actor: str, message: str
) -> None:
    case = held(url)
    code, out, err = run(
        capsys, "quarantine", "release", case.id, "--actor", actor, "--reason", "x"
    )
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_unknown_case_and_missing_reason(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "quarantine", "reject", "Q20990101-ZZZZZZ", "--actor", "shen", "--reason", "x"
    )
    assert code == 2 and "没有编号为 Q20990101-ZZZZZZ 的案件" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["quarantine", "reject", "Q20990101-ZZZZZZ", "--actor", "shen"])
    assert exit_info.value.code == 2


def test_two_person_release_by_one_person_is_refused(
    url: str, sink: Sink, capsys: pytest.CaptureFixture[str]
) -> None:
    """shen reviews; shen then tries to act as the approver wang without wang's password."""

    async def wang_has_own_password() -> None:
        async with open_store(load_settings()) as sessions:
            await Accounts(sessions, ConsoleSettings()).passwd("wang", "wangs-own-secret", "admin")

    asyncio.run(wang_has_own_password())
    case = held(url, two_person=True)
    assert (
        run(capsys, "quarantine", "release", case.id, "--actor", "shen", "--reason", "审核")[0] == 0
    )

    code, out, err = run(
        capsys, "quarantine", "release", case.id, "--actor", "wang", "--reason", "审批"
    )
    assert (code, out) == (
        2,
        "",
    ) and err == "dlp-gateway: 账号 'wang' 身份验证失败（用户名或密码错误，或账号已停用）\n"
    code, _, err = run(
        capsys, "quarantine", "release", case.id, "--actor", "shen", "--reason", "审批"
    )
    assert code == 2 and "须由审批人" in err
    assert sink.handler.delivered() == []
    failed = audit_details(url, "login_failed")
    assert failed[-1]["actor"] == "wang" and failed[-1]["channel"] == "cli"

    code, _, _ = run(
        capsys,
        "quarantine",
        "release",
        case.id,
        "--actor",
        "wang",
        "--reason",
        "审批",
        password="wangs-own-secret",
    )
    assert code == 0 and len(sink.handler.delivered()) == 1
    release = audit_details(url, "release")[-1]
    assert release == {
        "actor": "wang",
        "reason": "审批",
        "reviewed_by": "shen",
        "channel": "cli",
        "client": f"os:{getpass.getuser()}",
    }


def test_wrong_passwords_lock_the_officer_out_of_the_cli_too(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    case = held(url)
    for _ in range(ConsoleSettings().lockout_failures):
        code, _, _ = run(
            capsys, "quarantine", "show", case.id, "--actor", "shen", password="wrong-guess"
        )
        assert code == 2
    code, _, err = run(capsys, "quarantine", "show", case.id, "--actor", "shen")
    assert code == 2 and "已锁定至" in err
    assert ("shen", "view", case.id) not in audit_rows(url)


def test_no_password_no_action(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    case = held(url)
    code, _, err = run(capsys, "quarantine", "show", case.id, "--actor", "shen", password="")
    assert code == 2 and err == "dlp-gateway: 密码为空\n"


def test_stats_count_holds_and_false_positives_per_rule(
    url: str, sink: Sink, capsys: pytest.CaptureFixture[str]
) -> None:
    fp = held(url, two_person=True)
    right = held(url, two_person=True)
    held(url)  # held, not judged
    held(url, received_at=days_ago(40))  # outside the default 30 days
    for case, verdict in (
        (fp, ["false-positive", "--wrong", "personnel:term:考察对象"]),
        (right, ["correct"]),
    ):
        code, _, err = run(
            capsys,
            "quarantine",
            "reject",
            case.id,
            "--actor",
            "shen",
            "--reason",
            "判定",
            "--verdict",
            *verdict,
        )
        assert (code, err) == (0, "")

    code, out, err = run(capsys, "stats", "--format", "json", password=None)
    assert (code, err) == (0, "")
    body = json.loads(out)
    assert body["cases"] == 3 and len(body["days"]) == 30
    assert body["days"][-1] == {
        "day": body["until"],
        "holds": 3,
        "confirmed": 1,
        "false_positives": 1,
    }
    rows = {r["key"]: r for r in body["rows"]}
    # worst offenders first: the category and the rule officers marked wrong
    assert [r["key"] for r in body["rows"][:2]] == ["personnel", "personnel:term:考察对象"]
    assert rows["personnel:term:考察对象"] | {"last_seen": None} == {
        "kind": "term",
        "key": "personnel:term:考察对象",
        "category": "personnel",
        "category_name": "干部人事",  # from the scope tables
        "rule": "考察对象",
        "hits": 2,
        "holds": 2,
        "confirmed": 1,
        "false_positives": 1,
        "fp_rate": 0.5,
        "last_seen": None,
    }
    assert (
        rows["personnel:term:拟提拔"]["false_positives"],
        rows["personnel:term:拟提拔"]["fp_rate"],
    ) == (0, 0.0)
    assert (rows["land"]["kind"], rows["land"]["holds"], rows["land"]["fp_rate"]) == (
        "category",
        3,
        0.0,
    )
    assert (rows["personnel"]["false_positives"], rows["personnel"]["confirmed"]) == (1, 1)

    code, out, _ = run(capsys, "stats", "--format", "csv", "--kind", "term", password=None)
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("kind,key,category,category_name,rule,hits,holds")
    assert lines[1].startswith(
        "term,personnel:term:考察对象,personnel,干部人事,考察对象,2,2,1,1,0.5,"
    )
    terms = [r for r in body["rows"] if r["kind"] == "term"]
    assert len(terms) > 3 and len(lines) == 1 + len(terms)

    code, out, err = run(
        capsys, "stats", "--since", "2099-01-02", "--until", "2099-01-01", password=None
    )
    assert (code, out) == (
        2,
        "",
    ) and err == "dlp-gateway: 起始日期 2099-01-02 晚于结束日期 2099-01-01\n"


def test_scope_history_lists_kept_versions_and_diffs_them(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gateway.store import scope_versions

    scope = tmp_path / "tables"
    scope.mkdir()
    table = scope / "land.toml"
    table.write_text('id = "land"\n', encoding="utf-8")

    async def keep(by: str) -> str:
        async with migrated_store(url) as sessions:
            return await scope_versions.record(sessions, scope, by)

    assert run(capsys, "scope", "history", password=None)[1:] == (
        "no scope versions kept yet\n",
        "",
    )
    first = asyncio.run(keep("gw1 start"))
    table.write_text('id = "land"\n# 新增\n', encoding="utf-8")
    second = asyncio.run(keep("gw1 SIGHUP"))

    code, out, _ = run(capsys, "scope", "history", password=None)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].startswith(second[:16]) and lines[0].endswith("1 tables  gw1 SIGHUP")
    assert lines[1].startswith(first[:16]) and lines[1].endswith("gw1 start")
    diff = run(capsys, "scope", "history", "--diff", second[:10], password=None)[1]
    assert f"+++ {second[:12]}/land.toml" in diff and "+# 新增" in diff
    code, _, err = run(capsys, "scope", "history", "--diff", "ffffffff", password=None)
    assert code == 2 and "no kept scope version starts with 'ffffffff'" in err
