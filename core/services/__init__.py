"""Application services: each call is one unit of work. The only part of `core` that uses `db`."""
