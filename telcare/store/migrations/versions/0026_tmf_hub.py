"""TMF hub: event listeners per API, the events written with their changes (the hub's
outbox) and one delivery per listener and event (pending, delivered, dead-lettered)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 01:21:05.806293
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tmf_hub_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("api", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("resource_key", sa.String(length=120), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tmf_hub_event")),
        sa.UniqueConstraint("event_id", name=op.f("uq_tmf_hub_event_event_id")),
    )
    op.create_table(
        "tmf_hub_listener",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("api", sa.String(length=40), nullable=False),
        sa.Column("callback", sa.String(length=500), nullable=False),
        sa.Column("query", sa.String(length=500), nullable=True),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=60), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tmf_hub_listener")),
    )
    with op.batch_alter_table("tmf_hub_listener", schema=None) as batch_op:
        batch_op.create_index("ix_tmf_hub_listener_api", ["api", "deleted_at"], unique=False)

    op.create_table(
        "tmf_hub_delivery",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "listener_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("resource_key", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status in ('pending','delivered','dead')", name=op.f("ck_tmf_hub_delivery_status")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["tmf_hub_event.id"],
            name=op.f("fk_tmf_hub_delivery_event_id_tmf_hub_event"),
        ),
        sa.ForeignKeyConstraint(
            ["listener_id"],
            ["tmf_hub_listener.id"],
            name=op.f("fk_tmf_hub_delivery_listener_id_tmf_hub_listener"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tmf_hub_delivery")),
    )
    with op.batch_alter_table("tmf_hub_delivery", schema=None) as batch_op:
        batch_op.create_index("ix_tmf_hub_delivery_due", ["status", "next_at"], unique=False)
        batch_op.create_index(
            "ix_tmf_hub_delivery_order",
            ["listener_id", "resource_key", "status", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("tmf_hub_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_tmf_hub_delivery_order")
        batch_op.drop_index("ix_tmf_hub_delivery_due")

    op.drop_table("tmf_hub_delivery")
    with op.batch_alter_table("tmf_hub_listener", schema=None) as batch_op:
        batch_op.drop_index("ix_tmf_hub_listener_api")

    op.drop_table("tmf_hub_listener")
    op.drop_table("tmf_hub_event")
