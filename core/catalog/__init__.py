"""Catalog rules: barcodes, SKUs. Standard library only."""
