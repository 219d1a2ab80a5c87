"""A living demo music store, and large generated stores for benchmarks.

Deterministic for a given seed, so a benchmark measures the same store every time.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import insert

from core.catalog.barcodes import Symbology, with_check_digit
from core.clock import Clock
from core.ids import new_id
from core.services.credentials import CredentialHasher
from core.services.drawer import open_drawer
from core.services.identity import ThisDevice
from core.services.outbox_bulk import insert_rows
from core.services.outbox_pending import note_movements
from core.services.setup import NewUser, StoreSetup, add_user, create_store
from core.services.tax_rates import add_rate
from core.staff.actor import Actor
from core.staff.permissions import effective_permissions
from core.staff.roles import Role
from db.models import (
    Category,
    CustomerAccount,
    CustomerMember,
    InventoryUnit,
    Product,
    ProductBarcode,
    StockLevel,
    StockMovement,
    Supplier,
)
from db.uow import SqlUnitOfWork, UowFactory

DEMO_PASSWORD = "demo1234"


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    pin: str


DEMO_ADMIN = DemoUser("alex", "Alex Rivera", Role.ADMIN, "1111")
DEMO_STAFF = (
    DemoUser("morgan", "Morgan Lee", Role.MANAGER, "2222"),
    DemoUser("jamie", "Jamie Chen", Role.STAFF, "3333"),
    DemoUser("priya", "Priya Patel", Role.STAFF, "4444"),
    DemoUser("sam", "Sam Okafor", Role.TECHNICIAN, "5555"),
)
DEMO_USERS = (DEMO_ADMIN, *DEMO_STAFF)
# $200.00: two $20s, six $10s, eight $5s, forty-two $1s, and rolls of coins.
DEMO_FLOAT = {2000: 2, 1000: 6, 500: 8, 100: 42, 25: 40, 10: 50, 5: 40, 1: 100}

# (category, brands, kinds, price range in dollars, serialized)
_LINES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[int, int], bool], ...] = (
    (
        "Electric Guitars",
        ("Fender", "Gibson", "Ibanez", "PRS", "Epiphone", "Squier"),
        ("Stratocaster", "Telecaster", "Les Paul Standard", "SG", "RG550", "SE Custom 24"),
        (199, 2899),
        True,
    ),
    (
        "Acoustic Guitars",
        ("Taylor", "Martin", "Yamaha", "Seagull", "Guild"),
        ("Dreadnought", "Grand Auditorium", "Parlor", "Concert", "Jumbo"),
        (149, 3499),
        True,
    ),
    (
        "Basses",
        ("Fender", "Ibanez", "Music Man", "Squier", "Yamaha"),
        ("Precision Bass", "Jazz Bass", "StingRay", "SR300", "TRBX174"),
        (229, 2499),
        True,
    ),
    (
        "Keyboards",
        ("Yamaha", "Roland", "Korg", "Casio", "Nord"),
        ("88-Key Digital Piano", "61-Key Arranger", "Stage Piano", "Synthesizer"),
        (129, 3999),
        True,
    ),
    (
        "Drums",
        ("Pearl", "Ludwig", "Tama", "DW", "Roland"),
        ("5-Piece Kit", "Snare 14x5.5", "Electronic Kit", "Practice Pad Kit"),
        (49, 2999),
        True,
    ),
    (
        "Band & Orchestra",
        ("Yamaha", "Selmer", "Conn", "Bach", "Eastman", "Jupiter"),
        (
            "Student Flute",
            "Alto Saxophone",
            "Bb Clarinet",
            "Trumpet",
            "Trombone",
            "Violin 4/4",
            "Violin 1/2",
            "Cello 4/4",
        ),
        (299, 4999),
        True,
    ),
    (
        "Amplifiers",
        ("Fender", "Marshall", "Boss", "Vox", "Orange"),
        ("Combo 20W", "Combo 40W", "Head 100W", "Bass Combo 100W"),
        (99, 1899),
        True,
    ),
    (
        "Effects Pedals",
        ("Boss", "Electro-Harmonix", "MXR", "TC Electronic", "Walrus Audio"),
        ("Overdrive", "Delay", "Chorus", "Tuner Pedal", "Fuzz", "Reverb"),
        (49, 349),
        False,
    ),
    (
        "Strings",
        ("D'Addario", "Ernie Ball", "Elixir", "Martin", "Thomastik"),
        ("Electric 10-46", "Electric 9-42", "Acoustic 12-53", "Bass 45-105", "Violin Set"),
        (6, 59),
        False,
    ),
    (
        "Accessories",
        ("Dunlop", "Fender", "Snark", "Levy's", "Hercules", "Vic Firth", "Vandoren"),
        (
            "Picks 12-pack",
            "Clip-On Tuner",
            "Guitar Strap",
            "Guitar Stand",
            "Drumsticks 5A",
            "Reeds Box of 10",
            "Capo",
            "Polish Cloth",
        ),
        (3, 49),
        False,
    ),
    (
        "Cables",
        ("Mogami", "Fender", "Hosa", "Planet Waves"),
        ("Instrument Cable 10ft", "Instrument Cable 20ft", "XLR Cable 25ft", "Patch Cable 6in"),
        (8, 79),
        False,
    ),
    (
        "Sheet Music",
        ("Hal Leonard", "Alfred", "Essential Elements"),
        (
            "Guitar Method Book 1",
            "Piano Adventures 2A",
            "Band Book 1 Flute",
            "Band Book 1 Clarinet",
            "Real Book Vol. 1",
        ),
        (7, 45),
        False,
    ),
)
_FINISHES = ("Sunburst", "Black", "Natural", "Olympic White", "Cherry", "Blue", "")
_SUPPLIERS = (
    "Fender Musical Instruments",
    "Yamaha Corporation of America",
    "KMC Music",
    "D'Addario & Co.",
    "Hal Leonard",
    "Roland Corporation US",
    "Conn-Selmer",
)
_FIRST = (
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Mateo",
    "Sofia",
    "Ethan",
    "Mia",
    "Lucas",
    "Harper",
    "Aiden",
    "Chloé",
    "Zoë",
    "José",
    "Wei",
    "Aisha",
    "Hiroshi",
    "Fatima",
    "Ivan",
)
_LAST = (
    "Smith",
    "Johnson",
    "García",
    "Nguyen",
    "Brown",
    "Müller",
    "Kim",
    "Okafor",
    "Davis",
    "Martínez",
    "Wilson",
    "O'Brien",
    "Cohen",
    "Singh",
    "Rossi",
    "Kowalski",
    "Haddad",
    "Sato",
)
_STREETS = ("Maple Ave", "Oak St", "Pine Rd", "Elm St", "Cedar Ln", "Lake Dr", "Hill St")
_BATCH = 5_000
T = TypeVar("T")


# Two rates on most goods and a reduced one on sheet music, so a basket shows several.
DEMO_TAX_RATES = (
    ("standard", "State sales tax", 62_500),
    ("standard", "City sales tax", 20_000),
    ("reduced", "State sales tax (reduced)", 10_000),
)


def demo_setup() -> StoreSetup:
    return StoreSetup(
        company_name="Moonlight Music Co.",
        currency="USD",
        location_name="Moonlight Music — Main Street",
        location_code="MAIN",
        timezone="America/Chicago",
        register_name="Front Counter",
        register_prefix="R1",
        admin_username=DEMO_ADMIN.username,
        admin_display_name=DEMO_ADMIN.display_name,
        admin_password=DEMO_PASSWORD,
        admin_pin=DEMO_ADMIN.pin,
    )


def create_demo_store(
    uow_factory: UowFactory,
    clock: Clock,
    hasher: CredentialHasher,
    *,
    products: int = 400,
    customers: int = 250,
    seed: int = 7,
    with_stock: bool = True,
) -> ThisDevice:
    """Create the demo store: staff, catalog, stock and customers, in batches.

    Its rows and opening stock go to the outbox like any other change (the bulk writers of
    `outbox_bulk`), so a demo register that founds a company on a sync server sends its
    store whole and in order: products before the stock and sales that name them.
    """
    device = create_store(uow_factory, clock, hasher, demo_setup())
    rng = random.Random(seed)
    now = clock.now()
    with uow_factory() as uow:
        for tax_class, name, rate_ppm in DEMO_TAX_RATES:
            add_rate(
                uow.session, device.company_id, device.location_id, tax_class, name, rate_ppm, now
            )
        user_ids = {}
        for user in DEMO_STAFF:
            new = NewUser(user.username, user.display_name, user.role, DEMO_PASSWORD, user.pin)
            user_ids[user.username] = add_user(
                uow, clock, hasher, device.company_id, device.location_id, new
            )
        uow.commit()
    with uow_factory() as uow:
        # The morning float is in the drawer, so the demo can take cash at once.
        opener = DEMO_STAFF[0]
        actor = Actor(
            user_ids[opener.username],
            opener.display_name,
            opener.role,
            effective_permissions(opener.role),
            device.company_id,
            device.location_id,
            device.device_id,
        )
        open_drawer(uow, actor, now, DEMO_FLOAT)
        uow.commit()
    category_ids, supplier_ids = _add_categories_and_suppliers(uow_factory, device, now)
    for batch in _chunks(
        _product_rows(rng, device.company_id, category_ids, supplier_ids, products, now)
    ):
        with uow_factory() as uow:
            insert_rows(uow.session, Product, [p for p, _ in batch])
            insert_rows(uow.session, ProductBarcode, [b for _, b in batch])
            if with_stock:
                _add_opening_stock(uow, rng, device, [p for p, _ in batch], now)
            uow.commit()
    for households in _chunks(_customer_rows(rng, device.company_id, customers, now)):
        with uow_factory() as uow:
            insert_rows(uow.session, CustomerAccount, [a for a, _ in households])
            insert_rows(uow.session, CustomerMember, [m for _, ms in households for m in ms])
            uow.commit()
    return device


def _add_opening_stock(
    uow: SqlUnitOfWork,
    rng: random.Random,
    device: ThisDevice,
    products: list[_Row],
    now: datetime,
) -> None:
    """Opening stock as `receive` movements, so the ledger explains every unit from day one."""
    units: list[_Row] = []
    movements: list[_Row] = []
    levels: list[_Row] = []
    where = {"company_id": device.company_id, "location_id": device.location_id}
    for product in products:
        product_id, cost = product["id"], product["cost_minor"]
        if product["is_serialized"]:
            count = rng.randint(0, 3)
            prefix = str(product["sku"])[:3]
            for n in range(count):
                unit_id = new_id()
                units.append(
                    {
                        "id": unit_id,
                        "product_id": product_id,
                        "serial_number": f"{prefix}{rng.randint(10**7, 10**8 - 1)}{n}",
                        "condition": "new",
                        "status": "available",
                        "cost_minor": cost,
                        "notes": "",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                        **where,
                    }
                )
                movements.append(_receive(product_id, unit_id, 1, cost, now, where))
        else:
            count = rng.choice((0, 1, 2, 3, 4, 6, 8, 12, 20, 24))
            if count:
                movements.append(_receive(product_id, None, count, cost, now, where))
        if count:
            levels.append({"product_id": product_id, "on_hand": count, **where})
    insert_rows(uow.session, InventoryUnit, units)
    if movements:
        uow.session.execute(insert(StockMovement), movements)
        note_movements(uow.session, movements)  # the opening stock travels as stock.moved
    if levels:
        uow.session.execute(insert(StockLevel), levels)


def _receive(
    product_id: object,
    unit_id: object,
    quantity: int,
    cost: object,
    now: datetime,
    where: dict[str, uuid.UUID],
) -> _Row:
    return {
        "id": new_id(),
        "product_id": product_id,
        "unit_id": unit_id,
        "kind": "receive",
        "quantity": quantity,
        "unit_cost_minor": cost,
        "reason": "opening stock",
        "reference_type": "",
        "reference_id": None,
        "user_id": None,
        "created_at": now,
        **where,
    }


def _add_categories_and_suppliers(
    uow_factory: UowFactory, device: ThisDevice, now: datetime
) -> tuple[dict[str, uuid.UUID], list[uuid.UUID]]:
    stamp = {"company_id": device.company_id, "created_at": now, "updated_at": now}
    with uow_factory() as uow:
        categories = {name: new_id() for name, *_ in _LINES}
        insert_rows(
            uow.session,
            Category,
            [{"id": cid, "name": n, **stamp} for n, cid in categories.items()],
        )
        suppliers = [new_id() for _ in _SUPPLIERS]
        insert_rows(
            uow.session,
            Supplier,
            [{"id": sid, "name": n, **stamp} for n, sid in zip(_SUPPLIERS, suppliers, strict=True)],
        )
        uow.commit()
    return categories, suppliers


_Row = dict[str, object]


def _product_rows(
    rng: random.Random,
    company_id: uuid.UUID,
    categories: dict[str, uuid.UUID],
    suppliers: list[uuid.UUID],
    count: int,
    now: datetime,
) -> Iterator[tuple[_Row, _Row]]:
    for n in range(count):
        category, brands, kinds, (low, high), serialized = _LINES[n % len(_LINES)]
        brand, kind, finish = rng.choice(brands), rng.choice(kinds), rng.choice(_FINISHES)
        name = " ".join(part for part in (brand, kind, finish if serialized else "") if part)
        if n >= 2_000:
            name = f"{name} #{n}"  # large stores: keep names distinct but realistic
        price = rng.randint(low, high) * 100 + rng.choice((0, 49, 95, 99))
        product_id = new_id()
        product: _Row = {
            "id": product_id,
            "company_id": company_id,
            "sku": f"{category[:3].upper()}-{n:06d}",
            "name": name,
            "category_id": categories[category],
            "supplier_id": rng.choice(suppliers),
            "price_minor": price,
            "cost_minor": price * rng.randint(50, 65) // 100,
            "tax_class": "reduced" if category == "Sheet Music" else "standard",
            "is_serialized": serialized,
            "reorder_point": 0 if serialized else rng.randint(2, 12),
            "active": True,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        barcode: _Row = {
            "id": new_id(),
            "company_id": company_id,
            "product_id": product_id,
            "code": with_check_digit(f"0{7_000_000_000 + n:010d}"),
            "symbology": Symbology.UPC_A,
        }
        yield product, barcode


def _customer_rows(
    rng: random.Random, company_id: uuid.UUID, count: int, now: datetime
) -> Iterator[tuple[_Row, list[_Row]]]:
    for n in range(count):
        last, first = rng.choice(_LAST), rng.choice(_FIRST)
        phone_digits = f"312555{n:04d}" if n < 10_000 else f"3{n:09d}"
        phone = f"({phone_digits[:3]}) {phone_digits[3:6]}-{phone_digits[6:]}"
        email = f"{first}.{last}{n}@example.com".lower().replace("'", "")
        account_id = new_id()
        stamp = {"company_id": company_id, "created_at": now, "updated_at": now}
        account: _Row = {
            "id": account_id,
            "account_number": f"A{n + 1:06d}",
            "name": f"{last} household",
            "email": email,
            "email_key": email.casefold(),
            "phone": phone,
            "phone_key": phone_digits,
            "address": f"{rng.randint(1, 9999)} {rng.choice(_STREETS)}",
            "tax_exempt": n % 40 == 0,
            "tax_exempt_certificate": f"EX-{n:05d}" if n % 40 == 0 else "",
            "notes": "",
            **stamp,
        }
        members: list[_Row] = [
            {
                "id": new_id(),
                "account_id": account_id,
                "first_name": first,
                "last_name": last,
                "relationship": "parent",
                "email": email,
                "phone": phone,
                **stamp,
            },
        ]
        for _ in range(rng.randint(0, 2)):
            members.append(
                {
                    "id": new_id(),
                    "account_id": account_id,
                    "first_name": rng.choice(_FIRST),
                    "last_name": last,
                    "relationship": "student",
                    "email": "",
                    "phone": "",
                    **stamp,
                }
            )
        account["member_names"] = " ".join(f"{m['first_name']} {m['last_name']}" for m in members)
        yield account, members


def _chunks(rows: Iterator[T]) -> Iterator[list[T]]:
    batch: list[T] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
