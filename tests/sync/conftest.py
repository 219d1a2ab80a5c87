"""The sync tests' fixtures live in tests/sync/fixtures.py, registered for the whole suite
from tests/conftest.py (`pytest_plugins`), so desktop and end-to-end tests can use them too."""
