"""Application services: each call is one unit of work. The only part of `core` that uses `db`.

Importing this package installs the outbox capture (`outbox_capture.install_capture`): every
service lives in it, so no service can write before every session records its changes to
replicated tables, and nothing has to remember to switch it on.
"""

from core.services.outbox_capture import install_capture

install_capture()
