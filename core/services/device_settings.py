"""This register's devices, kept in the machine's local settings (never synced: the printer
at 192.168.1.50 belongs to this counter, not to the store).

Reading never fails: a setting written by a newer version, or damaged, falls back to the
defaults and says why, so the register still opens and sells. Saving needs
`manage_devices` and is audited with what changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.errors import DomainError
from core.hardware.settings import DeviceSettings
from core.services import audit
from core.services.guard import require
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import LocalSetting
from db.uow import UowFactory

__all__ = ["DEVICES_KEY", "DeviceSettingsService", "LoadedDeviceSettings"]

DEVICES_KEY = "devices"


@dataclass(frozen=True, slots=True)
class LoadedDeviceSettings:
    settings: DeviceSettings
    problem: str = ""  # why the saved settings could not be used, if they could not
    saved: bool = False  # False: nothing saved yet, these are the defaults


class DeviceSettingsService:
    def __init__(
        self,
        uow: UowFactory,
        read_sessions: sessionmaker[Session],
        clock: Clock,
        *,
        default: DeviceSettings | None = None,
    ) -> None:
        self._uow = uow
        self._read = read_sessions
        self._clock = clock
        self._default = default or DeviceSettings()

    def load(self) -> LoadedDeviceSettings:
        with self._read() as session:
            row = session.get(LocalSetting, DEVICES_KEY)
        if row is None:
            return LoadedDeviceSettings(self._default)
        try:
            settings = DeviceSettings.from_dict(json.loads(row.value))
        except (ValueError, DomainError) as error:
            reason = error.message if isinstance(error, DomainError) else "it is not readable"
            problem = f"The saved device settings could not be used ({reason}); check them."
            return LoadedDeviceSettings(self._default, problem=problem, saved=True)
        return LoadedDeviceSettings(settings, saved=True)

    def save(
        self, actor: Actor, settings: DeviceSettings, *, approval: object | None = None
    ) -> DeviceSettings:
        approved_by = require(actor, Permission.MANAGE_DEVICES, approval)
        settings.check()
        now = self._clock.now()
        with self._uow() as uow:
            row = uow.session.get(LocalSetting, DEVICES_KEY)
            before = json.loads(row.value) if row is not None else None
            after = settings.to_dict()
            uow.session.merge(LocalSetting(key=DEVICES_KEY, value=json.dumps(after)))
            audit.record(
                uow,
                actor,
                now,
                "devices.settings",
                "device",
                actor.device_id,
                before=before if isinstance(before, dict) else None,
                after=after,
                approved_by=approved_by,
            )
            uow.commit()
        return settings
