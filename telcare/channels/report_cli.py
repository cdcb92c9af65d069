"""``telcare report``: the monthly service-quality report (HTML and PDF).

Commands import what they run inside their bodies, so that `telcare --help` starts fast
(start-up time, not layering).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from telcare import clock
from telcare.config import get_settings
from telcare.domain.months import month_of

app = typer.Typer(
    help="Reports: the monthly service-quality report, its demo activity, a line's statement.",
    no_args_is_help=True,
)


@app.callback()
def _reports() -> None:
    """Reports."""


@app.command()
def quality(
    province: Annotated[str, typer.Option(help="Province code, or HQ for the nation.")] = "HQ",
    month: Annotated[str, typer.Option(help="Month, YYYY-MM.")] = "",
    out: Annotated[Path, typer.Option(help="HTML file; the PDF is written next to it.")] = Path(
        "quality.html"
    ),
    lang: Annotated[str, typer.Option(help="zh (default) or en.")] = "zh",
) -> None:
    """Write the service-quality report of a province (or HQ) for a month: HTML and PDF."""

    from telcare.channels.documents.quality import write_report
    from telcare.domain import quality as q
    from telcare.domain.provinces import HQ, PROVINCES
    from telcare.services.quality import overview
    from telcare.services.quality.actions import for_report
    from telcare.store.uow import Database

    code = province.upper()
    if code != HQ and code not in {p.code for p in PROVINCES}:
        raise typer.BadParameter(f"unknown province {province!r}", param_hint="--province")
    chosen = month or month_of(clock.now())
    try:
        q.parse_month(chosen)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--month") from err
    db = Database(get_settings().database_url)
    try:
        report = for_report(db, code, chosen)
        html_path, pdf_path = write_report(overview(db, code, chosen), out, lang, report)
    finally:
        db.dispose()
    typer.echo(str(html_path))
    typer.echo(str(pdf_path))


@app.command()
def statement(
    msisdn: Annotated[str, typer.Argument(help="The line, e.g. 13800138000.")],
    month: Annotated[str, typer.Option(help="Month, YYYY-MM (default: last month).")] = "",
    out: Annotated[Path, typer.Option(help="HTML file; the PDF is written next to it.")] = Path(
        "statement.html"
    ),
    lang: Annotated[str, typer.Option(help="zh (default) or en.")] = "zh",
) -> None:
    """Write a line's monthly statement: HTML and the PDF printed from it (the figures of
    the business hall's statement page)."""
    from datetime import timedelta

    from telcare.channels.documents.statement import write_statement
    from telcare.domain.errors import DomainError
    from telcare.domain.messages import render
    from telcare.services import cycle
    from telcare.store.uow import Database

    first = clock.local_now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    chosen = month or month_of(first - timedelta(days=1))
    db = Database(get_settings().database_url)
    try:
        try:
            st = cycle.statement(db, msisdn, chosen)
        except DomainError as err:
            raise typer.BadParameter(render(err.key, lang, **err.params)) from err
        html_path, pdf_path = write_statement(st, out, lang)
    finally:
        db.dispose()
    typer.echo(str(html_path))
    typer.echo(str(pdf_path))


@app.command("demo-activity")
def demo_activity(
    months: Annotated[int, typer.Option(min=1, max=24, help="Months of activity.")] = 3,
    until: Annotated[str, typer.Option(help="Last day, YYYY-MM-DD (default: now).")] = "",
    seed: Annotated[int, typer.Option(help="Random seed (one run per seed).")] = 2026,
    lines: Annotated[
        int | None, typer.Option(min=1, help="Demo lines that take part (default 400).")
    ] = None,
) -> None:
    """Play months of demo activity (tickets, surveys, spam, recharges, gifts, usage) on
    the demo operator, so the quality report and dashboards show figures. Idempotent.
    The README's example lines (13800138000, 13900139000) never take part."""
    from rich.progress import Progress

    from telcare import wiring
    from telcare.demo.activity import generate
    from telcare.store.uow import Database

    wiring.connect()  # the demo delivers and reports spam
    db = Database(get_settings().database_url)
    try:
        with Progress() as bar:
            task = bar.add_task("demo activity", total=None)

            def tick(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            created = generate(
                db, months=months, until=until or None, seed=seed, progress=tick, lines=lines
            )
    finally:
        db.dispose()
    if not created:
        typer.echo(f"demo activity for seed {seed} already generated: nothing added")
    for what, n in created.items():
        typer.echo(f"{what}: {n}")
