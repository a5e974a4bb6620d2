"""The dependency files of the examples are well-formed and stay small."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
import yaml
from example_repos import EXAMPLES, EXPECTED
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

#: third-party distributions an example may depend on (the brief: numpy where possible)
SMALL = {"numpy", "sbp-example-wheelfeatures", "sbp-example-privatescaler"}
SKLEARN_EXAMPLES = {"sklearn-iris", "combined"}


def requirement_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def setup_call(path: Path) -> dict[str, object]:
    """Keyword arguments of the `setup(...)` call in a setup.py, which must be literals."""
    tree = ast.parse(path.read_text(), filename=str(path))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setup"
    ]
    assert len(calls) == 1, f"{path}: expected one setup() call"
    literal = {}
    for keyword in calls[0].keywords:
        try:
            literal[keyword.arg] = ast.literal_eval(keyword.value)
        except ValueError:
            literal[keyword.arg] = keyword.value  # e.g. find_packages(...)
    return literal


def declared_requirements(example: Path) -> list[Requirement]:
    found: list[Requirement] = []
    if (example / "requirements.txt").exists():
        found += [Requirement(line) for line in requirement_lines(example / "requirements.txt")]
    if (example / "setup.py").exists():
        found += [
            Requirement(r) for r in setup_call(example / "setup.py").get("install_requires", [])
        ]
    if (example / "environment.yml").exists():
        for dep in yaml.safe_load((example / "environment.yml").read_text())["dependencies"]:
            if isinstance(dep, dict):
                found += [Requirement(r) for r in dep["pip"]]
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dependencies_parse_and_stay_small(name):
    names = {canonicalize_name(req.name) for req in declared_requirements(EXAMPLES / name)}
    allowed = SMALL | {"scikit-learn"} if name in SKLEARN_EXAMPLES else SMALL
    assert names <= allowed, f"{name} pulls in {sorted(names - allowed)}"
    if name in SKLEARN_EXAMPLES:
        assert "scikit-learn" in names


def test_requirement_lines_skip_comments_and_reject_garbage(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("# a comment\n\nnumpy>=1.21  # inline\n")
    assert requirement_lines(path) == ["numpy>=1.21"]
    path.write_text("numpy>>=1\n")
    with pytest.raises(ValueError):
        [Requirement(line) for line in requirement_lines(path)]


@pytest.mark.parametrize("name", ["numpy-setup-py", "combined"])
def test_setup_py_names_a_project_and_its_code(name):
    example = EXAMPLES / name
    args = setup_call(example / "setup.py")
    assert isinstance(args["name"], str) and isinstance(args["version"], str)
    for module in args.get("py_modules", []):
        assert (example / f"{module}.py").is_file()
    if "packages" in args:
        # find_packages(include=[...]) is not a literal; its include list must name real folders
        call = args["packages"]
        includes = next(k.value for k in call.keywords if k.arg == "include")
        roots = {p.split(".")[0] for p in ast.literal_eval(includes)}
        assert all((example / root / "__init__.py").is_file() for root in roots)


@pytest.mark.parametrize("name", ["conda-env", "combined"])
def test_environment_yml_is_a_conda_env_with_a_pip_section(name):
    env = yaml.safe_load((EXAMPLES / name / "environment.yml").read_text())
    assert isinstance(env["name"], str) and env["name"]
    assert all(isinstance(channel, str) for channel in env["channels"])
    conda_specs = [dep for dep in env["dependencies"] if isinstance(dep, str)]
    pip_sections = [dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict)]
    assert len(pip_sections) == 1 and pip_sections[0]
    assert "pip" in conda_specs, "a pip: section needs pip in the conda dependencies"
    assert any(spec.split("=")[0] == "python" for spec in conda_specs)


@pytest.mark.parametrize(
    ("name", "src"), [("wheel-folder", "wheel-src"), ("private-index", "index-src")]
)
def test_the_needed_package_is_the_one_whose_source_is_shipped(name, src):
    project = tomllib.loads((EXAMPLES / name / src / "pyproject.toml").read_text())["project"]
    pins = [Requirement(line) for line in requirement_lines(EXAMPLES / name / "requirements.txt")]
    assert [canonicalize_name(req.name) for req in pins] == [canonicalize_name(project["name"])]
    assert pins[0].specifier.contains(project["version"])
