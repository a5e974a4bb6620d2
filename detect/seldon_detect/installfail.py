"""Turn an installer's failure output into an error the user can act on."""

from __future__ import annotations

import ast
import difflib
import re
from pathlib import Path

from seldon_detect.failures import (
    BuildpackError,
    ImportLibraryMissing,
    ImportModuleMissing,
    InstallCompileFailed,
    InstallConflict,
    InstallFailed,
    InstallHashMismatch,
    InstallNoMatch,
    InstallNoWheel,
    InstallOutOfMemory,
    InstallRefused,
    InstallVcsUnreachable,
    ModelClassMisnamed,
    ModelClassMissing,
    ModelImportFailed,
    ModelPython2Code,
    ModelSyntaxError,
    SeldonCoreModuleMissing,
    SetupPyFailed,
    SetupPyImports,
)

_NO_MATCH = re.compile(
    r"No matching distribution found for ([^\s]+)"  # pip
    r"|Because ([^\s,]+) was not found in the package registry"  # uv: no such project
    r"|Because there is no version of ([^\s,]+) and you require")  # uv: no such version
#: pip fetching a source archive: `Downloading scikit-learn-0.24.2.tar.gz (7.5 MB)`
_SDIST = re.compile(r"(?:Downloading|Using cached) (?:\S*/)?([A-Za-z0-9_.-]+?)-(\d[\w.]*)"
                    r"\.(?:tar\.gz|zip)\b")
_MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([^']+)'")
#: pip: `six==1.16.0 from https://... (from -r requirements.txt (line 1)):` + Expected/Got lines
_PIP_HASH = re.compile(r"^\s*(\S+) from \S+(?: \(from -r (\S+) \(line (\d+)\)\))?:\s*\n"
                       r"\s*Expected sha256 (\w+)(?:\s*\n\s*or (?:\S+ )?\w+)*\s*\n\s*Got\s+(\w+)",
                       re.M)
_UV_HASH = re.compile(r"Hash mismatch for `([^`]+)`[\s\S]*?Computed:\s*\n\s*(\S+)")
#: pip cloning a `git+https://...` requirement, and the ways that fails without a network
_CLONE = re.compile(r"Cloning (\S+)")
_CLONE_FAILED = re.compile(r"Could not resolve host|unable to access|could not read Username|"
                           r"Authentication failed|Cannot find command 'git'|Failed to connect",
                           re.I)
#: a traceback frame of the application's own setup.py (not of a dependency's sdist)
_SETUP_FRAME = re.compile(r'File "((?:(?!pip-)[^"])*/setup\.py)", line (\d+)')
_EXCEPTION_LINE = re.compile(r"^\s*((?:\w+\.)*\w*(?:Error|Exception|Exit)\b:?.*)$", re.M)


def missing_distribution(output: str) -> str | None:
    """The requirement no index or wheel folder could satisfy, as pip or uv printed it."""
    match = _NO_MATCH.search(output)
    return next(group for group in match.groups() if group) if match else None


def credentials_error(what: str, index: str, status: int) -> BuildpackError:
    return InstallRefused(
        f"The index {index} answered {status} "
        f"({'unauthorized' if status == 401 else 'forbidden'}), so pip saw no packages there.",
        step=what, status=status)


def classify_install_failure(
    output: str, returncode: int, what: str, python: str
) -> BuildpackError:
    """`what` names the step (e.g. "pip install -r requirements.txt")."""
    tail = "\n".join(output.strip().splitlines()[-15:])
    text = output.lower()
    last = text.strip().splitlines()[-1].strip() if text.strip() else ""
    if returncode in (-9, 137) or last == "killed" or "memoryerror" in text:
        return InstallOutOfMemory(
            "The installer was killed (signal 9), which usually means the build container ran "
            "out of memory while building or unpacking a large package.\n\n" + tail,
            step=what, python=python)
    if re.search(r"\b(401|403)\b.*(unauthori[sz]ed|forbidden)|"
                 r"(unauthori[sz]ed|forbidden).*\b(401|403)\b|401 client error|"
                 r"403 client error|user for http", text):
        return InstallRefused(
            "A private index rejected the credentials (or none were given).\n\n" + tail,
            step=what, status="401/403")
    hashed = _hash_mismatch(output, what)
    if hashed:
        return hashed
    clone, reason = _CLONE.search(output), _CLONE_FAILED.search(output)
    if clone and reason:
        line = output[output.rfind("\n", 0, reason.start()) + 1:output.find("\n", reason.end())]
        return InstallVcsUnreachable(
            f"The requirement is a version-control URL, and git cannot fetch it from the build: "
            f"{line.strip()}", step=what, url=clone.group(1))
    setup = _setup_py_failure(output)
    if setup:
        return setup
    # the source archive fetched last before the first failed build step is the culprit
    failed_at = output.find("subprocess-exited-with-error")
    sdists = list(_SDIST.finditer(output[:failed_at])) if failed_at >= 0 else []
    if sdists:
        name, version = sdists[-1].group(1), sdists[-1].group(2)
        return InstallNoWheel(
            f"pip found no binary wheel of {name} {version} for Python {python}, so it tried "
            "to build the source archive, and that failed. Old releases publish wheels only "
            "for the Pythons of their day (an s2i builder image often had an older Python)."
            + _build_error(output[failed_at:] if failed_at >= 0 else output),
            step=what, name=name, version=version, python=python)
    wheel = re.search(r"Failed building wheel for (\S+)", output)
    if "python.h: no such file" in text or "command 'gcc' failed" in text or \
            "error: command 'x86_64-linux-gnu-gcc' failed" in text or \
            "failed building wheel" in text or "could not build wheels" in text:
        return InstallCompileFailed(
            "No binary wheel matched this platform, so pip tried to build "
            + (f"one of {wheel.group(1)}" if wheel else "one")
            + " and the native build failed." + _build_error(output),
            step=what, python=python)
    missing = missing_distribution(output)
    if missing or "could not find a version that satisfies" in text:
        name = missing or "a requirement"
        return InstallNoMatch(
            "None of the configured indexes or wheel folders has a version of this package that "
            f"fits the constraints and Python {python}.\n\n" + tail,
            step=what, name=name, python=python)
    if "resolutionimpossible" in text or "conflicting dependencies" in text or \
            "no solution found when resolving" in text:
        return InstallConflict(
            "pip could not find versions that satisfy every requirement together.\n\n" + tail,
            step=what)
    return InstallFailed(tail or "The installer printed nothing.", step=what, code=returncode,
                         python=python)


#: a compiler's or a build backend's own error line, e.g. `src/x.c:3:10: fatal error: ...`
_BUILD_ERROR = re.compile(r"^\s*(\S*:\d+:\d+: (?:fatal )?error: .*|"
                          r"(?:\w+\.)*\w*(?:Error|Exception)\b: .*|"
                          r"error: command '.*' failed.*)$", re.M)


def _build_error(output: str) -> str:
    """The first error line of a failed source build: the installer's output above has the
    rest, so the error block does not repeat it."""
    found = _BUILD_ERROR.search(output)
    return f"\n\nThe build stopped at: {found.group(1).strip()}" if found else ""


def _hash_mismatch(output: str, what: str) -> BuildpackError | None:
    pip = _PIP_HASH.search(output)
    if pip:
        name, file, line, expected, got = pip.groups()
        return InstallHashMismatch(
            f"The file downloaded for {name} has sha256 {got}, and the requirements line asks "
            f"for {expected}.", location=f"{file}:{line}" if file else "", step=what, name=name)
    uv = _UV_HASH.search(output)
    if uv:
        return InstallHashMismatch(
            f"The file downloaded for {uv.group(1)} has {uv.group(2)}, which no --hash on its "
            "requirements line allows.", step=what, name=uv.group(1))
    return None


def _setup_py_failure(output: str) -> BuildpackError | None:
    """The application's setup.py raised: name its line and the exception, not pip's frame."""
    frames = list(_SETUP_FRAME.finditer(output))
    if not frames:
        return None
    error = _EXCEPTION_LINE.search(output, frames[-1].end())
    if not error:
        return None
    exception = error.group(1).strip()
    where = f"setup.py:{frames[-1].group(2)}"
    missing = _MISSING_MODULE.match(exception)
    if missing:
        return SetupPyImports(f"pip runs setup.py to read the package metadata; {exception}",
                              location=where, module=missing.group(1))
    return SetupPyFailed(f"pip runs setup.py to read the package metadata, and it raised "
                         f"{exception}", location=where, error=exception.split(":")[0])


#: top-level modules of seldon-core 1.x's own dependencies -> their package. s2i builder
#: images had them installed, so models used them without listing them.
SELDON_CORE_DEPENDENCIES = {
    "yaml": "PyYAML", "flask": "Flask", "flask_cors": "Flask-cors", "requests": "requests",
    "jsonschema": "jsonschema", "werkzeug": "werkzeug", "click": "click", "urllib3": "urllib3",
    "opentracing": "opentracing", "jaeger_client": "jaeger-client",
    "flask_opentracing": "Flask-OpenTracing", "cryptography": "cryptography",
    "jinja2": "Jinja2", "setuptools": "setuptools", "pkg_resources": "setuptools",
}


def classify_import_failure(
    output: str, model_name: str, app_dir: Path | None = None
) -> BuildpackError:
    """What importing the model printed, as an error naming the model's own file and line.

    With `app_dir`, traceback frames outside the application (the check script,
    importlib) are left out: the user can act only on their own code.
    """
    location, shown, raised_in_app = _user_traceback(output, app_dir)
    tail = "\n".join(shown.strip().splitlines()[-12:])
    missing = _MISSING_MODULE.search(output)
    if missing:
        mod = missing.group(1)
        cause = f"Importing the model failed because Python cannot find {mod!r}.\n\n{tail}"
        package = SELDON_CORE_DEPENDENCIES.get(mod.split(".")[0])
        if package:
            return SeldonCoreModuleMissing(cause, location=location, model=model_name,
                                           module=mod, package=package)
        return ImportModuleMissing(cause, location=location, model=model_name, module=mod)
    lib = re.search(r"(lib[\w.+-]+\.so[\w.]*): cannot open shared object file", output)
    if lib:
        return ImportLibraryMissing(
            "A compiled extension needs a system library that the run image does not have.\n\n"
            + tail, model=model_name, library=lib.group(1))
    syntax = _SYNTAX.search(output)
    if syntax and raised_in_app:
        file = location.rsplit(":", 1)[0]
        if _PYTHON2.search(syntax.group(0)):
            return ModelPython2Code(tail, location=location, model=model_name, file=file)
        return ModelSyntaxError(tail, location=location, model=model_name, file=file)
    attr = re.search(r"has no attribute '([^']+)'", output)
    if attr:
        return _class_missing(tail, model_name, attr.group(1), app_dir)
    return ModelImportFailed("Importing it at build time raised an error:\n\n" + tail,
                             location=location, model=model_name)


_FRAME = re.compile(r'\s*File "([^"]+)", line (\d+)')
_SYNTAX = re.compile(r"^(?:SyntaxError|IndentationError|TabError): .*$", re.M)
#: what Python 3 says about the Python 2 idioms it meets most
_PYTHON2 = re.compile(r"Missing parentheses in call to|multiple exception types must be "
                      r"parenthesized|leading zeros in decimal integer literals")


def _user_traceback(output: str, app_dir: Path | None) -> tuple[str, str, bool]:
    """(file:line of the innermost frame in `app_dir`, the traceback without other frames,
    whether the innermost frame of all is in `app_dir`)."""
    if app_dir is None:
        return "", output, False
    root = str(app_dir).rstrip("/") + "/"
    lines = output.splitlines()
    frames = [n for n, line in enumerate(lines) if _FRAME.match(line)]
    kept: list[str] = []
    location, skipping, ours = "", False, False
    for number, line in enumerate(lines):
        frame = _FRAME.match(line)
        if frame:
            path = frame.group(1)
            ours = path.startswith(root)
            # a library's innermost frame stays too: that is where it raised
            library = not path.startswith("<") and "/importlib/" not in path
            skipping = not ours and not (number == frames[-1] and library)
            if ours:
                location = f"{path[len(root):]}:{frame.group(2)}"
                line = line.replace(path, path[len(root):])
            if not skipping:
                kept.append(line)
            continue
        # the source and caret lines under a frame are indented deeper than the frame
        if skipping and line.startswith("    "):
            continue
        skipping = False
        kept.append(line)
    return location, "\n".join(kept), ours


def _class_missing(tail: str, model_name: str, name: str, app_dir: Path | None) -> BuildpackError:
    module = model_name.rsplit(".", 1)[0] if "." in model_name else model_name
    rel = Path(*module.split("."))
    found: list[str] = []
    file = ""
    for candidate in (rel.with_suffix(".py"), rel / "__init__.py"):
        if app_dir is not None and (app_dir / candidate).is_file():
            file = str(candidate)
            found = _top_level_classes(app_dir / candidate)
            break
    if not found:
        return ModelClassMissing(tail, location=file or "MODEL_NAME", name=name)
    cause = f"{file} defines {', '.join(found)}."
    close = [c for c in found if c.lower() == name.lower()] or \
        difflib.get_close_matches(name, found, n=1)
    if close:
        return ModelClassMisnamed(cause, location=file, name=name, found=close[0], file=file,
                                  module=module)
    return ModelClassMissing(cause, location=file, name=name)


def _top_level_classes(path: Path) -> list[str]:
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return []
    return [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
