"""The store's books: chart of accounts, balanced journal entries, posting rules, export.

Plain functions and frozen dataclasses over integer minor units; no database, no Qt.
A service turns a completed sale (or drawer operation, or stock movement) into figures,
asks `core.ledger.postings` for the entry and writes it in the same unit of work.
"""
