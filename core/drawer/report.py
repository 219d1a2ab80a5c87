"""The register report: X (mid-shift, closes nothing) and Z (closes the register's day).

A report covers the receipts a register completed after its previous Z: sales, returns,
voids, discounts, tax by rate, tenders by type, the drawer's expected / counted / over-short,
no-sale opens, and the same by cashier. `RegisterReport` is plain data; a Z report's figures
are stored as `to_json` the moment it is taken, so a reprint (`from_json`) says exactly what
the first print said. `report_document` lays it out for the screen, the PDF and the printer.

Net sales = gross sales - discounts - returns - voids = the sum of every line's net amount.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from core.money import Money, format_money

__all__ = [
    "CashierFigures",
    "DrawerFigures",
    "RegisterReport",
    "ReportDocument",
    "ReportRow",
    "ReportSection",
    "TaxFigures",
    "TenderFigures",
    "report_document",
]


@dataclass(frozen=True, slots=True)
class TaxFigures:
    name: str
    rate_ppm: int
    taxable: int
    tax: int


@dataclass(frozen=True, slots=True)
class TenderFigures:
    kind: str  # cash, card, store_credit
    label: str
    taken: int  # kept on sales (cash: tendered minus change)
    paid_back: int  # positive: refunded or given back in this tender

    @property
    def net(self) -> int:
        return self.taken - self.paid_back


@dataclass(frozen=True, slots=True)
class DrawerFigures:
    opened_by: str
    opened_time: str
    float_amount: int
    cash_sales: int
    cash_refunds: int
    pay_ins: int
    pay_outs: int
    expected: int
    counted: int | None = None  # None on an X report
    over_short: int | None = None
    closed_by: str = ""
    signed_off_by: str = ""


@dataclass(frozen=True, slots=True)
class CashierFigures:
    name: str
    sales: int  # how many sales (and exchanges)
    net_sales: int
    returns: int  # amount returned (positive)
    voids: int  # amount voided (positive)
    discounts: int
    no_sales: int


@dataclass(frozen=True, slots=True)
class RegisterReport:
    kind: str  # "X" or "Z"
    number: int | None  # the Z number; None on an X report
    currency: str
    store: str
    location: str
    register: str
    business_date: str  # ISO date
    printed_time: str  # the store's local time, formatted
    printed_by: str
    first_receipt: str  # "" when no receipts were taken
    last_receipt: str
    sales_count: int
    gross_sales: int
    discounts: int
    returns_count: int
    returns: int  # positive
    voids_count: int
    voids: int  # positive
    net_sales: int
    tax: int
    taxes: tuple[TaxFigures, ...]
    tenders: tuple[TenderFigures, ...]
    drawer: DrawerFigures | None
    no_sales: int
    held_sales: int
    cashiers: tuple[CashierFigures, ...] = field(default=())

    @property
    def total_taken(self) -> int:
        return self.net_sales + self.tax

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> RegisterReport:
        raw: dict[str, Any] = json.loads(text)
        raw["taxes"] = tuple(TaxFigures(**t) for t in raw["taxes"])
        raw["tenders"] = tuple(TenderFigures(**t) for t in raw["tenders"])
        raw["cashiers"] = tuple(CashierFigures(**c) for c in raw["cashiers"])
        drawer = raw["drawer"]
        raw["drawer"] = DrawerFigures(**drawer) if drawer is not None else None
        return cls(**raw)


@dataclass(frozen=True, slots=True)
class ReportRow:
    label: str
    value: str = ""
    strong: bool = False


@dataclass(frozen=True, slots=True)
class ReportSection:
    title: str
    rows: tuple[ReportRow, ...]


@dataclass(frozen=True, slots=True)
class ReportDocument:
    """A report laid out as titled sections of label/value rows: screen, PDF and printer
    all render this, so they always agree."""

    title: str
    heading: tuple[str, ...]
    sections: tuple[ReportSection, ...]
    banner: str = ""  # "REPRINT"


def report_document(report: RegisterReport, *, reprint: bool = False) -> ReportDocument:
    def money(amount: int) -> str:
        return format_money(Money(amount, report.currency))

    title = f"Z report #{report.number}" if report.kind == "Z" else "X report (shift so far)"
    heading = (
        report.store,
        report.location,
        f"Register {report.register}",
        f"Business day {report.business_date}",
        f"Printed {report.printed_time} by {report.printed_by}",
    )
    receipts = (
        f"{report.first_receipt} to {report.last_receipt}"
        if report.first_receipt
        else "No receipts"
    )
    sections = [
        ReportSection(
            "Sales",
            (
                ReportRow("Receipts", receipts),
                ReportRow(f"Gross sales ({report.sales_count})", money(report.gross_sales)),
                ReportRow("Discounts", money(-report.discounts)),
                ReportRow(f"Returns ({report.returns_count})", money(-report.returns)),
                ReportRow(f"Voids ({report.voids_count})", money(-report.voids)),
                ReportRow("Net sales", money(report.net_sales), strong=True),
                ReportRow("Tax", money(report.tax)),
                ReportRow("Total taken", money(report.total_taken), strong=True),
            ),
        ),
        ReportSection(
            "Tax by rate",
            tuple(
                ReportRow(f"{t.name} {_percent(t.rate_ppm)} on {money(t.taxable)}", money(t.tax))
                for t in report.taxes
            )
            or (ReportRow("No tax"),),
        ),
        ReportSection(
            "Tenders",
            tuple(_tender_rows(report.tenders, money)) or (ReportRow("No payments"),),
        ),
    ]
    if report.drawer is not None:
        sections.append(ReportSection("Drawer", _drawer_rows(report.drawer, money)))
    sections.append(
        ReportSection(
            "Drawer opens",
            (
                ReportRow("No-sale opens", str(report.no_sales)),
                ReportRow("Sales on hold", str(report.held_sales)),
            ),
        )
    )
    for cashier in report.cashiers:
        sections.append(
            ReportSection(
                f"Cashier: {cashier.name}",
                (
                    ReportRow(f"Sales ({cashier.sales})", money(cashier.net_sales)),
                    ReportRow("Discounts", money(-cashier.discounts)),
                    ReportRow("Returns", money(-cashier.returns)),
                    ReportRow("Voids", money(-cashier.voids)),
                    ReportRow("No-sale opens", str(cashier.no_sales)),
                ),
            )
        )
    return ReportDocument(title, heading, tuple(sections), "REPRINT" if reprint else "")


def _tender_rows(tenders: tuple[TenderFigures, ...], money: Any) -> list[ReportRow]:
    rows: list[ReportRow] = []
    for tender in tenders:
        rows.append(ReportRow(f"{tender.label} taken", money(tender.taken)))
        if tender.paid_back:
            rows.append(ReportRow(f"{tender.label} paid back", money(-tender.paid_back)))
        rows.append(ReportRow(f"{tender.label} net", money(tender.net), strong=True))
    return rows


def _drawer_rows(drawer: DrawerFigures, money: Any) -> tuple[ReportRow, ...]:
    rows = [
        ReportRow("Opened", f"{drawer.opened_time} by {drawer.opened_by}"),
        ReportRow("Float", money(drawer.float_amount)),
        ReportRow("Cash sales", money(drawer.cash_sales)),
        ReportRow("Cash refunds", money(-drawer.cash_refunds)),
        ReportRow("Pay-ins", money(drawer.pay_ins)),
        ReportRow("Pay-outs", money(-drawer.pay_outs)),
        ReportRow("Expected in drawer", money(drawer.expected), strong=True),
    ]
    if drawer.counted is not None and drawer.over_short is not None:
        word = "Over" if drawer.over_short > 0 else "Short" if drawer.over_short < 0 else "Even"
        rows += [
            ReportRow("Counted", money(drawer.counted), strong=True),
            ReportRow(f"Over/short ({word.lower()})", money(drawer.over_short), strong=True),
            ReportRow("Closed by", drawer.closed_by),
        ]
        if drawer.signed_off_by:
            rows.append(ReportRow("Difference signed off by", drawer.signed_off_by))
    return tuple(rows)


def _percent(ppm: int) -> str:
    whole, rest = divmod(ppm, 10_000)
    text = f"{whole}.{rest:04d}".rstrip("0").rstrip(".")
    return f"{text}%"
