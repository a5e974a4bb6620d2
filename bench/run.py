"""Run every benchmark under bench/ in turn: `make bench`.

Each sub-folder with a `run.py` is one benchmark (runtime REST, gRPC,
builds, ...); this script only runs them one after the other, so that no two
load each other's CPU, and says which failed.

    .venv/bin/python bench/run.py [NAME ...]     # e.g. runtime grpc
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    found = sorted(p.parent.name for p in HERE.glob("*/run.py"))
    unknown = sorted(set(names) - set(found))
    if unknown:
        print(f"ERROR: no benchmark named {', '.join(unknown)}; there are: {', '.join(found)}")
        return 2
    failed = []
    for name in names or found:
        print(f"==> bench/{name}", flush=True)
        start = time.monotonic()
        code = subprocess.call([sys.executable, str(HERE / name / "run.py")])
        print(f"==> bench/{name}: exit {code} after {time.monotonic() - start:.0f}s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"ERROR: these benchmarks failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
