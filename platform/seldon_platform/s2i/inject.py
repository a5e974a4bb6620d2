"""Turn `-i DIR:DEST` injections into service-binding directories for `seldon-build --binding`.

s2i copies an injected directory into the assemble container and truncates its
files afterwards, so they never reach the image. Our buildpacks get build-only
files the CNB way, as service bindings, which also never reach the image. A
directory injected where CA certificates or pip settings live becomes a binding
of that type (its files copied next to a `type` file in a private temporary
directory); a directory that already is a binding is passed as it is.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable

from seldon_platform.s2i.translate import Injection

from ..errors import S2iInjectedDirEmpty, S2iInjectedDirMissing, S2iInjectionUnhonoured

#: files a `pip` binding is read for (see seldon_detect/cnb/pip.py)
PIP_ENTRIES = ("pip.conf", "netrc", ".netrc")


def binding_args(injections: Iterable[Injection], workdir: Path) -> list[str]:
    """`--binding DIR` arguments for `injections`, making binding dirs under `workdir`."""
    args: list[str] = []
    for number, injection in enumerate(injections, 1):
        source = Path(injection.source)
        if not source.is_dir():
            raise S2iInjectedDirMissing(
                f"-i {injection.source}:{injection.destination} names a directory that is "
                "not there (or is not a directory).", path=injection.source)
        if _is_binding(source):
            args += ["--binding", str(source)]
        elif injection.kind:
            args += ["--binding", str(_make_binding(source, injection.kind, workdir, number))]
        else:
            raise _unknown_destination(injection)
    return args


def _is_binding(path: Path) -> bool:
    return (path / "type").is_file() or (path / "metadata" / "kind").is_file()


def _make_binding(source: Path, kind: str, workdir: Path, number: int) -> Path:
    files = sorted(p for p in source.iterdir() if p.is_file())
    if kind == "pip":
        files = [p for p in files if p.name in PIP_ENTRIES]
    if not files:
        wanted = " or ".join(PIP_ENTRIES) if kind == "pip" else "certificate files"
        raise S2iInjectedDirEmpty(
            f"It was injected where {kind} settings live, but it holds no {wanted}.",
            path=source, kind=kind)
    target = workdir / f"inject-{number}-{kind}"
    target.mkdir(parents=True)
    (target / "type").write_text(kind + "\n", encoding="utf-8")
    for path in files:
        shutil.copyfile(path, target / path.name)
    return target


def _unknown_destination(injection: Injection) -> S2iInjectionUnhonoured:
    return S2iInjectionUnhonoured(
        "Builds here run buildpacks, not the s2i assemble script, so nothing would read "
        f"files placed at {injection.destination}. Build-only files reach the buildpacks "
        "as service bindings instead.", injection=f"{injection.source}:{injection.destination}")
