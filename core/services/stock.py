"""Stock: receiving, adjusting, transferring and counting, and reading the ledger.

Every write is one unit of work: the permission check (or a manager's approval), the ledger
movements with their `stock_level` updates, and the audit entry commit together. Quantities
of serialized products move only with their units (`CatalogService.add_unit`,
`retire_unit`), so the ledger and the units always tell the same story.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.catalog.products import CatalogError, check_amount
from core.catalog.stock import (
    AdjustmentReason,
    MovementKind,
    StockError,
    check_adjust_quantity,
    check_note,
    check_reason,
    check_receive_quantity,
    check_transfer,
    movement_reason,
)
from core.clock import Clock
from core.ids import new_id
from core.services import audit, stock_counts, stock_history
from core.services.company_rows import (
    ThisCompany,
    check_supplier,
    company_currency,
    owned_location,
    owned_product,
)
from core.services.guard import require
from core.services.stock_ledger import Posting, ledger_sum, level_on_hand, post_movement
from core.services.stock_rows import CountedLine, MovementRow, ReceiveLine, ReorderRow
from core.services.stock_value import post_adjustment, post_receipt
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import Location, Product, StockReceipt
from db.uow import UowFactory

__all__ = ["ReceiveLine", "StockError", "StockService"]

MAX_RECEIPT_LINES = 1_000


class StockService:
    def __init__(
        self, uow_factory: UowFactory, read_sessions: sessionmaker[Session], clock: Clock
    ) -> None:
        self._uow = uow_factory
        self._read = read_sessions
        self._clock = clock
        self._this_company = ThisCompany(read_sessions)

    # -- reads -------------------------------------------------------------------------

    def locations(self) -> list[tuple[uuid.UUID, str]]:
        """The company's stores, by name: where stock can be transferred to."""
        company_id, _currency = self._this_company()
        with self._read() as session:
            rows = session.execute(
                select(Location.id, Location.name)
                .where(Location.company_id == company_id, Location.deleted_at.is_(None))
                .order_by(Location.name)
            )
            return [(location_id, name) for location_id, name in rows]

    def on_hand(self, product_id: uuid.UUID, location_id: uuid.UUID) -> int:
        """From the `stock_level` cache: what screens and the register use."""
        with self._read() as session:
            return level_on_hand(session, product_id, location_id)

    def ledger_on_hand(self, product_id: uuid.UUID, location_id: uuid.UUID | None = None) -> int:
        """Summed from the ledger itself; always equal to `on_hand` (tests hold it to that)."""
        with self._read() as session:
            return ledger_sum(session, product_id, location_id)

    def movements(
        self, product_id: uuid.UUID, location_id: uuid.UUID | None = None, limit: int = 200
    ) -> list[MovementRow]:
        company_id = self._this_company()[0]
        with self._read() as session:
            return stock_history.movements(session, company_id, product_id, location_id, limit)

    def reorder_list(self, location_id: uuid.UUID) -> list[ReorderRow]:
        company_id = self._this_company()[0]
        with self._read() as session:
            return stock_history.reorder_list(session, company_id, location_id)

    # -- receiving, adjusting, transferring --------------------------------------------

    def receive(
        self,
        actor: Actor,
        location_id: uuid.UUID,
        supplier_id: uuid.UUID | None,
        supplier_reference: str,
        lines: list[ReceiveLine],
        *,
        approval: object | None = None,
    ) -> uuid.UUID:
        """Goods in from a supplier: a receipt and one `receive` movement per line.

        The product's cost is left alone: a receipt's cost is what this delivery cost, and
        changing the list cost is a product edit with its own permission and audit entry.
        """
        approved_by = require(actor, Permission.RECEIVE_STOCK, approval)
        if not lines:
            raise StockError("Add at least one item to receive.")
        if len(lines) > MAX_RECEIPT_LINES:
            raise StockError(f"A receipt can have at most {MAX_RECEIPT_LINES:,} lines.")
        for line in lines:
            check_receive_quantity(line.quantity)
        reference = check_note(supplier_reference, "supplier reference", 100)
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            currency = company_currency(session, actor.company_id)
            location = owned_location(session, actor.company_id, location_id)
            check_supplier(session, actor.company_id, supplier_id)
            receipt = StockReceipt(
                id=new_id(),
                company_id=actor.company_id,
                location_id=location.id,
                supplier_id=supplier_id,
                supplier_reference=reference,
                user_id=actor.user_id,
                created_at=now,
                updated_at=now,
            )
            session.add(receipt)
            logged: list[dict[str, object]] = []
            values: list[tuple[int, int]] = []
            for line in lines:
                product = self._quantity_product(session, actor, line.product_id)
                if line.unit_cost.currency != currency:
                    raise CatalogError(f"Costs are in {currency}, not {line.unit_cost.currency}.")
                cost = check_amount(line.unit_cost, "cost").amount
                posting = Posting(
                    location.id,
                    product.id,
                    MovementKind.RECEIVE,
                    line.quantity,
                    reference_type="stock_receipt",
                    reference_id=receipt.id,
                    unit_cost_minor=cost,
                )
                post_movement(session, actor, now, posting)
                values.append((line.quantity, cost))
                logged.append(
                    {"product_id": str(product.id), "quantity": line.quantity, "unit_cost": cost}
                )
            post_receipt(
                session,
                actor,
                now,
                values,
                source_type="stock_receipt",
                source_id=receipt.id,
                reference=reference,
            )
            audit.record(
                uow,
                actor,
                now,
                "stock.receive",
                "stock_receipt",
                receipt.id,
                after={"supplier_reference": reference, "lines": logged},
                approved_by=approved_by,
            )
            uow.commit()
            return receipt.id

    def adjust(
        self,
        actor: Actor,
        location_id: uuid.UUID,
        product_id: uuid.UUID,
        quantity_delta: int,
        reason: AdjustmentReason | str,
        note: str = "",
        *,
        approval: object | None = None,
    ) -> int:
        """Add or remove stock with a reason; returns the new on-hand quantity.

        An adjustment that would leave less than zero is refused: "remove 5" when the ledger
        says 3 means the count is wrong, and a stock count is the way to put that right.
        """
        approved_by = require(actor, Permission.ADJUST_STOCK, approval)
        quantity_delta = check_adjust_quantity(quantity_delta)
        why = movement_reason(check_reason(reason), check_note(note))
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            location = owned_location(session, actor.company_id, location_id)
            product = self._quantity_product(session, actor, product_id)
            before = level_on_hand(session, product.id, location.id)
            if before + quantity_delta < 0:
                raise StockError(
                    f"Only {before} of {product.name} in stock at {location.name}; removing "
                    f"{-quantity_delta} would leave {before + quantity_delta}. Count it instead."
                )
            adjustment_id = new_id()
            posting = Posting(
                location.id,
                product.id,
                MovementKind.ADJUSTMENT,
                quantity_delta,
                reason=why,
                reference_type="adjustment",
                reference_id=adjustment_id,
                unit_cost_minor=product.cost_minor,
            )
            after = post_movement(session, actor, now, posting)
            post_adjustment(
                session,
                actor,
                now,
                [(quantity_delta, product.cost_minor)],
                source_type="adjustment",
                source_id=adjustment_id,
                reason=why,
            )
            audit.record(
                uow,
                actor,
                now,
                "stock.adjust",
                "product",
                product.id,
                before={"on_hand": before, "location_id": str(location.id)},
                after={"on_hand": after, "location_id": str(location.id)},
                reason=why,
                approved_by=approved_by,
            )
            uow.commit()
            return after

    def transfer(
        self,
        actor: Actor,
        from_location: uuid.UUID,
        to_location: uuid.UUID,
        product_id: uuid.UUID,
        quantity: int,
        *,
        approval: object | None = None,
    ) -> uuid.UUID:
        """Move stock between locations; both movements share the returned transfer id."""
        approved_by = require(actor, Permission.ADJUST_STOCK, approval)
        quantity = check_transfer(from_location, to_location, quantity)
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            source = owned_location(session, actor.company_id, from_location)
            target = owned_location(session, actor.company_id, to_location)
            product = self._quantity_product(session, actor, product_id)
            available = level_on_hand(session, product.id, source.id)
            if available < quantity:
                raise StockError(
                    f"Only {available} of {product.name} in stock at {source.name}; "
                    f"{quantity} cannot be transferred."
                )
            transfer_id = new_id()
            for location, kind, signed in (
                (source, MovementKind.TRANSFER_OUT, -quantity),
                (target, MovementKind.TRANSFER_IN, quantity),
            ):
                posting = Posting(
                    location.id,
                    product.id,
                    kind,
                    signed,
                    reference_type="transfer",
                    reference_id=transfer_id,
                )
                post_movement(session, actor, now, posting)
            audit.record(
                uow,
                actor,
                now,
                "stock.transfer",
                "product",
                product.id,
                after={"from": str(source.id), "to": str(target.id), "quantity": quantity},
                approved_by=approved_by,
            )
            uow.commit()
            return transfer_id

    # -- counts ------------------------------------------------------------------------

    def start_count(self, actor: Actor, location_id: uuid.UUID) -> uuid.UUID:
        """Anyone may count shelves; completing the count needs ADJUST_STOCK."""
        with self._uow() as uow:
            count_id = stock_counts.start_count(uow, actor, self._clock.now(), location_id)
            uow.commit()
            return count_id

    def record_count(
        self, actor: Actor, count_id: uuid.UUID, product_id: uuid.UUID, counted: int
    ) -> None:
        with self._uow() as uow:
            stock_counts.record_count(uow, actor, self._clock.now(), count_id, product_id, counted)
            uow.commit()

    def complete_count(
        self, actor: Actor, count_id: uuid.UUID, *, approval: object | None = None
    ) -> list[CountedLine]:
        """Post the differences (see `core.services.stock_counts` for why as recorded)."""
        approved_by = require(actor, Permission.ADJUST_STOCK, approval)
        with self._uow() as uow:
            lines = stock_counts.complete_count(
                uow, actor, self._clock.now(), count_id, approved_by
            )
            uow.commit()
            return lines

    # -- helpers -----------------------------------------------------------------------

    @staticmethod
    def _quantity_product(session: Session, actor: Actor, product_id: uuid.UUID) -> Product:
        product = owned_product(session, actor.company_id, product_id)
        if product.is_serialized:
            raise StockError(
                f"{product.name} is serialized: receive, retire or move it one unit at a "
                "time by serial number."
            )
        return product
