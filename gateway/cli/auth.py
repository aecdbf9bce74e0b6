"""Who runs a command: the operating-system user and an officer's password (never on argv)."""

from __future__ import annotations

import getpass
import os
import sys

from gateway.errors import AccountError


def os_user() -> str:
    """The operating-system user running the command, for the audit log (``os:<login>``)."""
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"os:uid{os.getuid()}"


def read_password(from_stdin: bool, prompt: str) -> str:
    """One password: the first line of stdin (``--password-stdin``) or a prompt without echo."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = getpass.getpass(prompt)
        except EOFError:
            raise AccountError("没有输入密码", cli_hint="脚本中请用 --password-stdin") from None
    if not password:
        raise AccountError("密码为空")
    return password
