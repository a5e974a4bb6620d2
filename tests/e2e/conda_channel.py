"""A local `conda-forge` for the conda examples, served over http on 127.0.0.1.

The channel itself is the contract tests' (a relocated CPython as `python`),
plus an empty `pip` package: the examples list `- pip`, and the conda
buildpack bootstraps the real pip with ensurepip when the package has none.
It is served over http because the build runs in a container on the host's
network, where the host's files are not visible. A `conda` binding whose
`.condarc` sets `channel_alias` points the examples' `conda-forge` at it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import shutil
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

from seldon_platform.engine import HOST_CA_BUNDLE
from tests.contract import condachannel


def available() -> bool:
    return condachannel.relocatable_python() is not None


def build(root: Path) -> Path:
    """`root/conda-forge` with python, condatiny and pip; returns `root`."""
    import rattler.index

    channel = condachannel.build_channel(root / "conda-forge")
    empty = root / "pip-src"
    (empty / "site-packages").mkdir(parents=True)
    condachannel._package(empty, channel / "noarch", "pip", "24.0",
                          {"subdir": "noarch", "noarch": "python", "depends": ["python"]})
    asyncio.run(rattler.index.index_fs(channel, write_zst=False, write_shards=False))
    return root


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1; yields the base URL (the channel alias)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class LocalChannel:
    alias: str
    binding: Path  # a `conda` service binding that points builds at the alias
    ca_binding: Path  # the host's CAs as a `ca-certificates` binding

    def values(self) -> dict[str, str]:
        return {"conda-binding": str(self.binding), "ca-binding": str(self.ca_binding)}


def binding(folder: Path, alias: str) -> LocalChannel:
    """The `conda` binding, and the host's CA bundle as a `ca-certificates` binding.

    The pip inside a conda environment trusts only its own certificate list,
    not the system's, so behind a TLS-inspecting proxy (like CI's) it needs the
    host's CAs the way a user would give them.
    """
    conda = folder / "conda"
    conda.mkdir(parents=True, exist_ok=True)
    (conda / "type").write_text("conda\n")
    (conda / ".condarc").write_text(f"channel_alias: {alias}\n")
    cas = folder / "ca-certificates"
    cas.mkdir(exist_ok=True)
    (cas / "type").write_text("ca-certificates\n")
    if HOST_CA_BUNDLE.is_file():
        shutil.copyfile(HOST_CA_BUNDLE, cas / "host-ca-bundle.pem")
    return LocalChannel(alias, conda, cas)
