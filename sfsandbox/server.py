"""A threaded wsgiref server that can also drop a connection with a TCP reset on demand."""

from __future__ import annotations

import io
import socket
import struct
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer


class _QuietServerHandler(ServerHandler):
    def log_exception(self, exc_info):  # injected resets are expected, not errors
        if not isinstance(exc_info[1], ConnectionResetError):
            super().log_exception(exc_info)


class SandboxRequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # lets clients keep connections alive between pages
    # wsgiref writes the headers and the body in separate sends; with Nagle on, the body
    # waits for the client's delayed ACK of the headers (40 ms per response on Linux), a
    # cost no real org has. Latency is modelled on purpose elsewhere (the faults/costs flags).
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - signature from BaseHTTPRequestHandler
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def handle(self):
        # wsgiref handles one request per connection; loop for keep-alive.
        self.close_connection = True
        self._handle_one()
        while not self.close_connection:
            self._handle_one()

    def _handle_one(self):
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline or len(self.raw_requestline) > 65536:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        environ = self.get_environ()
        environ["sfsandbox.reset_connection"] = self._reset
        # Read the whole body up front so a handler that ignores it cannot leave bytes
        # behind that would be parsed as the next keep-alive request.
        length = int(self.headers.get("Content-Length") or 0)
        body = io.BytesIO(self.rfile.read(length) if length > 0 else b"")
        handler = _QuietServerHandler(body, self.wfile, self.get_stderr(), environ, multithread=True)
        handler.request_handler = self
        handler.http_version = "1.1"
        handler.run(self.server.get_app())
        if getattr(self, "_was_reset", False):
            self.close_connection = True

    def _reset(self):
        """Abort the connection: SO_LINGER 0 makes close() send RST instead of FIN."""
        self._was_reset = True
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.server.reset_requests.add(self.connection)


class SandboxServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops the SYNs of a burst of parallel clients (a
    # retry after 1 s): Bulk downloads in parallel and the long-request limit need more.
    request_queue_size = 128
    verbose = False

    def __init__(self, *args, **kwargs):
        self.reset_requests: set = set()
        super().__init__(*args, **kwargs)

    def shutdown_request(self, request):
        if request in self.reset_requests:
            # No shutdown(SHUT_WR): that would send a FIN before the RST.
            self.reset_requests.discard(request)
            request.close()
            return
        super().shutdown_request(request)


def make_server(app, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
    server = SandboxServer((host, port), SandboxRequestHandler)
    server.set_app(app)
    return server


def serve_in_thread(server: SandboxServer) -> threading.Thread:
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="sfsandbox", daemon=True
    )
    thread.start()
    return thread
