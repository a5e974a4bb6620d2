"""Buildpack ids on disk: standard library only (the lifecycle and launcher import it too)."""


def escape_id(buildpack_id: str) -> str:
    """A buildpack id as a directory name: `seldon/runtime` -> `seldon_runtime`."""
    return buildpack_id.replace("/", "_")
