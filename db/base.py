"""The declarative base, the constraint naming convention and the mixins every table uses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.types import UTCDateTime, UUIDBytes

# Named constraints let Alembic's SQLite batch mode find and rebuild them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        uuid.UUID: UUIDBytes(),
        datetime: UTCDateTime(),
    }


class IdMixin:
    """A client-generated UUID key: records are created offline on many machines."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class TimestampMixin:
    """Informational times; never used to order events or resolve conflicts."""

    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class LegacyMixin:
    """Where a row came from when it was imported from a store's previous system."""

    legacy_id: Mapped[str | None] = mapped_column(String(100))
    legacy_source: Mapped[str | None] = mapped_column(String(100))
    migrated_at: Mapped[datetime | None]


class SoftDeleteMixin:
    """History is never destroyed: a deleted row keeps its id and gets a deletion time."""

    deleted_at: Mapped[datetime | None]


def table(model: type[Base]) -> Table:
    """A model's Core table: INSERTs through it skip the ORM's bulk-insert bookkeeping,
    which matters on the register's hot path (completing a sale)."""
    found = model.__table__
    assert isinstance(found, Table)
    return found
