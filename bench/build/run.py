"""Build benchmark: cold and warm builds of examples with seldon-build, image sizes, start-up.

For each example, in one invocation:
- cold build (`--clear-cache`): wall time and the part spent installing dependencies;
- warm rebuild after a change to the model file only: wall time and the number of
  dependency installs it ran (the target is none);
- the image's size against the run image plus the exported Python environment
  (target: within 10%), and against the 1.9 GB seldon-core s2i python3 image;
- start-up to the first successful /health/ping of the built image;
- for requirements.txt examples, the cold build again with `BP_PIP_INSTALLER=uv`.

    .venv/bin/python bench/build/run.py [EXAMPLE ...]    # default: sklearn-iris numpy-setup-py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from seldon_detect.scribe import Scribe
from seldon_platform.demo import served
from seldon_platform.engine import find_engine
from seldon_platform.stacks import StackImages

REPO = Path(__file__).resolve().parents[2]
SELDON_BUILD = Path(sys.executable).with_name("seldon-build")
#: published size of the seldon-core s2i python3 builder's images (seldon-core#526)
S2I_IMAGE_BYTES = 1.9e9
DEFAULT_EXAMPLES = ["sklearn-iris", "numpy-setup-py"]
# step lines the buildpacks print when they install something, e.g.
# "pip install -r requirements.txt: done in 10.0s"
INSTALL_STEP = re.compile(
    r"^\s*((?:uv )?pip install|python[\d.]* -m venv|conda|micromamba|rattler)"
    r"[^\n]*: done in ([\d.]+)s",
    re.M,
)
VENV_LAYER = re.compile(r"seldon/(?:python-venv|conda-environment):\S+ \(([\d.]+) MB\)")


def build(src: Path, tag: str, *extra: str) -> tuple[float, str]:
    start = time.monotonic()
    proc = subprocess.run(
        [str(SELDON_BUILD), "build", str(src), "-t", tag, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    took = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"build of {src} failed:\n{proc.stdout[-3000:]}")
    return took, proc.stdout


def install_seconds(log: str) -> tuple[float, int]:
    steps = [float(m.group(2)) for m in INSTALL_STEP.finditer(log)]
    return sum(steps), len(steps)


def startup_seconds(engine, image: str) -> float:
    with served(engine, image, Scribe(quiet=True), timeout=120) as (_, seconds):
        return seconds


def bench_example(engine, name: str, run_bytes: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    src = work / name
    shutil.copytree(REPO / "examples" / name, src)
    tag = f"localhost/seldon-bench/{name}:latest"
    row: dict = {"example": name}
    try:
        row["cold"], log = build(src, tag, "--clear-cache")
        row["cold_install"], _ = install_seconds(log)
        venv = VENV_LAYER.search(log)
        row["env_mb"] = float(venv.group(1)) if venv else 0.0
        model = next(p for p in src.glob("*.py") if p.name != "setup.py")
        model.write_text(model.read_text() + "\n# touched by bench/build\n")
        row["warm"], log = build(src, tag)
        row["warm_installs"] = install_seconds(log)[1]
        info = engine.image_inspect(tag) or {}
        row["image_mb"] = info.get("Size", 0) / 1e6
        row["sum_mb"] = run_bytes / 1e6 + row["env_mb"]
        row["startup"] = startup_seconds(engine, tag)
        if (src / "requirements.txt").is_file():
            row["cold_uv"], log = build(src, tag, "--clear-cache", "--env", "BP_PIP_INSTALLER=uv")
            row["cold_uv_install"], _ = install_seconds(log)
    finally:
        engine.run("rmi", "-f", tag, check=False, capture=True)
        shutil.rmtree(work, ignore_errors=True)
    return row


def main(names: list[str]) -> int:
    engine = find_engine()
    run_bytes = (engine.image_inspect(StackImages().run) or {}).get("Size", 0)
    rows = [bench_example(engine, name, run_bytes) for name in names or DEFAULT_EXAMPLES]
    print("| example | cold s (installing) | cold with uv s (installing) | warm s after a "
          "model edit (installs) | image MB | run image + env MB | image / sum | "
          "image / s2i 1.9 GB | start-up s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        uv = (f"{r['cold_uv']:.1f} ({r['cold_uv_install']:.1f})" if "cold_uv" in r else "n/a")
        print(
            f"| {r['example']} | {r['cold']:.1f} ({r['cold_install']:.1f}) | {uv} | "
            f"{r['warm']:.1f} ({r['warm_installs']}) | {r['image_mb']:.0f} | {r['sum_mb']:.0f} | "
            f"{r['image_mb'] / r['sum_mb']:.2f} | {r['image_mb'] * 1e6 / S2I_IMAGE_BYTES:.2f} | "
            f"{r['startup']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
