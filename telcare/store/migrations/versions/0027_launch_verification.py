"""launch verification: dated tariff prices go through the launch gate too (kind
``tariff``, item ``CODE@valid_from``); the prices already in force are recorded as
launched

Revision ID: 0027
Revises: 0025
Create Date: 2026-12-05 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

_KINDS_OLD = "kind in ('product','sp_service')"
_KINDS_NEW = "kind in ('product','sp_service','tariff')"


def upgrade() -> None:
    with op.batch_alter_table("launch_checklist") as batch:
        batch.drop_constraint(op.f("ck_launch_checklist_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_launch_checklist_kind"), _KINDS_NEW)
    # the tariff prices in force before the gate stay in force: recorded as launched
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT code, valid_from FROM tariff_price")).all()
    table = sa.table(
        "launch_checklist",
        sa.column("kind", sa.String), sa.column("item", sa.String),
        sa.column("test_lines", sa.JSON), sa.column("steps", sa.JSON),
        sa.column("status", sa.String), sa.column("prepared_by", sa.String),
        sa.column("approved_by", sa.String), sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("passed_at", sa.DateTime(timezone=True)),
    )  # fmt: skip
    now = sa.func.current_timestamp()
    for code, valid_from in rows:
        day = valid_from if isinstance(valid_from, str) else valid_from.isoformat()
        op.execute(
            table.insert().values(
                kind="tariff", item=f"{str(code).upper()}@{day[:10]}", test_lines=[],
                steps={"legacy": True}, status="passed", prepared_by="legacy",
                approved_by="migration-0027", created_at=now, passed_at=now,
            )
        )  # fmt: skip


def downgrade() -> None:
    op.execute("DELETE FROM launch_checklist WHERE kind = 'tariff'")
    with op.batch_alter_table("launch_checklist") as batch:
        batch.drop_constraint(op.f("ck_launch_checklist_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_launch_checklist_kind"), _KINDS_OLD)
