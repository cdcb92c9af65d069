"""``telcare logins``: lift a lockout, disable, enable or delete a staff account, set a
staff password, log an account out everywhere, read the audit log.

The CLI runs with the database's credentials, that is as the operator: it acts as the
headquarters admin ``cli`` (the audit log names it). Commands import what they run inside
their bodies, so that `telcare --help` starts fast (start-up time, not layering).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from telcare.config import get_settings

if TYPE_CHECKING:
    from telcare.domain.access import Principal
    from telcare.store.uow import Database

app = typer.Typer(help="Lockouts, staff accounts, tokens and the audit log.", no_args_is_help=True)
console = Console()
KindArg = Annotated[str, typer.Argument(help="staff, sp or merchant.")]


def _database() -> Database:
    from telcare.store.uow import Database  # imported late: --help stays fast

    return Database(get_settings().database_url)


def _operator() -> Principal:
    from telcare.domain.access import Kind, Principal
    from telcare.domain.provinces import HQ

    return Principal(Kind.STAFF, "cli", HQ, "admin")


def _run(action: str, fn: Callable[..., object], *args: object) -> None:
    from telcare.domain.errors import DomainError
    from telcare.domain.messages import render

    try:
        fn(*args)
    except DomainError as err:
        console.print(f"[red]{render(err.key, 'en', **err.params)}[/]")
        raise typer.Exit(2) from err
    console.print(action)


@app.command()
def unlock(kind: KindArg, account: str) -> None:
    """Lift the lockout of ACCOUNT (its failed logins so far no longer count)."""
    from telcare.services import auth

    if kind not in auth.throttle.KINDS:
        console.print(f"[red]unknown kind {kind!r}: staff, sp or merchant[/]")
        raise typer.Exit(2)
    _run(f"unlocked {kind} {account}", auth.unlock, _database(), _operator(), kind, account)


@app.command()
def unblock(address: str) -> None:
    """Lift the block of a client ADDRESS (too many failed logins from it)."""
    from telcare.services import auth

    _run(f"unblocked {address}", auth.unblock_address, _database(), _operator(), address)


@app.command()
def disable(username: str) -> None:
    """Disable a staff account: its tokens stop working at once."""
    from telcare.services import auth

    _run(f"disabled {username}", auth.set_staff_active, _database(), _operator(), username, False)


@app.command()
def enable(username: str) -> None:
    """Enable a disabled staff account again."""
    from telcare.services import auth

    _run(f"enabled {username}", auth.set_staff_active, _database(), _operator(), username, True)


@app.command()
def delete(username: str) -> None:
    """Delete a staff account: its tokens stop working at once."""
    from telcare.services import auth

    _run(f"deleted {username}", auth.delete_staff, _database(), _operator(), username)


@app.command()
def password(
    username: str,
    new: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Set a staff password: the account's older tokens stop working."""
    from telcare.services import auth

    _run(f"password set for {username}", auth.set_staff_password, _database(), username, new)


@app.command(name="logout-all")
def logout_all(kind: KindArg, account: str) -> None:
    """Log ACCOUNT out everywhere: every token it holds stops working."""
    from telcare.services import auth

    _run(
        f"logged out {kind} {account}",
        auth.log_out_everywhere,
        _database(),
        _operator(),
        kind,
        account,
    )


@app.command()
def audit(
    kind: Annotated[str | None, typer.Option(help="A kind, or a prefix ending in '.'.")] = None,
    actor: Annotated[str | None, typer.Option(help="Who acted.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """The newest audit-log rows, one JSON object a line."""
    from telcare.services import audit as audit_log

    for e in audit_log.entries(_database(), _operator(), kind=kind, actor=actor, limit=limit):
        row = {"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "address": e.address}
        console.print_json(json.dumps({**row, "detail": e.detail}, ensure_ascii=False))
