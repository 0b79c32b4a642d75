"""A stuck action server for fault tests: a TCP server that accepts connections and never answers."""

from __future__ import annotations

import socket
import threading
from typing import List


class HangingServer:
    """A TCP server that accepts connections and never answers, like a stuck action server."""

    def __init__(self, port: int = 0) -> None:
        """Listens on 127.0.0.1 at ``port`` (0: any free port, then read :attr:`port`)."""
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", port))
        self._listener.listen()
        self.port: int = self._listener.getsockname()[1]
        self._connections: List[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self._connections.append(connection)

    def close(self) -> None:
        """Stops listening and drops the held connections."""
        self._listener.close()
        for connection in self._connections:
            connection.close()
