"""``telcare bus run|status``: the node's relay and consumers, and its sync state.

Commands import what they run inside their bodies, so that `telcare --help` starts fast
(start-up time, not layering).
"""

from __future__ import annotations

import asyncio
import json
import signal
from typing import Annotated

import typer

from telcare.channels import process
from telcare.config import get_settings

app = typer.Typer(
    help="Province ↔ headquarters bus: outbox relay and consumers.", no_args_is_help=True
)


@app.command()
def run(
    sweep_every: Annotated[float, typer.Option(help="Seconds between SLA sweeps.")] = 60.0,
    batch: Annotated[int, typer.Option(help="Events per publish or fetch batch.")] = 500,
    log_level: process.LogLevel = None,
    health_port: process.HealthPort = None,
) -> None:
    """Relay this node's outbox and apply incoming events until SIGTERM/SIGINT."""
    from telcare import wiring
    from telcare.bus.node import Node
    from telcare.channels import startup
    from telcare.ops import health
    from telcare.services import backlogs
    from telcare.store.migrate import upgrade
    from telcare.store.uow import Database

    startup.require_secret()
    settings = get_settings()
    db = Database(settings.database_url)
    checks = health.for_node(db, settings.bus_url)
    checks.before_metrics.append(lambda: backlogs.refresh_gauges(db))
    process.begin("bus", log_level, health_port, checks, db.engine)
    upgrade(settings.database_url, db.engine)
    wiring.connect()  # a closed ticket triggers its satisfaction survey
    node = Node(
        db, settings.province.upper(), settings.bus_url, batch=batch, sweep_every_s=sweep_every
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        typer.echo(f"bus: node {node.province} on {settings.bus_url} ready", err=True)
        await node.run(stop)

    asyncio.run(main())
    db.dispose()


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Outbox backlog, applied events and tickets held by this node."""
    from sqlalchemy import func, select

    from telcare.bus.outbox import backlog
    from telcare.store import complaint_models as cm
    from telcare.store.outbox import OutboxEvent
    from telcare.store.uow import Database

    settings = get_settings()
    db = Database(settings.database_url)
    with db.uow() as uow:
        s = uow.session
        figures = {
            "province": settings.province.upper(),
            "bus": settings.bus_url,
            "outbox_pending": backlog(db),
            "outbox_total": s.scalar(select(func.count()).select_from(OutboxEvent)) or 0,
            "applied_events": s.scalar(select(func.count()).select_from(cm.AppliedEvent)) or 0,
            "tickets": s.scalar(select(func.count()).select_from(cm.Ticket)) or 0,
        }
    db.dispose()
    if as_json:
        typer.echo(json.dumps(figures))
    else:
        for key, value in figures.items():
            typer.echo(f"{key}\t{value}")


if __name__ == "__main__":
    app()
