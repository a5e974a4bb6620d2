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


def fork(target: Callable[[], Any], what: str) -> int:
    """Run `target()` in a forked child that never returns; its pid.

    The child exits 0 when `target` returns, 1 (logged as `what` failed) when
    it raises.
    """
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        target()
    except BaseException:  # noqa: BLE001 - a forked child must never return
        log.exception("%s failed", what)
        code = 1
    finally:
        logging.shutdown()
        os._exit(code)
    return 0  # unreachable


def fork_child(target: Callable[[], Any], what: str) -> int:
    """`fork` a side process: SIGINT ignored, SIGTERM ends it, and so does losing its parent."""
    parent = os.getpid()

    def side() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
        target()

    return fork(side, what)


def stop(pids: list[int | None]) -> None:
    """SIGTERM to each child that was started."""
    for pid in pids:
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def wait(pids: list[int | None], timeout: float) -> None:
    """Reap the children in `pids`, SIGKILLing those still running after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    for pid in filter(None, pids):
        while True:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            if time.monotonic() >= deadline:
                log.warning("process %d did not stop in time: killed", pid)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                deadline = float("inf")  # reap it below, whatever that takes
            time.sleep(0.05)
