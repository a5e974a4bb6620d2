"""Drop debug sections from the shared objects inside a wheel, keeping the wheel valid.

Some wheels on PyPI ship their extensions with debug info (uvloop's is 13 MB,
11.5 MB of it `.debug_*` sections). Images never use it, so such wheels
bundled into a buildpack are stripped once, when packaging: `strip
--strip-debug` keeps every symbol, only debug sections go. The wheel's
RECORD gets the new hashes and sizes, so pip installs it as it would the
original. Each architecture needs its binutils (`<arch>-linux-gnu-strip`);
without it the wheel is left as it is.

Only the distributions in STRIPPED are touched: libraries that auditwheel
rewrote with patchelf (numpy's vendored OpenBLAS, for one) no longer load
once strip has rewritten them ("ELF load command address/offset not
page-aligned"), and that cannot be checked here for another architecture.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

#: distributions (wheel-name prefix) known to ship debug sections and to load once stripped
STRIPPED = ("uvloop-",)
#: wheel platform-tag suffix -> the binutils strip for that architecture
STRIP_TOOLS = {"x86_64": "x86_64-linux-gnu-strip", "aarch64": "aarch64-linux-gnu-strip"}
#: Debian package providing each strip
STRIP_PACKAGES = {"x86_64": "binutils-x86-64-linux-gnu", "aarch64": "binutils-aarch64-linux-gnu"}


def wanted(wheel: Path) -> bool:
    return wheel.name.startswith(STRIPPED)


def wheel_arch(wheel: Path) -> str | None:
    """The architecture of a Linux platform wheel, from its name; None for others."""
    platform = wheel.stem.rsplit("-", 1)[-1]
    return next((arch for arch in STRIP_TOOLS if platform.endswith(f"_{arch}")), None)


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def _strip(tool: str, data: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="wheelstrip-") as tmp:
        src, out = Path(tmp) / "in.so", Path(tmp) / "out.so"
        src.write_bytes(data)
        subprocess.run([tool, "--strip-debug", "-o", str(out), str(src)], check=True,
                       capture_output=True)
        return out.read_bytes()


def strip_wheel(wheel: Path, tool: str) -> int:
    """Strip `wheel` in place with `tool`; the number of bytes its extensions lost."""
    with zipfile.ZipFile(wheel) as zin:
        infos = zin.infolist()
        contents = {info.filename: zin.read(info) for info in infos}
    changed: dict[str, bytes] = {}
    for name, data in contents.items():
        if name.endswith(".so") or ".so." in name.rsplit("/", 1)[-1]:
            smaller = _strip(tool, data)
            if len(smaller) < len(data):
                changed[name] = smaller
    if not changed:
        return 0
    saved = sum(len(contents[n]) - len(d) for n, d in changed.items())
    contents.update(changed)
    record = next(n for n in contents if n.endswith(".dist-info/RECORD"))
    lines = []
    for line in contents[record].decode().splitlines():
        path = line.split(",", 1)[0]
        lines.append(record_line(path, changed[path]) if path in changed else line)
    contents[record] = ("\n".join(lines) + "\n").encode()
    partial = wheel.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w") as zout:
        for info in infos:  # same order, names, dates and modes: a reproducible wheel
            zout.writestr(info, contents[info.filename], compress_type=zipfile.ZIP_DEFLATED)
    partial.replace(wheel)
    return saved


def strip_tool(arch: str) -> str | None:
    return shutil.which(STRIP_TOOLS[arch])
