"""s2i scripts a repository may carry in `.s2i/bin/`, which buildpacks do not run.

s2i let a repository replace the builder's `assemble` and `run` scripts. A
build that skipped them silently could make an image that starts but lacks
what the script added, so each one present gets a warning that says where its
work belongs now.
"""

from __future__ import annotations

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


def script_warnings(app_dir: Path) -> list[str]:
    """One warning per s2i script in the repository, in a fixed order."""
    folder = app_dir / SCRIPTS_DIR
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        instead = INSTEAD.get(path.name, "buildpacks run no s2i scripts")
        out.append(f"{SCRIPTS_DIR / path.name} is not run: buildpacks replace s2i's scripts; "
                   f"{instead}.")
    return out
