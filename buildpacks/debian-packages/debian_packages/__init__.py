"""seldon/debian-packages: system libraries and tools from the Debian archive."""
