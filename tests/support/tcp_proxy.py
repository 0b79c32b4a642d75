"""A loopback TCP proxy that a test can cut and restore, to lose a real service while the bot runs.

Stopping the machine's PostgreSQL or Redis would disturb every other test and user of them; putting
this proxy between the bot and the service makes the loss the bot's alone. ``cut()`` drops every open
connection and refuses new ones (the port is closed, as when the service is down); ``restore()`` listens
on the same port again.
"""

from __future__ import annotations

import socket
import threading
from typing import List, Optional, Tuple

from tests.support.live_servers import free_port

_CHUNK = 65536


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``target`` until cut."""

    def __init__(self, target: Tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: List[socket.socket] = []
        self._listener: Optional[socket.socket] = None
        self.restore()

    def restore(self) -> None:
        """Listens again; new connections reach the service."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Closes the port and every connection through it, as a crashed service or lost network would."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, []
        if listener is not None:
            listener.close()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    close = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(_CHUNK)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
