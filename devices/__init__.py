"""Drivers for receipt printers, cash drawers, scanners, card readers and the pole display,
with a simulated device of each kind. No Qt here: the desktop app gives them a face."""
