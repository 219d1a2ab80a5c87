"""Sync in the app: the status bar's sync label, the manager's sync screen (pairing, status,
issues) and the bridge that runs the sync client off the GUI thread and reports back on it.

The sync logic lives in `sync.client`; this package only schedules it and shows what it says.
"""
