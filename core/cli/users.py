"""`python -m core users ...`: login accounts from the command line, for the first admin
account and for when the app is out of reach. The audit trail names "cli" as the actor."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from typing import Any

from sqlalchemy import Engine

from core.auth.accounts import UserRow
from core.auth.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from core.auth.passwords import check_password_rules
from core.auth.roles import role_list_text
from core.auth.users import (
    UserError,
    add_user,
    disable_user,
    enable_user,
    list_users,
    reset_password,
    set_role,
)
from core.db.engine import write_transaction
from core.db.models import LANGUAGES
from core.exports.textable import render_table
from core.notify.config import load_notify_settings
from core.notify.contacts import KEEP, set_contact, webhook_host
from core.validation import ValidationFailed

ACTOR = "cli"
_PASSWORD_HELP = (
    "the initial password (default: asked twice, unseen); on the command line it is visible "
    "to other users of this computer"
)


def add_commands(commands: Any) -> None:
    """Adds the users command and its actions to the CLI's subparsers."""
    users = commands.add_parser(
        "users", help="login accounts: add, list, disable, reset, re-role, set contacts"
    )
    actions = users.add_subparsers(dest="users_action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="add an account (its password must be changed at login)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the name the app shows")
    add.add_argument("--role", required=True, help=role_list_text())
    add.add_argument("--staff", metavar="CODE", help="staff code (required but for admins)")
    add.add_argument("--language", choices=LANGUAGES, default="zh")
    add.add_argument("--password", help=_PASSWORD_HELP)

    actions.add_parser("list", help="every account")
    disable = actions.add_parser("disable", help="stop an account logging in; end its sessions")
    disable.add_argument("username")
    enable = actions.add_parser("enable", help="let a disabled account log in again")
    enable.add_argument("username")
    reset = actions.add_parser("reset-password", help="set a new initial password")
    reset.add_argument("username")
    reset.add_argument("--password", help=_PASSWORD_HELP)
    role = actions.add_parser("set-role", help="change an account's role and staff link")
    role.add_argument("username")
    role.add_argument("role", help=role_list_text())
    role.add_argument("--staff", metavar="CODE", help="staff code (required but for admins)")
    contact = actions.add_parser(
        "set-contact", help="where the account's daily digest goes, and whether it is sent"
    )
    contact.add_argument("username")
    contact.add_argument("--email", metavar="ADDR", help='an e-mail address ("" removes it)')
    contact.add_argument(
        "--webhook", metavar="URL", help='a group robot\'s webhook address ("" removes it)'
    )
    contact.add_argument("--digest", choices=("on", "off"), help="send the daily digest or not")


def _password(given: str | None) -> str:
    """The password from --password, or typed twice (before any lock is taken)."""
    if given is not None:
        return given
    try:
        first = getpass.getpass("Initial password: ")
        check_password_rules(first)
        second = getpass.getpass("The same password again: ")
    except EOFError as exc:
        raise UserError("No password given: pass --password or type it when asked.") from exc
    if first != second:
        raise UserError("The two passwords differ; nothing was changed.")
    return first


def _describe(user: UserRow) -> str:
    link = f", staff {user.staff_code}" if user.staff_code else ""
    return f"{user.username!r} ({user.display_name}, {user.role}{link})"


def _list(engine: Engine) -> str:
    with engine.connect() as conn:
        users = list_users(conn)
    if not users:
        return "No accounts yet: add one with `python -m core users add`."
    rows = [
        (
            u.username,
            u.display_name,
            u.role,
            u.staff_code or "",
            "yes" if u.active else "no",
            "yes" if u.must_change_password else "",
        )
        for u in users
    ]
    return render_table(["username", "name", "role", "staff", "active", "must change"], rows)


def run(engine: Engine, args: argparse.Namespace) -> str:
    """Carries out one `users` action; returns what to print. Raises UserError or
    PasswordError with a one-line message when the action cannot be done."""
    action = args.users_action
    if action == "list":
        return _list(engine)
    if action == "set-contact":
        return _set_contact(engine, args)
    password = _password(args.password) if action in ("add", "reset-password") else ""
    with write_transaction(engine) as conn:
        if action == "add":
            user = add_user(
                conn,
                args.username,
                args.name,
                args.role,
                args.staff,
                password,
                actor=ACTOR,
                language=args.language,
            )
            return f"Added {_describe(user)}; the password must be changed at the first login."
        if action == "disable":
            user = disable_user(conn, args.username, actor=ACTOR)
            return f"Disabled {user.username!r}; its open sessions have ended."
        if action == "enable":
            user = enable_user(conn, args.username, actor=ACTOR)
            return f"Enabled {user.username!r}."
        if action == "reset-password":
            user = reset_password(conn, args.username, password, actor=ACTOR)
            return (
                f"New password for {user.username!r}; it must be changed at the next login, "
                "and its open sessions have ended."
            )
        user = set_role(conn, args.username, args.role, args.staff, actor=ACTOR)
        return f"Changed {_describe(user)}."


_CONTACT_PROBLEMS = {
    "unknown_user": "there is no account {username!r}",
    "bad_email": "--email is not an e-mail address",
    "bad_url": "--webhook is not an http(s) address (without a login in it)",
    "host_not_allowed": "--webhook's host is not one of FIELDBOOK_WEBHOOK_HOSTS ({hosts})",
}


def _set_contact(engine: Engine, args: argparse.Namespace) -> str:
    given = {
        "email": KEEP if args.email is None else args.email,
        "webhook_url": KEEP if args.webhook is None else args.webhook,
        "digest": KEEP if args.digest is None else args.digest == "on",
    }
    try:
        with write_transaction(engine) as conn:
            contact = set_contact(
                conn,
                args.username,
                actor=ACTOR,
                allowed_hosts=load_notify_settings().webhook_hosts,
                **given,
            )
    except ValidationFailed as failed:
        raise UserError(
            "; ".join(_CONTACT_PROBLEMS[e.code].format(**e.values) for e in failed.errors)
            + "; nothing was changed."
        ) from failed
    where = [f"e-mail {contact.email}"] if contact.email else []
    if contact.webhook_url:
        where.append(f"webhook on {webhook_host(contact.webhook_url)}")
    state = "on" if contact.digest else "off"
    return (
        f"{args.username!r}: daily digest {state}, to "
        + (" and ".join(where) if where else "no address yet")
        + "."
    )


def create_demo_accounts(engine: Engine) -> str:
    """Creates (or resets) the demo accounts; returns the line that lists them."""
    with write_transaction(engine) as conn:
        accounts = ensure_demo_accounts(conn, dt.datetime.now(dt.UTC), actor=ACTOR)
    names = ", ".join(f"{u.username} ({u.staff_code or 'no staff link'})" for u in accounts)
    return f"Demo accounts, each with the password {DEMO_PASSWORD}: {names}"
