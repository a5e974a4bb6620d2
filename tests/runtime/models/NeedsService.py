"""Connects to a service in its constructor, like routers that keep state in redis."""

import os
import socket


class NeedsService:
    def __init__(self):
        port = int(os.environ.get("SERVICE_PORT_FOR_TEST", "9"))
        self.conn = socket.create_connection(("127.0.0.1", port), timeout=2)

    def predict(self, X, names):
        return X
