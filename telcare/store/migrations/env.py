"""Alembic environment: uses the engine handed over by :mod:`telcare.store.migrate`."""

from __future__ import annotations

from alembic import context

from telcare.store.all_models import Base
from telcare.store.db import make_engine
from telcare.store.knowledge_models import managed_by_migrations

config = context.config
engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=managed_by_migrations,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
