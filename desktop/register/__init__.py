"""The register: ringing up sales and returns, taking payment, receipts."""
