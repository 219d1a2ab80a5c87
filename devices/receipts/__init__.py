"""Receipts rendered from `core.sales.receipt.ReceiptDocument`: a PDF (`devices.receipts.pdf`)."""
