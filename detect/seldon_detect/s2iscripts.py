"""s2i scripts a repository may carry in `.s2i/bin/`, which buildpacks do not run.

s2i let a repository replace the builder's `assemble` and `run` scripts. A
build that skipped them silently could make an image that starts but lacks
what the script added, so each script present gets a warning that says, line
by line, what happens to its work: done by the buildpacks anyway (calling the
builder's assemble, copying `image_metadata.json` for labels), where it
belongs now (packages, downloads), or simply not done.
"""

from __future__ import annotations

import re
from pathlib import Path

SCRIPTS_DIR = Path(".s2i") / "bin"
#: script name -> where its work goes with buildpacks
INSTEAD = {
    "assemble": "Python packages go in requirements.txt (or setup.py / environment.yml), "
                "system packages in an Aptfile, and downloads of model files in the model's "
                "load() method",
    "run": "the image always starts seldon-runtime; its settings go in .s2i/environment or "
           "the container's environment",
    "save-artifacts": "the build cache keeps installed dependencies between builds by itself",
    "assemble-runtime": "Python packages go in requirements.txt, system packages in an Aptfile",
}

#: (pattern of a script line, what happens to that work here); the first match counts
_LINE_FATES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(/s2i/bin|/usr/libexec/s2i|\$\{?STI_SCRIPTS_PATH\}?)/assemble\b"),
     "done: the buildpacks install the requirements and the model as the builder's "
     "assemble did"),
    (re.compile(r"image_metadata\.json"),
     "done: the labels of image_metadata.json are put on the image"),
    (re.compile(r"\b(pip3?|conda|python3? -m pip)\s+install\b"),
     "not run: list these packages in requirements.txt (or environment.yml)"),
    (re.compile(r"\b(apt-get|apt|yum|dnf|microdnf|apk)\s+(-\S+\s+)*install\b"),
     "not run: list these system packages in an Aptfile"),
    (re.compile(r"\b(wget|curl|gsutil|aws s3|az storage)\b"),
     "not run: download model files in the model's load() method"),
]
#: lines with no effect on the image: shell plumbing, messages, the metadata dir
_NO_EFFECT = re.compile(
    r"^(#|echo\b|printf\b|set\b|rc=|if\b|then\b|else\b|elif\b|fi\b|exit\b|mkdir -p /tmp/\.s2i"
    r"|cd\b|fi;?$)")


def _line_fates(text: str) -> list[str]:
    fates = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or _NO_EFFECT.match(line):
            continue
        fate = next((f for pattern, f in _LINE_FATES if pattern.search(line)),
                    "not run: nothing replaces it")
        fates.append(f"`{line[:70]}`: {fate}")
    return fates


def script_warnings(app_dir: Path) -> list[str]:
    """One warning per s2i script in the repository, in a fixed order."""
    folder = app_dir / SCRIPTS_DIR
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        instead = INSTEAD.get(path.name, "buildpacks run no s2i scripts")
        warning = (f"{SCRIPTS_DIR / path.name} is not run: buildpacks replace s2i's scripts; "
                   f"{instead}.")
        fates = _line_fates(path.read_text(encoding="utf-8", errors="replace"))
        if fates:
            warning += " What happens to each of its commands: " + "; ".join(fates) + "."
        out.append(warning)
    return out
