"""One settings model: the generated reference stays true, secrets stay secret, and
``telcare config check`` refuses what is unsafe in production."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import telcare
from telcare.channels.config_cli import markdown
from telcare.cli import app
from telcare.config import Settings, get_settings

ROOT = Path(telcare.__file__).parents[1]
VARIABLE = re.compile(r"TELCARE_[A-Z_]*[A-Z](?![A-Z_])")
PRODUCTION = {
    "TELCARE_SECRET_KEY": "k" * 40,
    "TELCARE_DATABASE_URL": "postgresql://telcare@db.bj.example/telcare",
    "TELCARE_COOKIE_SECURE": "always",
    "TELCARE_BUS_URL": "tls://nats1.hq.example:4222,tls://nats2.hq.example:4222",
    "TELCARE_DEMO": "0",
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in list(os.environ):
        if name.startswith("TELCARE_"):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_configuration_doc_is_generated_from_the_model() -> None:
    """Regenerate with ``telcare config docs --write docs/configuration.md``."""
    assert (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8") == markdown()


def test_no_setting_is_read_from_the_environment_by_hand() -> None:
    """Every TELCARE_* variable the package names is a field of Settings."""
    fields = {f"TELCARE_{n.upper()}" for n in Settings.model_fields}
    named = set()
    for path in (ROOT / "telcare").rglob("*.py"):
        named |= set(
            re.findall(r"TELCARE_[A-Z_]*[A-Z](?![A-Z_])", path.read_text(encoding="utf-8"))
        )
    assert named - fields == set()


def test_secrets_are_secret(env: pytest.MonkeyPatch) -> None:
    env.setenv("TELCARE_SMPP_PASSWORD", "smsc-pass")
    env.setenv("TELCARE_METRICS_TOKEN", "scrape-me")
    settings = Settings()
    assert "smsc-pass" not in repr(settings) and "scrape-me" not in repr(settings)
    assert settings.smpp_password.get_secret_value() == "smsc-pass"


def test_check_refuses_the_demo_defaults(env: pytest.MonkeyPatch) -> None:
    env.setenv("TELCARE_DEMO", "1")
    env.setenv("TELCARE_SECRET_KEY", "dev-only-change-me")
    env.setenv("TELCARE_BUS_URL", "nats://nats.hq.example:4222")
    env.setenv("TELCARE_COOKIE_SECURE", "never")
    result = CliRunner().invoke(app, ["config", "check"])
    assert result.exit_code == 1
    for what in ("SECRET_KEY is default", "DEMO is on", "COOKIE_SECURE", "SQLite", "no TLS"):
        assert what in result.output


def test_check_passes_a_production_node(env: pytest.MonkeyPatch) -> None:
    for name, value in PRODUCTION.items():
        env.setenv(name, value)
    result = CliRunner().invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output
    env.setenv("TELCARE_SECRET_KEY", "short")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["config", "check"])
    assert result.exit_code == 1 and "SECRET_KEY is short" in result.output


def test_a_local_nats_needs_no_tls(env: pytest.MonkeyPatch) -> None:
    for name, value in {**PRODUCTION, "TELCARE_BUS_URL": "nats://127.0.0.1:4222"}.items():
        env.setenv(name, value)
    assert CliRunner().invoke(app, ["config", "check"]).exit_code == 0


def test_check_names_an_invalid_setting(env: pytest.MonkeyPatch) -> None:
    env.setenv("TELCARE_SMPP_PORT", "not-a-port")
    result = CliRunner().invoke(app, ["config", "check"])
    assert result.exit_code == 2 and "INVALID TELCARE_SMPP_PORT" in result.output
