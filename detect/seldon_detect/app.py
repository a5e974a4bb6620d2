"""One typed description of an application directory.

`describe()` is the single entry point the buildpacks and the host CLIs use:
it finds every file that decides how the app is built and parses each one,
raising a `UserError` (file, line, fix) for the first problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from seldon_detect.conda import CondaEnvironment, find_environment_file, parse_environment
from seldon_detect.envfile import EnvEntry, parse_env_file
from seldon_detect.model import model_candidates
from seldon_detect.project import Project, find_project
from seldon_detect.pyversion import PythonHint, find_python_hint
from seldon_detect.requirements import RequirementsSet, parse_requirements

S2I_ENV_FILE = Path(".s2i") / "environment"


@dataclass
class App:
    root: Path
    s2i_env: list[EnvEntry] = field(default_factory=list)
    requirements: RequirementsSet | None = None
    project: Project | None = None
    conda: CondaEnvironment | None = None
    python_hint: PythonHint | None = None
    model_candidates: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """What was found, one line each, for the build log."""
        lines = []
        if self.s2i_env:
            lines.append(f".s2i/environment: {len(self.s2i_env)} variable(s)")
        if self.conda:
            lines.append(f"{self.conda.path.name}: {len(self.conda.specs)} conda spec(s), "
                         f"{len(self.conda.pip)} pip requirement(s)")
        if self.requirements:
            nested = len(self.requirements.files) - 1
            lines.append(f"requirements.txt: {len(self.requirements.requirements)} requirement(s)"
                         + (f", {nested} nested file(s)" if nested else ""))
        if self.project:
            lines.append(f"project: {self.project.kind}")
        if self.python_hint:
            lines.append(f"python version hint: {self.python_hint.version} "
                         f"({self.python_hint.source})")
        return lines


def read_s2i_env(root: Path) -> list[EnvEntry]:
    """The entries of the app's `.s2i/environment`; none when it has no such file."""
    path = root / S2I_ENV_FILE
    return parse_env_file(path, display=str(S2I_ENV_FILE)) if path.is_file() else []


def describe(root: Path, requirements_file: str = "requirements.txt") -> App:
    root = Path(root)
    app = App(root=root, s2i_env=read_s2i_env(root))
    req_path = root / requirements_file
    if req_path.is_file():
        app.requirements = parse_requirements(req_path, root)
    app.project = find_project(root)
    conda_path = find_environment_file(root)
    if conda_path:
        app.conda = parse_environment(conda_path)
    app.python_hint = find_python_hint(root)
    app.model_candidates = model_candidates(root)
    return app
