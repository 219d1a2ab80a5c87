"""Customer accounts (a household or business) and the people in them."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, LegacyMixin, SoftDeleteMixin, TimestampMixin


class CustomerAccount(IdMixin, TimestampMixin, LegacyMixin, SoftDeleteMixin, Base):
    __tablename__ = "customer_account"
    __table_args__ = (
        UniqueConstraint("company_id", "account_number"),
        Index("ix_customer_account_company_name", "company_id", "name"),
        Index("ix_customer_account_company_phone_key", "company_id", "phone_key"),
        Index("ix_customer_account_company_email_key", "company_id", "email_key"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    account_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    # Normalised forms (digits only, case-folded) for search and duplicate warnings.
    email_key: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_key: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    tax_exempt: Mapped[bool] = mapped_column(default=False)
    tax_exempt_certificate: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(String(2000), default="")
    # Members' names, kept by the customer service so one full-text index finds a family
    # by the student's name as well as the account's.
    member_names: Mapped[str] = mapped_column(String(2000), default="")
    version: Mapped[int] = mapped_column(default=1)


class CustomerMember(IdMixin, TimestampMixin, LegacyMixin, SoftDeleteMixin, Base):
    __tablename__ = "customer_member"

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer_account.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    relationship: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
