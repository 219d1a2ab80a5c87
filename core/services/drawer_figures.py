"""The figures of an X or Z report, read with a handful of grouped queries.

A register's report covers the receipts it completed after its previous Z
(`receipt_seq` in `(previous Z's last, now]`, indexed by device), so nothing is counted
twice or missed however the clock is set. Drawer figures come from the open session: its
sales' cash and its pay-ins and pay-outs.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from core.drawer.cash import DrawerTotals
from core.drawer.report import CashierFigures, TaxFigures, TenderFigures
from core.sales.tenders import TenderKind
from db.models import (
    DeviceCounter,
    DrawerEvent,
    DrawerSession,
    Sale,
    SaleLine,
    SaleLineTax,
    SaleTender,
    User,
    ZReport,
)

__all__ = ["ReceiptRange", "SalesFigures", "drawer_totals", "receipt_range", "sales_figures"]


@dataclass(frozen=True, slots=True)
class ReceiptRange:
    first: int  # the first receipt number not yet in a Z
    last: int  # the register's latest receipt number (first - 1 when none since)
    since: datetime | None  # when the previous Z was taken


def receipt_range(session: Session, device_id: uuid.UUID) -> ReceiptRange:
    previous = session.execute(
        select(ZReport.last_receipt_seq, ZReport.created_at)
        .where(ZReport.device_id == device_id)
        .order_by(ZReport.number.desc())
        .limit(1)
    ).first()
    last = session.scalar(
        select(DeviceCounter.last_value).where(
            DeviceCounter.device_id == device_id, DeviceCounter.name == "receipt"
        )
    )
    if previous is None:
        return ReceiptRange(1, last or 0, None)
    return ReceiptRange(previous[0] + 1, last or 0, previous[1])


@dataclass(frozen=True, slots=True)
class SalesFigures:
    sales_count: int
    gross_sales: int
    discounts: int
    returns_count: int
    returns: int
    voids_count: int
    voids: int
    net_sales: int
    taxes: tuple[TaxFigures, ...]
    tenders: tuple[TenderFigures, ...]
    cashiers: tuple[CashierFigures, ...]
    no_sales: int

    @property
    def tax(self) -> int:
        return sum(t.tax for t in self.taxes)


_TENDER_LABELS = {kind.value: kind.label for kind in TenderKind}


def sales_figures(
    session: Session,
    device_id: uuid.UUID,
    span: ReceiptRange,
    drawer_id: uuid.UUID | None,
) -> SalesFigures:
    in_range = and_(
        Sale.device_id == device_id,
        Sale.receipt_seq >= span.first,
        Sale.receipt_seq <= span.last,
        Sale.status == "completed",
    )
    sold = SaleLine.quantity > 0
    lines = session.execute(
        select(
            Sale.user_id,
            Sale.kind,
            func.sum(case((sold, SaleLine.gross_minor), else_=0)),
            func.sum(
                case(
                    (
                        sold,
                        SaleLine.price_cut_minor
                        + SaleLine.line_discount_minor
                        + SaleLine.sale_discount_minor,
                    ),
                    else_=0,
                )
            ),
            func.sum(case((sold, 0), else_=SaleLine.net_minor)),
            func.sum(SaleLine.net_minor),
        )
        .join(SaleLine, SaleLine.sale_id == Sale.id)
        .where(in_range)
        .group_by(Sale.user_id, Sale.kind)
    ).all()
    counts = session.execute(
        select(Sale.user_id, Sale.kind, func.count())
        .where(in_range)
        .group_by(Sale.user_id, Sale.kind)
    ).all()

    per_user: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for user_id, kind, gross, discount, returned, net in lines:
        row = per_user[user_id]
        if kind == "void":
            row["voids"] -= int(net)
        else:
            row["gross"] += int(gross)
            row["discounts"] += int(discount)
            row["returns"] -= int(returned)
        row["net"] += int(net)
    kinds: dict[str, int] = defaultdict(int)
    for user_id, kind, number in counts:
        kinds[kind] += number
        key = {"void": "voids_count", "return": "returns_count"}.get(kind, "sales_count")
        per_user[user_id][key] += number

    no_sales = _no_sales(session, device_id, span, drawer_id)
    for user_id, number in no_sales.items():
        per_user[user_id]["no_sales"] += number
    names = _names(session, per_user)
    cashiers = tuple(
        sorted(
            (
                CashierFigures(
                    name=names.get(user_id, "?"),
                    sales=row["sales_count"],
                    net_sales=row["net"],
                    returns=row["returns"],
                    voids=row["voids"],
                    discounts=row["discounts"],
                    no_sales=row["no_sales"],
                )
                for user_id, row in per_user.items()
            ),
            key=lambda c: c.name.casefold(),
        )
    )
    return SalesFigures(
        sales_count=kinds["sale"] + kinds["exchange"],
        gross_sales=sum(r["gross"] for r in per_user.values()),
        discounts=sum(r["discounts"] for r in per_user.values()),
        returns_count=kinds["return"],
        returns=sum(r["returns"] for r in per_user.values()),
        voids_count=kinds["void"],
        voids=sum(r["voids"] for r in per_user.values()),
        net_sales=sum(r["net"] for r in per_user.values()),
        taxes=_taxes(session, in_range),
        tenders=_tenders(session, in_range),
        cashiers=cashiers,
        no_sales=sum(no_sales.values()),
    )


def _taxes(session: Session, in_range: object) -> tuple[TaxFigures, ...]:
    rows = session.execute(
        select(
            SaleLineTax.name,
            SaleLineTax.rate_ppm,
            func.sum(SaleLineTax.taxable_minor),
            func.sum(SaleLineTax.tax_minor),
        )
        .join(Sale, Sale.id == SaleLineTax.sale_id)
        .where(in_range)  # type: ignore[arg-type]
        .group_by(SaleLineTax.name, SaleLineTax.rate_ppm)
        .order_by(SaleLineTax.name, SaleLineTax.rate_ppm)
    ).all()
    return tuple(
        TaxFigures(name, rate, int(taxable), int(tax)) for name, rate, taxable, tax in rows
    )


def _tenders(session: Session, in_range: object) -> tuple[TenderFigures, ...]:
    rows = session.execute(
        select(
            SaleTender.kind,
            func.sum(case((SaleTender.amount_minor > 0, SaleTender.amount_minor), else_=0)),
            func.sum(case((SaleTender.amount_minor < 0, -SaleTender.amount_minor), else_=0)),
        )
        .join(Sale, Sale.id == SaleTender.sale_id)
        .where(in_range)  # type: ignore[arg-type]
        .group_by(SaleTender.kind)
    ).all()
    change = session.scalar(select(func.coalesce(func.sum(Sale.change_minor), 0)).where(in_range))  # type: ignore[arg-type]
    found = {kind: (int(taken), int(back)) for kind, taken, back in rows}
    result = []
    for kind in TenderKind:
        if kind.value not in found:
            continue
        taken, back = found[kind.value]
        if kind is TenderKind.CASH:
            taken -= int(change or 0)
        result.append(TenderFigures(kind.value, _TENDER_LABELS[kind.value], taken, back))
    return tuple(result)


def _no_sales(
    session: Session, device_id: uuid.UUID, span: ReceiptRange, drawer_id: uuid.UUID | None
) -> dict[uuid.UUID, int]:
    """No-sale opens in this drawer session, and those with no session since the last Z."""
    loose = and_(DrawerEvent.session_id.is_(None), DrawerEvent.device_id == device_id)
    if span.since is not None:
        loose = and_(loose, DrawerEvent.created_at > span.since)
    scope = or_(DrawerEvent.session_id == drawer_id, loose) if drawer_id else loose
    rows = session.execute(
        select(DrawerEvent.user_id, func.count())
        .where(DrawerEvent.kind == "no_sale", scope)
        .group_by(DrawerEvent.user_id)
    ).all()
    return {user_id: int(n) for user_id, n in rows}


def _names(session: Session, ids: object) -> dict[uuid.UUID, str]:
    wanted = list(ids)  # type: ignore[call-overload]
    if not wanted:
        return {}
    return dict(
        session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all()
    )


def drawer_totals(session: Session, drawer: DrawerSession) -> DrawerTotals:
    """Float, its sales' cash in and out, and its pay-ins and pay-outs."""
    per_sale = session.execute(
        select(Sale.change_minor, func.sum(SaleTender.amount_minor))
        .join(SaleTender, SaleTender.sale_id == Sale.id)
        .where(
            Sale.drawer_session_id == drawer.id,
            Sale.status == "completed",
            SaleTender.kind == TenderKind.CASH.value,
        )
        .group_by(Sale.id)
    ).all()
    cash_sales = cash_refunds = 0
    for change, cash in per_sale:
        kept = int(cash) - int(change)
        if kept >= 0:
            cash_sales += kept
        else:
            cash_refunds -= kept
    events = dict(
        session.execute(
            select(DrawerEvent.kind, func.sum(DrawerEvent.amount_minor))
            .where(DrawerEvent.session_id == drawer.id)
            .group_by(DrawerEvent.kind)
        ).all()
    )
    return DrawerTotals(
        float_amount=drawer.float_minor,
        cash_sales=cash_sales,
        cash_refunds=cash_refunds,
        pay_ins=int(events.get("pay_in") or 0),
        pay_outs=int(events.get("pay_out") or 0),
    )
