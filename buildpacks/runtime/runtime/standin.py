"""Make the runtime's `seldon_core` stand-in importable by any Python in the environment.

s2i images had seldon-core installed, so `python -c "import seldon_core"` and
scripts run in the image found it. A `.pth` file puts the stand-in at the end
of `sys.path`, after site-packages, so an installed seldon-core still wins.
"""

from __future__ import annotations

from pathlib import Path

from seldon_detect.cnb.files import write_if_changed

PTH = "seldon-core-stand-in.pth"


def install_stand_in(prefix: Path) -> Path | None:
    """Write the `.pth` next to the installed runtime; its path, or None without one."""
    for package in sorted(prefix.glob("lib/python*/site-packages/seldon_runtime")):
        pth = package.parent / PTH
        # unchanged bytes are not rewritten: a new mtime would make the exporter
        # re-tar the whole reused environment layer
        write_if_changed(pth, f"{package / 'compat'}\n".encode())
        return pth
    return None
