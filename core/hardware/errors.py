from __future__ import annotations

from core.errors import DomainError


class HardwareSettingsError(DomainError):
    """A device setting that cannot work, in words the manager setting it up can act on."""
