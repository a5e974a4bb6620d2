"""A model with a custom_service(): a tiny HTTP server on $CUSTOM_SERVICE_PORT."""

import os
from http.server import BaseHTTPRequestHandler, HTTPServer


class CustomService:
    def __init__(self):
        self.loaded_in = None

    def load(self):
        self.loaded_in = os.getpid()

    def predict(self, X, features_names=None):
        return X

    def custom_service(self):
        model = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = f"pid={os.getpid()} loaded={model.loaded_in is not None}".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        HTTPServer(("127.0.0.1", int(os.environ["CUSTOM_SERVICE_PORT"])), Handler).serve_forever()
