"""What podman needs on this host to start our containers, applied as flags to our own calls.

On hosts like our CI (a hard `nofile` limit below podman's default, cgroup v1
without systemd, no crun) podman's defaults fail with `error setting rlimit
type 7`. Rather than a containers.conf the user must point CONTAINERS_CONF at,
every `run`, `create` and `build` the platform starts gets explicit flags: the
`--ulimit` values this process is allowed (`resource.getrlimit`), and the OCI
runtime and cgroup manager that work here (from `podman info`). The user's own
configuration files are never written.
"""

from __future__ import annotations

import json
import re
import resource
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from .errors import UlimitTooHigh

#: podman's ulimit default for nofile and nproc when no containers.conf sets one
PODMAN_DEFAULT_ULIMIT = 1048576
#: podman lowers its own RLIMIT_NPROC to this when it starts (seen with strace on 4.x); where
#: runc may not raise limits, a container can have no more than the podman process has
PODMAN_OWN_NPROC = 32768
#: sub-commands that start a container (or a build's RUN steps)
CONTAINER_COMMANDS = ("run", "create", "build")
#: Linux RLIMIT_* numbers, as runc prints them ("error setting rlimit type 7")
RLIMIT_NAMES = {0: "cpu", 1: "fsize", 2: "data", 3: "stack", 4: "core", 5: "rss", 6: "nproc",
                7: "nofile", 8: "memlock", 9: "as", 10: "locks", 11: "sigpending",
                12: "msgqueue", 13: "nice", 14: "rtprio", 15: "rttime"}
WHAT = {"nofile": "open files", "nproc": "processes"}
_RLIMIT_ERROR = re.compile(r"error setting rlimit type (\d+)")


def ulimit_values() -> dict[str, int]:
    """nofile and nproc for our containers: podman's wish, capped by what this process has."""
    values = {}
    for name, res, ceiling in (("nofile", resource.RLIMIT_NOFILE, PODMAN_DEFAULT_ULIMIT),
                               ("nproc", resource.RLIMIT_NPROC, PODMAN_OWN_NPROC)):
        _, hard = resource.getrlimit(res)
        values[name] = ceiling if hard == resource.RLIM_INFINITY else min(hard, ceiling)
    return values


def ulimit_args(given: Sequence[str] = ()) -> list[str]:
    """`--ulimit` flags for the limits the caller did not set itself in `given`."""
    named = " ".join(given)
    return [f"--ulimit={name}={value}:{value}" for name, value in ulimit_values().items()
            if f"{name}=" not in named]


@dataclass
class PodmanInfo:
    """The parts of `podman info` that decide which settings a host needs."""

    version: str = ""
    runtime: str = ""
    runtime_version: str = ""
    cgroup_manager: str = ""
    cgroup_version: str = ""
    graph_root: str = ""
    raw: dict = field(default_factory=dict)

    @classmethod
    def read(cls, binary: str, env: Mapping[str, str]) -> PodmanInfo:
        proc = subprocess.run([binary, "info", "--format", "json"], env=dict(env),
                              capture_output=True)
        try:
            data = json.loads(proc.stdout or b"{}") if proc.returncode == 0 else {}
        except ValueError:
            data = {}
        host = data.get("host") or {}
        runtime = host.get("ociRuntime") or {}
        return cls(
            version=(data.get("version") or {}).get("Version", ""),
            runtime=runtime.get("name", ""),
            runtime_version=(runtime.get("version") or "").split("\n")[0],
            cgroup_manager=host.get("cgroupManager", ""),
            cgroup_version=host.get("cgroupVersion", ""),
            graph_root=(data.get("store") or {}).get("graphRoot", ""),
            raw=data,
        )


def global_args(info: PodmanInfo, systemd_dir: Path = Path("/run/systemd/system")) -> list[str]:
    """podman's global flags this host needs: a cgroup manager and runtime that work here."""
    args = []
    if info.cgroup_manager == "systemd" and not systemd_dir.is_dir():
        args.append("--cgroup-manager=cgroupfs")  # no systemd to ask for scopes
    if info.runtime == "crun" and info.cgroup_version == "v1" and shutil.which("runc"):
        # crun failed on our CI's cgroup v1 hybrid layout where runc works (containers.conf note)
        args.append("--runtime=runc")
    return args


def rlimit_error(text: str) -> UlimitTooHigh | None:
    """The engine's rlimit failure as an error that names the limit, its value and the fix."""
    match = _RLIMIT_ERROR.search(text)
    if not match:
        return None
    number = int(match.group(1))
    name = RLIMIT_NAMES.get(number, f"type {number}")
    values = ulimit_values()
    value = values.get(name)
    allowed = f"this host allows at most {value}" if value else "this host allows less"
    flags = " ".join(f"--ulimit {n}={v}:{v}" for n, v in values.items())
    return UlimitTooHigh(
        f"The container runtime could not set RLIMIT_{name.upper()} "
        f"({WHAT.get(name, name)}, rlimit type {number}): {allowed} (the hard limit "
        f"of this process), while podman asks for {PODMAN_DEFAULT_ULIMIT} unless "
        f"--ulimit or containers.conf says otherwise. The engine said:\n"
        f"{text.strip()[-600:]}",
        limit=name, flags=flags)


def service_env(env: Mapping[str, str], info: PodmanInfo, conf_dir: Path) -> dict[str, str]:
    """The environment of our own `podman system service`, whose API clients (pack, tests)
    create containers without flags: a settings file of ours gives them the same limits.

    podman 4.4+ layers it over the user's configuration (CONTAINERS_CONF_OVERRIDE); older
    podman can only replace it (CONTAINERS_CONF), for this service process alone. A
    CONTAINERS_CONF the user set is theirs and wins.
    """
    out = dict(env)
    if out.get("CONTAINERS_CONF") or out.get("CONTAINERS_CONF_OVERRIDE"):
        return out
    ulimits = ", ".join(f'"{n}={v}:{v}"' for n, v in ulimit_values().items())
    conf_dir.mkdir(parents=True, exist_ok=True)
    conf = conf_dir / "podman-service.conf"
    conf.write_text(f"# written by seldon-build for its podman system service\n"
                    f"[containers]\ndefault_ulimits = [{ulimits}]\n", encoding="utf-8")
    layered = tuple(int(x) for x in re.findall(r"\d+", info.version)[:2]) >= (4, 4)
    out["CONTAINERS_CONF_OVERRIDE" if layered else "CONTAINERS_CONF"] = str(conf)
    return out
