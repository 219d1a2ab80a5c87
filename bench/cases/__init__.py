"""The benchmarks themselves; importing this package registers every one of them.

Case modules import only the standard library and `bench` at module level, so `list` is quick;
the app's own modules are imported inside the benchmark functions.
"""

from bench.cases import (
    catalog_import,
    catalog_search,
    drawer,
    printer_faults,
    printing,
    register,
    register_ui,
    startup,
    store_open,
    sync,
)

__all__ = [
    "catalog_import",
    "catalog_search",
    "drawer",
    "printer_faults",
    "printing",
    "register",
    "register_ui",
    "startup",
    "store_open",
    "sync",
]
