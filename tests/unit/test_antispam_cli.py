"""``telcare spam`` sub-app through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from telcare.antispam.cli import app
from tests.unit.test_antispam_model import HAM, SPAM, small_data_dir

runner = CliRunner()
KEYS = {"accuracy", "precision", "recall", "f1", "mcc", "fpr", "n"}


def _tsv(tmp_path: Path) -> Path:
    f = tmp_path / "labelled.tsv"
    lines = [f"spam\t{t}" for t in SPAM] + [f"ham\t{t}" for t in HAM]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


def test_eval_json_last_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(_tsv(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output
    metrics = json.loads(result.output.strip().splitlines()[-1])
    assert set(metrics) == KEYS
    assert metrics["n"] == len(SPAM) + len(HAM)
    assert metrics["accuracy"] == 1.0
    assert metrics["fpr"] == 0.0


def test_eval_without_json_prints_table_only(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(_tsv(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "MCC" in result.output
    assert not result.output.strip().splitlines()[-1].startswith("{")


def test_eval_rejects_bad_input(tmp_path: Path) -> None:
    assert runner.invoke(app, ["eval", str(tmp_path / "missing.tsv")]).exit_code != 0
    bad = tmp_path / "bad.tsv"
    bad.write_text("no tab here\n", encoding="utf-8")
    assert runner.invoke(app, ["eval", str(bad)]).exit_code != 0


def test_classify_prints_label_and_score() -> None:
    result = runner.invoke(app, ["classify", SPAM[0]])
    assert result.exit_code == 0, result.output
    label, score = result.output.split()
    assert label == "spam"
    assert 0.5 < float(score) <= 1.0
    result = runner.invoke(app, ["classify", "--json", HAM[2]])
    assert json.loads(result.output)["label"] == "ham"


def test_train_small_then_eval_with_model(tmp_path: Path) -> None:
    out = tmp_path / "spam-small.skops"
    data = small_data_dir(tmp_path, lines=1000)
    result = runner.invoke(
        app, ["train", "--data-dir", str(data), "--out", str(out), "--folds", "2"]
    )
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert out.with_suffix(".json").is_file()
    assert "cross-validation" in result.output
    meta = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["version"] == "spam-small"
    assert set(meta["cv_metrics"]["en"]) == KEYS
    result = runner.invoke(app, ["eval", str(_tsv(tmp_path)), "--json", "--model", str(out)])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.output.strip().splitlines()[-1])) == KEYS


def test_train_missing_data(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["train", "--data-dir", str(tmp_path), "--out", str(tmp_path / "m.skops")]
    )
    assert result.exit_code == 2


def test_purge_removes_old_quarantined_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from telcare.config import get_settings
    from telcare.demo.seed import seed_demo
    from telcare.domain.antispam_rules import RuleKind
    from telcare.services import antispam
    from telcare.store.migrate import upgrade
    from telcare.store.uow import Database

    url = f"sqlite:///{tmp_path / 'p.db'}"
    db = Database(url)
    upgrade(url, db.engine)
    seed_demo(db, subscribers=3)
    antispam.add_rule(db, "13800138000", RuleKind.KEYWORD, "中奖")
    old = datetime.now(UTC) - timedelta(days=31)
    antispam.deliver_mt(db, "13512345678", "13800138000", "中奖了", message_id="old", now=old)
    antispam.deliver_mt(db, "13512345678", "13800138000", "又中奖了", message_id="new")
    monkeypatch.setenv("TELCARE_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["purge"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0 and "purged 1" in result.output
    assert [m.message_id for m in antispam.quarantine(db, "13800138000")] == ["new"]
