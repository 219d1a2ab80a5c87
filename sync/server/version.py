"""The server's version, as installed (shown by `/health` and in the OpenAPI description)."""

from __future__ import annotations

from functools import cache
from importlib import metadata


@cache
def server_version() -> str:
    try:
        return metadata.version("lunarfront")
    except metadata.PackageNotFoundError:  # running from a source tree that was not installed
        return "0+unknown"
