"""What the register screen shows: plain, immutable views of a sale."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from core.money import Money
from core.sales.cart import TaxTotal
from core.sales.discounts import Discount
from core.sales.tenders import TenderKind

__all__ = [
    "CompletedSale",
    "CustomerOnSale",
    "HeldSale",
    "LineView",
    "ReturnableLine",
    "ReturnableSale",
    "SaleSummary",
    "SaleView",
    "TenderView",
    "UnitChoice",
]


@dataclass(frozen=True, slots=True)
class LineView:
    line_id: uuid.UUID
    product_id: uuid.UUID | None
    sku: str
    name: str
    serial: str
    quantity: int
    unit_price: Money
    list_price: Money
    price_changed: bool
    discount: Discount | None
    gross: Money
    discount_total: Money  # price change + line discount + share of the sale discount
    net: Money
    tax: Money
    is_return: bool
    original_line_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class TenderView:
    tender_id: uuid.UUID
    kind: TenderKind
    amount: Money
    provider: str
    reference: str


@dataclass(frozen=True, slots=True)
class CustomerOnSale:
    account_id: uuid.UUID
    name: str
    account_number: str
    tax_exempt: bool
    certificate: str
    store_credit: Money


@dataclass(frozen=True, slots=True)
class SaleView:
    sale_id: uuid.UUID
    status: str
    kind: str
    lines: tuple[LineView, ...]
    customer: CustomerOnSale | None
    sale_discount: Discount | None
    subtotal: Money
    discount: Money
    tax: Money
    total: Money
    taxes: tuple[TaxTotal, ...]
    tenders: tuple[TenderView, ...]
    paid: Money
    due: Money  # positive: still to take; negative: still to pay back
    change: Money
    notes: str
    version: int

    @property
    def is_empty(self) -> bool:
        return not self.lines


@dataclass(frozen=True, slots=True)
class UnitChoice:
    unit_id: uuid.UUID
    serial_number: str
    condition: str


@dataclass(frozen=True, slots=True)
class CompletedSale:
    sale_id: uuid.UUID
    receipt_number: str
    kind: str
    total: Money
    change: Money
    opens_drawer: bool = False  # cash went in or out: the drawer is kicked open


@dataclass(frozen=True, slots=True)
class HeldSale:
    sale_id: uuid.UUID
    held_at: datetime
    held_by: str
    customer: str
    lines: int
    total: Money


@dataclass(frozen=True, slots=True)
class SaleSummary:
    sale_id: uuid.UUID
    receipt_number: str
    kind: str
    completed_at: datetime
    cashier: str
    customer: str
    total: Money
    voided: bool


@dataclass(frozen=True, slots=True)
class ReturnableLine:
    line_id: uuid.UUID
    name: str
    sku: str
    serial: str
    sold: int
    returned: int
    unit_net: Money  # what one unit came to after discounts, before tax

    @property
    def left(self) -> int:
        return self.sold - self.returned


@dataclass(frozen=True, slots=True)
class ReturnableSale:
    sale_id: uuid.UUID
    receipt_number: str
    completed_at: datetime
    customer: str
    lines: tuple[ReturnableLine, ...]
    voided: bool
