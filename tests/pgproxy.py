"""A TCP relay to PostgreSQL that a test can cut, to make the database go away for a while.

The shared PostgreSQL server cannot be stopped under other test runs, so a worker under
test connects through this relay instead. `cut()` closes every relayed connection (the
worker sees its server vanish mid-statement) and refuses new ones (connection refused, as
while a server restarts) until `restore()`, which listens again on the same port.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class TcpRelay:
    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432):
        self.target = (target_host, target_port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._accepting = threading.Event()
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()
        self.relayed = 0  # connections accepted so far
        self.cut_at: float | None = None

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> TcpRelay:
        self._listen()
        return self

    def cut(self) -> int:
        """Drop every relayed connection and refuse new ones; returns how many were dropped."""
        self.cut_at = time.monotonic()
        self._stop_listening()
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for pair in pairs:
            for sock in pair:
                _close(sock)
        return len(pairs)

    def restore(self) -> None:
        self._listen()

    def close(self) -> None:
        self.cut()

    def outage(self, seconds: float) -> int:
        """The database gone for `seconds`, then back; returns how many connections were cut."""
        dropped = self.cut()
        time.sleep(seconds)
        self.restore()
        return dropped

    # -- listening ----------------------------------------------------------------------
    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))  # port 0 the first time, the same one after
        listener.listen(64)
        listener.settimeout(0.2)  # so the accept loop sees a cut promptly
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._accepting.set()
        threading.Thread(target=self._accept_loop, args=(listener,), daemon=True).start()

    def _stop_listening(self) -> None:
        self._accepting.clear()
        listener, self._listener = self._listener, None
        if listener is not None:
            # Closed now: a connect() from here on is refused by the kernel.
            _close(listener)

    def _accept_loop(self, listener: socket.socket) -> None:
        while self._accepting.is_set() and self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed by a cut
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            client.settimeout(None)
            server.settimeout(None)
            pair = (client, server)
            with self._lock:
                self._pairs.add(pair)
                self.relayed += 1
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink, pair), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, pair) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            with self._lock:
                self._pairs.discard(pair)
            for sock in pair:
                _close(sock)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
