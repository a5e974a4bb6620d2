"""The REST transport: a plain WSGI application over the data plane."""
