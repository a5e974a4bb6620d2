"""Start-up failures print in the build tools' format, from the one source of that format,
and the runtime still imports nothing of the build tools."""

from __future__ import annotations

import ast
import os
import string
import sys
from pathlib import Path

import pytest
from test_startup_and_recovery import run_cli

import seldon_detect.errors
import seldon_runtime
from seldon_detect.errors import UserError
from seldon_runtime import startup

RUNTIME = Path(seldon_runtime.__file__).parent
KINDS = startup.kinds()


def _sample(kind: type[startup.StartupError]) -> startup.StartupError:
    """An error of `kind` with a cause of several lines (as a traceback gives) and a location."""
    values = {f: f"<{f}>" for text in (kind.TITLE, *kind.FIX)
              for _, f, _, _ in string.Formatter().parse(text) if f}
    return kind("Importing /app/M.py raised ValueError: bad\n\n  File \"M.py\", line 3\n    x()",
                location="/app/M.py", **values)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_a_start_up_error_reads_back_as_a_build_error(kind):
    text = _sample(kind).render()
    assert text.startswith(f"ERROR: {_sample(kind).title} (/app/M.py)\n")
    assert "To fix it" in text, f"{kind.__name__} gives no fix"
    back = UserError.from_rendered(text)
    assert back.render() == text
    assert (back.title, back.location) == (_sample(kind).title, "/app/M.py")


def test_the_format_has_one_source():
    # user_errors is seldon_detect/errors.py itself (a link), not a copy that can drift
    shared = RUNTIME / "user_errors.py"
    assert shared.is_symlink()
    assert os.path.samefile(shared, seldon_detect.errors.__file__)


@pytest.mark.skipif(sys.version_info < (3, 10), reason="needs sys.stdlib_module_names")
def test_the_shared_file_suits_the_runtime():
    # the runtime supports Python 3.8 and installs only its own dependencies
    tree = ast.parse((RUNTIME / "user_errors.py").read_text(encoding="utf-8"),
                     feature_version=(3, 8))
    for node in ast.walk(tree):
        for name in ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else []):
            assert name.split(".")[0] in sys.stdlib_module_names | {"__future__"}, name


def test_the_runtime_imports_nothing_of_the_build_tools():
    # it is installed alone in the images: seldon_detect and seldon_platform are not there
    for path in RUNTIME.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [])
            for name in names:
                assert name.split(".")[0] not in ("seldon_detect", "seldon_platform"), (
                    f"{path.relative_to(RUNTIME)} imports {name}")


def test_the_parameter_fix_names_every_type():
    from seldon_runtime.parameters import TYPES

    assert all(t in " ".join(startup.BadParameter.FIX) for t in TYPES)


@pytest.mark.parametrize(("model", "env", "title"), [
    ("Identity.Nope", {}, "The model class for MODEL_NAME=Identity.Nope is missing"),
    ("Identity", {"GUNICORN_WORKERS": "two"},
     "Environment variable GUNICORN_WORKERS='two' is not an integer"),
])
def test_the_server_prints_the_error_once_in_that_format(model, env, title):
    result = run_cli(model, env=env)
    assert result.returncode == 1
    err = UserError.from_rendered(result.stderr.strip())
    assert err.title == title and err.cause and err.fix
    assert err.render() == result.stderr.strip()


def test_every_raise_gives_the_values_its_title_and_fix_need():
    # a missing value would end the start in a KeyError instead of the message
    by_name = {kind.__name__: kind for kind in KINDS}
    raised = set()
    for path in RUNTIME.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in by_name:
                kind = by_name[node.func.id]
                raised.add(kind)
                wanted = {f for text in (kind.TITLE, *kind.FIX)
                          for _, f, _, _ in string.Formatter().parse(text) if f}
                given = {k.arg for k in node.keywords} - {"location", "fix"}
                assert given == wanted, f"{path.name}:{node.lineno}: {given} != {wanted}"
    # these are called through a variable (the kind picked by the exception, or the setting's
    # type); the tests below and test_startup_and_recovery raise them for real
    by_variable = {startup.ModelImportFailed, startup.ModelDependencyMissing,
                   startup.SettingNotInteger, startup.SettingNotNumber}
    assert raised | by_variable == set(KINDS)


@pytest.mark.parametrize(("name", "value", "title"), [
    ("GUNICORN_WORKERS", "two", "Environment variable GUNICORN_WORKERS='two' is not an integer"),
    ("SELDON_HEADER_TIMEOUT", "soon",
     "Environment variable SELDON_HEADER_TIMEOUT='soon' is not a number"),
])
def test_a_bad_numeric_setting_is_a_start_up_error(monkeypatch, name, value, title):
    from seldon_runtime.settings import from_args

    monkeypatch.setenv(name, value)
    with pytest.raises(startup.StartupError) as err:
        from_args(["M"])
    assert err.value.title == title and err.value.fix
