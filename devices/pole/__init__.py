"""The customer-facing pole display: frames in Epson's customer display commands and a
serial driver that writes the latest one (`devices.pole.display`)."""
