"""Files and directories the library writes into a buildpack's layers dir.

Their modes are fixed (0644, 0755), not left to the umask: upstream's
exporter keeps modes as they are, and the run image's user may have another
UID than the build user (Paketo: 1001 builds, 1002 runs), so a layer's env
file must be readable by others. A file whose bytes and mode are already
right is left alone, so a reused layer keeps its mtimes.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

FILE_MODE = 0o644
DIR_MODE = 0o755


def make_dirs(path: Path, top: Path) -> None:
    """`path` and its parents up to (not including) `top`, each 0755."""
    missing = []
    while path != top and not path.is_dir():
        missing.append(path)
        path = path.parent
    for d in reversed(missing):
        d.mkdir()
        d.chmod(DIR_MODE)


def write_if_changed(path: Path, data: bytes) -> None:
    """Atomic, and only when the bytes or the mode differ."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == FILE_MODE \
            and path.read_bytes() == data:
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, path)
