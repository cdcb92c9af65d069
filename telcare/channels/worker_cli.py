"""``telcare worker`` (run every periodic job when due) and ``telcare jobs`` (their state)."""

from __future__ import annotations

import json
import signal
import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from telcare import clock
from telcare.channels import process
from telcare.config import get_settings

if TYPE_CHECKING:
    from telcare.services.cycle import Ran
    from telcare.store.uow import Database

console = Console()


def _database() -> Database:
    from telcare import wiring
    from telcare.store.uow import Database  # imported late: --help stays fast

    wiring.connect()
    return Database(get_settings().database_url)


def _brief(result: dict[str, object] | None) -> str:
    """A run's figures as ``key=value`` pairs (the table stays narrow)."""
    return " ".join(f"{k}={v}" for k, v in (result or {}).items())


def _print_runs(ran: list[Ran]) -> None:
    table = Table("job", "period", "status", "result", title="telcare worker")
    for r in ran:
        outcome = r.error or _brief(r.result)
        style = {"done": "green", "failed": "red"}.get(r.status, "yellow")
        table.add_row(r.job, r.period, f"[{style}]{r.status}[/]", outcome)
    if not ran:
        table.add_row("(nothing due)", "", "", "")
    console.print(table)


def _deliver_events(db: Database) -> None:
    """The TMF hub's due deliveries (``--once``: one round, shown if any)."""
    from telcare.services.tmf_hub import delivery

    figures = delivery.deliver_due(db).as_dict()
    if any(figures.values()):
        console.print("tmf hub: " + _brief(dict(figures)))


def worker(
    once: Annotated[bool, typer.Option("--once", help="Run what is due now, then exit.")] = False,
    now: Annotated[
        str, typer.Option(help="With --once: the instant to run at (ISO 8601; Beijing time).")
    ] = "",
    job: Annotated[list[str] | None, typer.Option(help="Only these jobs (repeatable).")] = None,
    lease: Annotated[
        float, typer.Option(help="Seconds a claimed run is held without a heartbeat.")
    ] = 120.0,
    every: Annotated[float, typer.Option(help="Most seconds between two looks.")] = 60.0,
    batch_lines: Annotated[
        int, typer.Option(min=1, help="Lines per renewal transaction.", hidden=True)
    ] = 2000,
    log_level: process.LogLevel = None,
    health_port: process.HealthPort = None,
) -> None:
    """Run every periodic job once per period (renewals, points, SP month, surveys, SLA, …)
    and deliver TMF events (the hub) every ``TELCARE_TMF_HUB_POLL_SECONDS``.

    Long-running (without ``--once``) it is a service like ``serve`` and ``smpp``: it
    refuses to start without a real ``TELCARE_SECRET_KEY`` outside demo mode, logs as
    they do and serves ``--health-port``."""
    from telcare.channels import startup
    from telcare.domain.errors import DomainError
    from telcare.domain.messages import render
    from telcare.services import cycle
    from telcare.services.cycle import renewals

    renewals.BATCH_LINES = batch_lines
    if now and not once:
        raise typer.BadParameter("--now needs --once", param_hint="--now")
    if now:
        try:
            clock.start_at(clock.parse_instant(now))
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="--now") from err
    if not once:
        startup.require_secret()
    db = _database()
    held = timedelta(seconds=lease)
    try:
        if once:
            ran = cycle.run_due(db, lease=held, only=job or None)
            _print_runs(ran)
            if not job:
                _deliver_events(db)
            if any(r.status == "failed" for r in ran):
                raise typer.Exit(1)
            return
        from telcare.ops import health

        checks = health.for_node(db, get_settings().bus_url)
        process.begin("worker", log_level, health_port, checks, db.engine)
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        from telcare.services.tmf_hub import delivery as hub

        _, hub_stop = hub.start_deliverer(db)  # TMF events, every few seconds
        typer.echo("worker: running (SIGTERM/SIGINT to stop)", err=True)
        while not stop.is_set():
            ran = cycle.run_due(db, lease=held, only=job or None)
            if ran:
                _print_runs(ran)
            soonest = min(s.next_run for s in cycle.status(db))
            stop.wait(min(every, max(1.0, (soonest - clock.now()).total_seconds())))
        hub_stop.set()
    except DomainError as err:
        console.print(f"[red]{render(err.key, 'zh', **err.params)}[/]")
        raise typer.Exit(2) from err
    finally:
        db.dispose()


def jobs(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per job.")] = False,
    now: Annotated[str, typer.Option(help="Show the next runs as at this instant.")] = "",
) -> None:
    """List the periodic jobs: last run, its result, and the next run."""
    from telcare.services import cycle

    try:
        at = clock.parse_instant(now) if now else clock.now()
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--now") from err
    db = _database()
    try:
        rows = cycle.status(db, now=at)
    finally:
        db.dispose()
    if as_json:
        for s in rows:
            typer.echo(
                json.dumps(
                    {
                        "job": s.name,
                        "cadence": s.cadence,
                        "last_period": s.last_period,
                        "last_status": s.last_status,
                        "last_result": s.last_result,
                        "last_error": s.last_error,
                        "next_run": s.next_run.isoformat(),
                    },
                    ensure_ascii=False,
                )
            )
        return
    table = Table("job 任务", "last 上次", "status", "result 结果", "next 下次")
    for s in rows:
        table.add_row(
            f"{s.name}\n{s.title('zh')}",
            s.last_period or "—",
            s.last_status or "—",
            s.last_error or _brief(s.last_result),
            s.next_run.astimezone(clock.local_now().tzinfo).strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)
