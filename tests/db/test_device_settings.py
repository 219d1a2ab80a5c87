"""This register's device settings: saved by a manager, audited, read back; a damaged or
newer setting never stops the register from opening."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from core.hardware.errors import HardwareSettingsError
from core.hardware.settings import DeviceSettings, PrinterKind, PrinterSettings
from core.services.device_settings import DEVICES_KEY, DeviceSettingsService
from core.staff.permissions import Permission, PermissionDeniedError
from db.models import AuditEntry, LocalSetting
from tests.db.register_support import Till, open_till


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    opened = open_till(tmp_path, products=5, customers=1)
    yield opened
    opened.store.close()


def service(till: Till, default: DeviceSettings | None = None) -> DeviceSettingsService:
    return DeviceSettingsService(
        till.store.uow, till.store.read_sessions, till.clock, default=default
    )


NETWORK = DeviceSettings(printer=PrinterSettings(kind=PrinterKind.NETWORK, host="10.0.0.9"))


def test_nothing_saved_gives_the_default(till: Till) -> None:
    loaded = service(till, DeviceSettings.simulated()).load()
    assert loaded.settings == DeviceSettings.simulated()
    assert not loaded.saved
    assert loaded.problem == ""


def test_a_manager_saves_and_it_reads_back_with_an_audit_row(till: Till) -> None:
    devices = service(till)
    devices.save(till.manager, NETWORK)
    loaded = devices.load()
    assert loaded.settings == NETWORK
    assert loaded.saved
    with till.store.read_sessions() as session:
        row = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "devices.settings")
        ).one()
    assert json.loads(row.after)["printer"]["host"] == "10.0.0.9"
    assert row.user_id == till.manager.user_id


def test_a_cashier_needs_a_managers_approval(till: Till) -> None:
    devices = service(till)
    with pytest.raises(PermissionDeniedError):
        devices.save(till.cashier, NETWORK)
    assert not devices.load().saved
    devices.save(till.cashier, NETWORK, approval=till.approval(Permission.MANAGE_DEVICES))
    assert devices.load().settings == NETWORK


def test_settings_that_cannot_work_are_refused_and_nothing_changes(till: Till) -> None:
    devices = service(till)
    devices.save(till.manager, NETWORK)
    broken = DeviceSettings(printer=PrinterSettings(kind=PrinterKind.NETWORK, host=""))
    with pytest.raises(HardwareSettingsError, match="printer's address"):
        devices.save(till.manager, broken)
    assert devices.load().settings == NETWORK


@pytest.mark.parametrize(
    ("stored", "reason"),
    [
        ("{not json", "it is not readable"),
        (json.dumps({"printer": {"kind": "laser"}}), "“kind” cannot be 'laser'"),
        (json.dumps(["printer"]), "not a settings object"),
    ],
)
def test_a_damaged_setting_falls_back_to_the_default_and_says_why(
    till: Till, stored: str, reason: str
) -> None:
    with till.store.uow() as uow:
        uow.session.merge(LocalSetting(key=DEVICES_KEY, value=stored))
        uow.commit()
    loaded = service(till, DeviceSettings.simulated()).load()
    assert loaded.settings == DeviceSettings.simulated()
    assert reason in loaded.problem
    assert loaded.problem.startswith("The saved device settings could not be used")
