"""Side processes of the runtime (metrics server, the user's custom service).

Forked with `os.fork` rather than multiprocessing, whose exit hooks would leak
into gunicorn workers. A child ignores SIGINT (the main process decides when
it stops), exits on SIGTERM, and exits by itself when the main process is gone.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from typing import Any, Callable

log = logging.getLogger(__name__)


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def fork_child(target: Callable[[], Any], what: str) -> int:
    """Run `target()` in a forked child; its pid. `what` names it in the failure log."""
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
        target()
    except BaseException:  # noqa: BLE001 - a forked child must never return
        log.exception("%s failed", what)
        os._exit(1)
    os._exit(0)


def stop(pids: list[int | None]) -> None:
    """SIGTERM to each child that was started."""
    for pid in pids:
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
