"""Sync issues: listed for a manager, dismissed with `manage_sync` (or a manager's PIN),
audited, and never deleted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.clock import FixedClock
from core.services.approval import Approval
from core.staff.permissions import Permission, PermissionDeniedError, effective_permissions
from core.staff.roles import Role
from db.store import Store
from sync.client import KeyringTokenStore, SyncEngine, SyncError
from sync.client.pull import apply_pulled_page
from sync.protocol import Change, ChangeKind, PullResponse
from tests.db.catalog_support import actor_for
from tests.support import make_demo
from tests.sync.client.support import START, MemoryKeyring


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Store]:
    store = make_demo(tmp_path / "shop", products=3, customers=1)
    yield store
    store.close()


def engine_for(store: Store) -> SyncEngine:
    return SyncEngine(store.uow, FixedClock(START), KeyringTokenStore())


def two_issues(store: Store) -> None:
    """Two stock movements from the server that cannot be applied here."""
    with store.engine.connect() as connection:
        company = uuid.UUID(
            bytes=connection.exec_driver_sql("SELECT company_id FROM device_identity").scalar()
        )
    changes = [
        Change(
            kind=ChangeKind.STOCK,
            table="stock_movement",
            id=uuid.uuid4(),
            data={
                "product_id": str(uuid.uuid4()),
                "location_id": str(uuid.uuid4()),
                "kind": "adjustment",
                "quantity": 1,
                "created_at": START.isoformat(),
            },
        )
        for _ in range(2)
    ]
    apply_pulled_page(
        store.uow,
        PullResponse(changes=changes, cursor="1:1:1", more=False),
        company,
        FixedClock(START),
    )


def test_the_manager_sees_the_issues_newest_first_and_dismisses_one(
    shop: Store, memory_keyring: MemoryKeyring
) -> None:
    two_issues(shop)
    engine = engine_for(shop)
    listed = engine.issues()
    assert len(listed) == 2
    assert engine.status().issues == 2
    assert all(row.kind == "error" and not row.dismissed for row in listed)
    manager = actor_for(shop, "morgan")
    engine.dismiss_issue(manager, listed[0].id)
    assert [row.id for row in engine.issues()] == [listed[1].id]
    everything = engine.issues(include_dismissed=True)
    assert {row.id: row.dismissed for row in everything} == {
        listed[0].id: True,
        listed[1].id: False,
    }
    assert engine.status().issues == 1
    engine.dismiss_issue(manager, listed[0].id)  # twice: nothing more happens
    with shop.engine.connect() as connection:
        audits = connection.exec_driver_sql(
            "SELECT user_id, approved_by_id, entity_id FROM audit_log "
            "WHERE action = 'sync.dismiss_issue'"
        ).all()
        kept = connection.exec_driver_sql("SELECT count(*) FROM sync_issue").scalar()
    assert audits == [(manager.user_id.bytes, None, listed[0].id.bytes)]
    assert kept == 2  # dismissed, never deleted


def test_a_cashier_needs_a_managers_pin_to_dismiss(
    shop: Store, memory_keyring: MemoryKeyring
) -> None:
    two_issues(shop)
    engine = engine_for(shop)
    issue = engine.issues()[0]
    cashier = actor_for(shop, "jamie")
    assert not cashier.may(Permission.MANAGE_SYNC)
    with pytest.raises(PermissionDeniedError, match="manage sync with the server"):
        engine.dismiss_issue(cashier, issue.id)
    assert engine.status().issues == 2
    manager = actor_for(shop, "morgan")
    wrong = Approval(Permission.VOID, manager.user_id, manager.display_name)
    with pytest.raises(PermissionDeniedError):
        engine.dismiss_issue(cashier, issue.id, approval=wrong)  # a PIN for something else
    approval = Approval(Permission.MANAGE_SYNC, manager.user_id, manager.display_name)
    engine.dismiss_issue(cashier, issue.id, approval=approval)
    with shop.engine.connect() as connection:
        audit = connection.exec_driver_sql(
            "SELECT user_id, approved_by_id FROM audit_log WHERE action = 'sync.dismiss_issue'"
        ).one()
    assert audit == (cashier.user_id.bytes, manager.user_id.bytes)


def test_an_unknown_issue_is_refused_in_plain_words(
    shop: Store, memory_keyring: MemoryKeyring
) -> None:
    with pytest.raises(SyncError, match="no longer exists"):
        engine_for(shop).dismiss_issue(actor_for(shop, "morgan"), uuid.uuid4())


@pytest.mark.parametrize("role", list(Role))
def test_manage_sync_belongs_to_managers_and_admins(role: Role) -> None:
    expected = role in (Role.ADMIN, Role.MANAGER)
    assert (Permission.MANAGE_SYNC in effective_permissions(role)) is expected
    assert Permission.MANAGE_SYNC.label == "manage sync with the server"
