"""The REST worker's HTTP/1.1 layer: connections parsed by httptools, WSGI calls, limits."""
