"""What the register screen and its dialogs share: the services, and how figures read."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.clock import to_store_time
from core.errors import DomainError
from core.money import Money, format_money
from core.services.catalog import CatalogService
from core.services.customers import CustomerService
from core.services.drawer import DrawerService
from core.services.register import RegisterService
from core.staff.actor import Actor
from desktop.devices.printing import Printing
from desktop.operations import Operations
from desktop.tasks import TaskRunner


@dataclass(frozen=True)
class Till:
    """The register's collaborators. Services are reached through callables because they
    exist only once the store is open; every call on them runs on the database thread."""

    runner: TaskRunner
    ops: Operations
    register: Callable[[], RegisterService]
    drawer: Callable[[], DrawerService]
    catalog: Callable[[], CatalogService]
    customers: Callable[[], CustomerService]
    location_id: Callable[[], uuid.UUID]
    currency: Callable[[], str]
    timezone: Callable[[], str]
    receipts_dir: Callable[[], Path]
    printing: Printing | None = None  # None: no printer wiring (receipts are saved as PDFs)

    @property
    def actor(self) -> Actor:
        return self.ops.actor


def money(amount: Money) -> str:
    return format_money(amount)


def magnitude(amount: Money) -> Money:
    return Money(abs(amount.amount), amount.currency)


def minus(amount: Money) -> str:
    """A discount as what it does to the total: "−$1.75" off a sale (a true minus sign),
    "+$1.75" on a return (the discount given then is not paid back); "" for none."""
    if amount.amount == 0:
        return ""
    sign = "−" if amount.amount > 0 else "+"
    return f"{sign}{format_money(magnitude(amount))}"


def rate_text(rate_ppm: int) -> str:
    """62500 parts per million -> "6.25%"."""
    whole, rest = divmod(rate_ppm, 10_000)
    if rest == 0:
        return f"{whole}%"
    return f"{whole}.{rest:04d}".rstrip("0") + "%"


def store_time(at: datetime, timezone: str) -> str:
    try:
        local = to_store_time(at, timezone)
    except DomainError:
        local = at
    return local.strftime("%Y-%m-%d %H:%M")
