"""Alembic, driven from code: one migration history for SQLite and PostgreSQL."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str, engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(url: str, engine: Engine | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(url, engine), revision)


@lru_cache
def heads() -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this version."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def at_head(conn: Connection) -> bool:
    """Whether the database behind ``conn`` is at the migrations' head revision(s)
    (read straight from ``alembic_version``: a probe should not log)."""
    if not inspect(conn).has_table("alembic_version"):
        return False
    current = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return set(current) == heads()
