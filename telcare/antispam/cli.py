"""``telcare spam``: train, classify and evaluate the spam classifier.

Commands import what they run inside their bodies, so that `telcare --help` starts fast
(start-up time, not layering).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from telcare.antispam.paths import DEFAULT_DATA_DIR, DEFAULT_MODEL_PATH, LANGS, VALIDATION_PATH

if TYPE_CHECKING:
    from telcare.antispam.training import Metrics

app = typer.Typer(help="Spam SMS classifier.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

BATCH = 2000


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _table(title: str, rows: dict[str, Metrics]) -> Table:
    table = Table(title=title)
    table.add_column("set")
    for col in ("accuracy", "precision", "recall", "F1", "MCC", "ham FPR", "n"):
        table.add_column(col, justify="right")
    for name, m in rows.items():
        table.add_row(
            name,
            f"{m.accuracy:.2%}",
            f"{m.precision:.2%}",
            f"{m.recall:.2%}",
            f"{m.f1:.4f}",
            f"{m.mcc:.4f}",
            f"{m.fpr:.3%}",
            str(m.n),
        )
    return table


@app.command()
def train(
    data_dir: Path = typer.Option(DEFAULT_DATA_DIR, help="Folder with zh_train.tsv, en_train.tsv."),
    out_path: Path = typer.Option(DEFAULT_MODEL_PATH, "--out", help="Model file (.skops)."),
    folds: int = typer.Option(5, min=0, help="Cross-validation folds (0: skip)."),
    limit: int | None = typer.Option(None, help="Use only the first N lines per file."),
) -> None:
    """Fit the model, cross-validate it and write it with its metrics."""
    from telcare.antispam.model import SpamModel
    from telcare.antispam.training import train as fit

    for lang in LANGS:
        if not (data_dir / f"{lang}_train.tsv").is_file():
            err.print(f"[red]missing {data_dir / f'{lang}_train.tsv'}[/red]")
            raise typer.Exit(2)
    with _progress() as bar:
        task = bar.add_task("training", total=len(LANGS) * (1 + (folds if folds >= 2 else 0)))
        models, metrics = fit(
            data_dir,
            folds=folds,
            limit=limit,
            step=lambda d: bar.update(task, advance=1, description=d),
        )
    meta = SpamModel(models).save(out_path, metrics, cv_folds=folds if metrics else 0)
    if metrics:
        out.print(_table(f"{folds}-fold cross-validation", metrics))
    out.print(f"wrote {out_path} ({meta['bytes'] / 1e6:.1f} MB, version {meta['version']})")


@app.command()
def classify(
    text: str,
    model: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="Model file (default: packaged)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Print the label and spam score of TEXT."""
    from telcare.antispam.model import SpamModel

    verdict = SpamModel.load(model).classify(text)
    if as_json:
        out.print_json(
            json.dumps({"label": verdict.label, "score": verdict.score, "lang": verdict.lang})
        )
    else:
        out.print(f"{verdict.label} {verdict.score:.4f}")


@app.command("eval")
def evaluate(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="spam|ham<TAB>text file."),
    as_json: bool = typer.Option(False, "--json", help="End with one JSON line of metrics."),
    model: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="Model file (default: packaged)."
    ),
) -> None:
    """Score a labelled TSV file: accuracy, precision, recall, F1, MCC, ham FPR."""
    import numpy as np

    from telcare.antispam.model import SpamModel
    from telcare.antispam.training import compute_metrics, load_tsv

    spam_model = SpamModel.load(model)
    try:
        texts, labels = load_tsv(file)
    except (ValueError, UnicodeDecodeError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    pred = np.zeros(len(texts), dtype=bool)
    langs = np.empty(len(texts), dtype=object)
    with _progress() as bar:
        task = bar.add_task("classifying", total=len(texts))
        for i in range(0, len(texts), BATCH):
            verdicts = spam_model.classify_many(texts[i : i + BATCH])
            pred[i : i + BATCH] = [v.is_spam for v in verdicts]
            langs[i : i + BATCH] = [v.lang for v in verdicts]
            bar.update(task, advance=len(verdicts))
    overall = compute_metrics(labels, pred)
    rows = {"all": overall}
    for lang in LANGS:
        mask = langs == lang
        if mask.any() and not mask.all():
            rows[lang] = compute_metrics(labels[mask], pred[mask])
    out.print(_table(f"{file.name} · model {spam_model.version}", rows))
    if as_json:
        print(json.dumps(overall.as_dict()), flush=True)


@app.command()
def validate(
    file: Path = typer.Argument(
        VALIDATION_PATH, exists=True, dir_okay=False, help="spam|ham<TAB>category<TAB>text file."
    ),
    as_json: bool = typer.Option(False, "--json", help="End with one JSON line of figures."),
    model: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="Model file (default: packaged)."
    ),
) -> None:
    """Today's messages by category: labelled spam at the model's threshold, held at the
    firewall's quarantine score; transactional FPR and link-fraud recall."""
    from telcare.antispam.evaluation import evaluate as run
    from telcare.antispam.model import SpamModel

    try:
        report = run(SpamModel.load(model), file)
    except (ValueError, UnicodeDecodeError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    table = Table(title=f"{file.name}: {report.n} messages")
    for col in ("category", "label", "n", "labelled spam", "held"):
        table.add_column(col, justify="left" if col in ("category", "label") else "right")
    for row in report.rows:
        table.add_row(
            row.name,
            row.label,
            str(row.n),
            f"{row.flagged} ({row.flagged_rate:.1%})",
            f"{row.held} ({row.held_rate:.1%})",
        )
    out.print(table)
    out.print(
        f"accuracy {report.accuracy:.2%} · ham FPR {report.ham_fpr:.2%} · transactional held "
        f"{report.transactional_fpr_held:.2%} · link fraud held {report.link_fraud_recall_held:.2%}"
    )
    if as_json:
        print(json.dumps(report.as_dict()), flush=True)


@app.command("compare-zh")
def compare_zh(
    data_dir: Path = typer.Option(DEFAULT_DATA_DIR, help="Folder with zh_train.tsv."),
    folds: int = typer.Option(5, min=2, help="Cross-validation folds."),
    strip_punct: bool = typer.Option(True, help="Drop punctuation and spaces first."),
) -> None:
    """Compare jieba word tokens with character n-grams on zh_train.tsv (slow)."""
    from telcare.antispam.compare import compare_zh_tokenizers

    with _progress() as bar:
        task = bar.add_task("comparing", total=None)
        results = compare_zh_tokenizers(
            data_dir / "zh_train.tsv",
            folds,
            strip_punct,
            step=lambda d: bar.update(task, description=d),
        )
    punct = "punctuation stripped" if strip_punct else "punctuation kept"
    out.print(_table(f"zh_train.tsv, {folds}-fold CV, {punct}", results))


@app.command()
def purge(days: int = typer.Option(30, min=1, help="Keep quarantined messages this long.")) -> None:
    """Delete quarantined messages older than DAYS (run daily, e.g. from cron)."""
    from telcare.config import get_settings
    from telcare.services import antispam
    from telcare.store.uow import Database

    db = Database(get_settings().database_url)
    removed = antispam.purge(db, days=days)
    out.print(f"purged {removed} quarantined messages older than {days} days")
