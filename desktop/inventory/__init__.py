"""Inventory: search, product editor, stock by location and movement history, receiving,
adjustments and stock counts."""
