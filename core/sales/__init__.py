"""The register's rules: pricing, discounts, tax, returns, tenders and the receipt document.

Plain functions and frozen dataclasses over integer minor units; no database, no Qt.
`core.services.register` loads a sale, applies these rules and writes the result.
"""
