"""Prometheus multiprocess mode: one shared directory of per-process files.

Must run before anything imports prometheus_client, which picks its value
storage at import time. Both spellings of the variable are set because
prometheus-client 0.8 (seldon-core's pin) only knows the lower-case one.
"""

from __future__ import annotations

import glob
import os
import tempfile

ENV_NAMES = ("PROMETHEUS_MULTIPROC_DIR", "prometheus_multiproc_dir")


def prepare_dir() -> str:
    path = next((os.environ[n] for n in ENV_NAMES if os.environ.get(n)), "")
    if path:
        os.makedirs(path, exist_ok=True)
        # Files of a previous run would be summed into this one's numbers.
        for stale in glob.glob(os.path.join(path, "*.db")):
            os.unlink(stale)
    else:
        path = tempfile.mkdtemp(prefix="seldon-metrics-")
    for name in ENV_NAMES:
        os.environ[name] = path
    return path


def mark_process_dead(pid: int) -> None:
    """Drop a dead worker's live gauges (counters and histograms are kept)."""
    from prometheus_client import multiprocess

    path = next((os.environ[n] for n in ENV_NAMES if os.environ.get(n)), None)
    if path:
        multiprocess.mark_process_dead(pid, path)
