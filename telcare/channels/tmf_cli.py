"""``telcare tmf hub``: the TMF event listeners, their dead letters and replays, and the
deliverer (what ``telcare worker`` also runs).

The CLI runs with the database's credentials, as the headquarters admin ``cli``.
Commands import what they run inside their bodies, so that `telcare --help` starts fast.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from telcare.config import get_settings

if TYPE_CHECKING:
    from telcare.domain.access import Principal
    from telcare.store.uow import Database

app = typer.Typer(help="TM Forum APIs: event listeners (the hub).", no_args_is_help=True)
hub_app = typer.Typer(help="Event listeners, dead letters, replay, delivery.", no_args_is_help=True)
app.add_typer(hub_app, name="hub")
console = Console()
T = TypeVar("T")
AsJson = Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")]


def _database() -> Database:
    from telcare import wiring
    from telcare.store.uow import Database  # imported late: --help stays fast

    wiring.connect()
    return Database(get_settings().database_url)


def _operator() -> Principal:
    from telcare.domain.access import Kind, Principal
    from telcare.domain.provinces import HQ

    return Principal(Kind.STAFF, "cli", HQ, "admin")


def _call(fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)``; a refusal is printed and exits 2."""
    from telcare.domain.errors import DomainError
    from telcare.domain.messages import render

    try:
        return fn(*args)
    except DomainError as err:
        console.print(f"[red]{render(err.key, 'en', **err.params)}[/]")
        raise typer.Exit(2) from err


@hub_app.command("list")
def list_listeners(
    api: Annotated[str | None, typer.Option(help="Only this API (e.g. troubleTicket).")] = None,
    as_json: AsJson = False,
) -> None:
    """The live listeners, with their pending and dead deliveries."""
    from telcare.services.tmf_hub import delivery, listeners

    db = _database()
    rows = listeners.listeners(db, _operator(), api)
    counts = delivery.counts_by_listener(db)
    if as_json:
        for v in rows:
            doc = {"id": v.id, "api": v.api, "callback": v.callback, "query": v.query,
                   "owner": v.owner, "province": v.province, **counts.get(v.id, {})}  # fmt: skip
            typer.echo(json.dumps(doc, ensure_ascii=False))
        return
    table = Table("id", "api", "callback", "owner", "pending", "dead", title="TMF hub listeners")
    for v in rows:
        c = counts.get(v.id, {})
        table.add_row(str(v.id), v.api, v.callback, f"{v.owner} ({v.province})",
                      str(c.get("pending", 0)), str(c.get("dead", 0)))  # fmt: skip
    console.print(table)


@hub_app.command()
def dead(listener: int, as_json: AsJson = False) -> None:
    """LISTENER's dead letters, oldest first."""
    from telcare.services.tmf_hub import delivery

    rows = _call(delivery.dead_letters, _database(), _operator(), listener)
    if as_json:
        for d in rows:
            doc = {"id": d.id, "event_id": d.event_id, "event_type": d.event_type,
                   "resource": d.resource_key, "attempts": d.attempts,
                   "last_status": d.last_status, "last_error": d.last_error,
                   "dead_since": d.dead_since.isoformat()}  # fmt: skip
            typer.echo(json.dumps(doc, ensure_ascii=False))
        return
    table = Table("id", "event", "resource", "attempts", "last error", title="dead letters")
    for d in rows:
        table.add_row(str(d.id), d.event_type, d.resource_key, str(d.attempts), d.last_error or "")
    console.print(table)


@hub_app.command()
def replay(
    listener: int,
    delivery_id: Annotated[
        list[int] | None, typer.Option("--id", help="Only these dead letters (repeatable).")
    ] = None,
) -> None:
    """Queue LISTENER's dead letters again (the deliverer sends them in order)."""
    from telcare.services.tmf_hub import delivery

    n = _call(delivery.replay, _database(), _operator(), listener, delivery_id or None)
    console.print(f"{n} dead letter(s) queued again")


@hub_app.command()
def delete(listener: int) -> None:
    """Stop LISTENER (as ``DELETE …/hub/{id}``)."""
    from telcare.services.tmf_hub import listeners

    _call(listeners.delete, _database(), _operator(), None, listener)
    console.print(f"listener {listener} deleted")


@hub_app.command()
def deliver(
    loop: Annotated[bool, typer.Option("--loop", help="Keep delivering until stopped.")] = False,
) -> None:
    """Deliver the due events now (``telcare worker`` does this every few seconds)."""
    from telcare.services.tmf_hub import delivery

    db = _database()
    if not loop:
        figures = delivery.deliver_due(db)
        console.print(" ".join(f"{k}={v}" for k, v in figures.as_dict().items()))
        return
    stop = threading.Event()
    try:
        delivery.run_deliverer(db, stop)
    except KeyboardInterrupt:
        stop.set()
