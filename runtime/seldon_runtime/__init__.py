"""seldon-runtime: a Seldon Core 1.x compatible model server."""

__version__ = "0.1.0"
