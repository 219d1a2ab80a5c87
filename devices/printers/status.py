"""ESC/POS real-time status: asking a printer whether it is online and has paper (DLE EOT n).

A printer answers each `DLE EOT n` with one byte, even while it is offline or its buffer is
full. Bits 1 and 4 of every reply are fixed on and bits 0 and 7 fixed off (Epson, and the
printers that copy it), which is how a status byte is told apart from anything else the
printer might send. Pure functions: the connection sends `STATUS_QUERY` and hands the reply
here; the simulated and fake printers answer with `status_reply`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "STATUS_QUERY",
    "PrinterStatus",
    "StatusReplyError",
    "StatusRequest",
    "is_status_byte",
    "parse_status",
    "status_reply",
]

DLE, EOT = 0x10, 0x04
_FIXED_MASK = 0b1001_0011  # bits 0, 1, 4 and 7
_FIXED_BITS = 0b0001_0010  # bits 1 and 4 on, 0 and 7 off

# n = 1, printer status
_DRAWER_PIN_HIGH = 0x04
_OFFLINE = 0x08
# n = 2, offline cause
_COVER_OPEN = 0x04
_PAPER_END_STOP = 0x20
_ERROR = 0x40
# n = 4, roll paper sensors: Epson sets both bits of a pair; a clone with one sensor sets one.
_NEAR_END = 0x0C
_PAPER_GONE = 0x60


class StatusRequest(enum.IntEnum):
    PRINTER = 1  # online or offline; the drawer's switch
    OFFLINE_CAUSE = 2  # cover open, stopped at paper end, an error
    PAPER = 4  # the roll's near-end and end sensors

    @property
    def command(self) -> bytes:
        return bytes((DLE, EOT, self.value))


# Asked in one write; the printer answers one byte per request, in this order.
STATUS_QUERY = b"".join(request.command for request in StatusRequest)


class StatusReplyError(ValueError):
    """The bytes are not a printer's answer to `STATUS_QUERY`."""


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """What the printer said about itself. `reported` is False where the link cannot ask
    (a print queue, a file path) or the status check is turned off: then the rest is unknown
    and shown as a printer that took the connection."""

    online: bool = True
    cover_open: bool = False
    paper_near_end: bool = False
    paper_out: bool = False
    # The drawer's switch on connector pin 3: HIGH, which most drawers read when open. A
    # drawer wired the other way shows inverted; the drawer screen only uses it as a hint.
    drawer_open: bool = False
    error: bool = False  # a cutter jam or an overheated head stopped the printer
    reported: bool = True

    @property
    def ready(self) -> bool:
        return self.online and not (self.cover_open or self.paper_out or self.error)


def is_status_byte(value: int) -> bool:
    return 0 <= value <= 0xFF and value & _FIXED_MASK == _FIXED_BITS


def parse_status(reply: bytes) -> PrinterStatus:
    """The printer's answer to `STATUS_QUERY`: exactly one status byte per request."""
    if len(reply) != len(StatusRequest):
        raise StatusReplyError(
            f"expected {len(StatusRequest)} status bytes, got {len(reply)}: {reply.hex(' ')}"
        )
    if not all(is_status_byte(value) for value in reply):
        raise StatusReplyError(f"not status bytes: {reply.hex(' ')}")
    printer, offline, paper = reply
    return PrinterStatus(
        online=not printer & _OFFLINE,
        drawer_open=bool(printer & _DRAWER_PIN_HIGH),
        cover_open=bool(offline & _COVER_OPEN),
        error=bool(offline & _ERROR),
        # Either the paper sensor or the "stopped at paper end" flag: some printers only
        # set the one their hardware has.
        paper_out=bool(paper & _PAPER_GONE or offline & _PAPER_END_STOP),
        paper_near_end=bool(paper & _NEAR_END),
    )


def status_reply(request: int, status: PrinterStatus) -> bytes:
    """The byte a printer in `status` answers to `DLE EOT request` (n = 1 to 4; n = 3, the
    error cause, reports no error). What the simulated and fake printers send."""
    value = _FIXED_BITS
    match request:
        case StatusRequest.PRINTER:
            offline = not status.online or status.cover_open or status.paper_out
            value |= (_OFFLINE if offline or status.error else 0) | (
                _DRAWER_PIN_HIGH if status.drawer_open else 0
            )
        case StatusRequest.OFFLINE_CAUSE:
            value |= (
                (_COVER_OPEN if status.cover_open else 0)
                | (_PAPER_END_STOP if status.paper_out else 0)
                | (_ERROR if status.error else 0)
            )
        case StatusRequest.PAPER:
            value |= (_NEAR_END if status.paper_near_end or status.paper_out else 0) | (
                _PAPER_GONE if status.paper_out else 0
            )
        case 3:
            pass
        case _:
            raise ValueError(f"DLE EOT {request} is not a status request")
    return bytes((value,))
