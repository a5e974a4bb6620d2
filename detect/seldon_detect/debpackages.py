"""The Debian packages a model repository asks for, from `Aptfile` and `project.toml`.

`Aptfile` (the name Heroku's apt buildpack made common): package names, one or
more per line, `#` comments. `project.toml`: a list under
`[io.seldon.debian-packages] install`. The build variable `BP_DEBIAN_PACKAGES`
(names separated by spaces or commas) adds more without a file. Any of them
may pin a version (`name=1.2-3`).
Anything else an Aptfile elsewhere may hold (`.deb` URLs, `:repo:` lines) is
refused with the line to fix: it would bypass the signed Debian archive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from seldon_detect import tomlfile
from seldon_detect.failures import (
    DebianAskedTwice,
    DebianBadName,
    DebianNotAName,
    DebianTableInvalid,
    NotToml,
)

APTFILE = "Aptfile"
PROJECT_FILE = "project.toml"
PROJECT_TABLE = "io.seldon.debian-packages"
#: a build variable (pack -e, kpack's build env) listing more packages, no file needed
ENV_LIST = "BP_DEBIAN_PACKAGES"
#: Debian policy package names, an optional architecture and an optional exact version
_SPEC = re.compile(r"^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9-]+)?(?:=[A-Za-z0-9.+~:-]+)?$")


@dataclass(frozen=True)
class PackageRequest:
    #: what apt-get install is given: `name`, `name:arch` or `name=version`
    spec: str
    #: where it was asked for, e.g. "Aptfile:3"
    source: str

    @property
    def name(self) -> str:
        return re.split(r"[:=]", self.spec, maxsplit=1)[0]


def requested_packages(app_dir: Path, env_list: str = "") -> list[PackageRequest]:
    """Every requested package once (Aptfile, then project.toml, then `env_list`, the value
    of BP_DEBIAN_PACKAGES); raises a `UserError` kind on a bad entry."""
    found: dict[str, PackageRequest] = {}
    from_env = [_check(spec, ENV_LIST, ENV_LIST) for spec in env_list.replace(",", " ").split()]
    for request in [*_from_aptfile(app_dir / APTFILE), *_from_project(app_dir / PROJECT_FILE),
                    *from_env]:
        earlier = found.get(request.name)
        if earlier and earlier.spec != request.spec:
            raise DebianAskedTwice(
                f"{earlier.source} asks for {earlier.spec!r}, {request.source} for "
                f"{request.spec!r}.", location=request.source, name=request.name)
        found.setdefault(request.name, request)
    return list(found.values())


def _check(spec: str, source: str, file: str) -> PackageRequest:
    if "://" in spec or spec.endswith(".deb") or spec.startswith(":"):
        raise DebianNotAName(
            f"{spec!r} is a URL, a .deb file or a repository line. Packages come only from "
            "the Debian archive the build image is configured with, whose signatures apt "
            "checks.", location=source, file=file)
    if not _SPEC.match(spec):
        raise DebianBadName(
            "Package names are lower case letters, digits and + - . (at least two "
            "characters), optionally followed by :arch or =version.",
            location=source, spec=spec, file=file)
    return PackageRequest(spec, source)


def _from_aptfile(path: Path) -> list[PackageRequest]:
    if not path.is_file():
        return []
    out = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        for spec in line.split("#", 1)[0].split():
            out.append(_check(spec, f"{APTFILE}:{number}", APTFILE))
    return out


def _from_project(path: Path) -> list[PackageRequest]:
    if not path.is_file():
        return []
    try:
        data = tomlfile.load_path(path)
    except (tomlfile.TOMLDecodeError, UnicodeDecodeError) as err:
        raise NotToml(str(err), location=PROJECT_FILE, file=PROJECT_FILE) from None
    table = data.get("io", {}).get("seldon", {}).get("debian-packages")
    if table is None:
        return []
    where = f"{PROJECT_FILE}: [{PROJECT_TABLE}]"
    install = table.get("install") if isinstance(table, dict) else None
    unknown = sorted(set(table) - {"install"}) if isinstance(table, dict) else []
    if not isinstance(install, list) or unknown or not all(isinstance(s, str) for s in install):
        raise DebianTableInvalid(
            f"Found: {table!r}" if not unknown else f"Unknown keys: {', '.join(unknown)}",
            location=where, table=PROJECT_TABLE, file=PROJECT_FILE)
    return [_check(spec.strip(), f"{where} install[{i}]", PROJECT_FILE)
            for i, spec in enumerate(install)]
