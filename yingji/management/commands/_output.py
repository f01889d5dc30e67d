"""Printing shared by the set-up commands."""

from __future__ import annotations

from typing import TextIO

from yingji.orgs.demo import DemoLogin


def print_logins(out: TextIO, logins: list[DemoLogin]) -> None:
    """Print the demo logins and their one-time passwords (shown this once only)."""
    out.write("\n已创建示例镇 / demo township created. 一次性密码只显示这一次，首次登录须修改。\n")
    out.write("One-time passwords, shown only now; each must be changed at first login:\n")
    width = max(len(login.username) for login in logins)
    for login in logins:
        out.write(f"  {login.username:<{width}}  {login.password}  {login.name}（{login.role}）\n")
    out.write("\n")
