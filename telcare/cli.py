"""The ``telcare`` command (Typer + Rich).

Commands import what they run inside their bodies, so that `telcare --help` starts fast
(start-up time, not layering).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import uuid
from inspect import signature
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from telcare import __version__
from telcare.antispam.cli import app as spam_app
from telcare.channels import process
from telcare.channels.bus_cli import app as bus_app
from telcare.channels.config_cli import app as config_app
from telcare.channels.knowledge_cli import calls_app, kb_app
from telcare.channels.logins_cli import app as logins_app
from telcare.channels.loyalty_cli import app as loyalty_app
from telcare.channels.quality_cli import app as quality_app
from telcare.channels.report_cli import app as report_app
from telcare.channels.sms.messages import MoMessage
from telcare.channels.survey_cli import app as survey_app
from telcare.channels.tmf_cli import app as tmf_app
from telcare.channels.usage_cli import app as usage_app
from telcare.channels.worker_cli import jobs as jobs_command
from telcare.channels.worker_cli import worker as worker_command
from telcare.config import get_settings

if TYPE_CHECKING:
    from telcare.store.uow import Database

app = typer.Typer(
    help="Telcare: customer service and service quality for a mobile operator.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


def _version(value: bool) -> None:
    if value:
        console.print(f"telcare {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Telcare: customer service and service quality for a mobile operator."""


def _database() -> Database:
    """The configured database, with the capabilities' reactions connected."""
    from telcare import wiring
    from telcare.store.uow import Database  # imported late: --help stays fast

    wiring.connect()
    return Database(get_settings().database_url)


@app.command()
def init(
    demo: Annotated[bool, typer.Option(help="Seed the demo operator.")] = False,
    subscribers: Annotated[int, typer.Option(help="Generated demo subscribers.")] = 2000,
) -> None:
    """Migrate the database and seed reference data (and, with --demo, the demo operator)."""
    from telcare.demo.seed import seed_demo, seed_reference
    from telcare.store.migrate import upgrade

    settings = get_settings()
    db = _database()
    with console.status("迁移数据库 Migrating…"):
        upgrade(settings.database_url, db.engine)
    with console.status("写入数据 Seeding…"):
        report = seed_demo(db, subscribers) if demo else seed_reference(db)
    table = Table("created", "rows", title=f"telcare init → {settings.database_url}")
    for what, n in report.created.items():
        table.add_row(what, str(n))
    if not report.created:
        table.add_row("(nothing new)", "0")
    console.print(table)
    for username, password in report.staff_passwords.items():
        console.print(f"staff [bold]{username}[/] password: [bold]{password}[/]")
    for merchant, password in report.merchant_passwords.items():
        console.print(f"merchant [bold]{merchant}[/] password: [bold]{password}[/]")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Demo mode (TELCARE_DEMO=1): the SMS simulator, a demo banner, and a kept "
            "random key when TELCARE_SECRET_KEY is not set. Never in production.",
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (uvicorn); metrics are summed.")
    ] = 1,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            help="Take the client address and scheme (https: Secure cookies) from "
            "X-Forwarded-For/-Proto, from the addresses of --forwarded-allow-ips only.",
        ),
    ] = True,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            envvar="FORWARDED_ALLOW_IPS",
            help="The reverse proxies trusted for X-Forwarded-* (comma-separated "
            "addresses or networks, or *).",
        ),
    ] = "127.0.0.1",
    ssl_certfile: Annotated[
        str | None, typer.Option(help="Serve HTTPS directly with this certificate (PEM).")
    ] = None,
    ssl_keyfile: Annotated[str | None, typer.Option(help="The certificate's key (PEM).")] = None,
    log_level: process.LogLevel = None,
) -> None:
    """Serve the API and the pages (and, in demo mode, the SMS simulator)."""
    from telcare.channels import startup

    if demo:
        startup.enable_demo()
    startup.require_secret()  # before the app's imports: a refusal comes at once
    startup.share_log_level(log_level)
    if workers > 1:
        startup.share_metrics_folder()
    process.configure_logs(log_level)
    import uvicorn

    uvicorn.run(
        "telcare.channels.api.app:production_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        log_config=None,  # our structured logs (telcare.ops.logs), set up in each worker
        access_log=False,  # one line per request comes from the app's middleware
        # Chat frames are a few hundred bytes: deflating each cost more CPU than anything
        # else on a node with 1,000 chat sockets (docs/benchmarks.md, "Online chat").
        ws_per_message_deflate=False,
    )


@app.command()
def sms(
    sender: Annotated[str, typer.Argument(metavar="FROM")],
    recipient: Annotated[str, typer.Argument(metavar="TO")],
    text: Annotated[str, typer.Argument(metavar="TEXT")],
) -> None:
    """Deliver one mobile-originated SMS; print each reply as TO_NUMBER<TAB>TEXT.

    A reply the platform queues as a notification (the 10086999 acknowledgement of a spam
    report, sent by the SMPP worker) is printed the same way, from its service number.
    To another subscriber the SMS goes through the firewall: delivered, it prints
    TO<TAB>TEXT; held or refused, nothing on standard output and the reason on standard error.
    """
    from telcare.channels.sms.dispatcher import SmsDispatcher
    from telcare.domain.errors import DomainError
    from telcare.domain.msisdn import normalise_msisdn
    from telcare.services import notify

    db = _database()
    _require_migrated(db)
    mark = notify.last_id(db)
    outcome = SmsDispatcher(db).run(
        MoMessage(sender, recipient, text, message_id=f"cli-{uuid.uuid4()}")
    )
    decision = outcome.decision
    if outcome.held and decision is not None:
        detail = f" ({decision.detail})" if decision.detail else ""
        typer.echo(f"{decision.action.value}: {decision.reason.value}{detail}", err=True)
        for reply in outcome.replies:
            typer.echo(f"{reply.sender}\t{reply.text}", err=True)
        return
    for reply in outcome.replies:
        typer.echo(f"{reply.recipient if decision else reply.sender}\t{reply.text}")
    if decision is None:
        try:
            number = normalise_msisdn(sender)
        except DomainError:
            return
        for service, queued in notify.queued_since(db, mark, number):
            typer.echo(f"{service}\t{queued}")


@app.command()
def smpp(
    drain_every: Annotated[float, typer.Option(help="Seconds between outbox drains.")] = 1.0,
    log_level: process.LogLevel = None,
    health_port: process.HealthPort = None,
) -> None:
    """Bind to the SMSC (TELCARE_SMPP_*): answer MOs and deliver the notification outbox."""
    from telcare.channels import startup
    from telcare.channels.sms.smpp import GatewayCrashed, SmppGateway
    from telcare.channels.sms.smpp.serve import serve
    from telcare.ops import health
    from telcare.services import backlogs

    startup.require_secret()
    settings = get_settings()
    db = _database()
    _require_migrated(db)
    # Load the spam model before binding: the SMS firewall judges person-to-person MOs, and a
    # first MO that waited for the model could miss the SMSC's response timeout.
    from telcare.antispam import classifier

    classifier().classify("")

    def before(gateway: SmppGateway) -> None:
        checks = health.for_node(db, settings.bus_url).add("smpp", health.smpp_check(gateway))
        checks.before_metrics.append(lambda: backlogs.refresh_gauges(db))
        process.begin("smpp", log_level, health_port, checks, db.engine)

    try:
        serve(db, drain_every, settings, before)
    except GatewayCrashed as exc:  # non-zero, so a supervisor restarts the gateway
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc


def _require_migrated(db: Database) -> None:
    from sqlalchemy import inspect

    if not inspect(db.engine).has_table("alembic_version"):
        console.print(
            "[red]数据库未初始化，请先运行 telcare init --demo[/] "
            "(database not initialised: run `telcare init --demo`)"
        )
        raise typer.Exit(2)


@app.command()
def bench(
    name: Annotated[str, typer.Argument(help="Benchmark name, e.g. spam.")],
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line.")] = False,
    records: Annotated[
        int | None, typer.Option(help="Size of the workload, for benchmarks that take one.")
    ] = None,
    minutes: Annotated[
        float | None, typer.Option(help="Duration, for timed benchmarks (soak).")
    ] = None,
) -> None:
    """Run a benchmark; with --json the last line is one JSON object of its figures."""
    import telcare.benchmarks as benchmarks

    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__))
    if name not in names:
        console.print(f"[red]unknown benchmark {name!r}[/]; known: {', '.join(names)}")
        raise typer.Exit(2)
    run = importlib.import_module(f"telcare.benchmarks.{name}").run
    options = {"records": records, "minutes": minutes}
    accepted = signature(run).parameters
    if unknown := [k for k, v in options.items() if v is not None and k not in accepted]:
        console.print(f"[red]bench {name} takes no --{unknown[0]}[/]")
        raise typer.Exit(2)
    figures = run(**{k: v for k, v in options.items() if v is not None})
    table = Table("figure", "value", title=f"bench {name}")
    for key, value in figures.items():
        table.add_row(key, f"{value:,.3f}" if isinstance(value, float) else str(value))
    console.print(table)
    if as_json:
        typer.echo(json.dumps(figures, sort_keys=True))


app.command("worker")(worker_command)
app.command("jobs")(jobs_command)
app.add_typer(spam_app, name="spam", help="Train, run and evaluate the spam classifier.")
app.add_typer(usage_app, name="usage", help="Rate usage records (CSV/Parquet).")
app.add_typer(bus_app, name="bus", help="Province-to-headquarters event bus.")
app.add_typer(loyalty_app, name="loyalty", help="Points: accrual, expiry, merchant settlement.")
app.add_typer(survey_app, name="survey", help="Satisfaction surveys and the customer club.")
app.add_typer(report_app, name="report", help="Monthly service-quality reports.")
app.add_typer(config_app, name="config", help="Settings reference and production check.")
app.add_typer(quality_app, name="quality", help="Quality loop: actions, launch gate, discipline.")
app.add_typer(tmf_app, name="tmf", help="TM Forum APIs: event listeners (the hub).")
app.add_typer(logins_app, name="logins", help="Lockouts, staff accounts, tokens, audit log.")
app.add_typer(kb_app, name="kb", help="The knowledge base: search, new versions, approval.")
app.add_typer(calls_app, name="calls", help="The 10086 call centre's call records.")
