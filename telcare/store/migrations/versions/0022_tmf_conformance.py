"""tmf conformance: product.last_update, catalog drafts (product_spec, offering_draft,
offering_price_draft), usage_spec, balance_reservation, ticket.ticket_type

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_LIFECYCLE = "'inStudy','inDesign','inTest','active','launched','retired','obsolete','rejected'"


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _lifecycle(table: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"lifecycle_status in ({_LIFECYCLE})", name=op.f(f"ck_{table}_lifecycle")
    )


def upgrade() -> None:
    with op.batch_alter_table("product") as batch:
        batch.add_column(sa.Column("last_update", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE product SET last_update = CURRENT_TIMESTAMP")
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("ticket_type", sa.String(40), nullable=True))
    op.create_table(
        "product_spec",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("brand", sa.String(40), nullable=False),
        sa.Column("lifecycle_status", sa.String(10), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        _when("created_at"),
        _when("last_update"),
        _lifecycle("product_spec"),
    )
    with op.batch_alter_table("product") as batch:
        batch.add_column(sa.Column("spec_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_product_spec_id_product_spec"), "product_spec", ["spec_id"], ["id"]
        )
    op.create_table(
        "offering_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lifecycle_status", sa.String(10), nullable=False),
        sa.Column("spec_id", sa.Integer(), sa.ForeignKey("product_spec.id"), nullable=True),
        sa.Column("product_code", sa.String(20), sa.ForeignKey("product.code"), nullable=True),
        sa.Column("created_by", sa.String(40), nullable=False),
        _when("created_at"),
        _when("last_update"),
        _lifecycle("offering_draft"),
    )
    op.create_table(
        "offering_price_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("price_type", sa.String(10), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=True),
        sa.Column("lifecycle_status", sa.String(10), nullable=False),
        sa.Column("offering_id", sa.Integer(), sa.ForeignKey("offering_draft.id"), nullable=True),
        sa.Column("created_by", sa.String(40), nullable=False),
        _when("created_at"),
        _when("last_update"),
        _lifecycle("offering_price_draft"),
        sa.CheckConstraint(
            "price_type in ('recurring','oneTime','usage')",
            name=op.f("ck_offering_price_draft_price_type"),
        ),
        sa.CheckConstraint(
            "price_fen is null or price_fen >= 0", name=op.f("ck_offering_price_draft_price")
        ),
    )
    op.create_index("ix_offering_price_draft_offering_id", "offering_price_draft", ["offering_id"])
    op.create_table(
        "usage_spec",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("service", sa.String(8), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        _when("created_at"),
        _when("last_update"),
        sa.CheckConstraint("service in ('data','voice','sms')", name=op.f("ck_usage_spec_service")),
    )
    op.create_table(
        "balance_reservation",
        sa.Column("id", _BIGID, primary_key=True),
        sa.Column("subscriber_id", sa.Integer(), sa.ForeignKey("subscriber.id"), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("ledger_entry_id", _BIGID, nullable=True),
        sa.Column("committed_fen", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.String(40), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("updated_at"),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_balance_reservation_amount")),
        sa.CheckConstraint(
            "status in ('created','committed','released','expired')",
            name=op.f("ck_balance_reservation_status"),
        ),
    )
    op.create_index(
        "ix_balance_reservation_subscriber_status",
        "balance_reservation",
        ["subscriber_id", "status"],
    )


def downgrade() -> None:
    op.drop_index("ix_balance_reservation_subscriber_status", "balance_reservation")
    op.drop_table("balance_reservation")
    op.drop_table("usage_spec")
    op.drop_index("ix_offering_price_draft_offering_id", "offering_price_draft")
    op.drop_table("offering_price_draft")
    op.drop_table("offering_draft")
    with op.batch_alter_table("product") as batch:
        batch.drop_constraint(op.f("fk_product_spec_id_product_spec"), type_="foreignkey")
        batch.drop_column("spec_id")
    op.drop_table("product_spec")
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("ticket_type")
    with op.batch_alter_table("product") as batch:
        batch.drop_column("last_update")
