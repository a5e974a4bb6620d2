"""The detect phase: run `bin/detect` of candidate groups, pick the first that resolves.

Writes `<layers>/group.toml` and `<layers>/plan.toml`. When nothing passes,
the error lists every buildpack with its exit status and its own output, so
the user sees why each one did not take part.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from seldon_detect import tomlfile

from . import buildenv
from .api import EXIT_DETECT_ERROR, EXIT_DETECT_FAIL, PhaseError
from .descriptor import Buildpack, GroupEntry, Store, parse_order
from .order import Detected, PlanOption, Resolution, expand, resolve, unresolved
from .paths import Paths

PASS, FAIL = 0, 100
#: a required buildpack whose `[[targets]]` the run image does not satisfy (not run)
TARGET_MISMATCH = -1
#: how the failure message indents each buildpack's detect output (the platform reads it back)
OUTPUT_INDENT = " " * 6
#: the last lines of a passing or skipping buildpack's output the failure message shows
#: (an erroring one's is shown whole: its own error block must reach the user intact)
OUTPUT_LINES = 20


@dataclass
class DetectRun:
    buildpack: Buildpack
    code: int
    output: str
    options: list[PlanOption] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.code == PASS:
            return "pass"
        if self.code == FAIL:
            return "skip"
        return f"error (exit {self.code})"


def detect(
    paths: Paths, environ: Mapping[str, str], log: Callable[[str], None] = print
) -> Resolution:
    store = Store(paths.buildpacks)
    order = parse_order(tomlfile.read(paths.order).get("order"))
    candidates = expand(order, lambda e: store.lookup(e).order or None)
    runs: dict[tuple[str, str], DetectRun] = {}
    unmet: list[str] = []  # why the first group whose buildpacks passed did not resolve
    base = buildenv.run_image_target()
    with tempfile.TemporaryDirectory(prefix="detect-") as tmp:
        for group in candidates:
            buildpacks = [store.lookup(e) for e in group]
            for entry, bp in zip(group, buildpacks):
                # upstream (Platform API >= 0.12) checks required buildpacks only
                if not entry.optional and (bp.id, bp.version) not in runs and not bp.fits(base):
                    runs[(bp.id, bp.version)] = _target_mismatch(bp, base)
            todo = [bp for bp in buildpacks if (bp.id, bp.version) not in runs]
            with ThreadPoolExecutor(max_workers=4) as pool:
                done = pool.map(lambda bp: run_detect(bp, paths, environ, Path(tmp)), todo)
                for run in done:
                    runs[(run.buildpack.id, run.buildpack.version)] = run
            passed = _passed(group, buildpacks, runs)
            resolution = resolve(passed) if passed else None
            if resolution is not None:
                _report(buildpacks, runs, log, environ.get("CNB_LOG_LEVEL") == "debug")
                _write_outputs(paths, resolution, store)
                return resolution
            if passed and not unmet:
                unmet = unresolved(passed)
    raise failure(runs, unmet)


def _target_mismatch(bp: Buildpack, base: Mapping[str, str]) -> DetectRun:
    image = {k[len("CNB_TARGET_"):].lower(): v for k, v in sorted(base.items())}
    return DetectRun(bp, TARGET_MISMATCH, (
        "unable to satisfy target os/arch constraints; run image: "
        f"{json.dumps(image)}, buildpack: {json.dumps([t.to_json() for t in bp.targets])}"))


def _passed(group, buildpacks, runs) -> list[Detected]:
    """The group's passing buildpacks; none when a required one did not pass."""
    passed = []
    for entry, bp in zip(group, buildpacks):
        run = runs[(bp.id, bp.version)]
        if run.code == PASS:
            passed.append(Detected(GroupEntry(bp.id, bp.version, entry.optional), run.options))
        elif not entry.optional:
            return []
    return passed


def run_detect(bp: Buildpack, paths: Paths, environ: Mapping[str, str], tmp: Path) -> DetectRun:
    plan_dir = Path(tempfile.mkdtemp(dir=tmp))
    plan_path = plan_dir / "plan.toml"
    plan_path.touch(mode=0o600)
    env = detect_env(bp, paths, environ)
    env["CNB_BUILD_PLAN_PATH"] = str(plan_path)
    try:
        proc = subprocess.run(
            [str(bp.path / "bin" / "detect"), str(paths.platform), str(plan_path)],
            cwd=paths.app,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    except OSError as err:
        return DetectRun(bp, 1, f"cannot run bin/detect: {err}")
    output = proc.stdout.decode("utf-8", errors="replace")
    run = DetectRun(bp, proc.returncode, output)
    if proc.returncode == PASS:
        try:
            run.options = parse_plan(tomlfile.read(plan_path))
        except (tomlfile.TOMLDecodeError, ValueError) as err:
            run.code, run.output = 1, f"{output}\ninvalid build plan: {err}"
    return run


def detect_env(bp: Buildpack, paths: Paths, environ: Mapping[str, str]) -> dict[str, str]:
    return buildenv.buildpack_env(buildenv.lifecycle_env(environ), bp.api, bp.clear_env,
                                  paths.platform, paths.build_config, {
                                      "CNB_BUILDPACK_DIR": str(bp.path),
                                      "CNB_PLATFORM_DIR": str(paths.platform),
                                  })


def parse_plan(data: dict) -> list[PlanOption]:
    """Plan options in file order: the top-level pair, then each `[[or]]`."""
    options = [_option(data)]
    options += [_option(alt) for alt in data.get("or", [])]
    return options


def _option(data: dict) -> PlanOption:
    for kind in ("requires", "provides"):
        for item in data.get(kind, []):
            if not isinstance(item, dict) or not item.get("name"):
                raise ValueError(f"every {kind} entry needs a name")
    for req in data.get("requires", []):
        if "version" in req:
            raise ValueError(f"requires {req['name']!r}: use metadata.version, not version")
    return PlanOption(list(data.get("requires", [])), list(data.get("provides", [])))


def _report(buildpacks, runs, log, debug: bool) -> None:
    for bp in buildpacks:
        run = runs[(bp.id, bp.version)]
        log(f"{bp.id}@{bp.version}: {run.status}")
        if debug:
            for line in run.output.rstrip().splitlines():
                log(f"    {line}")


def _write_outputs(paths: Paths, resolution: Resolution, store: Store) -> None:
    group = [store.lookup(e).info() for e in resolution.group]
    tomlfile.write(paths.group, {"group": group})
    entries = [
        {
            "providers": [{"id": p.id, "version": p.version} for p in entry.providers],
            "requires": entry.requires,
        }
        for entry in resolution.plan
    ]
    tomlfile.write(paths.plan, {"entries": entries})
    os.chmod(paths.plan, 0o644)


def failure(runs: dict[tuple[str, str], DetectRun], unmet: Sequence[str] = ()) -> PhaseError:
    errored = any(r.code not in (PASS, FAIL) for r in runs.values())
    lines = ["No buildpack group passed detection:"]
    for run in runs.values():
        lines.append(f"  {run.buildpack.id}@{run.buildpack.version}: {run.status}")
        output = run.output.strip().splitlines()
        if run.code in (PASS, FAIL):
            output = output[-OUTPUT_LINES:]
        lines += [OUTPUT_INDENT + line for line in output]
    if unmet:
        lines.append("  their build plans do not fit together:")
        lines += [OUTPUT_INDENT + line for line in unmet]
    elif all(r.code == PASS for r in runs.values()):
        lines.append("  every buildpack passed, but their build plans do not fit together")
    return PhaseError(EXIT_DETECT_ERROR if errored else EXIT_DETECT_FAIL, "\n".join(lines))
