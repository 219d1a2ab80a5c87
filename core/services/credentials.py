"""Argon2 hashing of passwords and PINs. Nothing else about a secret is ever stored."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class CredentialHasher:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        # Verifying against this when the user is unknown keeps the answer time the same,
        # so timing does not reveal which user names exist.
        self._decoy = self._hasher.hash("not-a-real-secret")

    def hash(self, secret: str) -> str:
        return self._hasher.hash(secret)

    def verify(self, stored_hash: str | None, secret: str) -> bool:
        try:
            return self._hasher.verify(stored_hash or self._decoy, secret) and bool(stored_hash)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)


def fast_hasher_for_tests() -> CredentialHasher:
    """Argon2 with minimal cost: the same algorithm, quick enough for thousands of test users."""
    return CredentialHasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
