"""The devices screen, the simulated devices and the bridge between drivers and the GUI."""
