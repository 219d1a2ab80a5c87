"""Printing: a receipt rendered to ESC/POS bytes.

- `printing.render_receipt_30_lines`: `devices.escpos.receipt_job` for a sale whose receipt
  prints 30 lines (heading, five items, totals, cash and change, footer) on 80 mm paper, with
  its barcode and cut. The baseline prints the same lines, in the same styles, with the same
  barcode and cut through python-escpos's `Dummy` printer (its "magic" encoder picks a code
  page per character): the ratio is what building the command bytes ourselves buys.
"""

from __future__ import annotations

import contextlib
import io
import time
from typing import Any

from bench.harness import BenchmarkError, Measurement, RunContext
from bench.registry import benchmark

SAMPLES = 300
TARGET_MS = 5.0
PRINTED_LINES = 30


@benchmark(
    "printing.render_receipt_30_lines",
    "render a 30-line receipt to ESC/POS bytes, against python-escpos Dummy (target < 5 ms)",
)
def render_receipt_30_lines(context: RunContext) -> Measurement:
    # The app's modules are imported here so `python -m bench list` stays quick.
    from core.hardware.settings import PrinterProfile  # noqa: PLC0415
    from devices.escpos import decode, receipt_job  # noqa: PLC0415

    profile = PrinterProfile(paper_mm=80, columns=48)
    document = _receipt()
    job = receipt_job(document, profile)
    printout = decode(job)
    lines = printout.lines[: len(printout.lines) - profile.feed_lines]
    if len(lines) != PRINTED_LINES or printout.barcodes != (("CODE128", document.barcode),):
        raise BenchmarkError(f"the receipt printed {len(lines)} lines, not {PRINTED_LINES}")
    context.log(f"{len(lines)} lines, {len(job)} bytes")

    receipt_job(document, profile)  # warm the code page caches, as a running register has
    samples: list[float] = []
    for _ in range(context.samples(SAMPLES)):
        began = time.perf_counter()
        receipt_job(document, profile)
        samples.append((time.perf_counter() - began) * 1000)

    _dummy(lines, document.barcode)  # its capability profile loads on first use
    baseline: list[float] = []
    for _ in range(context.samples(SAMPLES)):
        began = time.perf_counter()
        dummy_bytes = _dummy(lines, document.barcode)
        baseline.append((time.perf_counter() - began) * 1000)
    return Measurement(
        samples=tuple(samples),
        baseline=tuple(baseline),
        target=TARGET_MS,
        extra={"printed_lines": len(lines), "bytes": len(job), "dummy_bytes": dummy_bytes},
    )


def _receipt() -> Any:
    from core.money import Money  # noqa: PLC0415
    from core.sales.receipt import (  # noqa: PLC0415
        ReceiptAmount,
        ReceiptDocument,
        ReceiptLine,
        ReceiptTender,
    )

    def usd(minor: int) -> Money:
        return Money(minor, "USD")

    names = (
        "Ernie Ball Regular Slinky 10-46",
        "Dunlop Tortex picks .73 mm, 12-pack",
        "Vic Firth 5A drumsticks",
        "Kyser KG6 capo",
        "Planet Waves guitar polish",
    )
    lines = tuple(
        ReceiptLine(name, f"SKU-{n}", 2, usd(650 + n * 100), usd(2 * (650 + n * 100)))
        for n, name in enumerate(names)
    )
    subtotal = sum(line.amount.amount for line in lines if line.amount is not None)
    tax = subtotal * 825 // 10_000
    return ReceiptDocument(
        store_name="Müller Music",
        store_lines=("12 Rue de la Gaîté, Springfield",),
        receipt_number="R1-000457",
        title="Sale",
        printed_time="2025-03-14 15:42",
        register="Register 1",
        cashier="Zoë",
        lines=lines,
        subtotal=usd(subtotal),
        discounts=(),
        discount_total=None,
        taxes=(ReceiptAmount("Sales tax 8.25%", usd(tax)),),
        tax_total=usd(tax),
        total=usd(subtotal + tax),
        tenders=(ReceiptTender("Cash", usd(10_000)),),
        change=usd(10_000 - subtotal - tax),
        customer=None,
        barcode="R1-000457",
        footer=("Thank you for playing!",),
    )


def _dummy(lines: Any, barcode: str) -> int:
    """The same lines, styles, barcode and cut through python-escpos; the bytes it made."""
    from escpos.printer import Dummy  # noqa: PLC0415

    printer = Dummy()
    for line in lines:
        printer.set(
            align=line.align,
            bold=line.bold,
            double_width=line.double_width,
            double_height=line.double_height,
            invert=line.reverse,
        )
        printer.text(line.text + "\n")
    # python-escpos announces its barcode renderer with print(); stdout is the JSON lines'.
    with contextlib.redirect_stdout(io.StringIO()):
        printer.barcode("{B" + barcode, "CODE128", height=60, width=3, function_type="B")
    printer.cut()
    return len(printer.output)
