"""The sync server: FastAPI + SQLAlchemy + psycopg on PostgreSQL (`lunarfront-server`)."""
