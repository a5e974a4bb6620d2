"""Run packaged buildpacks exactly as the CNB lifecycle would (Buildpack API 0.10), on the host.

Only what a buildpack can observe is emulated: the working directory, the
`CNB_*` variables and positional arguments, the lifecycle's env allow-list,
`<platform>/env` and bindings, plan files in and out, the environment that
earlier buildpacks' `build = true` layers contribute, the `.ignore` renaming of
layers without types, and the restorer's view of a previous build (metadata
without `[types]`, contents only for cached layers).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

from seldon_detect.cnb.ids import escape_id
from seldon_detect.tomlfile import dumps
from seldon_platform.lifecycle.envfiles import apply_dir
from tests.contract import platform_view

ALLOW_LIST = ("PATH", "LD_LIBRARY_PATH", "LIBRARY_PATH", "CPATH", "PKG_CONFIG_PATH", "HOME",
              "HOSTNAME", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
              "no_proxy")
PATH_VARS = {"bin": ("PATH",), "lib": ("LD_LIBRARY_PATH", "LIBRARY_PATH"), "include": ("CPATH",),
             "pkgconfig": ("PKG_CONFIG_PATH",)}
FORBIDDEN_LAYER_NAMES = {"launch", "build", "store"}
DETECT_PASS, DETECT_FAIL = 0, 100


@dataclass
class Run:
    returncode: int
    output: str
    plan: dict[str, Any] = field(default_factory=dict)


@dataclass
class Lifecycle:
    buildpacks_dir: Path
    app: Path
    platform: Path
    layers: Path
    target: dict[str, str] = field(default_factory=lambda: {
        "CNB_TARGET_OS": "linux", "CNB_TARGET_ARCH": "amd64",
        "CNB_TARGET_DISTRO_NAME": "debian", "CNB_TARGET_DISTRO_VERSION": "12"})
    #: environment contributed by build layers of buildpacks that already ran
    build_env: dict[str, str] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)

    def bp_dir(self, bp_id: str) -> Path:
        return self.buildpacks_dir / escape_id(bp_id)

    def base_env(self) -> dict[str, str]:
        env = {k: os.environ[k] for k in ALLOW_LIST if k in os.environ}
        env.update(self.build_env)
        env_dir = self.platform / "env"
        if env_dir.is_dir():
            for f in sorted(env_dir.iterdir()):
                value = f.read_text(encoding="utf-8")
                if f.name in ("PATH", "LD_LIBRARY_PATH", "LIBRARY_PATH", "CPATH",
                              "PKG_CONFIG_PATH") and env.get(f.name):
                    value = value + os.pathsep + env[f.name]
                env[f.name] = value
        env.update(self.target)
        return env

    def detect(self, bp_id: str) -> Run:
        plan = self.layers.parent / f"plan-{escape_id(bp_id)}.toml"
        plan.write_text("")
        plan.chmod(0o600)
        env = {**self.base_env(), "CNB_BUILDPACK_DIR": str(self.bp_dir(bp_id)),
               "CNB_PLATFORM_DIR": str(self.platform), "CNB_BUILD_PLAN_PATH": str(plan)}
        before = tree_digest(self.app)
        proc = subprocess.run([str(self.bp_dir(bp_id) / "bin" / "detect"), str(self.platform),
                               str(plan)], cwd=self.app, env=env, capture_output=True, text=True)
        assert tree_digest(self.app) == before, f"{bp_id} detect modified the app directory"
        out = proc.stdout + proc.stderr
        self.outputs.append(out)
        platform_view.check(self.bp_dir(bp_id), "detect", proc.returncode, proc.stdout,
                            proc.stderr)
        parsed = tomllib.loads(plan.read_text()) if proc.returncode == 0 else {}
        for option in [parsed, *parsed.get("or", [])]:
            for req in option.get("requires", []):
                assert "version" not in req, "requires.version must be under metadata"
        return Run(proc.returncode, out, parsed)

    def build(self, bp_id: str, entries: list[dict[str, Any]]) -> Run:
        layers_dir = self.layers / escape_id(bp_id)
        layers_dir.mkdir(parents=True, exist_ok=True)
        plan = self.layers.parent / f"bpplan-{escape_id(bp_id)}.toml"
        plan.write_text(dumps({"entries": entries}) if entries else "")
        env = {**self.base_env(), "CNB_BUILDPACK_DIR": str(self.bp_dir(bp_id)),
               "CNB_PLATFORM_DIR": str(self.platform), "CNB_BP_PLAN_PATH": str(plan),
               "CNB_LAYERS_DIR": str(layers_dir)}
        proc = subprocess.run([str(self.bp_dir(bp_id) / "bin" / "build"), str(layers_dir),
                               str(self.platform), str(plan)], cwd=self.app, env=env,
                              capture_output=True, text=True)
        out = proc.stdout + proc.stderr
        self.outputs.append(out)
        platform_view.check(self.bp_dir(bp_id), "build", proc.returncode, proc.stdout,
                            proc.stderr)
        if proc.returncode == 0:
            self._after_build(layers_dir)
        return Run(proc.returncode, out)

    def _after_build(self, layers_dir: Path) -> None:
        """Validate layer TOML, rename type-less layers, collect build env for later ones."""
        for toml in sorted(layers_dir.glob("*.toml")):
            name = toml.stem
            if name in FORBIDDEN_LAYER_NAMES:
                continue
            data = tomllib.loads(toml.read_text())
            for flag in ("launch", "build", "cache"):
                assert flag not in data, f"{toml}: {flag} must be inside [types]"
            types = data.get("types", {})
            layer = layers_dir / name
            if not any(types.values()):
                if layer.is_dir():
                    layer.rename(layer.with_name(name + ".ignore"))
                continue
            if types.get("build") and layer.is_dir():
                self._apply_build_layer(layer)

    def _apply_build_layer(self, layer: Path) -> None:
        env = self.build_env
        for sub, names in PATH_VARS.items():
            if (layer / sub).is_dir():
                for name in names:
                    current = env.get(name, os.environ.get(name, "") if name == "PATH" else "")
                    env[name] = str(layer / sub) + (os.pathsep + current if current else "")
        for env_dir in (layer / "env", layer / "env.build"):
            if env_dir.is_dir():
                apply_dir(env, env_dir)

    def restore(self) -> None:
        """Turn this layers dir into what the restorer leaves for the next build.

        The spec's table ("Layer Types"): cached layers come back whole (metadata,
        SBOM, contents), launch-only layers as metadata and SBOM, others not at all.
        """
        for bp_layers in [p for p in self.layers.iterdir() if p.is_dir()]:
            for pattern in ("launch.toml", "build.toml", "launch.sbom.*", "build.sbom.*"):
                for path in bp_layers.glob(pattern):
                    path.unlink()
            for ignored in bp_layers.glob("*.ignore"):
                shutil.rmtree(ignored)
            for toml in bp_layers.glob("*.toml"):
                if toml.stem in FORBIDDEN_LAYER_NAMES:
                    continue
                data = tomllib.loads(toml.read_text())
                types = data.get("types", {})
                layer = bp_layers / toml.stem
                if not types.get("cache") and layer.exists():
                    shutil.rmtree(layer)
                if not (types.get("cache") or (types.get("launch") and not types.get("build"))):
                    toml.unlink()
                    for sbom in bp_layers.glob(f"{toml.stem}.sbom.*"):
                        sbom.unlink()
                    continue
                toml.write_text(dumps({"metadata": data.get("metadata", {})}))
        self.build_env = {}


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        h.update(str(path.relative_to(root)).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def resolve_group(runs: dict[str, Run], order: list[tuple[str, bool]]) -> dict[str, list[dict]]:
    """The build plan each passing buildpack receives (first option of each, as in trial 1).

    A requirement goes to every earlier provider of its name; buildpacks that
    do not pass detect are dropped when optional and fail the group otherwise.
    """
    passing = []
    for bp_id, optional in order:
        if runs[bp_id].returncode == DETECT_PASS:
            passing.append(bp_id)
        elif not optional:
            raise AssertionError(f"required buildpack {bp_id} failed detect: {runs[bp_id].output}")
    plans: dict[str, list[dict]] = {bp: [] for bp in passing}
    providers: dict[str, list[str]] = {}
    for bp_id in passing:
        option = runs[bp_id].plan
        for name in [p["name"] for p in option.get("provides", [])]:
            providers.setdefault(name, []).append(bp_id)
        for req in option.get("requires", []):
            got = providers.get(req["name"])
            assert got, f"{bp_id} requires {req['name']} which no earlier buildpack provides"
            for provider in got:
                plans[provider].append({"name": req["name"],
                                        "metadata": req.get("metadata", {})})
    return plans


ORDER = [("seldon/s2i-environment", False), ("seldon/debian-packages", True),
         ("seldon/conda-environment", True),
         ("seldon/cpython", True), ("seldon/python-venv", True), ("seldon/pip-requirements", True),
         ("seldon/setup-py", True), ("seldon/runtime", False)]


def run_group(lc: Lifecycle, order: list[tuple[str, bool]] = ORDER) -> dict[str, Run]:
    """Detect every buildpack of the group, then build the passing ones in order.

    Stops at the first failing build; its `Run` is the last one in the result.
    """
    detects = {bp_id: lc.detect(bp_id) for bp_id, _ in order}
    for bp_id, run in detects.items():
        assert run.returncode in (DETECT_PASS, DETECT_FAIL), f"{bp_id} detect: {run.output}"
    plans = resolve_group(detects, order)
    builds: dict[str, Run] = {}
    for bp_id in plans:
        builds[bp_id] = lc.build(bp_id, plans[bp_id])
        if builds[bp_id].returncode != 0:
            break
    return builds
