"""A large catalog for the pull benchmarks, written straight into the sync server's tables
(`record` and `change_log`, as if registers had pushed it): what a fresh register of the
store then pulls. Also the store it belongs to, and pairing codes for it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bench.sync_setup import session_on
from sync.server import admin, pairing

_SEED_CATALOG = text(
    """
    WITH made AS (
        SELECT gen_random_uuid() AS id, gen_random_uuid() AS barcode_id, n
          FROM generate_series(1, :count) AS n
    ), products AS (
        SELECT id, jsonb_build_object(
            'id', id::text, 'company_id', CAST(:company AS text),
            'sku', 'BN-' || lpad(n::text, 7, '0'), 'name', 'Bench product ' || n,
            'category_id', NULL, 'supplier_id', NULL,
            'price_minor', 500 + n % 50000, 'cost_minor', 250 + n % 25000,
            'tax_class', 'standard', 'is_serialized', false, 'reorder_point', n % 7,
            'active', true, 'version', 1, 'created_at', CAST(:at AS text),
            'updated_at', CAST(:at AS text),
            'legacy_id', NULL, 'legacy_source', NULL, 'migrated_at', NULL, 'deleted_at', NULL
        ) AS data FROM made
    ), barcodes AS (
        SELECT barcode_id AS id, jsonb_build_object(
            'id', barcode_id::text, 'company_id', CAST(:company AS text),
            'product_id', id::text, 'code', (200000000000 + n)::text, 'symbology', 'custom'
        ) AS data FROM made
    ), everything AS (
        SELECT 1 AS pass, 'product' AS table_name, id, data FROM products
        UNION ALL SELECT 2, 'product_barcode', id, data FROM barcodes
    ), records AS (
        INSERT INTO record (table_name, id, company_id, location_id, data, version)
        SELECT table_name, id, :company, NULL, data, 1 FROM everything
    )
    INSERT INTO change_log (company_id, location_id, kind, table_name, entity_id, data)
    SELECT :company, NULL, 'upsert', table_name, id, data FROM everything ORDER BY pass
    """
)


def seed_catalog(database_url: str, company_id: uuid.UUID, products: int) -> None:
    """`products` products, one barcode each, as records and changes ready to pull."""
    at = datetime.now(UTC).isoformat()
    with session_on(database_url) as session:
        session.execute(_SEED_CATALOG, {"count": products, "company": company_id, "at": at})


def new_store_on(database_url: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A company and one store on the server (ids)."""
    with session_on(database_url) as session:
        company = admin.create_company(session, "Bench Music", "USD")
        location = admin.create_location(session, company.id, "S1", "Main", "America/Chicago")
        return company.id, location.id


def location_code(database_url: str, location_id: uuid.UUID) -> str:
    with session_on(database_url) as session:
        return pairing.create_pairing_code(
            session, location_id, new_company=False, ttl=timedelta(hours=1)
        )
