"""``telcare loyalty``: earn points for new charges and top-ups, expire old points,
refund expired merchant codes, print the merchant settlement report, seed the
loyalty demo data.

Commands import what they run inside their bodies, so that `telcare --help` starts fast
(start-up time, not layering).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from telcare.config import get_settings

if TYPE_CHECKING:
    from telcare.store.uow import Database

app = typer.Typer(
    help="Points: accrue, expire, expire-codes, settlement, seed.", no_args_is_help=True
)
console = Console()


def _database() -> Database:
    from telcare.store.uow import Database  # imported late: --help stays fast

    return Database(get_settings().database_url)


@app.command()
def accrue() -> None:
    """Earn points for every charge, refund and recharge not counted yet (idempotent)."""
    from telcare.services import loyalty

    done = loyalty.accrue(_database())
    console.print(f"entries {done.entries:,} · accounts {done.accounts:,} · points {done.points:,}")


@app.command()
def expire(
    year: Annotated[int, typer.Argument(min=2000, max=9999, help="The year points were earned.")],
) -> None:
    """Expire points earned in YEAR that were unused when YEAR+2 began (once per account)."""
    from telcare.domain.errors import DomainError
    from telcare.domain.messages import render
    from telcare.services import loyalty

    try:
        done = loyalty.expire(_database(), year)
    except DomainError as err:
        console.print(f"[red]{render(err.key, 'en', **err.params)}[/]")
        raise typer.Exit(2) from err
    console.print(f"year {year}: {done.points:,} points expired on {done.accounts:,} accounts")


@app.command()
def settlement(
    month: Annotated[str, typer.Option(help="YYYY-MM; every month if left out.")] = "",
) -> None:
    """Points honoured per merchant per month, as CSV on standard output."""
    from telcare.services import loyalty

    typer.echo(loyalty.settlement_csv(loyalty.settlement(_database(), month or None)), nl=False)


@app.command()
def seed() -> None:
    """Tiers, accrual rules, campaigns, partner merchants and gifts (idempotent)."""
    from telcare.demo.loyalty import seed_loyalty

    for merchant, password in seed_loyalty(_database()).items():
        console.print(f"merchant {merchant} password {password}")


@app.command("expire-codes")
def expire_codes() -> None:
    """Give back the points of merchant codes that expired unused (once per code)."""
    from telcare.services import loyalty

    done = loyalty.refund_expired_codes(_database())
    console.print(f"codes {done.codes:,} · points {done.points:,} given back")
