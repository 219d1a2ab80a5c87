"""Building the receipt document of a completed (or voided) sale from what was stored.

Everything comes from the sale's own rows (names, prices, taxes as they were when it was
sold), so a reprint years later shows exactly what the first print did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import to_store_time
from core.money import Money
from core.sales.discounts import Discount, DiscountKind, DiscountReason
from core.sales.errors import SaleError
from core.sales.receipt import (
    ReceiptAmount,
    ReceiptCustomer,
    ReceiptDocument,
    ReceiptLine,
    ReceiptTender,
    gift_receipt,
)
from core.sales.tax import rate_text
from core.sales.tenders import TenderKind
from core.services.company_settings import DEFAULT_RECEIPT_FOOTER, RECEIPT_FOOTER, read_text
from db.models import (
    Company,
    CustomerAccount,
    Device,
    Location,
    Sale,
    SaleLine,
    SaleLineTax,
    SaleTender,
    User,
)

__all__ = ["build"]

ToMoney = Callable[[int], Money]

TITLES = {"sale": "Sale", "return": "Return", "exchange": "Exchange", "void": "Void"}


def build(
    session: Session, sale: Sale, *, gift: bool = False, reprint: bool = False
) -> ReceiptDocument:
    if sale.status != "completed" or sale.receipt_number is None or sale.completed_at is None:
        raise SaleError("Only a completed sale has a receipt.")
    company = session.get(Company, sale.company_id)
    location = session.get(Location, sale.location_id)
    device = session.get(Device, sale.device_id)
    cashier = session.get(User, sale.user_id)
    assert company is not None
    assert location is not None
    assert device is not None
    currency = sale.currency

    def money(amount: int) -> Money:
        return Money(amount, currency)

    lines = session.scalars(
        select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(SaleLine.position)
    ).all()
    document = ReceiptDocument(
        store_name=company.name,
        store_lines=tuple(x for x in (location.name, location.address, location.phone) if x),
        receipt_number=sale.receipt_number,
        title=TITLES.get(sale.kind, "Sale"),
        printed_time=to_store_time(sale.completed_at, location.timezone).strftime("%Y-%m-%d %H:%M"),
        register=device.name,
        cashier="" if cashier is None else cashier.display_name,
        lines=tuple(_line(line, money) for line in lines),
        subtotal=money(sale.subtotal_minor),
        discounts=_sale_discounts(sale, lines, money),
        discount_total=money(sale.discount_minor),
        taxes=_taxes(session, sale, money),
        tax_total=money(sale.tax_minor),
        total=money(sale.total_minor),
        tenders=_tenders(session, sale, money),
        change=money(sale.change_minor),
        customer=_customer(session, sale),
        barcode=sale.receipt_number,
        footer=tuple(
            read_text(session, company.id, RECEIPT_FOOTER, DEFAULT_RECEIPT_FOOTER).splitlines()
        ),
        notes=sale.notes,
        references=_references(session, sale, lines),
        reprint=reprint,
    )
    return gift_receipt(document) if gift else document


def _line(line: SaleLine, money: ToMoney) -> ReceiptLine:
    discounts: list[ReceiptAmount] = []
    if line.quantity < 0 and line.original_line_id is not None:
        given = line.gross_minor - line.net_minor  # negative: the discount that is not refunded
        if given:
            discounts.append(ReceiptAmount("Discount on the original sale", money(given)))
    if line.price_cut_minor:
        reason = DiscountReason(line.price_reason or "price_change").label
        discounts.append(ReceiptAmount(f"Price changed ({reason})", money(line.price_cut_minor)))
    if line.line_discount_minor and line.discount_kind is not None and line.quantity > 0:
        assert line.discount_value is not None
        discount = Discount(
            DiscountKind(line.discount_kind),
            line.discount_value,
            DiscountReason(line.discount_reason or "other"),
        )
        label = f"{discount.describe().capitalize()} ({discount.reason.label})"
        discounts.append(ReceiptAmount(label, money(line.line_discount_minor)))
    unit_price = line.price_minor if line.price_minor is not None else line.list_price_minor
    shown = max(unit_price, line.list_price_minor)
    if line.quantity != 0 and line.gross_minor % line.quantity == 0:
        shown = line.gross_minor // line.quantity
    return ReceiptLine(
        name=line.name,
        sku=line.sku,
        quantity=line.quantity,
        unit_price=money(shown),
        amount=money(line.gross_minor),
        discounts=tuple(discounts),
        serial=line.serial_number,
        returned=line.quantity < 0,
    )


def _sale_discounts(
    sale: Sale, lines: Sequence[SaleLine], money: ToMoney
) -> tuple[ReceiptAmount, ...]:
    total = sum(line.sale_discount_minor for line in lines)
    if not total or sale.discount_kind is None or sale.discount_value is None:
        return ()
    discount = Discount(
        DiscountKind(sale.discount_kind),
        sale.discount_value,
        DiscountReason(sale.discount_reason or "other"),
    )
    label = f"Sale discount: {discount.describe()} ({discount.reason.label})"
    return (ReceiptAmount(label, money(total)),)


def _taxes(session: Session, sale: Sale, money: ToMoney) -> tuple[ReceiptAmount, ...]:
    rows = session.execute(
        select(SaleLineTax.name, SaleLineTax.rate_ppm, func.sum(SaleLineTax.tax_minor))
        .where(SaleLineTax.sale_id == sale.id)
        .group_by(SaleLineTax.tax_rate_id, SaleLineTax.name, SaleLineTax.rate_ppm)
        .order_by(SaleLineTax.name)
    )
    return tuple(
        ReceiptAmount(f"{name} {rate_text(rate_ppm)}", money(int(tax)))
        for name, rate_ppm, tax in rows
    )


def _tenders(session: Session, sale: Sale, money: ToMoney) -> tuple[ReceiptTender, ...]:
    rows = session.scalars(
        select(SaleTender).where(SaleTender.sale_id == sale.id).order_by(SaleTender.created_at)
    )
    tenders = []
    for tender in rows:
        label = TenderKind(tender.kind).label
        if tender.amount_minor < 0:
            label = f"Refund to {label.lower()}"
        tenders.append(ReceiptTender(label, money(tender.amount_minor), tender.reference))
    return tuple(tenders)


def _customer(session: Session, sale: Sale) -> ReceiptCustomer | None:
    if sale.customer_id is None:
        return None
    account = session.get(CustomerAccount, sale.customer_id)
    if account is None:
        return None
    return ReceiptCustomer(account.name, account.account_number, sale.tax_exempt_certificate)


def _references(session: Session, sale: Sale, lines: Sequence[SaleLine]) -> tuple[str, ...]:
    if sale.reverses_sale_id is not None:
        number = session.scalar(select(Sale.receipt_number).where(Sale.id == sale.reverses_sale_id))
        reason = f" — {sale.void_reason}" if sale.void_reason else ""
        return (f"Void of {number}{reason}",)
    originals = [line.original_line_id for line in lines if line.original_line_id is not None]
    if not originals:
        return ()
    numbers = session.scalars(
        select(Sale.receipt_number)
        .join(SaleLine, SaleLine.sale_id == Sale.id)
        .where(SaleLine.id.in_(originals))
        .distinct()
        .order_by(Sale.receipt_number)
    )
    return tuple(f"Return of {number}" for number in numbers)
