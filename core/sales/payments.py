"""The seam for card payment providers.

The register takes a card payment through a `PaymentProvider`, then records what it
returned as a card tender on the open sale. `ExternalTerminal` is a card taken on a
standalone terminal and keyed in by the cashier; Stripe Terminal plugs in here later. Each
request carries an idempotency key derived from the sale, so a retried request cannot
charge twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from core.money import Money
from core.sales.errors import SaleError

__all__ = [
    "CardRequest",
    "CardResult",
    "ExternalTerminal",
    "PaymentProvider",
    "idempotency_key",
]

MAX_REFERENCE = 60


@dataclass(frozen=True, slots=True)
class CardRequest:
    sale_id: uuid.UUID
    amount: Money  # positive to charge, negative to refund
    idempotency_key: str
    reference: str = ""  # what the cashier keyed in, for an external terminal


@dataclass(frozen=True, slots=True)
class CardResult:
    approved: bool
    provider: str
    reference: str
    message: str = ""


class PaymentProvider(Protocol):
    name: str

    def take(self, request: CardRequest) -> CardResult:
        """Charge (or refund, for a negative amount) and say what happened; may block."""
        ...


def idempotency_key(sale_id: uuid.UUID, attempt: int) -> str:
    """One key per sale and payment attempt: a retry of the same attempt reuses it."""
    return f"sale-{sale_id}-{attempt}"


class ExternalTerminal:
    """A card run on a standalone terminal: the cashier confirms it was approved."""

    name = "external"

    def take(self, request: CardRequest) -> CardResult:
        reference = " ".join(request.reference.split())
        if len(reference) > MAX_REFERENCE:
            raise SaleError(f"A card reference can be at most {MAX_REFERENCE} characters.")
        return CardResult(approved=True, provider=self.name, reference=reference)
