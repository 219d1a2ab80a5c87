"""initial schema: tenancy, staff, catalog, customers

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-21 05:31:08.434544
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
        "company",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("legacy_id", sa.String(length=100), nullable=True),
        sa.Column("legacy_source", sa.String(length=100), nullable=True),
        sa.Column("migrated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company")),
    )
    op.create_table(
        "local_setting",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_local_setting")),
    )
    op.create_table(
        "category",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("parent_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("legacy_id", sa.String(length=100), nullable=True),
        sa.Column("legacy_source", sa.String(length=100), nullable=True),
        sa.Column("migrated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_category_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["category.id"], name=op.f("fk_category_parent_id_category")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category")),
        sa.UniqueConstraint("company_id", "name", name=op.f("uq_category_company_id_name")),
    )
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_category_company_id"), ["company_id"], unique=False)

    op.create_table(
        "customer_account",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("account_number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("phone_key", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("tax_exempt", sa.Boolean(), nullable=False),
        sa.Column("tax_exempt_certificate", sa.String(length=100), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("legacy_id", sa.String(length=100), nullable=True),
        sa.Column("legacy_source", sa.String(length=100), nullable=True),
        sa.Column("migrated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
            name=op.f("fk_customer_account_company_id_company"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_account")),
        sa.UniqueConstraint(
            "company_id",
            "account_number",
            name=op.f("uq_customer_account_company_id_account_number"),
        ),
    )
    with op.batch_alter_table("customer_account", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_account_company_email_key",
            ["company_id", "email_key"],
            unique=False,
        )
        batch_op.create_index(
            "ix_customer_account_company_name", ["company_id", "name"], unique=False
        )
        batch_op.create_index(
            "ix_customer_account_company_phone_key",
            ["company_id", "phone_key"],
            unique=False,
        )

    op.create_table(
        "location",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("legacy_id", sa.String(length=100), nullable=True),
        sa.Column("legacy_source", sa.String(length=100), nullable=True),
        sa.Column("migrated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_location_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location")),
        sa.UniqueConstraint("company_id", "code", name=op.f("uq_location_company_id_code")),
    )
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_location_company_id"), ["company_id"], unique=False)

    op.create_table(
        "supplier",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("legacy_id", sa.String(length=100), nullable=True),
        sa.Column("legacy_source", sa.String(length=100), nullable=True),
        sa.Column("migrated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_supplier_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier")),
        sa.UniqueConstraint("company_id", "name", name=op.f("uq_supplier_company_id_name")),
    )
    with op.batch_alter_table("supplier", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supplier_company_id"), ["company_id"], unique=False)

    op.create_table(
        "app_user",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("home_location_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("username_key", sa.String(length=60), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("legacy_id", sa.String(length=100), nullable=True),
        sa.Column("legacy_source", sa.String(length=100), nullable=True),
        sa.Column("migrated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'manager', 'staff', 'technician', 'instructor')",
            name=op.f("ck_app_user_role"),
        ),
        sa.CheckConstraint("failed_attempts >= 0", name=op.f("ck_app_user_failed_attempts")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_app_user_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["home_location_id"],
            ["location.id"],
            name=op.f("fk_app_user_home_location_id_location"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint(
            "company_id",
            "username_key",
            name=op.f("uq_app_user_company_id_username_key"),
        ),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_company_id"), ["company_id"], unique=False)

    op.create_table(
        "customer_member",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("account_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("relationship", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("legacy_id", sa.String(length=100), nullable=True),
        sa.Column("legacy_source", sa.String(length=100), nullable=True),
        sa.Column("migrated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["customer_account.id"],
            name=op.f("fk_customer_member_account_id_customer_account"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
            name=op.f("fk_customer_member_company_id_company"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_member")),
    )
    with op.batch_alter_table("customer_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_member_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "device",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("location_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('register', 'bench', 'office')", name=op.f("ck_device_kind")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_device_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["location.id"],
            name=op.f("fk_device_location_id_location"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
        sa.UniqueConstraint("company_id", "prefix", name=op.f("uq_device_company_id_prefix")),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_device_location_id"), ["location_id"], unique=False)

    op.create_table(
        "product",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("category_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("supplier_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("price_minor", sa.Integer(), nullable=False),
        sa.Column("cost_minor", sa.Integer(), nullable=False),
        sa.Column("tax_class", sa.String(length=40), nullable=False),
        sa.Column("is_serialized", sa.Boolean(), nullable=False),
        sa.Column("reorder_point", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("legacy_id", sa.String(length=100), nullable=True),
        sa.Column("legacy_source", sa.String(length=100), nullable=True),
        sa.Column("migrated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("cost_minor >= 0", name=op.f("ck_product_cost_minor")),
        sa.CheckConstraint("price_minor >= 0", name=op.f("ck_product_price_minor")),
        sa.CheckConstraint("reorder_point >= 0", name=op.f("ck_product_reorder_point")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
            name=op.f("fk_product_category_id_category"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_product_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_product_supplier_id_supplier"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product")),
        sa.UniqueConstraint("company_id", "sku", name=op.f("uq_product_company_id_sku")),
    )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_category_id"), ["category_id"], unique=False)
        batch_op.create_index("ix_product_company_name", ["company_id", "name"], unique=False)
        batch_op.create_index(batch_op.f("ix_product_supplier_id"), ["supplier_id"], unique=False)

    op.create_table(
        "device_identity",
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("location_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("device_id", sa.LargeBinary(length=16), nullable=False),
        sa.CheckConstraint("slot = 1", name=op.f("ck_device_identity_single_row")),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
            name=op.f("fk_device_identity_company_id_company"),
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_device_identity_device_id_device"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["location.id"],
            name=op.f("fk_device_identity_location_id_location"),
        ),
        sa.PrimaryKeyConstraint("slot", name=op.f("pk_device_identity")),
    )
    op.create_table(
        "product_barcode",
        sa.Column("company_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("product_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("symbology", sa.String(length=10), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.CheckConstraint(
            "symbology IN ('upc_a', 'ean_13', 'ean_8', 'custom')",
            name=op.f("ck_product_barcode_symbology"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
            name=op.f("fk_product_barcode_company_id_company"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_product_barcode_product_id_product"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_barcode")),
        sa.UniqueConstraint("company_id", "code", name=op.f("uq_product_barcode_company_id_code")),
    )
    with op.batch_alter_table("product_barcode", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_barcode_product_id"), ["product_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("product_barcode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_barcode_product_id"))

    op.drop_table("product_barcode")
    op.drop_table("device_identity")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_supplier_id"))
        batch_op.drop_index("ix_product_company_name")
        batch_op.drop_index(batch_op.f("ix_product_category_id"))

    op.drop_table("product")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_location_id"))
        batch_op.drop_index(batch_op.f("ix_device_company_id"))

    op.drop_table("device")
    with op.batch_alter_table("customer_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_member_account_id"))

    op.drop_table("customer_member")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_company_id"))

    op.drop_table("app_user")
    with op.batch_alter_table("supplier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_company_id"))

    op.drop_table("supplier")
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_company_id"))

    op.drop_table("location")
    with op.batch_alter_table("customer_account", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_account_company_phone_key")
        batch_op.drop_index("ix_customer_account_company_name")
        batch_op.drop_index("ix_customer_account_company_email_key")

    op.drop_table("customer_account")
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_company_id"))

    op.drop_table("category")
    op.drop_table("local_setting")
    op.drop_table("company")
