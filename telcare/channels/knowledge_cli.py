"""``telcare kb``: search the knowledge base, write a new version of an article, approve
or retire one; ``telcare calls import``: load the call centre's call records.

The CLI runs with the database's credentials, as a headquarters staff member named with
``--by`` (default ``cli``); approval still needs someone other than the author. Commands
import what they run inside their bodies, so that `telcare --help` starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table

from telcare.config import get_settings

if TYPE_CHECKING:
    from telcare.domain.access import Principal
    from telcare.store.uow import Database

kb_app = typer.Typer(
    help="The knowledge base: search, new versions, approval.", no_args_is_help=True
)
calls_app = typer.Typer(help="The 10086 call centre's call records.", no_args_is_help=True)
console = Console()
By = Annotated[str, typer.Option("--by", help="The HQ staff member acting.")]
Lang = Annotated[str, typer.Option("--lang", help="zh-CN or en.")]


def _database() -> Database:
    from telcare.store.uow import Database  # imported late: --help stays fast

    return Database(get_settings().database_url)


def _hq(username: str) -> Principal:
    from telcare.domain.access import Kind, Principal
    from telcare.domain.provinces import HQ

    return Principal(Kind.STAFF, username, HQ, "admin")


def _refused(err: Exception) -> typer.Exit:
    from telcare.domain.errors import DomainError
    from telcare.domain.messages import render

    assert isinstance(err, DomainError)
    console.print(f"[red]{render(err.key, 'en', **err.params)}[/]")
    return typer.Exit(2)


@kb_app.command()
def search(question: str, lang: Lang = "zh-CN", limit: int = 5) -> None:
    """The articles that answer QUESTION, best first."""
    from telcare.services import knowledge

    table = Table("slug", "v", "cover", "title", "SMS answer", title=question)
    for hit in knowledge.search(_database(), question, lang, limit=limit):
        a = hit.article
        table.add_row(a.slug, str(hit.version), f"{hit.confidence:.0%}", a.title, a.sms_answer)
    console.print(table)


@kb_app.command()
def draft(file: Path, by: By = "cli") -> None:
    """Write a new version of the article in FILE (YAML: slug, language, category, title,
    body, sms_answer, questions, valid_from, valid_to); it waits for approval."""
    import yaml

    from telcare.domain.errors import DomainError
    from telcare.services import knowledge

    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        console.print("[red]the file must hold one article (a mapping)[/]")
        raise typer.Exit(2)
    try:
        made = knowledge.write_draft(_database(), _hq(by), data)
    except DomainError as err:
        raise _refused(err) from err
    console.print(f"draft {made.article.slug} {made.article.language} v{made.version}")


@kb_app.command()
def approve(slug: str, version: int, lang: Lang = "zh-CN", by: By = "cli") -> None:
    """Approve VERSION of SLUG (not by its author): it is in force from now."""
    from telcare.domain.errors import DomainError
    from telcare.services import knowledge

    try:
        knowledge.approve(_database(), _hq(by), slug, lang, version)
    except DomainError as err:
        raise _refused(err) from err
    console.print(f"approved {slug} {lang} v{version}")


@kb_app.command()
def retire(slug: str, lang: Lang = "zh-CN", by: By = "cli") -> None:
    """Take SLUG out of service (its versions are kept)."""
    from telcare.domain.errors import DomainError
    from telcare.services import knowledge

    try:
        knowledge.retire(_database(), _hq(by), slug, lang)
    except DomainError as err:
        raise _refused(err) from err
    console.print(f"retired {slug} {lang}")


@calls_app.command("import")
def import_(
    file: Path,
    province: Annotated[
        str | None, typer.Option(help="Province of rows without a province column.")
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Write rejected rows (line, reason) here as CSV.")
    ] = None,
) -> None:
    """Import FILE, a CSV of call records (call_id, queue, offered, answered, abandoned,
    ended, agent[, province]); bad rows are rejected with their line and reason."""
    import csv

    from telcare.services import callcentre

    size = file.stat().st_size
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn())
    with file.open(encoding="utf-8-sig", newline="") as f, Progress(*columns) as progress:
        task = progress.add_task("导入话单 Importing calls", total=size or 1)

        def lines() -> object:
            for line in f:
                progress.update(task, advance=len(line.encode("utf-8")))
                yield line

        report = callcentre.import_calls(_database(), lines(), province)  # type: ignore[arg-type]
    if rejects is not None:
        with rejects.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(("line", "reason"))
            writer.writerows(report.rejected)
    table = Table("read", "imported", "duplicates", "rejected", title=str(file))
    table.add_row(*(str(n) for n in (report.read, report.imported, report.duplicates,
                                      len(report.rejected))))  # fmt: skip
    console.print(table)
    for line, reason in report.rejected[:10]:
        console.print(f"[yellow]line {line}: {reason}[/]")
