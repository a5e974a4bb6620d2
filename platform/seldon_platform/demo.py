"""`make demo`: build an example with seldon-build, run it, print one prediction.

    python -m seldon_platform.demo examples/sklearn-iris

The container publishes its REST port on 127.0.0.1 only and is removed at
the end, also when something fails.
"""

from __future__ import annotations

import contextlib
import functools
import json
import socket
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, Iterator, Sequence

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe

from .build import BuildOptions, build
from .engine import Engine, find_engine
from .errors import DemoPredictionFailed, DemoServerExited, DemoServerNotReady

REST_PORT = 9000
DEFAULT_REQUEST = {"data": {"ndarray": [[5.1, 3.5, 1.4, 0.2]]}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, alive: Callable[[], bool], timeout: float = 90.0) -> float:
    """Seconds until `url` answers 200; a UserError after `timeout` or when the server exits."""
    start = time.monotonic()
    last = ""
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return time.monotonic() - start
        except (urllib.error.URLError, OSError) as err:
            last = str(err)
        if not alive():
            raise DemoServerExited(f"Last error: {last}")
        time.sleep(0.3)
    raise DemoServerNotReady(f"Last error: {last}", url=url)


def predict(base: str, payload: dict) -> dict:
    req = urllib.request.Request(
        f"{base}/api/v1.0/predictions",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as err:
        raise DemoPredictionFailed(err.read().decode(errors="replace"), status=err.code) from err


@contextlib.contextmanager
def served(
    engine: Engine, image: str, scribe: Scribe, timeout: float = 90.0
) -> Iterator[tuple[str, float]]:
    """Run `image` with its REST port on 127.0.0.1; yields (base URL, seconds until ready).

    The container's output is shown when something fails, and it is always removed.
    """
    port = free_port()
    name = f"seldon-demo-{uuid.uuid4().hex[:8]}"
    engine.run(
        "run",
        "-d",
        "--name",
        name,
        "-p",
        f"127.0.0.1:{port}:{REST_PORT}",
        image,
        capture=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        alive = functools.partial(container_running, engine, name)
        seconds = wait_ready(f"{base}/health/ping", alive, timeout=timeout)
        yield base, seconds
    except UserError:
        logs = engine.run("logs", name, check=False, capture=True)
        output = (logs.stdout or b"") + (logs.stderr or b"")
        scribe.info("server output:\n" + output.decode(errors="replace")[-3000:])
        raise
    finally:
        engine.run("rm", "-f", name, check=False, capture=True)


def serve_and_predict(engine: Engine, image: str, payload: dict, scribe: Scribe) -> dict:
    with served(engine, image, scribe) as (base, seconds):
        scribe.info(f"{image} answers /health/ping after {seconds:.1f}s")
        return predict(base, payload)


def container_running(engine: Engine, name: str) -> bool:
    proc = engine.run(
        "container", "inspect", "--format", "{{.State.Running}}", name, check=False, capture=True
    )
    return proc.stdout.strip() == b"true"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    example = Path(args[0] if args else "examples/sklearn-iris")
    scribe = Scribe()
    try:
        engine = find_engine()
        image = f"localhost/seldon-demo/{example.resolve().name}:latest"
        scribe.title(f"Building {example} into {image}")
        build(BuildOptions(source=str(example), tag=image), scribe, engine)
        request_file = example / "request.json"
        payload = (
            json.loads(request_file.read_text()) if request_file.is_file() else DEFAULT_REQUEST
        )
        scribe.title("Running it and asking for a prediction")
        scribe.info("request:  " + json.dumps(payload))
        response = serve_and_predict(engine, image, payload, scribe)
        scribe.info("response: " + json.dumps(response))
        return 0 if "data" in response or "jsonData" in response else 1
    except UserError as err:
        print(err.render(), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
