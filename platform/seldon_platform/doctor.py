"""`seldon-build doctor`: what the tool finds on this machine, and what to fix.

Each check adds lines to a report and, when something is wrong, one fix.
Nothing is changed on the machine except one throw-away container that tells
whether images start with the engine's default limits.
"""

from __future__ import annotations

import argparse
import os
import platform as host
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe

from . import __version__, host_tools
from .cache import default_root
from .engine import Engine, find_engine, labels_of
from .package_data import CHECKOUT, data_root, user_cache
from .podman_host import global_args, rlimit_error, ulimit_args, ulimit_values
from .stacks import INPUTS_LABEL, StackImages, expected_digests


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)

    def add(self, label: str, text: str) -> None:
        self.lines.append(f"{label + ':':<16} {text}")


def _size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def _cgroup_version() -> str:
    return "v2" if Path("/sys/fs/cgroup/cgroup.controllers").is_file() else "v1"


def check_tool(report: Report) -> None:
    root = data_root()
    where = "checkout" if root == CHECKOUT else "installed package data"
    report.add("seldon-build", f"{__version__} (Python {host.python_version()}, {sys.executable})")
    report.add("data files", f"{root} ({where})")


def check_engine(report: Report) -> Engine | None:
    try:
        engine = find_engine()
    except UserError as err:
        report.add("engine", f"none ({err.title})")
        report.fixes.append(f"Install podman: `{host_tools.apt_line(['podman', 'runc'])}`.")
        return None
    if engine.name != "podman":
        proc = engine.run("version", "--format", "{{.Server.Version}}", check=False, capture=True)
        report.add("engine", f"docker {proc.stdout.decode().strip()} ({engine.binary})")
        report.add("cgroups", _cgroup_version())
        return engine
    info = engine.podman_info()
    report.add("engine", f"podman {info.version or '?'} ({engine.binary})")
    report.add("runtime", f"{info.runtime or '?'} ({info.runtime_version or 'version unknown'})")
    report.add("cgroups", f"{info.cgroup_version or _cgroup_version()}, "
                          f"manager {info.cgroup_manager or '?'}")
    report.add("image store", info.graph_root or "?")
    settings = global_args(info)
    report.add("podman flags", " ".join(settings + ulimit_args()) +
               "  (added to the containers seldon-build starts)")
    return engine


def check_limits(report: Report) -> None:
    for name, res in (("nofile", resource.RLIMIT_NOFILE), ("nproc", resource.RLIMIT_NPROC)):
        soft, hard = resource.getrlimit(res)
        shown = ["unlimited" if v == resource.RLIM_INFINITY else str(v) for v in (soft, hard)]
        report.add(f"rlimit {name}", f"soft {shown[0]}, hard {shown[1]}")


def check_running(report: Report, engine: Engine, run_image: str) -> None:
    """Whether `podman run IMAGE` works as users type it, with the engine's default limits."""
    if engine.name != "podman" or not engine.image_exists(run_image):
        return
    argv = [engine.binary, *global_args(engine.podman_info()), "run", "--rm",
            "--entrypoint", "/bin/true", run_image]
    proc = subprocess.run(argv, env=engine.env, capture_output=True, text=True)
    if proc.returncode == 0:
        report.add("running images", "`podman run IMAGE` works with podman's default limits")
        return
    classified = rlimit_error(proc.stderr)
    if classified is None:
        report.add("running images", f"`podman run` fails: {proc.stderr.strip()[-300:]}")
        report.fixes.append("Run `podman run --rm " + run_image + " true` to see why "
                            "containers do not start.")
        return
    flags = " ".join(f"--ulimit {n}={v}:{v}" for n, v in ulimit_values().items())
    report.add("running images", f"podman's default limits fail here ({classified.title}); "
                                 f"run images with `podman run {flags} ...`")


def check_stacks(report: Report, engine: Engine) -> None:
    stale = []
    for ref, digest in expected_digests().items():
        info = engine.image_inspect(ref)
        if info is None:
            report.add("stack image", f"{ref}: missing")
            stale.append(ref)
            continue
        label = labels_of(info).get(INPUTS_LABEL, "")
        state = "current" if label == digest else "inputs changed, would be rebuilt"
        if label != digest:
            stale.append(ref)
        report.add("stack image", f"{ref}: id {str(info.get('Id', ''))[:12]}, "
                                  f"inputs {label[:12] or 'none'} ({state})")
    if stale:
        sudo = "" if os.geteuid() == 0 else "sudo "
        report.fixes.append(f"Build the stack images: `{sudo}seldon-build stacks` "
                            f"({len(stale)} of them missing or out of date).")


def check_cache(report: Report) -> None:
    for label, path in (("tool cache", user_cache()), ("build cache", default_root())):
        size = f"{_size(path) / 1e6:,.1f} MB" if path.is_dir() else "empty"
        report.add(label, f"{path} ({size})")


def check_host_tools(report: Report) -> None:
    needed = {**host_tools.BUILD, **host_tools.STACKS}
    absent = host_tools.missing(needed)
    report.add("host tools", ", ".join(
        f"{cmd} {'missing' if cmd in absent else 'ok'}" for cmd in sorted(needed)))
    if absent:
        report.fixes.append(f"Install the missing host tools: "
                            f"`{host_tools.apt_line(list(absent.values()))}`.")
    pack = shutil.which("pack")
    if pack:
        proc = subprocess.run([pack, "--version"], capture_output=True, text=True)
        report.add("pack", f"{proc.stdout.strip() or '?'} ({pack})")
    else:
        report.add("pack", "not installed (needed only for `--pack` and `pack build`)")


def diagnose() -> Report:
    report = Report()
    check_tool(report)
    check_host_tools(report)
    engine = check_engine(report)
    check_limits(report)
    if engine is not None:
        check_stacks(report, engine)
        check_running(report, engine, StackImages().run)
    check_cache(report)
    return report


def _doctor(args: argparse.Namespace, scribe: Scribe) -> int:
    report = diagnose()
    for line in report.lines:
        scribe.info(line)
    if not report.fixes:
        scribe.info("Nothing to fix.")
        return 0
    scribe.info("To fix:")
    for n, fix in enumerate(report.fixes, 1):
        scribe.info(f"  {n}. {fix}")
    return 1


def add_doctor(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="show the engine, limits, stack images and caches this "
                                      "tool finds, and what to fix")
    p.set_defaults(func=_doctor)
