"""Customers: search, the account editor with its members, duplicate warnings, history."""
