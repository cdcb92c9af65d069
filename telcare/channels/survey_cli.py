"""``telcare survey``: send a survey now, expire open ones, show scores and club counts.

Commands import what they run inside their bodies, so that `telcare --help` starts fast
(start-up time, not layering).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from telcare.config import get_settings

if TYPE_CHECKING:
    from telcare.store.uow import Database

app = typer.Typer(
    help="Satisfaction surveys (10086700) and the customer club.", no_args_is_help=True
)
console = Console()


def _database() -> Database:
    from telcare.store.uow import Database  # imported late: --help stays fast

    return Database(get_settings().database_url)


@app.command()
def send(
    msisdn: Annotated[str, typer.Option("--msisdn", help="The subscriber's number.")],
    trigger: Annotated[
        str, typer.Option("--trigger", help="shop | hotline | ticket | g3 | online | chat.")
    ],
    province: Annotated[
        str | None, typer.Option("--province", help="Where the contact was (default: home).")
    ] = None,
) -> None:
    """Send one survey now, ignoring sampling (the 7-day rule and quiet hours still hold)."""
    from telcare.domain.errors import DomainError
    from telcare.domain.messages import render
    from telcare.domain.subscriptions import OPERATOR_TZ
    from telcare.services import surveys

    try:
        sent = surveys.send_now(_database(), msisdn, trigger, province=province)
    except DomainError as err:
        console.print(f"[red]{render(err.key, **err.params)}[/]")
        raise typer.Exit(2) from err
    if sent.outcome != "surveyed" or sent.sent_at is None:
        console.print(f"[yellow]not sent: {sent.outcome}[/]")
        raise typer.Exit(1)
    when = sent.sent_at.astimezone(OPERATOR_TZ).strftime("%Y-%m-%d %H:%M")
    print(f"survey {sent.survey_id}\t{sent.template} v{sent.version}\tfrom 10086700 at {when}")


@app.command()
def expire() -> None:
    """Close open surveys older than 48 hours."""
    from telcare.services import surveys

    print(f"expired {surveys.expire(_database())}")


@app.command()
def scores(
    by: Annotated[
        str,
        typer.Option("--by", help="Comma-separated: province,channel,shop,template,version,month."),
    ] = "province",
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM.")] = None,
    province: Annotated[str | None, typer.Option("--province")] = None,
) -> None:
    """Satisfaction (share of 4-5 / 满意) with Wilson 95% intervals, and mean scores."""
    from telcare.domain.errors import DomainError
    from telcare.domain.messages import render
    from telcare.services import surveys

    dims = [d.strip() for d in by.split(",") if d.strip()]
    try:
        rows = surveys.scores(_database(), dims, month=month, province=province)
    except DomainError as err:
        console.print(f"[red]{render(err.key, **err.params)}[/]")
        raise typer.Exit(2) from err
    table = Table(*dims, "n", "satisfied", "rate", "95% CI", "mean", "mean 95% CI", title="scores")
    for r in rows:
        table.add_row(
            *r.key,
            str(r.count),
            str(r.satisfied),
            f"{r.rate:.1%}",
            f"{r.rate_low:.1%}–{r.rate_high:.1%}",
            f"{r.mean:.2f}",
            f"{r.mean_low:.2f}–{r.mean_high:.2f}",
        )
    console.print(table)


@app.command()
def club(
    campaign: Annotated[str | None, typer.Option("--campaign", help="One campaign code.")] = None,
) -> None:
    """Club members and, per opinion campaign, opinions and essays."""
    from telcare.services import club as svc

    report = svc.report(_database(), campaign)
    print(f"members\t{report.members}")
    table = Table("campaign", "participants", "members", "opinions", "essays", title="campaigns")
    for c in report.campaigns:
        table.add_row(
            c.code, *(f"{n:,}" for n in (c.participants, c.members, c.opinions, c.essays))
        )
    console.print(table)
