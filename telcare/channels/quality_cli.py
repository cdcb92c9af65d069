"""``telcare quality``: the quality loop from the command line — import network KPIs, open
actions for last month's missed figures, verify them, escalate overdue ones, detect
breaches of the five prohibitions, and list actions, checklists and cases.

The periodic jobs (``open-actions``, ``verify-actions``, ``escalate``, ``detect``) call plain
service functions, so a worker can run them too. Commands import what they run inside
their bodies, so that `telcare --help` starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from telcare import clock
from telcare.config import get_settings

if TYPE_CHECKING:
    from telcare.store.uow import Database

app = typer.Typer(
    help="Quality loop: import-network, open-actions, verify-actions, escalate, detect, "
    "actions, launch, verify-launch, add-tariff, cases.",
    no_args_is_help=True,
)
console = Console()
HQ_CLI = "cli"

MonthOpt = Annotated[str, typer.Option(help="Month, YYYY-MM (default: last month).")]
ProvinceOpt = Annotated[str, typer.Option(help="Province code, or HQ for every province.")]


def _database() -> Database:
    from telcare.store.uow import Database

    return Database(get_settings().database_url)


def _last_month(month: str) -> str:
    from telcare.domain import quality as q
    from telcare.domain.inputs import check_month
    from telcare.domain.months import month_of

    chosen = month or q.previous_month(month_of(clock.now()))
    try:
        check_month(chosen)
    except Exception as err:
        raise typer.BadParameter(f"bad month {month!r}", param_hint="--month") from err
    return chosen


def _hq():  # type: ignore[no-untyped-def]
    from telcare.domain.access import Kind, Principal

    return Principal(Kind.STAFF, HQ_CLI, "HQ", "admin")


def _fail(err: Exception) -> typer.Exit:
    from telcare.domain.errors import DomainError
    from telcare.domain.messages import render

    text = render(err.key, "en", **err.params) if isinstance(err, DomainError) else str(err)
    console.print(f"[red]{text}[/]")
    return typer.Exit(2)


@app.command("import-network")
def import_network(
    path: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="CSV: cell,province,day,drops,attempts"
        ),
    ],
) -> None:
    """Import per-cell daily call counters (feeds NET_DROP); a cell-day is replaced."""
    from telcare.domain.errors import DomainError
    from telcare.services.quality import network

    try:
        done = network.import_kpis(_database(), path.read_text(encoding="utf-8"),
                                   source=path.name)  # fmt: skip
    except (DomainError, UnicodeDecodeError) as err:
        raise _fail(err) from err
    console.print(f"rows {done.rows:,} · cells {done.cells:,} · days {done.days:,}")


@app.command("open-actions")
def open_actions(month: MonthOpt = "") -> None:
    """Open an improvement action for each missed standard/indicator and major complaint."""
    from telcare.services.quality import actions

    chosen = _last_month(month)
    console.print(f"{chosen}: {actions.open_for_missed(_database(), chosen):,} actions opened")


@app.command("verify-actions")
def verify_actions(month: MonthOpt = "") -> None:
    """Verify done actions by MONTH's figures (met: closed; missed: open again)."""
    from telcare.services.quality import actions

    chosen = _last_month(month)
    counts = actions.verify_actions(_database(), chosen)
    console.print(f"{chosen}: " + " · ".join(f"{k} {v:,}" for k, v in counts.items()))


@app.command()
def escalate() -> None:
    """Escalate overdue actions (province head, then headquarters; once a week)."""
    from telcare.services.quality import actions

    console.print(f"{actions.escalate_overdue(_database()):,} actions escalated")


@app.command()
def detect() -> None:
    """Open discipline cases for breaches of the five prohibitions the system finds."""
    from telcare.services.quality import discipline

    console.print(f"{discipline.detect(_database()):,} discipline cases opened")


@app.command("actions")
def list_actions(
    province: ProvinceOpt = "HQ",
    status: Annotated[str, typer.Option(help="open, done or closed (default: all).")] = "",
) -> None:
    """List improvement actions."""
    from telcare.domain.errors import DomainError
    from telcare.services.quality import actions

    try:
        rows = actions.list_actions(_database(), _hq(), province=province, status=status or None)
    except (DomainError, ValueError) as err:
        raise _fail(err) from err
    table = Table("id", "province", "month", "title", "owner", "due", "status", "escalation")
    for a in rows:
        table.add_row(str(a.id), a.province, a.month, a.title, f"{a.department} {a.owner}",
                      a.due_on.isoformat(), a.status, str(a.escalation))  # fmt: skip
    console.print(table)


@app.command()
def launch() -> None:
    """List launch checklists (under test first)."""
    from telcare.services.quality import launch as gate

    table = Table("kind", "item", "status", "missing", "prepared", "approved")
    for c in gate.checklists(_database(), _hq()):
        table.add_row(c.kind, c.item, c.status, ",".join(c.missing), c.prepared_by,
                      c.approved_by or "")  # fmt: skip
    console.print(table)


@app.command("verify-launch")
def verify_launch(
    kind: Annotated[str, typer.Argument(help="product, sp_service or tariff")],
    item: Annotated[str, typer.Argument(help="CODE, ACCESS:CODE or CODE@YYYY-MM-DD")],
) -> None:
    """Run a checklist's test orders on its test lines (SMS and web) and record each check."""
    from telcare import wiring
    from telcare.channels.sms import launch_test
    from telcare.domain.errors import DomainError

    wiring.connect()
    try:
        done = launch_test.run(_database(), _hq(), kind, item)
    except DomainError as err:
        raise _fail(err) from err
    table = Table("step", "line", "result", "evidence")
    for name, r in done.steps.items():
        if isinstance(r, dict) and "ok" in r:
            mark = "[green]pass[/]" if r["ok"] else "[red]fail[/]"
            table.add_row(name, str(r.get("line", "")), mark, str(r.get("evidence", ""))[:80])
    console.print(table)
    console.print(f"missing: {', '.join(done.missing) or '-'}")
    if not done.steps.get("last_run", {}).get("passed"):
        raise typer.Exit(1)


@app.command("add-tariff")
def add_tariff(
    code: Annotated[str, typer.Argument(help="Tariff code, e.g. DATA_STD")],
    fen_per_unit: Annotated[str, typer.Argument(help="New price in fen per unit, e.g. 0.8")],
    valid_from: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
) -> None:
    """Add a dated tariff price; it rates nothing until its launch checklist passes."""
    from datetime import date

    from telcare.domain.errors import DomainError
    from telcare.services.catalog_admin import tariffs

    try:
        day = date.fromisoformat(valid_from)
    except ValueError as err:
        raise typer.BadParameter(f"bad date {valid_from!r}", param_hint="--from") from err
    try:
        item = tariffs.add_price(_database(), _hq(), code, fen_per_unit, day)
    except DomainError as err:
        raise _fail(err) from err
    console.print(f"added {item}: start its launch test (kind tariff) before it rates")


@app.command()
def cases(month: MonthOpt = "", province: ProvinceOpt = "HQ") -> None:
    """The monthly summary of discipline cases per province."""
    from telcare.services.quality import discipline

    chosen = _last_month(month)
    table = Table("province", "found", "by prohibition", "by status")
    for s in discipline.monthly_summary(_database(), _hq(), chosen, province=province):
        table.add_row(s.province, str(s.found), str(s.by_rule), str(s.by_status))
    console.print(table)
