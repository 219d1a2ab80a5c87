"""Errors the sync server answers with. Raise one anywhere below a route; the app turns it
into an `ErrorBody` reply with its status, and rolls the request's transaction back.

Messages are plain words a store manager can read (they reach the register's status bar).
"""

from __future__ import annotations

from sync.protocol import ErrorBody, ErrorCode


class ServerError(Exception):
    def __init__(self, code: ErrorCode, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def body(self) -> ErrorBody:
        return ErrorBody(code=self.code, message=self.message)

    def headers(self) -> dict[str, str]:
        return {}


class SequenceGap(ServerError):  # noqa: N818 - named for the reply it becomes
    """A push skipped sequences: the device must resend from `expected`."""

    def __init__(self, expected: int, message: str | None = None) -> None:
        super().__init__(
            ErrorCode.SEQUENCE_GAP,
            message
            or f"The sync server is missing earlier changes; it expects change {expected} next",
            409,
        )
        self.expected = expected

    def body(self) -> ErrorBody:
        return ErrorBody(code=self.code, message=self.message, expected_sequence=self.expected)


class Unauthenticated(ServerError):  # noqa: N818 - named for the reply it becomes
    def __init__(
        self,
        message: str = "This register's pairing was revoked; pair it again from its settings",
    ) -> None:
        super().__init__(ErrorCode.UNAUTHENTICATED, message, 401)

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(ServerError):  # noqa: N818 - named for the reply it becomes
    def __init__(self, message: str = "This register may not see or change that") -> None:
        super().__init__(ErrorCode.FORBIDDEN, message, 403)


class NotFound(ServerError):  # noqa: N818 - named for the reply it becomes
    def __init__(self, message: str = "The sync server has no such thing") -> None:
        super().__init__(ErrorCode.NOT_FOUND, message, 404)


class InvalidRequest(ServerError):  # noqa: N818 - named for the reply it becomes
    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.INVALID_REQUEST, message, 422)


class PairingCodeInvalid(ServerError):  # noqa: N818 - named for the reply it becomes
    def __init__(
        self,
        message: str = "That pairing code is unknown, already used or expired; ask for a new one",
    ) -> None:
        super().__init__(ErrorCode.PAIRING_CODE_INVALID, message, 400)


class PairingRefused(ServerError):  # noqa: N818 - named for the reply it becomes
    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.PAIRING_REFUSED, message, 409)


class Unavailable(ServerError):  # noqa: N818 - named for the reply it becomes
    """Try again later: the database is unreachable, busy or timed out."""

    def __init__(
        self,
        message: str = "The sync server cannot reach its database right now",
        retry_after_seconds: int = 5,
    ) -> None:
        super().__init__(ErrorCode.UNAVAILABLE, message, 503)
        self.retry_after_seconds = retry_after_seconds

    def body(self) -> ErrorBody:
        return ErrorBody(
            code=self.code, message=self.message, retry_after_seconds=self.retry_after_seconds
        )

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}
