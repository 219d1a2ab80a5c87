"""ESC/POS receipt printers: print jobs built byte by byte, and read back.

`receipt_job`, `report_job` and `items_job` turn documents into the bytes a thermal printer
prints; `decode` turns such bytes back into lines, barcodes and cuts, for the simulated
printer and for tests. `logo_raster` prepares the receipt logo once.
"""

from devices.escpos.decode import EscposDecodeError, PrintedLine, Printout, decode
from devices.escpos.logo import LogoError, logo_raster
from devices.escpos.render import (
    PRINTABLE_DOTS,
    drawer_kick,
    items_job,
    receipt_job,
    report_job,
    test_page,
)

__all__ = [
    "PRINTABLE_DOTS",
    "EscposDecodeError",
    "LogoError",
    "PrintedLine",
    "Printout",
    "decode",
    "drawer_kick",
    "items_job",
    "logo_raster",
    "receipt_job",
    "report_job",
    "test_page",
]
