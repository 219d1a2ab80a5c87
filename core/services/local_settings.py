"""Per-machine preferences (theme and the like), stored as JSON."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session, sessionmaker

from db.models import LocalSetting
from db.uow import UowFactory


def read_setting(read_sessions: sessionmaker[Session], key: str, default: str) -> str:
    with read_sessions() as session:
        row = session.get(LocalSetting, key)
        if row is None:
            return default
        value = json.loads(row.value)
        return value if isinstance(value, str) else default


def write_setting(uow_factory: UowFactory, key: str, value: str) -> None:
    with uow_factory() as uow:
        uow.session.merge(LocalSetting(key=key, value=json.dumps(value)))
        uow.commit()
