"""`dlp-gateway user …`: accounts from the command line, with exact output and exit codes."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.settings import ConsoleSettings, load_settings
from gateway.store.accounts import Accounts, LoginOutcome
from gateway.store.migrations import open_store


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DLP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DLP_DATABASE_URL", raising=False)
    return tmp_path


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def login(data_dir: Path, name: str, password: str) -> LoginOutcome:
    async def attempt() -> LoginOutcome:
        async with open_store(load_settings()) as sessions:
            return (await Accounts(sessions, ConsoleSettings()).login(name, password)).outcome

    return asyncio.run(attempt())


def test_add_list_disable_enable(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        capsys,
        monkeypatch,
        "user",
        "add",
        "shen",
        "--role",
        "reviewer",
        "--email",
        "shen@gov.example.cn",
        "--password-stdin",
        stdin="a-good-password\n",
    )
    assert (code, out) == (0, "account shen created (role reviewer)\n")
    assert login(data_dir, "shen", "a-good-password") is LoginOutcome.OK

    assert (
        run(capsys, monkeypatch, "user", "list")[1]
        == "shen\treviewer\tactive\tshen@gov.example.cn\n"
    )
    assert run(capsys, monkeypatch, "user", "disable", "shen")[:2] == (0, "account shen disabled\n")
    assert (
        run(capsys, monkeypatch, "user", "list")[1]
        == "shen\treviewer\tdisabled\tshen@gov.example.cn\n"
    )
    assert run(capsys, monkeypatch, "user", "enable", "shen")[:2] == (0, "account shen enabled\n")


def test_passwd_from_a_prompt(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(
        capsys,
        monkeypatch,
        "user",
        "add",
        "li",
        "--role",
        "approver",
        "--email",
        "li@gov.example.cn",
        "--password-stdin",
        stdin="first-password\n",
    )
    answers = iter(["second-password", "second-password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, out, _ = run(capsys, monkeypatch, "user", "passwd", "li")
    assert (code, out) == (0, "password of li changed; their sessions were ended\n")
    assert login(data_dir, "li", "second-password") is LoginOutcome.OK
    assert login(data_dir, "li", "first-password") is LoginOutcome.BAD_CREDENTIALS


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["user", "add", "x", "--role", "reviewer", "--email", "x@a.cn", "--password-stdin"],
            "short\n",
            "密码太短：至少 8 位",
        ),
        (
            ["user", "add", "x", "--role", "reviewer", "--email", "x@a.cn", "--password-stdin"],
            "",
            "密码为空，未作修改",
        ),
        (
            ["user", "add", "x", "--role", "approver", "--password-stdin"],
            "long-enough-9\n",
            "审核人和审批人账号必须登记本人邮箱：保密员不得审查本人发出的邮件，只有凭本人邮箱才能认出（approver 账号请加 --email ADDR）",
        ),
        (
            ["user", "add", "x", "--role", "reviewer", "--email", "x.cn", "--password-stdin"],
            "long-enough-9\n",
            "'x.cn' 不是邮箱地址（应为 名字@域名）",
        ),
        (
            ["user", "passwd", "ghost", "--password-stdin"],
            "long-enough-9\n",
            "没有账号 'ghost'（现有账号见 dlp-gateway user list）",
        ),
        (["user", "disable", "ghost"], "", "没有账号 'ghost'"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    stdin: str,
    message: str,
) -> None:
    code, out, err = run(capsys, monkeypatch, *args, stdin=stdin)
    assert code == 2 and out == ""
    assert err.startswith("dlp-gateway: ") and message in err and err.count("\n") == 1


def test_a_duplicate_account_is_refused(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(2):
        code, _, err = run(
            capsys,
            monkeypatch,
            "user",
            "add",
            "shen",
            "--role",
            "reviewer",
            "--email",
            "shen@gov.example.cn",
            "--password-stdin",
            stdin="a-good-password\n",
        )
    assert code == 2 and "账号 'shen' 已存在（重设密码请用 dlp-gateway user passwd）" in err


def test_mismatched_prompted_passwords_change_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["one-password", "another-one"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = run(capsys, monkeypatch, "user", "add", "x", "--role", "admin")
    assert code == 2 and "两次输入的密码不一致，未作修改" in err
    assert run(capsys, monkeypatch, "user", "list")[1].startswith("no accounts")


def test_an_unknown_role_is_an_argument_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, monkeypatch, "user", "add", "x", "--role", "boss")
    assert exit_info.value.code == 2
    assert "invalid choice: 'boss'" in capsys.readouterr().err


def test_several_own_addresses(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, _ = run(
        capsys,
        monkeypatch,
        "user",
        "add",
        "li",
        "--role",
        "approver",
        "--email",
        "li@gov.example.cn",
        "Li.Si@Home.example.cn",
        "--email",
        "li2@gov.example.cn",
        "--password-stdin",
        stdin="a-good-password\n",
    )
    assert code == 0
    assert run(capsys, monkeypatch, "user", "list")[1] == (
        "li\tapprover\tactive\tli.si@home.example.cn,li2@gov.example.cn,li@gov.example.cn\n"
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_user_add_asks_an_officer_for_their_address(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal(" Li@Gov.Example.CN ， li2@gov.example.cn\n"))
    answers = iter(["a-good-password", "a-good-password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code = main(["user", "add", "li", "--role", "approver"])
    out, _ = capsys.readouterr()
    assert (code, out.splitlines()[-1]) == (0, "account li created (role approver)")
    listed = run(capsys, monkeypatch, "user", "list")[1]
    assert listed == "li\tapprover\tactive\tli2@gov.example.cn,li@gov.example.cn\n"


def test_role_email_and_unlock_from_the_command_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("user", "add", "shen", "--role", "auditor", "--password-stdin")
    assert run(capsys, monkeypatch, *args, stdin="a-good-password\n")[0] == 0
    code, _, err = run(capsys, monkeypatch, "user", "role", "shen", "reviewer")
    assert code == 2 and "必须登记本人邮箱" in err and "reviewer 账号请加 --email ADDR" in err
    assert run(capsys, monkeypatch, "user", "email", "shen", "Shen@Example.gov.cn")[:2] == (
        0,
        "addresses of shen set\n",
    )
    assert run(capsys, monkeypatch, "user", "role", "shen", "reviewer")[:2] == (
        0,
        "account shen is now reviewer\n",
    )
    for _ in range(ConsoleSettings().lockout_failures):
        login(data_dir, "shen", "wrong-guess")
    assert login(data_dir, "shen", "a-good-password") is LoginOutcome.LOCKED
    assert run(capsys, monkeypatch, "user", "unlock", "shen")[:2] == (
        0,
        "account shen unlocked\n",
    )
    assert login(data_dir, "shen", "a-good-password") is LoginOutcome.OK
    assert run(capsys, monkeypatch, "user", "list")[1] == (
        "shen\treviewer\tactive\tshen@example.gov.cn\n"
    )
