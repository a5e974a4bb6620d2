"""Turn an installer's failure output into an error the user can act on."""

from __future__ import annotations

import re

from seldon_detect.failures import (
    BuildpackError,
    ImportLibraryMissing,
    ImportModuleMissing,
    InstallCompileFailed,
    InstallConflict,
    InstallFailed,
    InstallNoMatch,
    InstallNoWheel,
    InstallOutOfMemory,
    InstallRefused,
    ModelClassMissing,
    ModelImportFailed,
    SeldonCoreModuleMissing,
)

_NO_MATCH = re.compile(
    r"No matching distribution found for ([^\s]+)"  # pip
    r"|Because ([^\s,]+) was not found in the package registry"  # uv: no such project
    r"|Because there is no version of ([^\s,]+) and you require")  # uv: no such version
#: pip fetching a source archive: `Downloading scikit-learn-0.24.2.tar.gz (7.5 MB)`
_SDIST = re.compile(r"(?:Downloading|Using cached) (?:\S*/)?([A-Za-z0-9_.-]+?)-(\d[\w.]*)"
                    r"\.(?:tar\.gz|zip)\b")
_MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([^']+)'")


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
    # the source archive fetched last before the first failed build step is the culprit
    failed_at = output.find("subprocess-exited-with-error")
    sdists = list(_SDIST.finditer(output[:failed_at])) if failed_at >= 0 else []
    if sdists:
        name, version = sdists[-1].group(1), sdists[-1].group(2)
        return InstallNoWheel(
            f"pip found no binary wheel of {name} {version} for Python {python}, so it tried "
            "to build the source archive, and that failed. Old releases publish wheels only "
            "for the Pythons of their day (an s2i builder image often had an older Python)."
            "\n\n" + tail,
            step=what, name=name, version=version, python=python)
    if "python.h: no such file" in text or "command 'gcc' failed" in text or \
            "error: command 'x86_64-linux-gnu-gcc' failed" in text or \
            "failed building wheel" in text or "could not build wheels" in text:
        return InstallCompileFailed(
            "No binary wheel matched this platform, so pip tried to build one and the native "
            "build failed.\n\n" + tail,
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


#: top-level modules of seldon-core 1.x's own dependencies -> their package. s2i builder
#: images had them installed, so models used them without listing them.
SELDON_CORE_DEPENDENCIES = {
    "yaml": "PyYAML", "flask": "Flask", "flask_cors": "Flask-cors", "requests": "requests",
    "jsonschema": "jsonschema", "werkzeug": "werkzeug", "click": "click", "urllib3": "urllib3",
    "opentracing": "opentracing", "jaeger_client": "jaeger-client",
    "flask_opentracing": "Flask-OpenTracing", "cryptography": "cryptography",
    "jinja2": "Jinja2", "setuptools": "setuptools", "pkg_resources": "setuptools",
}


def classify_import_failure(output: str, model_name: str) -> BuildpackError:
    tail = "\n".join(output.strip().splitlines()[-12:])
    missing = _MISSING_MODULE.search(output)
    if missing:
        mod = missing.group(1)
        cause = f"Importing the model failed because Python cannot find {mod!r}.\n\n{tail}"
        package = SELDON_CORE_DEPENDENCIES.get(mod.split(".")[0])
        if package:
            return SeldonCoreModuleMissing(cause, model=model_name, module=mod, package=package)
        return ImportModuleMissing(cause, model=model_name, module=mod)
    lib = re.search(r"(lib[\w.+-]+\.so[\w.]*): cannot open shared object file", output)
    if lib:
        return ImportLibraryMissing(
            "A compiled extension needs a system library that the run image does not have.\n\n"
            + tail, model=model_name, library=lib.group(1))
    attr = re.search(r"has no attribute '([^']+)'", output)
    if attr:
        return ModelClassMissing(tail, location="MODEL_NAME", name=attr.group(1))
    return ModelImportFailed("Importing it at build time raised an error:\n\n" + tail,
                             model=model_name)
