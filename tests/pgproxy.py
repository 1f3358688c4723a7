"""A TCP relay to PostgreSQL that a test can cut, to make the database go away for a while.

The shared PostgreSQL server cannot be stopped under other test runs, so a worker under
test connects through this relay instead. `cut()` closes every relayed connection (the
worker sees its server vanish mid-statement) and refuses new ones (connection refused, as
while a server restarts) until `restore()`, which listens again on the same port.
`cut(silent=True)` drops the relayed connections too, but then accepts new ones and never
answers them (a failover that moved the address, a partition that drops packets); those
stay silent for good, as a connection into a black hole does, while the ones made after
`restore()` are relayed again.
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
        self._silent = False
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._held: list[socket.socket] = []  # accepted while silent, never answered
        self._lock = threading.Lock()

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> TcpRelay:
        self._listen()
        return self

    def cut(self, silent: bool = False) -> int:
        """Drop every relayed connection; refuse new ones, or take them and say nothing
        (`silent`). Returns how many were dropped."""
        if silent:
            self._silent = True
        else:
            self._stop_listening()
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for pair in pairs:
            for sock in pair:
                _close(sock)
        return len(pairs)

    def restore(self) -> None:
        self._silent = False
        if self._listener is None:
            self._listen()

    @property
    def held(self) -> int:
        """Connections taken while silent (they never get an answer)."""
        with self._lock:
            return len(self._held)

    def close(self) -> None:
        self.cut()
        with self._lock:
            held, self._held = self._held, []
        for sock in held:
            _close(sock)

    def outage(self, seconds: float, silent: bool = False) -> int:
        """The database gone for `seconds`, then back; returns how many connections were cut."""
        dropped = self.cut(silent=silent)
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
        threading.Thread(target=self._accept_loop, args=(listener,), daemon=True).start()

    def _stop_listening(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            # Closed now: a connect() from here on is refused by the kernel.
            _close(listener)

    def _accept_loop(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed by a cut
            if self._silent:
                with self._lock:
                    self._held.append(client)
                continue
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
