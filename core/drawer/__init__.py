"""Cash drawers: denominations, counts, the drawer arithmetic and the X/Z report."""
