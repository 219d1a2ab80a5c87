"""The register: ring up, discount, pay, hold, resume, void, return and complete sales.

Every write is one unit of work that loads the open sale, applies the register's rules
(`core.sales`), and saves the recomputed sale, so the screen always shows what the
database holds and a crash loses at most the keystroke in flight. Each write returns the
sale as the screen should show it (`SaleView`). Writes that may need a manager take
`approval` and raise `PermissionDeniedError` without one (see `desktop.operations`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.catalog.stock import check_note
from core.clock import Clock
from core.ids import new_id
from core.money import Money
from core.sales.discounts import Discount, DiscountReason
from core.sales.errors import SaleError
from core.sales.receipt import ReceiptDocument
from core.sales.tenders import Tender, TenderKind, check_tender
from core.services import audit, outbox, receipts, register_cart, register_returns
from core.services.catalog_reads import lookup
from core.services.company_rows import ThisCompany, company_currency
from core.services.guard import require
from core.services.register_cart import NotInCatalogError, UnitNeededError
from core.services.register_complete import (
    CASH_REFUND_APPROVED,
    complete,
    store_credit_balance,
    void_completed,
)
from core.services.register_queries import held_sales, recent_sales, to_view
from core.services.register_rows import (
    CompletedSale,
    HeldSale,
    ReturnableSale,
    SaleSummary,
    SaleView,
)
from core.services.sale_ledger import require_drawer
from core.services.sale_payload import sale_payload
from core.services.sale_state import SaleState, load, save
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import CustomerAccount, Sale, SaleTender
from db.uow import SqlUnitOfWork, UowFactory

__all__ = ["NotInCatalogError", "RegisterService", "UnitNeededError"]

T = TypeVar("T")
Change = Callable[[SqlUnitOfWork, SaleState], T]


class RegisterService:
    def __init__(
        self, uow_factory: UowFactory, read_sessions: sessionmaker[Session], clock: Clock
    ) -> None:
        self._uow = uow_factory
        self._read = read_sessions
        self._clock = clock
        self._this_company = ThisCompany(read_sessions)
        self._last: tuple[SaleState, int] | None = None

    # -- reads -------------------------------------------------------------------------

    def current(self, actor: Actor) -> SaleView | None:
        """The sale open on this register (not held), if any: what the screen resumes."""
        with self._read() as session:
            sale = _current_sale(session, actor)
            if sale is None:
                return None
            state = load(session, sale)
            return to_view(session, state, state.totals())

    def view(self, sale_id: uuid.UUID) -> SaleView:
        with self._read() as session:
            sale = self._owned(session, sale_id)
            state = load(session, sale)
            return to_view(session, state, state.totals())

    def held(self, actor: Actor) -> list[HeldSale]:
        """Sales parked at this store, on any of its registers, oldest first."""
        with self._read() as session:
            return held_sales(session, actor.location_id)

    def recent(self, text: str = "", limit: int = 50) -> list[SaleSummary]:
        """Completed sales, newest first, by receipt number or customer name."""
        company_id = self._this_company()[0]
        with self._read() as session:
            return recent_sales(session, company_id, text, limit)

    def find_receipt(self, text: str) -> ReturnableSale | None:
        """A receipt number (scanned from its barcode or typed) and what is left to return."""
        company_id = self._this_company()[0]
        with self._read() as session:
            sale = register_returns.find_by_receipt(session, company_id, text)
            if sale is None:
                return None
            return register_returns.returnable(session, company_id, sale)

    def returnable(self, sale_id: uuid.UUID) -> ReturnableSale:
        company_id = self._this_company()[0]
        with self._read() as session:
            return register_returns.returnable(session, company_id, self._owned(session, sale_id))

    def receipt(
        self, sale_id: uuid.UUID, *, gift: bool = False, reprint: bool = False
    ) -> ReceiptDocument:
        with self._read() as session:
            sale = self._owned(session, sale_id)
            return receipts.build(session, sale, gift=gift, reprint=reprint)

    def store_credit(self, account_id: uuid.UUID) -> Money:
        company_id, currency = self._this_company()
        with self._read() as session:
            owner = session.scalar(
                select(CustomerAccount.company_id).where(CustomerAccount.id == account_id)
            )
            if owner != company_id:
                raise SaleError("That customer account does not exist.")
            return Money(store_credit_balance(session, account_id), currency)

    # -- ringing up ----------------------------------------------------------------------

    def scan(
        self, actor: Actor, code: str, *, quantity: int = 1, sale_id: uuid.UUID | None = None
    ) -> SaleView:
        """A scanned or typed barcode, SKU or serial number onto the sale."""
        company_id, currency = self._this_company()
        with self._read() as session:
            found = lookup(session, company_id, currency, code)
        if found is None:
            raise NotInCatalogError(code.strip())
        unit_id = None if found.unit is None else found.unit.id
        return self.add_product(actor, found.product_id, quantity, unit_id, sale_id=sale_id)

    def add_product(
        self,
        actor: Actor,
        product_id: uuid.UUID,
        quantity: int = 1,
        unit_id: uuid.UUID | None = None,
        *,
        sale_id: uuid.UUID | None = None,
    ) -> SaleView:
        def change(uow: SqlUnitOfWork, state: SaleState) -> None:
            register_cart.add_product(uow.session, state, actor, product_id, quantity, unit_id)

        return self._change(actor, sale_id, change, create=True)

    def set_quantity(
        self, actor: Actor, sale_id: uuid.UUID, line_id: uuid.UUID, quantity: int
    ) -> SaleView:
        return self._change(
            actor, sale_id, lambda _uow, state: register_cart.set_quantity(state, line_id, quantity)
        )

    def remove_line(self, actor: Actor, sale_id: uuid.UUID, line_id: uuid.UUID) -> SaleView:
        return self._change(
            actor, sale_id, lambda _uow, state: register_cart.remove_line(state, line_id)
        )

    def set_price(
        self,
        actor: Actor,
        sale_id: uuid.UUID,
        line_id: uuid.UUID,
        price: Money | None,
        reason: DiscountReason = DiscountReason.PRICE_CHANGE,
        approval: object | None = None,
    ) -> SaleView:
        def change(uow: SqlUnitOfWork, state: SaleState) -> None:
            amount = None if price is None else self._amount(state, price)
            register_cart.set_price(uow.session, state, actor, line_id, amount, reason, approval)

        return self._change(actor, sale_id, change)

    def set_line_discount(
        self,
        actor: Actor,
        sale_id: uuid.UUID,
        line_id: uuid.UUID,
        discount: Discount | None,
        approval: object | None = None,
    ) -> SaleView:
        def change(uow: SqlUnitOfWork, state: SaleState) -> None:
            register_cart.set_line_discount(uow.session, state, actor, line_id, discount, approval)

        return self._change(actor, sale_id, change)

    def set_sale_discount(
        self,
        actor: Actor,
        sale_id: uuid.UUID,
        discount: Discount | None,
        approval: object | None = None,
    ) -> SaleView:
        def change(uow: SqlUnitOfWork, state: SaleState) -> None:
            register_cart.set_sale_discount(uow.session, state, actor, discount, approval)

        return self._change(actor, sale_id, change)

    def attach_customer(
        self, actor: Actor, account_id: uuid.UUID | None, *, sale_id: uuid.UUID | None = None
    ) -> SaleView:
        def change(uow: SqlUnitOfWork, state: SaleState) -> None:
            register_cart.attach_customer(uow.session, state, actor, account_id)

        return self._change(actor, sale_id, change, create=True)

    def set_notes(self, actor: Actor, sale_id: uuid.UUID, notes: str) -> SaleView:
        clean = check_note(notes, "note", 1000)

        def change(_uow: SqlUnitOfWork, state: SaleState) -> None:
            state.row.notes = clean

        return self._change(actor, sale_id, change)

    # -- returns -------------------------------------------------------------------------

    def add_return(
        self,
        actor: Actor,
        original_line_id: uuid.UUID,
        quantity: int,
        *,
        sale_id: uuid.UUID | None = None,
        approval: object | None = None,
    ) -> SaleView:
        """Return `quantity` of a line of a completed sale (found by its receipt)."""

        def change(uow: SqlUnitOfWork, state: SaleState) -> None:
            register_returns.add_return(
                uow.session, state, actor, original_line_id, quantity, approval
            )

        return self._change(actor, sale_id, change, create=True)

    def add_unreceipted_return(
        self,
        actor: Actor,
        product_id: uuid.UUID,
        quantity: int = 1,
        unit_id: uuid.UUID | None = None,
        *,
        sale_id: uuid.UUID | None = None,
        approval: object | None = None,
    ) -> SaleView:
        """Take an item back without a receipt, at today's price."""

        def change(uow: SqlUnitOfWork, state: SaleState) -> None:
            register_returns.add_unreceipted_return(
                uow.session, state, actor, product_id, quantity, unit_id, approval
            )

        return self._change(actor, sale_id, change, create=True)

    # -- paying --------------------------------------------------------------------------

    def add_tender(
        self,
        actor: Actor,
        sale_id: uuid.UUID,
        kind: TenderKind,
        amount: Money,
        *,
        provider: str = "",
        reference: str = "",
        approval: object | None = None,
    ) -> SaleView:
        """A payment taken (positive) or money paid back (negative) on the open sale.

        A card is taken through a payment provider first (`core.sales.payments`); this
        records what it returned, at once, so a card payment is never lost to a crash.
        """

        def change(uow: SqlUnitOfWork, state: SaleState) -> None:
            value = self._amount(state, amount)
            totals = state.totals()
            check_tender(totals.total, state.tenders, kind, value)
            if kind is TenderKind.CASH:
                # Said now rather than at completion: cash needs this register's drawer.
                require_drawer(uow.session, actor.device_id, cash=True)
            if value < 0:
                manager = self._check_payout(uow.session, state, actor, kind, approval)
                if manager is not None:
                    # Recorded, so completing the sale does not ask the manager again.
                    audit.record(
                        uow,
                        actor,
                        self._clock.now(),
                        CASH_REFUND_APPROVED,
                        "sale",
                        state.row.id,
                        after={"amount": -value},
                        reason="refund without a receipt",
                        approved_by=manager,
                    )
                if kind is TenderKind.CARD:
                    self._check_card_refund(uow.session, state, value)
            if kind is TenderKind.STORE_CREDIT:
                self._check_store_credit(uow.session, state, value)
            tender = SaleTender(
                id=new_id(),
                sale_id=state.row.id,
                kind=str(kind),
                amount_minor=value,
                provider=provider[:30],
                reference=" ".join(reference.split())[:100],
                user_id=actor.user_id,
                created_at=self._clock.now(),
            )
            uow.session.add(tender)
            uow.session.flush()
            state.tenders.append(_tender(tender))

        return self._change(actor, sale_id, change)

    def remove_tender(self, actor: Actor, sale_id: uuid.UUID, tender_id: uuid.UUID) -> SaleView:
        """Take a payment off the open sale (a card must be refunded on its terminal)."""

        def change(uow: SqlUnitOfWork, state: SaleState) -> None:
            tender = uow.session.get(SaleTender, tender_id)
            if tender is None or tender.sale_id != state.row.id:
                raise SaleError("That payment is no longer on the sale.")
            uow.session.delete(tender)
            uow.session.flush()
            state.tenders = [t for t in state.tenders if t.tender_id != tender_id]
            audit.record(
                uow,
                actor,
                self._clock.now(),
                "sale.payment_removed",
                "sale",
                state.row.id,
                before={"kind": tender.kind, "amount": tender.amount_minor},
            )

        return self._change(actor, sale_id, change)

    def complete(
        self, actor: Actor, sale_id: uuid.UUID, approval: object | None = None
    ) -> CompletedSale:
        now = self._clock.now()
        with self._uow() as uow:
            state = self._open_state(uow.session, actor, sale_id)
            done = complete(uow, state, actor, now, approval)
            uow.commit()
        return done

    # -- holding and voiding -----------------------------------------------------------------

    def hold(self, actor: Actor, sale_id: uuid.UUID) -> None:
        """Park the sale; any register of this store can resume it."""
        now = self._clock.now()
        with self._uow() as uow:
            state = self._open_state(uow.session, actor, sale_id)
            if not state.lines:
                raise SaleError("There is nothing on the sale to hold.")
            if state.tenders:
                raise SaleError(
                    "Payments are taken on this sale: complete it, or remove them first."
                )
            state.row.held_at = now
            state.row.held_by_id = actor.user_id
            totals = save(uow.session, state, now)
            outbox.emit(uow, actor.device_id, "sale.held", sale_payload(state, totals), now)
            uow.commit()

    def resume(self, actor: Actor, sale_id: uuid.UUID) -> SaleView:
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            sale = self._owned(session, sale_id)
            if sale.status != "open" or sale.held_at is None:
                raise SaleError("That sale is no longer held; someone may have resumed it.")
            if sale.location_id != actor.location_id:
                raise SaleError("That sale is held at another store.")
            current = _current_sale(session, actor)
            if current is not None:
                if load(session, current).lines:
                    raise SaleError(
                        "Finish or hold the sale on the register before resuming another."
                    )
                current.status, current.voided_at = "voided", now
                current.void_reason = "empty sale replaced by a resumed one"
            sale.held_at = None
            sale.held_by_id = None
            sale.device_id = actor.device_id
            sale.updated_at = now
            state = load(session, sale)
            totals = save(session, state, now)
            outbox.emit(uow, actor.device_id, "sale.resumed", {"sale_id": str(sale.id)}, now)
            view = to_view(session, state, totals)
            uow.commit()
        return view

    def void_open(self, actor: Actor, sale_id: uuid.UUID, reason: str) -> None:
        """Abandon an open sale, with a reason; it stays on record as voided."""
        clean = check_note(reason, "reason", 200)
        if not clean:
            raise SaleError("Give a reason for voiding the sale.")
        now = self._clock.now()
        with self._uow() as uow:
            state = self._open_state(uow.session, actor, sale_id, held_ok=True)
            if state.tenders:
                raise SaleError(
                    "Payments are taken on this sale: remove them first "
                    "(refund a card on its terminal)."
                )
            sale = state.row
            sale.status = "voided"
            sale.voided_at = now
            sale.void_reason = clean
            sale.updated_at = now
            audit.record(
                uow,
                actor,
                now,
                "sale.voided_open",
                "sale",
                sale.id,
                before={"lines": len(state.lines), "total": sale.total_minor},
                reason=clean,
            )
            outbox.emit(uow, actor.device_id, "sale.voided_open", {"sale_id": str(sale.id)}, now)
            uow.commit()

    def void_completed(
        self, actor: Actor, sale_id: uuid.UUID, reason: str, approval: object | None = None
    ) -> CompletedSale:
        """Void a sale completed today: a reversing sale, with a manager's approval."""
        clean = check_note(reason, "reason", 200)
        if not clean:
            raise SaleError("Give a reason for voiding the sale.")
        require(actor, Permission.VOID, approval)
        now = self._clock.now()
        with self._uow() as uow:
            original = self._owned(uow.session, sale_id)
            done = void_completed(uow, actor, original, clean, now, approval)
            uow.commit()
        return done

    # -- plumbing --------------------------------------------------------------------------

    def _change(
        self,
        actor: Actor,
        sale_id: uuid.UUID | None,
        change: Change[object],
        *,
        create: bool = False,
    ) -> SaleView:
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            if sale_id is None:
                if not create:
                    raise SaleError("There is no sale open on this register.")
                sale = _current_sale(session, actor) or _new_sale(session, actor, now)
                state = load(session, sale)
            else:
                state = self._open_state(session, actor, sale_id)
            change(uow, state)
            totals = save(session, state, now)
            view = to_view(session, state, totals)
            version = state.row.version
            uow.commit()
        self._last = (state, version)
        return view

    def _open_state(
        self, session: Session, actor: Actor, sale_id: uuid.UUID, *, held_ok: bool = False
    ) -> SaleState:
        sale = self._owned(session, sale_id)
        if sale.status == "completed":
            raise SaleError(f"Sale {sale.receipt_number} is already completed.")
        if sale.status == "voided":
            raise SaleError("That sale was voided.")
        if sale.held_at is not None and not held_ok:
            raise SaleError("That sale is on hold; resume it first.")
        if sale.device_id != actor.device_id and sale.held_at is None:
            raise SaleError("That sale is open on another register.")
        return self._recall(sale) or load(session, sale)

    def _recall(self, sale: Sale) -> SaleState | None:
        """The sale as this service last saved it, if nothing has changed it since.

        Completing follows a payment within seconds; reusing what that write saved (checked
        by the row's version, which every save advances) spares re-reading the lines.
        """
        if self._last is None:
            return None
        cached, version = self._last
        if cached.row.id != sale.id or version != sale.version:
            return None
        return SaleState(
            row=sale,
            lines=list(cached.lines),
            tenders=list(cached.tenders),
            tender_users=dict(cached.tender_users),
            tax_exempt=cached.tax_exempt,
            rates=cached.rates,
            stored=cached.stored,
        )

    def _owned(self, session: Session, sale_id: uuid.UUID) -> Sale:
        company_id = self._this_company()[0]
        sale = session.get(Sale, sale_id)
        if sale is None or sale.company_id != company_id:
            raise SaleError("That sale does not exist.")
        return sale

    @staticmethod
    def _amount(state: SaleState, amount: Money) -> int:
        if amount.currency != state.row.currency:
            raise SaleError(f"Amounts are in {state.row.currency}, not {amount.currency}.")
        return amount.amount

    @staticmethod
    def _check_payout(
        session: Session,
        state: SaleState,
        actor: Actor,
        kind: TenderKind,
        approval: object | None,
    ) -> uuid.UUID | None:
        """The manager who approved cash back without a receipt, when one had to."""
        kinds, loose = register_returns.refund_kinds(session, state)
        if kind not in kinds:
            raise SaleError(
                f"This refund cannot go back as {kind.label.lower()}: refund the way the "
                "sale was paid, or as store credit."
            )
        if loose and kind is TenderKind.CASH:
            return require(actor, Permission.REFUND_WITHOUT_RECEIPT, approval)
        return None

    @staticmethod
    def _check_card_refund(session: Session, state: SaleState, value: int) -> None:
        already = -sum(t.amount for t in state.tenders if t.kind is TenderKind.CARD)
        if already - value > register_returns.card_refundable(session, state):
            raise SaleError("That is more than was paid by card; refund the rest another way.")

    @staticmethod
    def _check_store_credit(session: Session, state: SaleState, value: int) -> None:
        customer_id = state.row.customer_id
        if customer_id is None:
            raise SaleError("Attach the customer's account to use or give store credit.")
        if value > 0:
            spent = sum(t.amount for t in state.tenders if t.kind is TenderKind.STORE_CREDIT)
            if store_credit_balance(session, customer_id) < spent + value:
                raise SaleError("The customer does not have that much store credit.")


def _tender(row: SaleTender) -> Tender:
    return Tender(row.id, TenderKind(row.kind), row.amount_minor, row.provider, row.reference)


def _current_sale(session: Session, actor: Actor) -> Sale | None:
    return session.scalar(
        select(Sale)
        .where(
            Sale.device_id == actor.device_id,
            Sale.status == "open",
            Sale.held_at.is_(None),
        )
        .order_by(Sale.created_at.desc(), Sale.id.desc())
        .limit(1)
    )


def _new_sale(session: Session, actor: Actor, now: datetime) -> Sale:
    sale = Sale(
        id=new_id(),
        company_id=actor.company_id,
        location_id=actor.location_id,
        device_id=actor.device_id,
        status="open",
        kind="sale",
        currency=company_currency(session, actor.company_id),
        user_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(sale)
    session.flush()
    return sale
