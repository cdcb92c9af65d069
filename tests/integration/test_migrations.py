"""One Alembic history that matches the models on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from telcare.store.all_models import Base
from telcare.store.knowledge_models import managed_by_migrations
from telcare.store.migrate import alembic_config
from telcare.store.uow import Database


def test_migrations_match_the_models(empty_db: Database) -> None:
    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": managed_by_migrations})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(empty_db: Database) -> None:
    config = alembic_config(empty_db.url, empty_db.engine)
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    with empty_db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None


def test_one_linear_history() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    assert all(len(rev._all_down_revisions) <= 1 for rev in script.walk_revisions())
