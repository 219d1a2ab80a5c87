"""Schema migrations, applied at start-up (inside the packaged app too).

The scripts live in `db/migrations` next to this file and are found through `__file__`, so they
work from a source checkout, an installed wheel and a PyInstaller bundle alike. Alembic is
configured in code; there is no alembic.ini to ship or lose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Full-text indexes are virtual tables made by hand in migrations; the models do not describe
# them, so autogenerate and the schema comparison test must look past them and their shadows.
SEARCH_INDEXES = ("product_search", "customer_search")


def is_modelled(name: str | None, type_: str) -> bool:
    """For Alembic's include_name hook: False for the full-text tables and their shadows."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_INDEXES))


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in script_directory().walk_revisions()}


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> SchemaState:
    """Bring the schema to head in one transaction; on failure nothing changes."""
    command.upgrade(alembic_config(engine), "head")
    return SchemaState(current=current_revision(engine), head=head_revision())
