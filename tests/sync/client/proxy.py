"""A small TCP proxy between a register and the sync server, to cut the network on purpose.

- `drop_push_replies = n`: the next n push requests reach the server (which commits), but
  their replies are swallowed and the connection closed — "the reply was lost".
- `refuse()` / `accept()`: close and reopen the listening socket on the same port, so the
  register meets a real "connection refused" — "the network is cut".
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from tests.sync.fixtures import free_port


class FaultyProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.drop_push_replies = 0
        self.dropped = 0
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self.accept()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def accept(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept_loop, args=(listener,), daemon=True).start()

    def refuse(self) -> None:
        """Stop listening and cut every open connection."""
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)  # shutdown first: a bare close does not wake a blocked accept()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def close(self) -> None:
        self.refuse()

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            state = {"request": b""}
            threading.Thread(
                target=self._to_server, args=(client, upstream, state), daemon=True
            ).start()
            threading.Thread(
                target=self._to_register, args=(client, upstream, state), daemon=True
            ).start()

    def _to_server(
        self, client: socket.socket, upstream: socket.socket, state: dict[str, bytes]
    ) -> None:
        try:
            while chunk := client.recv(65536):
                if chunk.startswith((b"GET ", b"POST ", b"PUT ", b"DELETE ")):
                    state["request"] = chunk.split(b"\r\n", 1)[0]
                upstream.sendall(chunk)
        except OSError:
            pass
        finally:
            _close(upstream)

    def _to_register(
        self, client: socket.socket, upstream: socket.socket, state: dict[str, bytes]
    ) -> None:
        try:
            while chunk := upstream.recv(65536):
                if state["request"].startswith(b"POST /v1/push") and self._take_drop():
                    # The server has committed and answered; the register never hears it.
                    upstream.settimeout(0.3)
                    with contextlib.suppress(OSError):
                        while upstream.recv(65536):
                            pass
                    break
                client.sendall(chunk)
        except OSError:
            pass
        finally:
            _close(client)
            _close(upstream)

    def _take_drop(self) -> bool:
        with self._lock:
            if self.drop_push_replies <= 0:
                return False
            self.drop_push_replies -= 1
            self.dropped += 1
            return True


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


def wait_until(condition: object, timeout: float = 10.0) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not hold in time")
        time.sleep(0.01)
