"""``telcare usage``: rate usage files (with a progress bar) and generate demo usage.

Commands import what they run inside their bodies, so that `telcare --help` starts fast
(start-up time, not layering).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from telcare.config import get_settings

if TYPE_CHECKING:
    from telcare.store.uow import Database

app = typer.Typer(help="Usage records: rate files, generate demo usage.", no_args_is_help=True)
console = Console()


def _database() -> Database:
    from telcare.store.uow import Database  # imported late: --help stays fast

    return Database(get_settings().database_url)


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or Parquet.")],
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Reject file (default FILE.rejects.csv).")
    ] = None,
    max_future_hours: Annotated[
        float,
        typer.Option(min=0, help="Reject usage dated more than this many hours after now."),
    ] = 24.0,
) -> None:
    """Rate a usage file; re-running it charges nothing more, and resumes a stopped run.

    Exit status: 0 done, 2 the file cannot be rated (bad header, already being rated by
    another run), 1 the run stopped on an error (the job is marked failed; run again to
    resume).
    """
    from datetime import timedelta

    from telcare.domain.errors import DomainError
    from telcare.domain.messages import EN, render
    from telcare.domain.money import fen_to_yuan
    from telcare.services import charging

    db = _database()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        "[progress.percentage]{task.percentage:>3.0f}%",
        DownloadColumn() if not _is_parquet(file) else "",
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("计费 Rating", total=None)

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            summary = charging.ingest(
                db,
                file,
                reject_path=rejects,
                progress=step,
                max_future=timedelta(hours=max_future_hours),
            )
        except DomainError as exc:
            zh, en = render(exc.key, **exc.params), render(exc.key, EN, **exc.params)
            console.print(f"[red]无法计费 cannot rate {file}: {zh} {en}[/]")
            raise typer.Exit(2) from exc
        except Exception as exc:  # the job is marked failed with the reason
            console.print(
                f"[red]计费中断 ingest of {file} stopped: {type(exc).__name__}: {exc}[/]\n"
                "作业已标记为失败，重新运行即可续算 (job marked failed; run again to resume)"
            )
            raise typer.Exit(1) from exc
    table = Table(
        "", "", title=f"usage ingest {file.name}" + (" (resumed)" if summary.resumed else "")
    )
    table.add_row("已计费 rated", f"{summary.rated:,}")
    table.add_row("重复 duplicates", f"{summary.duplicates:,}")
    table.add_row("拒绝 rejected", f"{summary.rejected:,}")
    table.add_row("总费用 total charged (yuan)", fen_to_yuan(summary.charged_fen))
    console.print(table)
    if summary.rejected:
        console.print(f"rejects: {summary.reject_path}")


def _is_parquet(file: Path) -> bool:
    with file.open("rb") as f:
        return f.read(4) == b"PAR1"


@app.command()
def generate(
    out: Annotated[Path, typer.Argument(dir_okay=False, help="CSV file to write.")],
    records: Annotated[int, typer.Option(min=1, help="How many records.")] = 100_000,
    days: Annotated[int, typer.Option(min=1, help="Spread over the days before today.")] = 1,
    prefix: Annotated[str, typer.Option(help="record_id prefix (new ids per prefix).")] = "g",
) -> None:
    """Write realistic usage records for the subscribers in the database."""
    from telcare.services import charging

    with console.status("生成 Generating…"):
        n = charging.generate_usage(_database(), out, records, days=days, prefix=prefix)
    console.print(f"{n:,} records → {out}")
