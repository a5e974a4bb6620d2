"""gRPC throughput: seldon-runtime vs seldon-core 1.18.2, same echo model, same processes.

One invocation builds (or reuses) the seldon-core venv, starts both servers
with the same gRPC worker and thread counts, and drives
`seldon.protos.Model/Predict` keeping 8 calls in flight over one HTTP/2
connection (127.0.0.1 only), for a 1x4 and a 100x10 tensor, with h2load or a
grpc.aio client (`drivers.py`). Runs alternate between the servers in short
rounds, so a busy machine slows both alike; latencies of all rounds are
pooled. It prints req/s, p50, p99 and the server's CPU time per request (all
its processes; the figure that does not depend on what else the machine is
doing) and the ratios.

    .venv/bin/python bench/grpc/run.py [--client h2load|python] [--rounds 3] [--duration 4]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import grpc
import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "runtime"))
import anchor_venv  # noqa: E402
from drivers import DRIVERS, expected_reply  # noqa: E402

from seldon_runtime.proto import messages as pb  # noqa: E402

ECHO_MODEL = """
class Echo:
    def predict(self, X, features_names, meta=None):
        return X
"""
PREDICT = "/seldon.protos.Model/Predict"
IN_FLIGHT = 8


def workloads() -> dict[str, bytes]:
    out = {}
    for rows, cols in ((1, 4), (100, 10)):
        msg = pb.SeldonMessage()
        msg.data.tensor.shape.extend([rows, cols])
        msg.data.tensor.values.extend(np.arange(rows * cols, dtype=float) * 0.5)
        out[f"tensor {rows}x{cols}"] = msg.SerializeToString()
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], cwd: Path, env: dict, grpc_port: int, log: Path) -> subprocess.Popen:
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    channel = grpc.insecure_channel(f"127.0.0.1:{grpc_port}")
    try:
        grpc.channel_ready_future(channel).result(timeout=90)
    except grpc.FutureTimeoutError:
        stop(proc)
        raise RuntimeError(f"{cmd[0]} did not serve gRPC; see {log}") from None
    finally:
        channel.close()
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def check_same(workload: str, replies: list[bytes]) -> None:
    """Both servers must answer the same tensor, or the comparison means nothing."""
    tensors = [pb.SeldonMessage.FromString(r).data.tensor for r in replies]
    if any(t != tensors[0] for t in tensors):
        raise SystemExit(f"{workload}: the servers answer differently: {tensors}")


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by every process of a process group."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def summary(latencies: list[float], seconds: float, cpu: float) -> dict:
    """req/s, p50 and p99 (ms) and server CPU (us) per request."""
    lat = np.array(latencies) * 1000
    return {
        "rps": len(lat) / seconds,
        "p50": float(np.percentile(lat, 50)),
        "p99": float(np.percentile(lat, 99)),
        "cpu_us": cpu / len(lat) * 1e6,
    }


def servers(anchor: Path, args) -> list[tuple[str, list[str], dict]]:
    common = {
        "GRPC_WORKERS": str(args.grpc_workers),
        "GRPC_THREADS": str(args.grpc_threads),
        "GUNICORN_WORKERS": "1",
    }
    return [
        ("seldon-runtime", [sys.executable, "-m", "seldon_runtime", "Echo"], common),
        ("seldon-core 1.18.2", [str(anchor / "bin" / "seldon-core-microservice"), "Echo"], common),
    ]


def base_env() -> dict:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("PREDICTIVE_UNIT", "SELDON_", "GRPC_", "GUNICORN_"))}


def table(results: dict, names: list[str]) -> str:
    ours, theirs = names
    lines = [
        "| workload | server | req/s | p50 ms | p99 ms | server CPU per request |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for workload, by_server in results.items():
        for name in names:
            r = by_server[name]
            lines.append(f"| {workload} | {name} | {r['rps']:.0f} | {r['p50']:.2f} | "
                         f"{r['p99']:.2f} | {r['cpu_us']:.0f} us |")
        a, b = by_server[ours], by_server[theirs]
        lines.append(f"| {workload} | **ratio** | **{a['rps'] / b['rps']:.2f}x** | "
                     f"{b['p50'] / a['p50']:.2f}x lower | {b['p99'] / a['p99']:.2f}x lower | "
                     f"{b['cpu_us'] / a['cpu_us']:.2f}x less |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=4.0, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--grpc-workers", type=int, default=1)
    parser.add_argument("--grpc-threads", type=int, default=1)
    parser.add_argument("--client", choices=sorted(DRIVERS), default="h2load",
                        help="load driver (default h2load, Debian package nghttp2-client)")
    args = parser.parse_args()
    driver = DRIVERS[args.client](IN_FLIGHT)

    anchor = anchor_venv.ensure()
    loads = workloads()
    # (workload, server) -> [latencies, server CPU seconds, measured seconds]
    pooled: dict = {(w, n): [[], 0.0, 0.0] for w in loads for n, _, _ in servers(anchor, args)}
    names = [n for n, _, _ in servers(anchor, args)]
    with tempfile.TemporaryDirectory(prefix="grpc-bench-") as tmp:
        work = Path(tmp)
        (work / "Echo.py").write_text(ECHO_MODEL)
        procs, ports = [], {}
        try:
            for name, cmd, extra in servers(anchor, args):
                grpc_port = free_port()
                env = {
                    **base_env(),
                    **extra,
                    "PREDICTIVE_UNIT_GRPC_SERVICE_PORT": str(grpc_port),
                    "PREDICTIVE_UNIT_HTTP_SERVICE_PORT": str(free_port()),
                    "PREDICTIVE_UNIT_METRICS_SERVICE_PORT": str(free_port()),
                    "PYTHONPATH": str(REPO / "runtime"),
                }
                procs.append(start(cmd, work, env, grpc_port, work / f"{len(procs)}.log"))
                ports[name] = grpc_port
            replies = {(w, n): expected_reply(ports[n], PREDICT, request)
                       for w, request in loads.items() for n in names}
            for workload in loads:
                check_same(workload, [replies[workload, n] for n in names])
            for i in range(args.rounds):
                for workload, request in loads.items():
                    for name in names:
                        pgid = procs[names.index(name)].pid
                        got = driver.run(ports[name], PREDICT, request, replies[workload, name],
                                         args.duration, args.warmup,
                                         lambda pgid=pgid: group_cpu_seconds(pgid))
                        pooled[workload, name][0].extend(got.latencies)
                        pooled[workload, name][1] += got.cpu
                        pooled[workload, name][2] += got.seconds
                        r = summary(got.latencies, got.seconds, got.cpu)
                        print(f"round {i + 1} {name:>20} {workload:>14}: {r['rps']:8.0f} req/s  "
                              f"p50 {r['p50']:6.2f} ms  p99 {r['p99']:6.2f} ms  "
                              f"cpu {r['cpu_us']:6.0f} us/req", file=sys.stderr)
        finally:
            for proc in procs:
                stop(proc)
    results = {
        w: {n: summary(pooled[w, n][0], pooled[w, n][2], pooled[w, n][1]) for n in names}
        for w in loads
    }
    print(f"\ngRPC Model/Predict, {args.grpc_workers} worker(s) x {args.grpc_threads} thread(s), "
          f"{IN_FLIGHT} calls in flight ({driver.name}), {args.rounds} x {args.duration:.0f} s per "
          "server and workload\n")
    print(table(results, names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
