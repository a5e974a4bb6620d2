"""`seldon-build doctor` on this host: each fact it prints checked against an independent
source (podman's own output, the kernel's, this process's limits), and what it asks to fix."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from seldon_detect.errors import UserError
from seldon_platform import __version__, doctor, host_tools
from seldon_platform.engine import Engine
from seldon_platform.exporter.image import versions_label
from seldon_platform.stacks import StackImages


def _doctor(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "seldon_platform.cli", "doctor"], env=env,
                          capture_output=True, text=True, timeout=120)


def _lines(out: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in out.splitlines():
        label, sep, text = line.partition(": ")
        if sep and not line.startswith(" "):
            found.setdefault(label.strip(), []).append(text.strip())
    return found


@pytest.mark.engine
def test_doctor_reports_what_this_host_has(engine, stack_images):
    env = {k: v for k, v in os.environ.items() if k != "CONTAINERS_CONF"}
    proc = _doctor(env)
    facts = _lines(proc.stdout)
    assert facts["seldon-build"][0].startswith(__version__)
    if engine.name == "podman":
        version = subprocess.run(["podman", "--version"], capture_output=True, text=True)
        assert facts["engine"][0].startswith(f"podman {version.stdout.split()[-1]} ")
        runtime = subprocess.run(["podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"],
                                 capture_output=True, text=True).stdout.strip()
        assert facts["runtime"][0].startswith(runtime)
    cgroup = "v2" if Path("/sys/fs/cgroup/cgroup.controllers").is_file() else "v1"
    assert facts["cgroups"][0].startswith(cgroup)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert facts["rlimit nofile"] == [f"soft {soft}, hard {hard}"]
    for ref in (StackImages().base, StackImages().run, StackImages().build):
        image_id = engine.image_inspect(ref)["Id"].removeprefix("sha256:")[:12]
        assert any(line.startswith(f"{ref}: id {image_id}") and line.endswith("(current)")
                   for line in facts["stack image"]), facts["stack image"]
    assert "seldon-buildpacks" in facts["tool cache"][0]
    assert facts["pack"]
    assert "running images" in facts
    # nothing is missing on this host: no fixes, exit 0
    assert proc.returncode == 0 and proc.stdout.rstrip().endswith("Nothing to fix."), proc.stdout


class EmptyStore(Engine):
    """An engine whose image store has no images (unit test of the report only)."""

    def image_inspect(self, ref: str):
        return None


def test_doctor_asks_for_the_stack_images_when_they_are_not_there():
    report = doctor.Report()
    doctor.check_stacks(report, EmptyStore(name="podman", binary="podman"))
    assert sum("missing" in line for line in report.lines) == 3
    assert re.fullmatch(r"Build the stack images: `(sudo )?seldon-build stacks` "
                        r"\(3 of them missing or out of date\)\.", report.fixes[0])


def test_missing_host_tools_come_with_one_apt_get_line(tmp_path: Path):
    with pytest.raises(UserError) as err:
        host_tools.require({**host_tools.BUILD, **host_tools.STACKS}, "a test", path=str(tmp_path))
    text = err.value.render()
    assert err.value.title == "Host tools are missing: debootstrap, podman, runc, skopeo"
    assert "apt-get install -y debootstrap podman runc skopeo" in text


def test_the_versions_label_names_the_tool_and_every_buildpack():
    metadata = {"buildpacks": [{"id": "seldon/python-venv", "version": "0.1.0"},
                               {"id": "seldon/runtime", "version": "0.2.0"}]}
    assert versions_label(metadata, "9.9") == \
        "seldon-build 9.9; seldon/python-venv 0.1.0, seldon/runtime 0.2.0"
