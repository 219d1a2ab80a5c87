"""Tax rates by location and tax class: read by the register, written at set-up."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.products import check_tax_class
from core.ids import new_id
from core.sales.errors import SaleError
from core.sales.tax import TaxRate as Rate
from db.models import TaxRate


def rates_for_location(session: Session, location_id: uuid.UUID) -> dict[str, list[Rate]]:
    """The location's live rates, grouped by tax class, in a stable order."""
    rows = session.execute(
        select(TaxRate.id, TaxRate.name, TaxRate.rate_ppm, TaxRate.tax_class)
        .where(TaxRate.location_id == location_id, TaxRate.deleted_at.is_(None))
        .order_by(TaxRate.tax_class, TaxRate.name, TaxRate.id)
    )
    rates: dict[str, list[Rate]] = {}
    for rate_id, name, rate_ppm, tax_class in rows:
        rates.setdefault(tax_class, []).append(Rate(rate_id, name, rate_ppm, tax_class))
    return rates


def add_rate(
    session: Session,
    company_id: uuid.UUID,
    location_id: uuid.UUID,
    tax_class: str,
    name: str,
    rate_ppm: int,
    at: datetime,
) -> uuid.UUID:
    """Add a rate inside the caller's unit of work."""
    tax_class = check_tax_class(tax_class)
    clean = " ".join(name.split())
    if not clean or len(clean) > 100:
        raise SaleError("A tax rate needs a name of at most 100 characters.")
    checked = Rate(uuid.uuid4(), clean, rate_ppm, tax_class)  # validates the rate
    rate_id = new_id()
    session.add(
        TaxRate(
            id=rate_id,
            company_id=company_id,
            location_id=location_id,
            tax_class=tax_class,
            name=checked.name,
            rate_ppm=checked.rate_ppm,
            created_at=at,
            updated_at=at,
        )
    )
    return rate_id
