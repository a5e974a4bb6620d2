"""Build an example repository into an image once per session, several at a time.

Every build is a real command line: `seldon-s2i build ...` exactly as the s2i
guide (the seed) writes it apart from the tool's name, or `seldon-build build
...`. Placeholders in angle brackets are filled in; everything else is kept.
Builds start in the background as soon as the session knows which images its
tests need (`BuildFactory.prefetch`) and a test waits only for its own.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from seldon_platform.engine import Engine

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
BIN = Path(os.environ.get("SELDON_E2E_BIN", REPO / ".venv" / "bin"))
BUILD_TIMEOUT = 900

# A function that prepares a copied source tree before the build (e.g. makes
# the wheel folder the README asks for); it gets the copy and the session's
# shared values and returns more placeholder values for the command line.
Prepare = Callable[[Path, dict], dict]


@dataclass(frozen=True)
class BuildSpec:
    """One image: which example, which command line (placeholders in <>), prep."""

    name: str
    example: str | None
    command: str
    prepare: Prepare | None = None
    needs: tuple[str, ...] = ()  # session values (e.g. the private index) the build needs


@dataclass
class Build:
    spec: BuildSpec
    image: str
    source: Path
    argv: list[str]
    returncode: int
    log: str
    seconds: float
    values: dict = field(default_factory=dict)
    label: str = ""  # "" for the first build, else what changed before this rebuild

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def describe(self) -> str:
        return (f"`{shlex.join(self.argv)}` exited {self.returncode} after "
                f"{self.seconds:.0f}s; last lines of its log:\n{self.log[-4000:]}")


def fill(command: str, values: dict[str, str]) -> list[str]:
    """The command's words with <placeholders> replaced and the tool taken from our venv."""
    text = command.replace("\\\n", " ")
    for key, value in values.items():
        text = text.replace(f"<{key}>", value)
    words = shlex.split(text)
    words[0] = str(BIN / words[0])
    return words


class BuildFactory:
    """Builds specs on demand (each at most once) and removes every image it made."""

    def __init__(self, engine: Engine, workdir: Path, specs: dict[str, BuildSpec],
                 session_values: Callable[[str], dict], parallel: int = 2):
        # session_values(need) is called in the test thread, never in a build thread
        self.engine = engine
        self.workdir = workdir
        self.specs = specs
        self.session_values = session_values
        self.cache_root = workdir / "build-cache"
        self.token = f"{os.getpid()}"
        self._pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="e2e-build")
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self.images: set[str] = set()
        self._running: set[subprocess.Popen] = set()
        self.builds: list[Build] = []  # every build run, in the order they finished
        self.sizes: dict[str, int] = {}  # image -> bytes, read before the images are removed

    def tag(self, name: str) -> str:
        return f"localhost/seldon-e2e/{name}:{self.token}"

    def prefetch(self, names: list[str]) -> None:
        """Queue builds in this order so they run while earlier tests do. A build whose
        shared prerequisite cannot be had now is left to the test that needs it, which
        then reports why."""
        for name in names:
            try:
                self._submit(name)
            except (Exception, pytest.skip.Exception):
                continue

    def get(self, name: str) -> Build:
        return self._submit(name).result()

    def image(self, name: str) -> Build:
        """The finished build of `name`; fails the calling test if the build failed."""
        build = self.get(name)
        assert build.ok, f"building {name} failed: {build.describe()}"
        return build

    def _submit(self, name: str) -> Future:
        with self._lock:
            if name in self._futures:
                return self._futures[name]
        spec = self.specs[name]
        shared: dict = {}
        for need in spec.needs:
            shared.update(self.session_values(need))
        with self._lock:
            if name not in self._futures:
                self._futures[name] = self._pool.submit(self._build, spec, shared)
            return self._futures[name]

    def _build(self, spec: BuildSpec, shared: dict) -> Build:
        source = self.workdir / "src" / spec.name
        if source.exists():
            shutil.rmtree(source)
        if spec.example:
            shutil.copytree(EXAMPLES / spec.example, source,
                            ignore=shutil.ignore_patterns("__pycache__", "wheels"))
        else:
            source.mkdir(parents=True)
        tag = self.tag(spec.name)
        values: dict = {"src-folder": str(source), "my-image-name": tag, **shared}
        if spec.prepare:
            values.update(spec.prepare(source, values))
        argv = fill(spec.command, {k: v for k, v in values.items() if isinstance(v, str)})
        with self._lock:
            self.images.add(tag)
        build = run_build(spec, tag, source, argv, self.cache_root, values,
                          running=self._running)
        self.builds.append(build)
        return build

    def run_again(self, name: str, label: str, change: Callable[[Path], None] | None = None,
                  ) -> Build:
        """Build `name`'s source again into the same tag (after `change`), as a user would
        after editing; the result is a separate `Build` and the image keeps its tag."""
        first = self.image(name)
        if change:
            change(first.source)
        build = run_build(first.spec, first.image, first.source, first.argv, self.cache_root,
                          first.values, label=label)
        self.builds.append(build)
        return build

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        for proc in list(self._running):  # builds no test waits for any more
            stop(proc)
        self._pool.shutdown(wait=True)
        for image in sorted(self.images):
            info = self.engine.image_inspect(image)
            if info:
                self.sizes[image] = int(info.get("Size") or 0)
            self.engine.run("rmi", "-f", image, check=False, capture=True)


def run_build(spec: BuildSpec, tag: str, source: Path, argv: list[str], cache_root: Path,
              values: dict, label: str = "", running: set | None = None) -> Build:
    """Run one build command; its own process group, so an ended session can stop it."""
    env = dict(os.environ, SELDON_BUILD_CACHE=str(cache_root))
    started = time.monotonic()
    proc = subprocess.Popen(argv, cwd=source, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    if running is not None:
        running.add(proc)
    try:
        out, _ = proc.communicate(timeout=BUILD_TIMEOUT)
        code, log = proc.returncode, out.decode(errors="replace")
    except subprocess.TimeoutExpired:
        stop(proc)
        out, _ = proc.communicate()
        code, log = -1, out.decode(errors="replace") + f"\n[timed out after {BUILD_TIMEOUT}s]"
    finally:
        if running is not None:
            running.discard(proc)
    seconds = time.monotonic() - started
    logs = cache_root.parent / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / f"{spec.name}{'-' + label if label else ''}.log").write_text(log)
    return Build(spec, tag, source, argv, code, log, seconds, values, label)


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the build's process group (the CLI and the engine commands it started)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
