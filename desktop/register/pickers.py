"""The register's pick lists: an item by name, a customer, the unit of a serialized item."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core.money import format_money
from core.services.catalog_rows import ProductRow
from core.services.customer_queries import CustomerRow
from core.services.register import UnitNeededError
from core.services.register_rows import UnitChoice
from desktop.register.picker import PickDialog
from desktop.register.till import Till
from desktop.table_model import Column

PRODUCT_COLUMNS: list[Column[ProductRow]] = [
    Column("Name", lambda r: r.name),
    Column("SKU", lambda r: r.sku),
    Column("Price", lambda r: format_money(r.price), align_right=True),
    Column("On hand", lambda r: str(r.on_hand), align_right=True),
]
CUSTOMER_COLUMNS: list[Column[CustomerRow]] = [
    Column("Name", lambda r: r.name),
    Column("Account", lambda r: r.account_number),
    Column("Phone", lambda r: r.phone),
    Column("Email", lambda r: r.email),
]
UNIT_COLUMNS: list[Column[UnitChoice]] = [
    Column("Serial number", lambda u: u.serial_number),
    Column("Condition", lambda u: u.condition.replace("_", " ").capitalize()),
]


def product_picker(till: Till, text: str, parent: QWidget) -> PickDialog[ProductRow]:
    """Type-ahead search of the catalog, for an item without a barcode (or an unknown one)."""
    catalog, location_id = till.catalog(), till.location_id()
    return PickDialog(
        till.runner,
        "Find an item",
        PRODUCT_COLUMNS,
        "Type a name or SKU",
        query=lambda q: catalog.search(q, location_id=location_id),
        text=text,
        parent=parent,
    )


def customer_picker(till: Till, parent: QWidget) -> PickDialog[CustomerRow]:
    return PickDialog(
        till.runner,
        "Customer",
        CUSTOMER_COLUMNS,
        "Name, phone, email or account number",
        query=till.customers().search,
        parent=parent,
    )


def unit_picker(till: Till, needed: UnitNeededError, parent: QWidget) -> PickDialog[UnitChoice]:
    """Which unit of a serialized item is being sold: the ones in stock here."""
    return PickDialog(
        till.runner,
        f"Which {needed.product_name}?",
        UNIT_COLUMNS,
        "Type part of the serial number",
        rows=needed.units,
        matches=lambda unit, text: text in unit.serial_number.casefold(),
        hint="Serialized: choose the unit being sold (check the serial number on it).",
        parent=parent,
    )
