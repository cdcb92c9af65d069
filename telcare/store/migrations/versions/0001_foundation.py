"""foundation

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "gift",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_zh", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("physical", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_gift")),
    )
    op.create_table(
        "idempotency_record",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("operation", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_record")),
    )
    op.create_table(
        "product",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_zh", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("validity_days", sa.Integer(), nullable=True),
        sa.Column("data_kb", sa.BigInteger(), nullable=False),
        sa.Column("voice_min", sa.Integer(), nullable=False),
        sa.Column("sms", sa.Integer(), nullable=False),
        sa.Column("brands", sa.JSON(), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=True),
        sa.Column("charged", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.CheckConstraint("price_fen >= 0", name=op.f("ck_product_price")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_product")),
    )
    op.create_table(
        "province",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name_zh", sa.String(length=20), nullable=False),
        sa.Column("name_en", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_province")),
    )
    op.create_table(
        "recharge_card",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("face_value_fen", sa.BigInteger(), nullable=False),
        sa.Column("batch", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("used_by", sa.String(length=11), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status in ('unused','used','frozen')", name=op.f("ck_recharge_card_status")
        ),
        sa.CheckConstraint("face_value_fen > 0", name=op.f("ck_recharge_card_face_value")),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_recharge_card")),
    )
    op.create_table(
        "service_provider",
        sa.Column("access_code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("access_code", name=op.f("pk_service_provider")),
    )
    op.create_table(
        "tariff_price",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("service", sa.String(length=8), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("fen_per_unit", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("name_zh", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_price")),
        sa.UniqueConstraint("code", "valid_from", name=op.f("uq_tariff_price_code")),
    )
    op.create_table(
        "customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_code"], ["province.code"], name=op.f("fk_customer_province_code_province")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer")),
    )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "gift_stock",
        sa.Column("gift_code", sa.String(length=20), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_gift_stock_quantity")),
        sa.ForeignKeyConstraint(
            ["gift_code"], ["gift.code"], name=op.f("fk_gift_stock_gift_code_gift")
        ),
        sa.ForeignKeyConstraint(
            ["province_code"], ["province.code"], name=op.f("fk_gift_stock_province_code_province")
        ),
        sa.PrimaryKeyConstraint("gift_code", "province_code", name=op.f("pk_gift_stock")),
    )
    op.create_table(
        "sp_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("access_code", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_zh", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["access_code"],
            ["service_provider.access_code"],
            name=op.f("fk_sp_service_access_code_service_provider"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sp_service")),
        sa.UniqueConstraint("access_code", "code", name=op.f("uq_sp_service_access_code")),
    )
    op.create_table(
        "staff_user",
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_code"], ["province.code"], name=op.f("fk_staff_user_province_code_province")
        ),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_staff_user")),
    )
    op.create_table(
        "subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("brand", sa.String(length=10), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("language in ('zh','en')", name=op.f("ck_subscriber_language")),
        sa.CheckConstraint(
            "status in ('active','barred','closed')", name=op.f("ck_subscriber_status")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_subscriber_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["province_code"], ["province.code"], name=op.f("fk_subscriber_province_code_province")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriber")),
        sa.UniqueConstraint("msisdn", name=op.f("uq_subscriber_msisdn")),
    )
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscriber_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_subscriber_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("barring_pending", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["subscriber.id"], name=op.f("fk_account_subscriber_id_subscriber")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("subscriber_id", name=op.f("uq_account_subscriber_id")),
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("product_code", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state in ('pending','active','cancelled','expired')",
            name=op.f("ck_subscription_state"),
        ),
        sa.ForeignKeyConstraint(
            ["product_code"], ["product.code"], name=op.f("fk_subscription_product_code_product")
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscriber.id"],
            name=op.f("fk_subscription_subscriber_id_subscriber"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
    )
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.create_index(
            "ix_subscription_subscriber_state", ["subscriber_id", "state"], unique=False
        )

    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("balance_after_fen", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind in ('recharge','charge','refund','adjustment')", name=op.f("ck_ledger_entry_kind")
        ),
        sa.CheckConstraint("amount_fen <> 0", name=op.f("ck_ledger_entry_nonzero")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_ledger_entry_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
    )
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_entry_account_created", ["account_id", "created_at"], unique=False
        )

    op.create_table(
        "points_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("points_after", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("points <> 0", name=op.f("ck_points_entry_nonzero")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_points_entry_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_entry")),
    )
    with op.batch_alter_table("points_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_points_entry_account_created", ["account_id", "created_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("points_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_points_entry_account_created")

    op.drop_table("points_entry")
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entry_account_created")

    op.drop_table("ledger_entry")
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_index("ix_subscription_subscriber_state")

    op.drop_table("subscription")
    op.drop_table("account")
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscriber_province_code"))
        batch_op.drop_index(batch_op.f("ix_subscriber_customer_id"))

    op.drop_table("subscriber")
    op.drop_table("staff_user")
    op.drop_table("sp_service")
    op.drop_table("gift_stock")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_province_code"))

    op.drop_table("customer")
    op.drop_table("tariff_price")
    op.drop_table("service_provider")
    op.drop_table("recharge_card")
    op.drop_table("province")
    op.drop_table("product")
    op.drop_table("idempotency_record")
    op.drop_table("gift")
