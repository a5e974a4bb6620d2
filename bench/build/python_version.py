"""Build benchmark for a non-default Python: what the interpreter costs a build and an image.

For one example, in one invocation (so the ratios compare runs on the same load):
- cold build on the stack's Python (`--clear-cache`): wall time, image size;
- cold build of the same source asking for another Python (`.python-version`),
  the interpreter fetched from a local server on 127.0.0.1 (`BP_CPYTHON_URL` +
  `BP_CPYTHON_SHA256`): wall time, and the interpreter's own part (download +
  verify + unpack, from the cpython buildpack's timed steps);
- warm rebuild of that source after a model edit: wall time and the
  interpreter's part (target: nothing downloaded or unpacked);
- image size against the stack-Python image (target: at most +60 MB).

The distribution is built from this machine's pyenv interpreter in the
python-build-standalone `install_only_stripped` layout (tests/pbsdist.py).

    .venv/bin/python bench/build/python_version.py [MINOR [EXAMPLE]]   # default: 3.12 sklearn-iris
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).parent))

from run import build  # noqa: E402

from seldon_platform.engine import find_engine  # noqa: E402
from tests.distserver import serve  # noqa: E402
from tests.pbsdist import build_distribution, sha256_of  # noqa: E402
from tests.pythons import find_python  # noqa: E402

INTERPRETER_STEP = re.compile(r"^\s*(downloading \S+|unpacking Python \S+)[^\n]*: done in "
                              r"([\d.]+)s", re.M)


def interpreter_seconds(log: str) -> float:
    return sum(float(m.group(2)) for m in INTERPRETER_STEP.finditer(log))


def main(argv: list[str]) -> int:
    minor = argv[0] if argv else "3.12"
    example = argv[1] if len(argv) > 1 else "sklearn-iris"
    python = find_python(minor)
    if python is None:
        sys.exit(f"python{minor} is not installed (pyenv)")
    engine = find_engine()
    work = Path(tempfile.mkdtemp(prefix="bench-python-"))
    dist = build_distribution(python, work / "dists")
    src = work / example
    shutil.copytree(REPO / "examples" / example, src)
    tags = {k: f"localhost/seldon-bench/python-{k}:latest" for k in ("stack", "other")}
    try:
        stack_cold, _ = build(src, tags["stack"], "--clear-cache")
        stack_mb = engine.image_inspect(tags["stack"])["Size"] / 1e6
        (src / ".python-version").write_text(minor + "\n")
        with serve(dist.parent) as (url, _):
            own = ["--env", f"BP_CPYTHON_URL={url}/{dist.name.replace('+', '%2B')}",
                   "--env", f"BP_CPYTHON_SHA256={sha256_of(dist)}"]
            cold, cold_log = build(src, tags["other"], "--clear-cache", *own)
            model = next(p for p in src.glob("*.py") if p.name != "setup.py")
            model.write_text(model.read_text() + "\n# touched by bench/build\n")
            warm, warm_log = build(src, tags["other"], *own)
        other_mb = engine.image_inspect(tags["other"])["Size"] / 1e6
        reused = "Reusing Python" in warm_log
    finally:
        for tag in tags.values():
            engine.run("rmi", "-f", tag, check=False, capture=True)
        shutil.rmtree(work, ignore_errors=True)
    print(f"| example | cold s, stack Python | cold s, Python {minor} (interpreter s) | "
          "warm s after a model edit (interpreter s, reused) | image MB, stack | "
          f"image MB, {minor} | delta MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {example} | {stack_cold:.1f} | {cold:.1f} ({interpreter_seconds(cold_log):.1f}) | "
          f"{warm:.1f} ({interpreter_seconds(warm_log):.1f}, {'yes' if reused else 'no'}) | "
          f"{stack_mb:.0f} | {other_mb:.0f} | {other_mb - stack_mb:+.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
