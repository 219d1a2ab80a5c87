"""Figures for the home screen."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import CustomerAccount, Product, User


@dataclass(frozen=True, slots=True)
class StoreOverview:
    products: int
    customers: int
    staff: int


def store_overview(read_sessions: sessionmaker[Session], company_id: uuid.UUID) -> StoreOverview:
    with read_sessions() as session:
        products = session.scalar(
            select(func.count()).where(
                Product.company_id == company_id, Product.deleted_at.is_(None), Product.active
            )
        )
        customers = session.scalar(
            select(func.count()).where(
                CustomerAccount.company_id == company_id, CustomerAccount.deleted_at.is_(None)
            )
        )
        staff = session.scalar(
            select(func.count()).where(
                User.company_id == company_id, User.deleted_at.is_(None), User.active
            )
        )
        return StoreOverview(products or 0, customers or 0, staff or 0)
