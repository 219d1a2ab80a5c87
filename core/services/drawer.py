"""Cash drawers: open with a counted float, pay in, pay out, no-sale, X report, close with a
count and the Z report, and the over/short history.

Each write is one unit of work with its journal entry, its audit row and its outbox event.
A register has at most one open session (a unique index); the close, the over/short entry
and the Z report commit together, so a Z never exists for a drawer that is still open.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock, to_store_time
from core.drawer.cash import DrawerTotals, needs_sign_off
from core.drawer.counts import Count, check_denominations, default_denominations
from core.drawer.errors import DrawerError
from core.drawer.report import DrawerFigures, RegisterReport
from core.ids import new_id
from core.ledger.postings import (
    PAY_IN_REASONS,
    PAY_OUT_REASONS,
    CashReason,
    check_cash_reason,
    drawer_close_entry,
    drawer_open_entry,
    pay_in_entry,
    pay_out_entry,
)
from core.money import Money, format_money
from core.sales.numbers import format_receipt_number
from core.services import audit, company_settings, journal, outbox
from core.services.counters import next_value
from core.services.drawer_figures import drawer_totals, receipt_range, sales_figures
from core.services.guard import require
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import (
    Company,
    CompanySetting,
    Device,
    DrawerEvent,
    DrawerSession,
    Location,
    Sale,
    SaleLine,
    User,
    ZReport,
)
from db.uow import SqlUnitOfWork, UowFactory

__all__ = [
    "ClosedDrawer",
    "DrawerService",
    "DrawerSettings",
    "DrawerStatus",
    "OverShortRow",
    "PayOutOverCashError",
    "ZSummary",
    "open_drawer",
]

DENOMINATIONS = "drawer.denominations"
BLIND_CLOSE = "drawer.blind_close"
OVER_SHORT_LIMIT = "drawer.over_short_limit_minor"
DEFAULT_OVER_SHORT_LIMIT = 500  # $5.00: a difference above this needs a manager
MAX_NOTE = 200


class PayOutOverCashError(DrawerError):
    """The pay-out is more than the drawer should hold: a warning the cashier may confirm."""


@dataclass(frozen=True, slots=True)
class DrawerSettings:
    currency: str
    denominations: tuple[int, ...]
    blind_close: bool
    over_short_limit: int


@dataclass(frozen=True, slots=True)
class DrawerStatus:
    currency: str
    register: str
    session_id: uuid.UUID | None
    opened_by: str = ""
    opened_time: str = ""
    totals: DrawerTotals | None = None
    blind: bool = False  # the cashier may not see what is expected

    @property
    def is_open(self) -> bool:
        return self.session_id is not None


@dataclass(frozen=True, slots=True)
class ClosedDrawer:
    z_report_id: uuid.UUID
    report: RegisterReport


@dataclass(frozen=True, slots=True)
class ZSummary:
    z_report_id: uuid.UUID
    number: int
    register: str
    business_date: date
    taken_time: str
    net_sales: int
    over_short: int | None


@dataclass(frozen=True, slots=True)
class OverShortRow:
    session_id: uuid.UUID
    register: str
    device_id: uuid.UUID
    cashier: str
    cashier_id: uuid.UUID
    closed_by: str
    closed_time: str
    business_date: date
    expected: int
    counted: int
    over_short: int
    signed_off_by: str


class DrawerService:
    def __init__(
        self, uow_factory: UowFactory, read_sessions: sessionmaker[Session], clock: Clock
    ) -> None:
        self._uow = uow_factory
        self._read = read_sessions
        self._clock = clock

    # -- settings ----------------------------------------------------------------------

    def settings(self, actor: Actor) -> DrawerSettings:
        with self._read() as session:
            return _settings(session, actor.company_id)

    def save_settings(
        self,
        actor: Actor,
        denominations: list[int],
        blind_close: bool,
        over_short_limit: Money,
        *,
        approval: object | None = None,
    ) -> DrawerSettings:
        require(actor, Permission.DRAWER_SETTINGS, approval)
        values = check_denominations(denominations)
        if over_short_limit.amount < 0:
            raise DrawerError("The over/short limit cannot be negative.")
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            before = _settings(session, actor.company_id)
            if over_short_limit.currency != before.currency:
                raise DrawerError(f"The limit is in {before.currency}.")
            company_settings.write(session, actor.company_id, DENOMINATIONS, list(values), now)
            company_settings.write(session, actor.company_id, BLIND_CLOSE, int(blind_close), now)
            company_settings.write(
                session, actor.company_id, OVER_SHORT_LIMIT, over_short_limit.amount, now
            )
            audit.record(
                uow,
                actor,
                now,
                "drawer.settings",
                "company",
                actor.company_id,
                before={
                    "denominations": list(before.denominations),
                    "blind": before.blind_close,
                    "limit": before.over_short_limit,
                },
                after={
                    "denominations": list(values),
                    "blind": blind_close,
                    "limit": over_short_limit.amount,
                },
            )
            uow.commit()
        return DrawerSettings(before.currency, values, blind_close, over_short_limit.amount)

    # -- the drawer --------------------------------------------------------------------

    def status(self, actor: Actor) -> DrawerStatus:
        with self._read() as session:
            return _status(session, actor)

    def open(self, actor: Actor, pieces: Mapping[int, int]) -> DrawerStatus:
        """Open this register's drawer with a float counted by denomination."""
        with self._uow() as uow:
            open_drawer(uow, actor, self._clock.now(), pieces)
            uow.commit()
        return self.status(actor)

    def pay_in(self, actor: Actor, amount: Money, reason: str, note: str = "") -> DrawerStatus:
        why = check_cash_reason(reason, PAY_IN_REASONS)
        return self._cash_event(actor, "pay_in", amount, why, note, None, confirmed=True)

    def pay_out(
        self,
        actor: Actor,
        amount: Money,
        reason: str,
        note: str = "",
        *,
        approval: object | None = None,
        confirmed: bool = False,
    ) -> DrawerStatus:
        """Cash out of the drawer for a reason. More than the drawer should hold raises
        `PayOutOverCashError` unless `confirmed` (the cashier saw the warning)."""
        why = check_cash_reason(reason, PAY_OUT_REASONS)
        return self._cash_event(actor, "pay_out", amount, why, note, approval, confirmed=confirmed)

    def _cash_event(
        self,
        actor: Actor,
        kind: str,
        amount: Money,
        reason: CashReason,
        note: str,
        approval: object | None,
        *,
        confirmed: bool,
    ) -> DrawerStatus:
        approved_by = require(actor, Permission.PAY_OUT, approval) if kind == "pay_out" else None
        note = _note(note)
        if amount.amount <= 0:
            raise DrawerError("Enter an amount above zero.")
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            drawer = _open_session(session, actor.device_id)
            if drawer is None:
                raise DrawerError("Open the drawer with a counted float first.")
            if amount.currency != drawer.currency:
                raise DrawerError(f"The drawer holds {drawer.currency}.")
            if kind == "pay_out" and not confirmed:
                expected = drawer_totals(session, drawer).expected
                if amount.amount > expected:
                    # A blind drawer's cashier is not told what it should hold.
                    held = (
                        "what"
                        if _blind_for(drawer, actor)
                        else f"the {format_money(Money(expected, drawer.currency))}"
                    )
                    raise PayOutOverCashError(
                        f"Paying out {format_money(amount)} is more than {held} the drawer "
                        "should hold. Pay it out anyway?"
                    )
            event = _event(actor, drawer.id, kind, amount.amount, str(reason), note, now)
            event.approved_by_id = approved_by
            session.add(event)
            session.flush()
            build = pay_in_entry if kind == "pay_in" else pay_out_entry
            journal.post(
                session,
                actor,
                now,
                build(amount.amount, reason, note),
                source_type="drawer_event",
                source_id=event.id,
                currency=drawer.currency,
            )
            audit.record(
                uow,
                actor,
                now,
                f"drawer.{kind}",
                "drawer_session",
                drawer.id,
                after={"amount": amount.amount, "reason": str(reason)},
                reason=note,
                approved_by=approved_by,
            )
            outbox.emit(
                uow,
                actor.device_id,
                f"drawer.{kind}",
                {
                    "event_id": str(event.id),
                    "session_id": str(drawer.id),
                    "amount": amount.amount,
                    "reason": str(reason),
                    "note": note,
                    "user_id": str(actor.user_id),
                },
                now,
            )
            uow.commit()
        return self.status(actor)

    def no_sale(self, actor: Actor, note: str = "", *, approval: object | None = None) -> None:
        """Log a drawer opened without a sale (the printer's drawer kick follows)."""
        approved_by = require(actor, Permission.NO_SALE, approval)
        note = _note(note)
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            drawer = _open_session(session, actor.device_id)
            event = _event(actor, drawer.id if drawer else None, "no_sale", 0, "", note, now)
            event.approved_by_id = approved_by
            session.add(event)
            session.flush()
            audit.record(
                uow,
                actor,
                now,
                "drawer.no_sale",
                "drawer_event",
                event.id,
                reason=note,
                approved_by=approved_by,
            )
            outbox.emit(
                uow,
                actor.device_id,
                "drawer.no_sale",
                {"event_id": str(event.id), "note": note, "user_id": str(actor.user_id)},
                now,
            )
            uow.commit()

    # -- reports -----------------------------------------------------------------------

    def x_report(self, actor: Actor) -> RegisterReport:
        """The register's figures since its last Z; closes nothing. On a blind drawer a
        cashier's X leaves the drawer out: its cash figures would give away what is expected."""
        with self._read() as session:
            drawer = _open_session(session, actor.device_id)
            report = _report(session, actor, self._clock.now(), drawer, None, None)
            if drawer is not None and _blind_for(drawer, actor):
                report = replace(report, drawer=None)
            return report

    def close(
        self,
        actor: Actor,
        pieces: Mapping[int, int] | None,
        note: str = "",
        *,
        approval: object | None = None,
    ) -> ClosedDrawer:
        """Close this register's day: count the drawer (if open) and take the Z report.

        `pieces` is the closing count; None when no drawer is open (a card-only register).
        A difference over the limit needs a manager's sign-off (`SIGN_OFF_OVER_SHORT`).
        """
        note = _note(note)
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            _check_no_sale_in_progress(session, actor.device_id)
            drawer = _open_session(session, actor.device_id)
            signed_off: uuid.UUID | None = None
            approved_by: uuid.UUID | None = None
            if drawer is not None:
                if pieces is None:
                    raise DrawerError("Count the drawer to close it.")
                settings = _settings(session, actor.company_id)
                count = _count(settings, pieces)
                totals = drawer_totals(session, drawer)
                over_short = totals.over_short(count.total)
                if needs_sign_off(over_short, settings.over_short_limit):
                    # A manager signing off the difference also approves the close: one PIN.
                    signed_off = require(actor, Permission.SIGN_OFF_OVER_SHORT, approval)
                    if signed_off is None:
                        require(actor, Permission.CLOSE_DRAWER, approval)
                        signed_off = actor.user_id
                    approved_by = signed_off
                else:
                    approved_by = require(actor, Permission.CLOSE_DRAWER, approval)
                drawer.status = "closed"
                drawer.closed_by_id = actor.user_id
                drawer.closed_at = now
                drawer.counts = count.to_json()
                drawer.counted_minor = count.total
                drawer.expected_minor = totals.expected
                drawer.over_short_minor = over_short
                drawer.approved_by_id = signed_off
                drawer.note = note
                drawer.updated_at = now
                drawer.version += 1
                session.flush()
                journal.post(
                    session,
                    actor,
                    now,
                    drawer_close_entry(
                        totals.expected, count.total, _register_name(session, actor.device_id)
                    ),
                    source_type="drawer_session",
                    source_id=drawer.id,
                    currency=drawer.currency,
                )
            elif pieces is not None:
                raise DrawerError(
                    "This register's drawer is not open, so there is nothing to count."
                )
            else:
                approved_by = require(actor, Permission.CLOSE_DRAWER, approval)
            number = next_value(session, actor.device_id, "z_report")
            report = _report(session, actor, now, drawer, signed_off, number)
            span = receipt_range(session, actor.device_id)
            z = ZReport(
                id=new_id(),
                company_id=actor.company_id,
                location_id=actor.location_id,
                device_id=actor.device_id,
                number=number,
                session_id=drawer.id if drawer else None,
                first_receipt_seq=span.first,
                last_receipt_seq=span.last,
                business_date=date.fromisoformat(report.business_date),
                user_id=actor.user_id,
                created_at=now,
                figures=report.to_json(),
            )
            session.add(z)
            session.flush()
            audit.record(
                uow,
                actor,
                now,
                "drawer.close",
                "z_report",
                z.id,
                after={
                    "z": number,
                    "counted": drawer.counted_minor if drawer else None,
                    "expected": drawer.expected_minor if drawer else None,
                    "over_short": drawer.over_short_minor if drawer else None,
                },
                reason=note,
                approved_by=signed_off or approved_by,
            )
            outbox.emit(
                uow,
                actor.device_id,
                "drawer.closed",
                {
                    "z_report_id": str(z.id),
                    "session_id": str(drawer.id) if drawer else None,
                    "number": number,
                    "figures": json.loads(z.figures),
                },
                now,
            )
            uow.commit()
            return ClosedDrawer(z.id, report)

    def z_reports(
        self, actor: Actor, *, device_id: uuid.UUID | None = None, limit: int = 200
    ) -> list[ZSummary]:
        with self._read() as session:
            query = (
                select(ZReport, Device.name, Location.timezone)
                .join(Device, Device.id == ZReport.device_id)
                .join(Location, Location.id == ZReport.location_id)
                .where(ZReport.company_id == actor.company_id)
                .order_by(ZReport.created_at.desc(), ZReport.number.desc())
                .limit(limit)
            )
            if device_id is not None:
                query = query.where(ZReport.device_id == device_id)
            result = []
            for z, register, zone in session.execute(query):
                report = RegisterReport.from_json(z.figures)
                result.append(
                    ZSummary(
                        z.id,
                        z.number,
                        register,
                        z.business_date,
                        _local(z.created_at, zone),
                        report.net_sales,
                        report.drawer.over_short if report.drawer else None,
                    )
                )
            return result

    def z_report(self, actor: Actor, z_report_id: uuid.UUID) -> RegisterReport:
        """A Z report exactly as it was taken (for a reprint)."""
        with self._read() as session:
            z = session.get(ZReport, z_report_id)
            if z is None or z.company_id != actor.company_id:
                raise DrawerError("That Z report does not exist.")
            return RegisterReport.from_json(z.figures)

    def over_short_history(
        self,
        actor: Actor,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        device_id: uuid.UUID | None = None,
        cashier_id: uuid.UUID | None = None,
    ) -> list[OverShortRow]:
        """Closed drawers, newest first, with who counted and what was over or short."""
        with self._read() as session:
            query = (
                select(ZReport.business_date, DrawerSession, Device.name, Location.timezone)
                .join(ZReport, ZReport.session_id == DrawerSession.id)
                .join(Device, Device.id == DrawerSession.device_id)
                .join(Location, Location.id == DrawerSession.location_id)
                .where(
                    DrawerSession.company_id == actor.company_id, DrawerSession.status == "closed"
                )
                .order_by(DrawerSession.closed_at.desc())
            )
            if date_from is not None:
                query = query.where(ZReport.business_date >= date_from)
            if date_to is not None:
                query = query.where(ZReport.business_date <= date_to)
            if device_id is not None:
                query = query.where(DrawerSession.device_id == device_id)
            if cashier_id is not None:
                query = query.where(DrawerSession.opened_by_id == cashier_id)
            rows = session.execute(query).all()
            names = _user_names(session, actor.company_id)
            return [
                OverShortRow(
                    session_id=drawer.id,
                    register=register,
                    device_id=drawer.device_id,
                    cashier=names.get(drawer.opened_by_id, "?"),
                    cashier_id=drawer.opened_by_id,
                    closed_by=names.get(drawer.closed_by_id, "?") if drawer.closed_by_id else "",
                    closed_time=_local(drawer.closed_at, zone) if drawer.closed_at else "",
                    business_date=day,
                    expected=drawer.expected_minor or 0,
                    counted=drawer.counted_minor or 0,
                    over_short=drawer.over_short_minor or 0,
                    signed_off_by=names.get(drawer.approved_by_id, "")
                    if drawer.approved_by_id
                    else "",
                )
                for day, drawer, register, zone in rows
            ]

    def registers(self, actor: Actor) -> list[tuple[uuid.UUID, str]]:
        with self._read() as session:
            return [
                (device_id, name)
                for device_id, name in session.execute(
                    select(Device.id, Device.name)
                    .where(Device.company_id == actor.company_id, Device.deleted_at.is_(None))
                    .order_by(Device.name)
                )
            ]

    def cashiers(self, actor: Actor) -> list[tuple[uuid.UUID, str]]:
        with self._read() as session:
            return sorted(
                _user_names(session, actor.company_id).items(), key=lambda i: i[1].casefold()
            )


def open_drawer(
    uow: SqlUnitOfWork, actor: Actor, now: datetime, pieces: Mapping[int, int]
) -> uuid.UUID:
    """Open the actor's register's drawer with a counted float, in the caller's unit of work."""
    session = uow.session
    settings = _settings(session, actor.company_id)
    count = _count(settings, pieces)
    if _open_session(session, actor.device_id) is not None:
        raise DrawerError("This register's drawer is already open; close it first.")
    drawer = DrawerSession(
        id=new_id(),
        company_id=actor.company_id,
        location_id=actor.location_id,
        device_id=actor.device_id,
        currency=settings.currency,
        status="open",
        opened_by_id=actor.user_id,
        opened_at=now,
        float_minor=count.total,
        float_counts=count.to_json(),
        blind=settings.blind_close,
        note="",
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(drawer)
    try:
        session.flush()
    except IntegrityError:
        # Another window of this register opened it a moment ago.
        raise DrawerError("This register's drawer is already open; close it first.") from None
    journal.post(
        session,
        actor,
        now,
        drawer_open_entry(count.total, _register_name(session, actor.device_id)),
        source_type="drawer_session",
        source_id=drawer.id,
        currency=settings.currency,
    )
    audit.record(
        uow,
        actor,
        now,
        "drawer.open",
        "drawer_session",
        drawer.id,
        after={"float": count.total, "counts": count.to_json()},
    )
    payload = {
        "session_id": str(drawer.id),
        "float": count.total,
        "counts": count.to_json(),
        "user_id": str(actor.user_id),
        "currency": settings.currency,
    }
    outbox.emit(uow, actor.device_id, "drawer.opened", payload, now)
    return drawer.id


# -- helpers ---------------------------------------------------------------------------


def _settings(session: Session, company_id: uuid.UUID) -> DrawerSettings:
    currency = session.scalar(select(Company.currency).where(Company.id == company_id))
    if currency is None:
        raise DrawerError("This store is not set up yet.")
    denominations = _denominations(session, company_id) or default_denominations(currency)
    blind = company_settings.read_int(session, company_id, BLIND_CLOSE, 0)
    limit = company_settings.read_int(
        session, company_id, OVER_SHORT_LIMIT, DEFAULT_OVER_SHORT_LIMIT
    )
    return DrawerSettings(currency, denominations, bool(blind), limit)


def _denominations(session: Session, company_id: uuid.UUID) -> tuple[int, ...]:
    row = session.get(CompanySetting, (company_id, DENOMINATIONS))
    if row is None:
        return ()
    try:
        return check_denominations(json.loads(row.value))
    except (DrawerError, ValueError, TypeError):
        return ()  # a damaged setting falls back to the currency's notes and coins


def _count(settings: DrawerSettings, pieces: Mapping[int, int]) -> Count:
    unknown = [value for value in pieces if value not in settings.denominations]
    if unknown:
        raise DrawerError(f"{unknown[0]} is not one of this store's notes or coins.")
    return Count.of(settings.currency, pieces)


def _note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise DrawerError(f"Keep the note under {MAX_NOTE} characters.")
    if any(ord(ch) < 32 for ch in note):
        raise DrawerError("The note cannot contain line breaks or control characters.")
    return note


def _open_session(session: Session, device_id: uuid.UUID) -> DrawerSession | None:
    return session.scalars(
        select(DrawerSession).where(
            DrawerSession.device_id == device_id, DrawerSession.status == "open"
        )
    ).one_or_none()


def _event(
    actor: Actor,
    session_id: uuid.UUID | None,
    kind: str,
    amount: int,
    reason: str,
    note: str,
    now: datetime,
) -> DrawerEvent:
    return DrawerEvent(
        id=new_id(),
        company_id=actor.company_id,
        location_id=actor.location_id,
        device_id=actor.device_id,
        session_id=session_id,
        kind=kind,
        amount_minor=amount,
        reason=reason,
        note=note,
        user_id=actor.user_id,
        created_at=now,
    )


def _register_name(session: Session, device_id: uuid.UUID) -> str:
    return session.scalar(select(Device.name).where(Device.id == device_id)) or "?"


def _user_names(session: Session, company_id: uuid.UUID) -> dict[uuid.UUID, str]:
    return dict(
        session.execute(
            select(User.id, User.display_name).where(User.company_id == company_id)
        ).all()
    )


def _status(session: Session, actor: Actor) -> DrawerStatus:
    settings = _settings(session, actor.company_id)
    register = _register_name(session, actor.device_id)
    drawer = _open_session(session, actor.device_id)
    if drawer is None:
        return DrawerStatus(settings.currency, register, None)
    zone = session.scalar(select(Location.timezone).where(Location.id == drawer.location_id))
    assert zone is not None
    opener = session.scalar(select(User.display_name).where(User.id == drawer.opened_by_id))
    return DrawerStatus(
        settings.currency,
        register,
        drawer.id,
        opener or "?",
        _local(drawer.opened_at, zone),
        drawer_totals(session, drawer),
        _blind_for(drawer, actor),
    )


def _blind_for(drawer: DrawerSession, actor: Actor) -> bool:
    return drawer.blind and not actor.may(Permission.CLOSE_DRAWER)


def _check_no_sale_in_progress(session: Session, device_id: uuid.UUID) -> None:
    in_progress = session.scalar(
        select(Sale.id)
        .where(
            Sale.device_id == device_id,
            Sale.status == "open",
            Sale.held_at.is_(None),
            exists().where(SaleLine.sale_id == Sale.id),
        )
        .limit(1)
    )
    if in_progress is not None:
        raise DrawerError(
            "A sale is still open on this register: complete it, hold it or void it "
            "before closing the day."
        )


def _report(
    session: Session,
    actor: Actor,
    now: datetime,
    drawer: DrawerSession | None,
    signed_off: uuid.UUID | None,
    z_number: int | None,
) -> RegisterReport:
    company = session.get(Company, actor.company_id)
    location = session.get(Location, actor.location_id)
    assert company is not None
    assert location is not None
    names = _user_names(session, actor.company_id)
    span = receipt_range(session, actor.device_id)
    figures = sales_figures(session, actor.device_id, span, drawer.id if drawer else None)
    prefix = session.scalar(select(Device.prefix).where(Device.id == actor.device_id)) or "?"
    held = session.scalar(
        select(func.count()).where(
            Sale.location_id == actor.location_id,
            Sale.status == "open",
            Sale.held_at.is_not(None),
        )
    )
    local = to_store_time(now, location.timezone)
    drawer_figures = None
    if drawer is not None:
        totals = drawer_totals(session, drawer)
        drawer_figures = DrawerFigures(
            opened_by=names.get(drawer.opened_by_id, "?"),
            opened_time=_local(drawer.opened_at, location.timezone),
            float_amount=drawer.float_minor,
            cash_sales=totals.cash_sales,
            cash_refunds=totals.cash_refunds,
            pay_ins=totals.pay_ins,
            pay_outs=totals.pay_outs,
            expected=totals.expected,
            counted=drawer.counted_minor,
            over_short=drawer.over_short_minor,
            closed_by=names.get(drawer.closed_by_id, "") if drawer.closed_by_id else "",
            signed_off_by=names.get(signed_off, "") if signed_off else "",
        )
    has_receipts = span.last >= span.first
    return RegisterReport(
        kind="Z" if z_number is not None else "X",
        number=z_number,
        currency=company.currency,
        store=company.name,
        location=location.name,
        register=_register_name(session, actor.device_id),
        business_date=local.date().isoformat(),
        printed_time=_local(now, location.timezone),
        printed_by=names.get(actor.user_id, actor.display_name),
        first_receipt=format_receipt_number(prefix, span.first) if has_receipts else "",
        last_receipt=format_receipt_number(prefix, span.last) if has_receipts else "",
        sales_count=figures.sales_count,
        gross_sales=figures.gross_sales,
        discounts=figures.discounts,
        returns_count=figures.returns_count,
        returns=figures.returns,
        voids_count=figures.voids_count,
        voids=figures.voids,
        net_sales=figures.net_sales,
        tax=figures.tax,
        taxes=figures.taxes,
        tenders=figures.tenders,
        drawer=drawer_figures,
        no_sales=figures.no_sales,
        held_sales=int(held or 0),
        cashiers=figures.cashiers,
    )


def _local(at: datetime, zone: str) -> str:
    return to_store_time(at, zone).strftime("%Y-%m-%d %H:%M")
