"""Runtime throughput: seldon-runtime vs seldon-core 1.18.2 vs a bare WSGI ceiling.

One invocation builds (or reuses) the seldon-core venv, then for 1 and 2
gunicorn workers (1 thread each) serves the same echo model with both
servers, drives each with wrk (8 connections, 127.0.0.1) in rounds that
alternate between the servers, and prints req/s, p50, p99 and the ratios,
plus the start-up time to the first /health/ping.

    .venv/bin/python bench/runtime/run.py [--duration 8] [--workers 1 2] [--tracing]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import anchor_venv

REPO = Path(__file__).resolve().parents[2]

ECHO_MODEL = """
class Echo:
    def predict(self, X, features_names, meta=None):
        return X
"""

# The ceiling: gunicorn with the smallest possible WSGI app (echoes the body).
BARE_APP = """
def app(environ, start_response):
    if environ["PATH_INFO"] == "/health/ping":
        body = b"pong"
    else:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response("200 OK", headers)
    return [body]
"""


def workloads() -> dict[str, dict]:
    small = [[1.0, 2.0, 3.0, 4.0]]
    big = [[round(i * 0.1 + j, 3) for j in range(10)] for i in range(100)]
    flat = [v for row in big for v in row]
    return {
        "ndarray 1x4": {"data": {"ndarray": small}},
        "ndarray 100x10": {"data": {"ndarray": big}},
        "tensor 100x10": {"data": {"tensor": {"shape": [100, 10], "values": flat}}},
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ping(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/health/ping", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError("server did not answer /health/ping")


class Server:
    def __init__(self, name: str, cmd: list[str], cwd: Path, env: dict, port: int):
        self.name = name
        self.url = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_ping(self.url, self.proc)
        self.startup = time.monotonic() - started

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _seconds(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[m.group(2)]


def run_wrk(url: str, lua: Path, duration: int) -> dict:
    subprocess.run(
        ["wrk", "-t", "2", "-c", "8", "-d", "1s", "-s", str(lua), url],
        capture_output=True,
        check=True,
    )  # warm-up
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", "8", "-d", f"{duration}s", "--latency", "-s", str(lua), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _seconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _seconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0}


def write_lua(path: Path, body: dict) -> None:
    text = json.dumps(body, separators=(",", ":"))
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(text)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )


def base_env() -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREDICTIVE_UNIT", "GUNICORN_", "SELDON_", "PROMETHEUS"))
    }
    env["GRPC_WORKERS"] = "0"  # REST only, for both servers
    return env


def servers(workers: int, work: Path, anchor: Path) -> list[tuple[str, list[str], dict]]:
    ours = [
        sys.executable,
        "-m",
        "seldon_runtime",
        "Echo",
        "--workers",
        str(workers),
        "--threads",
        "1",
    ]
    seldon = [
        str(anchor / "bin" / "seldon-core-microservice"),
        "Echo",
        "--workers",
        str(workers),
        "--threads",
        "1",
    ]
    bare = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-k",
        "sync",
        "--log-level",
        "error",
        "bare:app",
    ]
    # The same minimal app on our keep-alive worker: the ceiling for seldon-runtime's design.
    bare_keepalive = [*bare[:6], "seldon_runtime.worker.KeepAliveWorker", *bare[7:]]
    return [
        ("seldon-core 1.18.2", seldon, {}),
        ("seldon-runtime", ours, {}),
        ("bare WSGI", bare, {}),
        ("bare WSGI keep-alive", bare_keepalive, {}),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=2, help="wrk runs per cell; the best is kept")
    parser.add_argument("--tracing", action="store_true",
                        help="both servers with TRACING=1, sending every span to a local UDP "
                             "sink (jaeger-client for seldon-core, ours for seldon-runtime)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    print("preparing the seldon-core 1.18.2 venv ...", flush=True)
    anchor = anchor_venv.ensure()
    work = Path(tempfile.mkdtemp(prefix="seldon-bench-"))
    (work / "Echo.py").write_text(ECHO_MODEL)
    (work / "bare.py").write_text(BARE_APP)
    luas = {}
    for i, (name, body) in enumerate(workloads().items()):
        luas[name] = work / f"w{i}.lua"
        write_lua(luas[name], body)
    rows = []
    startups: dict[str, list[float]] = {}
    traced = udp_sink() if args.tracing else {}
    for workers in args.workers:
        running = []
        try:
            for name, cmd, extra in servers(workers, work, anchor):
                port, metrics = free_port(), free_port()
                env = base_env()
                env.update(extra)
                if not name.startswith("bare WSGI"):
                    env.update(traced)
                env["PREDICTIVE_UNIT_HTTP_SERVICE_PORT"] = str(port)
                env["PREDICTIVE_UNIT_METRICS_SERVICE_PORT"] = str(metrics)
                if name.startswith("bare WSGI"):
                    cmd = [*cmd, "-b", f"127.0.0.1:{port}"]
                running.append(Server(name, cmd, work, env, port))
                startups.setdefault(name, []).append(running[-1].startup)
            for workload, lua in luas.items():
                # Rounds alternate between the servers, so background load on the machine
                # slows them alike; the best of the rounds is kept for each.
                best: dict[str, dict] = {}
                for _ in range(args.repeat):
                    for server in running:
                        result = run_wrk(server.url + "/predict", lua, args.duration)
                        if server.name not in best or result["rps"] > best[server.name]["rps"]:
                            best[server.name] = result
                for server in running:
                    result = best[server.name]
                    rows.append(
                        {"workers": workers, "workload": workload, "server": server.name, **result}
                    )
                    print(
                        f"  {workers}w {workload:15} {server.name:18} {result['rps']:8.0f} req/s "
                        f"p50 {result['p50'] * 1e3:6.2f} ms p99 {result['p99'] * 1e3:6.2f} ms",
                        flush=True,
                    )
        finally:
            for server in running:
                server.stop()
    shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(rows))
    print()
    print("start-up to first /health/ping (echo model):")
    for name, values in startups.items():
        print(f"  {name}: " + ", ".join(f"{v:.2f} s" for v in values))
    return 0


def udp_sink() -> dict:
    """A Jaeger agent stand-in that reads and drops every datagram; the servers' env for it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))

    def drain() -> None:
        while True:
            sock.recv(65535)

    threading.Thread(target=drain, daemon=True).start()
    return {"TRACING": "1", "JAEGER_AGENT_HOST": "127.0.0.1",
            "JAEGER_AGENT_PORT": str(sock.getsockname()[1])}


def table(rows: list[dict]) -> str:
    lines = [
        "| workers | workload | server | req/s | p50 ms | p99 ms | vs seldon-core | of ceiling |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    index = {(r["workers"], r["workload"], r["server"]): r for r in rows}
    for r in rows:
        anchor = index.get((r["workers"], r["workload"], "seldon-core 1.18.2"))
        ceiling = index.get((r["workers"], r["workload"], "bare WSGI"))
        ratio = f"{r['rps'] / anchor['rps']:.1f}x" if anchor else ""
        share = f"{100 * r['rps'] / ceiling['rps']:.0f}%" if ceiling else ""
        bad = f" ({r['non2xx']} non-2xx)" if r["non2xx"] else ""
        lines.append(
            f"| {r['workers']} | {r['workload']} | {r['server']}{bad} | {r['rps']:.0f} | "
            f"{r['p50'] * 1e3:.2f} | {r['p99'] * 1e3:.2f} | {ratio} | {share} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
