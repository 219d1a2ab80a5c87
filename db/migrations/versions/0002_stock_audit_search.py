"""stock ledger, units, counts, audit log, permissions, search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 05:39:51.948818
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("location_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("device_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("user_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("approved_by_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["app_user.id"], name=op.f("fk_audit_log_approved_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_audit_log_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_audit_log_device_id_device")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_audit_log_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_audit_log_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_log_company_created", ["company_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_audit_log_entity", ["entity_type", "entity_id"], unique=False)

    op.create_table(
        "inventory_unit",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("product_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("location_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("serial_number", sa.String(length=64), nullable=False),
        sa.Column("condition", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cost_minor", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(length=1000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("legacy_id", sa.String(length=100), nullable=True),
        sa.Column("legacy_source", sa.String(length=100), nullable=True),
        sa.Column("migrated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "condition IN ('new', 'excellent', 'good', 'fair', 'poor')",
            name=op.f("ck_inventory_unit_condition"),
        ),
        sa.CheckConstraint(
            "status IN ('available', 'sold', 'rented', 'in_repair', 'retired')",
            name=op.f("ck_inventory_unit_status"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_inventory_unit_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_inventory_unit_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_inventory_unit_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_unit")),
        sa.UniqueConstraint(
            "product_id", "serial_number", name=op.f("uq_inventory_unit_product_id_serial_number")
        ),
    )
    with op.batch_alter_table("inventory_unit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inventory_unit_company_serial", ["company_id", "serial_number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_unit_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "stock_count",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("location_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'completed')", name=op.f("ck_stock_count_status")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_stock_count_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_stock_count_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_stock_count_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_count")),
    )
    op.create_table(
        "stock_level",
        sa.Column("product_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("location_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_stock_level_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_stock_level_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_stock_level_product_id_product")
        ),
        sa.PrimaryKeyConstraint("product_id", "location_id", name=op.f("pk_stock_level")),
    )
    op.create_table(
        "stock_receipt",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("location_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("supplier_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("supplier_reference", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_stock_receipt_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_stock_receipt_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["supplier.id"], name=op.f("fk_stock_receipt_supplier_id_supplier")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_stock_receipt_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_receipt")),
    )
    op.create_table(
        "user_permission",
        sa.Column("user_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("permission", sa.String(length=40), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_user_permission_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_permission")),
        sa.UniqueConstraint(
            "user_id", "permission", name=op.f("uq_user_permission_user_id_permission")
        ),
    )
    with op.batch_alter_table("user_permission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_permission_user_id"), ["user_id"], unique=False)

    op.create_table(
        "stock_count_line",
        sa.Column("count_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("product_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.CheckConstraint("counted >= 0", name=op.f("ck_stock_count_line_counted")),
        sa.ForeignKeyConstraint(
            ["count_id"], ["stock_count.id"], name=op.f("fk_stock_count_line_count_id_stock_count")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_stock_count_line_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_count_line")),
        sa.UniqueConstraint(
            "count_id", "product_id", name=op.f("uq_stock_count_line_count_id_product_id")
        ),
    )
    op.create_table(
        "stock_movement",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("location_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("product_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("unit_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_cost_minor", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("reference_type", sa.String(length=40), nullable=False),
        sa.Column("reference_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("user_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.CheckConstraint(
            "kind IN ('receive', 'sale', 'return', 'adjustment', 'count', 'transfer_out', 'transfer_in', 'rental_out', 'rental_in', 'repair_use')",
            name=op.f("ck_stock_movement_kind"),
        ),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_stock_movement_quantity")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_stock_movement_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_stock_movement_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_stock_movement_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["inventory_unit.id"],
            name=op.f("fk_stock_movement_unit_id_inventory_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_stock_movement_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movement")),
    )
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_movement_product_location",
            ["product_id", "location_id", "created_at"],
            unique=False,
        )

    with op.batch_alter_table("customer_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("member_names", sa.String(length=2000), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.execute(
        "UPDATE customer_account SET member_names = COALESCE((SELECT group_concat("
        "m.first_name || ' ' || m.last_name, ' ') FROM customer_member m "
        "WHERE m.account_id = customer_account.id AND m.deleted_at IS NULL), '')"
    )
    for statement in _APPEND_ONLY + _SEARCH:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP:
        op.execute(statement)
    with op.batch_alter_table("customer_account", schema=None) as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("member_names")

    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movement_product_location")

    op.drop_table("stock_movement")
    op.drop_table("stock_count_line")
    with op.batch_alter_table("user_permission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_permission_user_id"))

    op.drop_table("user_permission")
    op.drop_table("stock_receipt")
    op.drop_table("stock_level")
    op.drop_table("stock_count")
    with op.batch_alter_table("inventory_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_unit_product_id"))
        batch_op.drop_index("ix_inventory_unit_company_serial")

    op.drop_table("inventory_unit")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index("ix_audit_log_company_created")

    op.drop_table("audit_log")


# The stock ledger and the audit log are append-only: the database itself refuses changes.
_APPEND_ONLY = [
    f"""CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table}
    BEGIN SELECT RAISE(ABORT, '{table} is append-only: {message}'); END"""
    for table, message in (
        ("stock_movement", "post a correcting movement instead"),
        ("audit_log", "audit entries are never changed"),
    )
    for verb in ("update", "delete")
]

# Substring search (type-ahead) through trigram full-text indexes over the tables' rowids.
_SEARCH = [
    "CREATE VIRTUAL TABLE product_search USING fts5(sku, name, content='product', "
    "content_rowid='rowid', tokenize='trigram')",
    "CREATE TRIGGER product_search_ai AFTER INSERT ON product BEGIN "
    "INSERT INTO product_search(rowid, sku, name) VALUES (new.rowid, new.sku, new.name); END",
    "CREATE TRIGGER product_search_ad AFTER DELETE ON product BEGIN "
    "INSERT INTO product_search(product_search, rowid, sku, name) "
    "VALUES ('delete', old.rowid, old.sku, old.name); END",
    "CREATE TRIGGER product_search_au AFTER UPDATE OF sku, name ON product BEGIN "
    "INSERT INTO product_search(product_search, rowid, sku, name) "
    "VALUES ('delete', old.rowid, old.sku, old.name); "
    "INSERT INTO product_search(rowid, sku, name) VALUES (new.rowid, new.sku, new.name); END",
    "INSERT INTO product_search(product_search) VALUES ('rebuild')",
    "CREATE VIRTUAL TABLE customer_search USING fts5(account_number, name, member_names, "
    "email, phone_key, content='customer_account', content_rowid='rowid', tokenize='trigram')",
    "CREATE TRIGGER customer_search_ai AFTER INSERT ON customer_account BEGIN "
    "INSERT INTO customer_search(rowid, account_number, name, member_names, email, phone_key) "
    "VALUES (new.rowid, new.account_number, new.name, new.member_names, new.email, "
    "new.phone_key); END",
    "CREATE TRIGGER customer_search_ad AFTER DELETE ON customer_account BEGIN "
    "INSERT INTO customer_search(customer_search, rowid, account_number, name, member_names, "
    "email, phone_key) VALUES ('delete', old.rowid, old.account_number, old.name, "
    "old.member_names, old.email, old.phone_key); END",
    "CREATE TRIGGER customer_search_au AFTER UPDATE OF account_number, name, member_names, "
    "email, phone_key ON customer_account BEGIN "
    "INSERT INTO customer_search(customer_search, rowid, account_number, name, member_names, "
    "email, phone_key) VALUES ('delete', old.rowid, old.account_number, old.name, "
    "old.member_names, old.email, old.phone_key); "
    "INSERT INTO customer_search(rowid, account_number, name, member_names, email, phone_key) "
    "VALUES (new.rowid, new.account_number, new.name, new.member_names, new.email, "
    "new.phone_key); END",
    "INSERT INTO customer_search(customer_search) VALUES ('rebuild')",
]

_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {t}_no_{v}"
        for t in ("stock_movement", "audit_log")
        for v in ("update", "delete")
    ),
    *(
        f"DROP TRIGGER IF EXISTS {i}_{s}"
        for i in ("product_search", "customer_search")
        for s in ("ai", "ad", "au")
    ),
    "DROP TABLE IF EXISTS product_search",
    "DROP TABLE IF EXISTS customer_search",
]
