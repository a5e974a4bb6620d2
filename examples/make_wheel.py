"""Build a pure-Python wheel from a small source tree, with no build backend.

Used by the `wheel-folder` and `private-index` examples (and their tests) to
make the wheels they depend on, so the repository never carries binary files
and the wheel can be made offline. The source tree has a `pyproject.toml`
with `[project] name`, `version` and optional `dependencies`, and one
top-level package directory named like the project (dashes → underscores)
or given by `[tool.make-wheel] package`.

    python examples/make_wheel.py examples/wheel-folder/wheel-src examples/wheel-folder/wheels

The same bytes come out every time (fixed timestamps, sorted entries), so a
rebuilt wheel does not invalidate image layers.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
import zipfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()


def _metadata(name: str, version: str, summary: str, dependencies: list[str]) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if summary:
        lines.append(f"Summary: {summary}")
    lines += [f"Requires-Dist: {dep}" for dep in dependencies]
    return "\n".join(lines) + "\n"


def build_wheel(src: Path, out_dir: Path) -> Path:
    """Write `<name>-<version>-py3-none-any.whl` for `src` into `out_dir`; return its path."""
    config = tomllib.loads((src / "pyproject.toml").read_text())
    project = config["project"]
    name, version = project["name"], project["version"]
    package = config.get("tool", {}).get("make-wheel", {}).get("package", name.replace("-", "_"))
    package_dir = src / package
    if not package_dir.is_dir():
        raise SystemExit(f"{src}: package directory {package}/ not found")

    dist = re.sub(r"[-_.]+", "_", name).lower()
    dist_info = f"{dist}-{version}.dist-info"
    files: dict[str, bytes] = {}
    for path in sorted(package_dir.rglob("*.py")):
        files[path.relative_to(src).as_posix()] = path.read_bytes()
    files[f"{dist_info}/METADATA"] = _metadata(
        name, version, project.get("description", ""), project.get("dependencies", [])
    ).encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: make_wheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files[f"{dist_info}/top_level.txt"] = f"{package}\n".encode()
    record = [f"{arcname},{_record_hash(data)},{len(data)}" for arcname, data in files.items()]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()

    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = out_dir / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for arcname, data in files.items():
            info = zipfile.ZipInfo(arcname, date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return wheel


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: make_wheel.py SOURCE_DIR OUTPUT_DIR", file=sys.stderr)
        return 2
    print(build_wheel(Path(argv[0]), Path(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
