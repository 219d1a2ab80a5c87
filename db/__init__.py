"""Local storage: SQLAlchemy 2.0 models, the SQLite engine, the unit of work and migrations.

Nothing in here imports `core`: services in `core.services` depend on `db`, never the reverse.
"""
