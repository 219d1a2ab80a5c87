"""Two registers of one store on a real sync server: a founding register (the demo shop,
set up on its own machine first) and a second register set up by pairing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from core.clock import FixedClock
from core.services import company_settings, journal
from core.services.catalog import CatalogService
from core.services.customers import CustomerService
from core.services.identity import load_this_device
from core.services.stock import StockService
from core.staff.actor import Actor
from db.models import StockLevel, StockMovement
from tests.db.catalog_support import actor_for
from tests.support import START, make_demo
from tests.sync.client.support import (
    Register,
    StoreOnServer,
    catch_up,
    paired_register,
    register_at,
)
from tests.sync.fixtures import LiveServer

DISCOUNT_LIMIT = "register.discount_limit_bp"


@dataclass
class Till:
    """A register with the services a test drives, acting as the demo's manager."""

    register: Register
    server: LiveServer
    catalog: CatalogService
    stock: StockService
    customers: CustomerService
    manager: Actor

    @property
    def location_id(self) -> uuid.UUID:
        return self.manager.location_id

    def sync(self) -> None:
        """Push everything and pull until caught up with the server."""
        catch_up(self.register, self.server)

    def stock_view(
        self,
    ) -> tuple[dict[tuple[uuid.UUID, uuid.UUID], int], dict[tuple[uuid.UUID, uuid.UUID], int]]:
        """Cached levels and ledger sums per (product, location)."""
        with self.register.store.read_sessions() as session:
            levels = {
                (p, loc): qty
                for p, loc, qty in session.execute(
                    select(StockLevel.product_id, StockLevel.location_id, StockLevel.on_hand)
                )
                if qty != 0
            }
            ledger = {
                (p, loc): int(qty)
                for p, loc, qty in session.execute(
                    select(
                        StockMovement.product_id,
                        StockMovement.location_id,
                        func.sum(StockMovement.quantity),
                    ).group_by(StockMovement.product_id, StockMovement.location_id)
                )
                if qty != 0
            }
        return levels, ledger

    def close(self) -> None:
        self.register.close()


def till_of(register: Register, server: LiveServer, clock: FixedClock) -> Till:
    store = register.store
    return Till(
        register=register,
        server=server,
        catalog=CatalogService(store.uow, store.read_sessions, clock),
        stock=StockService(store.uow, store.read_sessions, clock),
        customers=CustomerService(store.uow, store.read_sessions, clock),
        manager=actor_for(store, "morgan"),
    )


def founding_till(server: LiveServer, data_dir: Path, *, products: int = 30) -> Till:
    """The demo shop, set up here, founding its company on the server and synced."""
    make_demo(data_dir, products=products, customers=10, with_stock=True).close()
    register = register_at(data_dir)
    with register.store.uow() as uow:  # a company setting: a record keyed by two columns
        this = load_this_device(uow.session)
        assert this is not None
        company_settings.write(uow.session, this.company_id, DISCOUNT_LIMIT, 1500, START)
        uow.commit()
    register.engine.pair(server.url, server.pairing_code(new_company=True))
    till = till_of(register, server, FixedClock(START))
    till.sync()
    return till


def second_till(server: LiveServer, founder: Till, data_dir: Path, prefix: str = "R2") -> Till:
    """A fresh register paired with the founder's store; its first pull done."""
    store = StoreOnServer(founder.manager.company_id, founder.location_id)
    register = paired_register(server, store, data_dir, prefix=prefix)
    catch_up(register, server)
    return till_of(register, server, FixedClock(START))


def forget_cached_chart() -> None:
    """`core.services.journal` caches each company's account ids for the process. Two
    registers of one company in one test process each have their own chart (ledger accounts
    are not replicated), so the cache must be emptied before the other register posts."""
    journal._ACCOUNTS.clear()
