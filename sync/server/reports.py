"""Figures an owner sees across stores, from what registers pushed (`sale` rows).

Scoped by the asking device's company only: a location of another company is "not found",
exactly like a location that does not exist, so its existence is not revealed.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.protocol import LocationTotals, SalesTotals
from sync.server.errors import NotFound
from sync.server.models import Company, Location, Sale


def sales_totals(
    session: Session, company_id: uuid.UUID, location_id: uuid.UUID | None = None
) -> SalesTotals:
    """Completed sales and returns not voided, per store (ordered by store code); returns
    are negative already."""
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound("This register's company is not on the sync server")
    stores = select(Location.id).where(Location.company_id == company_id).order_by(Location.code)
    if location_id is not None:
        stores = stores.where(Location.id == location_id)
    location_ids = list(session.scalars(stores))
    if location_id is not None and not location_ids:
        raise NotFound("This company has no such store on the sync server")
    query = (
        select(
            Sale.location_id,
            func.count(Sale.id),
            func.coalesce(func.sum(Sale.total), 0),
            func.coalesce(func.sum(Sale.tax), 0),
        )
        .where(
            Sale.company_id == company_id,
            Sale.location_id.in_(location_ids),
            Sale.completed_at.is_not(None),
            Sale.voided_at.is_(None),
        )
        .group_by(Sale.location_id)
    )
    sums = {row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in session.execute(query)}
    # Every store of the company is listed, a store with no sales yet with zeros.
    return SalesTotals(
        company_id=company_id,
        currency=company.currency,
        locations=[
            LocationTotals(
                location_id=store,
                sales=sums.get(store, (0, 0, 0))[0],
                total=sums.get(store, (0, 0, 0))[1],
                tax=sums.get(store, (0, 0, 0))[2],
            )
            for store in location_ids
        ],
    )
