"""The outbox payload of a completed sale: everything the server needs, as plain JSON.

The stock the sale moved is not built here: `stock_ledger` notes each movement as it is
posted, and the outbox adds them all as `"stock_movements"` when the transaction commits
(`outbox_write`), so the sale and its stock always travel as one event, whatever path
moved the stock.
"""

from __future__ import annotations

from core.sales.cart import SaleTotals
from core.services.sale_state import SaleState


def sale_payload(state: SaleState, totals: SaleTotals) -> dict[str, object]:
    sale = state.row
    return {
        "sale_id": str(sale.id),
        "company_id": str(sale.company_id),
        "location_id": str(sale.location_id),
        "device_id": str(sale.device_id),
        "receipt_number": sale.receipt_number,
        "kind": sale.kind,
        "currency": sale.currency,
        "user_id": str(sale.user_id),
        "customer_id": None if sale.customer_id is None else str(sale.customer_id),
        "completed_at": None if sale.completed_at is None else sale.completed_at.isoformat(),
        "subtotal": totals.subtotal,
        "discount": totals.discount,
        "tax": totals.tax,
        "total": totals.total,
        "change": sale.change_minor,
        "lines": [
            {
                "line_id": str(line.line_id),
                "product_id": None if line.product_id is None else str(line.product_id),
                "unit_id": None if line.unit_id is None else str(line.unit_id),
                "original_line_id": (
                    None if line.original_line_id is None else str(line.original_line_id)
                ),
                "sku": line.sku,
                "quantity": line.quantity,
                "list_price": line.list_price,
                "gross": amounts.gross,
                "discount": amounts.discount,
                "net": amounts.net,
                "taxes": [
                    {"rate_id": str(t.rate_id), "rate_ppm": t.rate_ppm, "tax": t.tax}
                    for t in amounts.taxes
                ],
            }
            for line, amounts in zip(state.lines, totals.lines, strict=True)
        ],
        "tenders": [
            {
                "tender_id": str(t.tender_id),
                "kind": str(t.kind),
                "amount": t.amount,
                "provider": t.provider,
                "reference": t.reference,
            }
            for t in state.tenders
        ],
    }
