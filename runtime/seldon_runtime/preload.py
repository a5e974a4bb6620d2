"""`--preload`: the model loaded once, before the fork, its memory shared by every worker.

Forked workers share the parent's pages until one writes to them. `load()`
runs once in the main process; `gc.freeze()` then moves every object it made
into a generation the collector never scans, so collections in the workers
do not write to (and so copy) the pages holding them.

A fork copies only the thread that forks: threads started by `load()` do not
exist in the workers, and thread pools that are not fork-aware (GNU or Intel
OpenMP, as torch and some scikit-learn builds use, or a GPU context) can
hang or fail there. What can be seen of that is reported at start.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from typing import Callable

log = logging.getLogger(__name__)

#: shared libraries whose thread pools or contexts do not survive fork()
FORK_UNSAFE = {
    "libgomp": "GNU OpenMP",
    "libiomp5": "Intel OpenMP",
    "libcuda.so": "CUDA",
}


def load_shared(load: Callable[[], None]) -> list[str]:
    """Run `load` here, freeze the heap, and return the warnings it gives reason for."""
    load()
    gc.collect()
    gc.freeze()
    warnings = fork_hazards()
    for warning in warnings:
        log.warning("--preload: %s", warning)
    return warnings


def fork_hazards() -> list[str]:
    """What in this process makes serving it from forked workers unsafe."""
    found = []
    others = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    if others:
        found.append(
            f"load() left {len(others)} Python thread(s) running ({', '.join(sorted(others))});"
            " they do not exist in the forked workers"
        )
    native = _native_threads() - 1 - len(others)
    if native > 0:
        libraries = _mapped(FORK_UNSAFE)
        if libraries:
            found.append(
                f"{native} native thread(s) are running and {', '.join(libraries)} is loaded:"
                " its thread pool or context may hang or fail in the forked workers; serve"
                " this model without --preload, or limit it to one thread (OMP_NUM_THREADS=1)"
            )
    return found


def _native_threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _mapped(libraries: dict[str, str]) -> list[str]:
    try:
        with open("/proc/self/maps") as maps:
            text = maps.read()
    except OSError:
        return []
    return [name for key, name in libraries.items() if key in text]
