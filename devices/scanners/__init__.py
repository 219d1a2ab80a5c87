"""Barcode scanners: a keyboard-wedge scanner told apart from typing by its timing
(`devices.scanners.wedge`, driven by the desktop's key filter), a serial or virtual COM scanner
read on its own thread (`devices.scanners.serial_scanner`), and the serial ports of this
computer (`devices.scanners.ports`)."""
