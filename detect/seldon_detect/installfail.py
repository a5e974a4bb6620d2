"""Turn an installer's failure output into an error the user can act on."""

from __future__ import annotations

import re

from seldon_detect.errors import UserError

_NO_MATCH = re.compile(r"No matching distribution found for ([^\s]+)")
#: pip fetching a source archive: `Downloading scikit-learn-0.24.2.tar.gz (7.5 MB)`
_SDIST = re.compile(r"(?:Downloading|Using cached) (?:\S*/)?([A-Za-z0-9_.-]+?)-(\d[\w.]*)"
                    r"\.(?:tar\.gz|zip)\b")
_MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([^']+)'")


def missing_distribution(output: str) -> str | None:
    match = _NO_MATCH.search(output)
    return match.group(1) if match else None


def credentials_error(what: str, index: str, status: int) -> UserError:
    return UserError(
        f"{what} was refused by a package index ({status})",
        f"The index {index} answered {status} "
        f"({'unauthorized' if status == 401 else 'forbidden'}), so pip saw no packages there.",
        _CREDENTIAL_FIXES,
    )


_CREDENTIAL_FIXES = [
    "Check the user and password in EXTRA_INDEX_URL / PIP_EXTRA_INDEX_URL / PIP_INDEX_URL "
    "(https://USER:PASSWORD@host/simple), and quote special characters (%40 for @).",
    "Or provide them with a `pip` binding (pip.conf and/or netrc) instead of variables.",
    "Make sure the account may read the packages you install.",
]


def classify_install_failure(output: str, returncode: int, what: str, python: str) -> UserError:
    """`what` names the step (e.g. "pip install -r requirements.txt")."""
    tail = "\n".join(output.strip().splitlines()[-15:])
    text = output.lower()
    last = text.strip().splitlines()[-1].strip() if text.strip() else ""
    if returncode in (-9, 137) or last == "killed" or "memoryerror" in text:
        return UserError(
            f"{what} ran out of memory",
            "The installer was killed (signal 9), which usually means the build container ran "
            "out of memory while building or unpacking a large package.\n\n" + tail,
            ["Give the build more memory (podman/docker --memory, or the kpack build resources).",
             "Prefer binary wheels: pin versions that publish wheels for Python " + python + "."],
        )
    if re.search(r"\b(401|403)\b.*(unauthori[sz]ed|forbidden)|"
                 r"(unauthori[sz]ed|forbidden).*\b(401|403)\b|401 client error|"
                 r"403 client error|user for http", text):
        return UserError(
            f"{what} was refused by a package index (401/403)",
            "A private index rejected the credentials (or none were given).\n\n" + tail,
            _CREDENTIAL_FIXES,
        )
    # the source archive fetched last before the first failed build step is the culprit
    failed_at = output.find("subprocess-exited-with-error")
    sdists = list(_SDIST.finditer(output[:failed_at])) if failed_at >= 0 else []
    if sdists:
        name, version = sdists[-1].group(1), sdists[-1].group(2)
        return UserError(
            f"{what}: {name} {version} has no wheel for Python {python} and does not build "
            "from source",
            f"pip found no binary wheel of {name} {version} for Python {python}, so it tried "
            "to build the source archive, and that failed. Old releases publish wheels only "
            "for the Pythons of their day (an s2i builder image often had an older Python)."
            "\n\n" + tail,
            [f"Pin a {name} release that publishes wheels for Python {python} (see its files "
             "on pypi.org), or drop the pin.",
             "Or build with the Python that release was made for: see Python versions in "
             "docs/dependencies.md."],
        )
    if "python.h: no such file" in text or "command 'gcc' failed" in text or \
            "error: command 'x86_64-linux-gnu-gcc' failed" in text or \
            "failed building wheel" in text or "could not build wheels" in text:
        return UserError(
            f"{what} failed to compile a package from source",
            "No binary wheel matched this platform, so pip tried to build one and the native "
            "build failed.\n\n" + tail,
            ["Pin a version of the package that publishes a wheel for Python " + python + " on "
             "linux (manylinux).",
             "Or build the wheel yourself and put it in the wheel folder (/whl or a `wheels` "
             "binding)."],
        )
    match = _NO_MATCH.search(output)
    if match or "could not find a version that satisfies" in text:
        name = match.group(1) if match else "a requirement"
        return UserError(
            f"{what}: no matching distribution for {name}",
            "None of the configured indexes or wheel folders has a version of this package that "
            f"fits the constraints and Python {python}.\n\n" + tail,
            [f"Check the name and version of {name} (is it published for Python {python}?).",
             "If it lives on a private index, set EXTRA_INDEX_URL (and PIP_TRUSTED_HOST for "
             "plain http) or add a `pip` binding.",
             "If it is a local wheel, put it in the wheel folder (/whl or a `wheels` binding)."],
        )
    if "resolutionimpossible" in text or "conflicting dependencies" in text:
        return UserError(
            f"{what}: the requirements conflict",
            "pip could not find versions that satisfy every requirement together.\n\n" + tail,
            ["Relax or align the version pins named above."],
        )
    return UserError(
        f"{what} failed (exit status {returncode})",
        tail or "The installer printed nothing.",
        ["Read the installer output above for the first error.",
         "Reproduce locally with the same Python (" + python + ") and requirements."],
    )


#: top-level modules of seldon-core 1.x's own dependencies -> their package. s2i builder
#: images had them installed, so models used them without listing them.
SELDON_CORE_DEPENDENCIES = {
    "yaml": "PyYAML", "flask": "Flask", "flask_cors": "Flask-cors", "requests": "requests",
    "jsonschema": "jsonschema", "werkzeug": "werkzeug", "click": "click", "urllib3": "urllib3",
    "opentracing": "opentracing", "jaeger_client": "jaeger-client",
    "flask_opentracing": "Flask-OpenTracing", "cryptography": "cryptography",
    "jinja2": "Jinja2", "setuptools": "setuptools", "pkg_resources": "setuptools",
}


def classify_import_failure(output: str, model_name: str) -> UserError:
    tail = "\n".join(output.strip().splitlines()[-12:])
    missing = _MISSING_MODULE.search(output)
    if missing:
        mod = missing.group(1)
        package = SELDON_CORE_DEPENDENCIES.get(mod.split(".")[0])
        fix = [f"Add the package that provides {mod!r} to requirements.txt (or setup.py / "
               "environment.yml).",
               "If it is a file of your repository, check its name and location (it must be "
               "importable from the repository root)."]
        if package:
            fix = [f"Add {package} to requirements.txt: the s2i builder image had it because "
                   "seldon-core depends on it, and this image does not install seldon-core."]
        return UserError(
            f"The model {model_name} cannot be imported: module {mod!r} is missing",
            f"Importing the model failed because Python cannot find {mod!r}.\n\n{tail}",
            fix,
        )
    lib = re.search(r"(lib[\w.+-]+\.so[\w.]*): cannot open shared object file", output)
    if lib:
        return UserError(
            f"The model {model_name} cannot be imported: native library {lib.group(1)} is "
            "missing",
            "A compiled extension needs a system library that the run image does not have.\n\n"
            + tail,
            ["Use a wheel that bundles the library (most manylinux wheels do).",
             "Or install the package from conda (environment.yml), which ships native "
             "libraries.",
             f"Or list the Debian package that has {lib.group(1)} in an Aptfile "
             "(search by file name on https://packages.debian.org/bookworm/)."],
        )
    attr = re.search(r"has no attribute '([^']+)'", output)
    if attr:
        return UserError(
            f"The model module has no class {attr.group(1)!r}",
            tail,
            ["MODEL_NAME must name a class defined in the module (names are case-sensitive)."],
            location="MODEL_NAME",
        )
    return UserError(
        f"The model {model_name} cannot be imported",
        "Importing it at build time raised an error:\n\n" + tail,
        ["Fix the error in your model code; the same import runs when the container starts."],
    )
