"""gRPC throughput: seldon-runtime vs seldon-core 1.18.2, same echo model, same processes.

One invocation builds (or reuses) the seldon-core venv, starts both servers
with the same gRPC worker and thread counts, and drives
`seldon.protos.Model/Predict` with a grpc.aio client keeping 8 calls in
flight over one channel (127.0.0.1 only), for a 1x4 and a 100x10 tensor.
Runs alternate between the servers in short rounds, so a busy machine
slows both alike; latencies of all rounds are pooled. It prints req/s, p50,
p99 and the server's CPU time per request (all its processes; the figure
that does not depend on what else the machine is doing) and the ratios.

    .venv/bin/python bench/grpc/run.py [--rounds 3] [--duration 4] [--grpc-workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc
import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "runtime"))
import anchor_venv  # noqa: E402

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


async def drive(port: int, request: bytes, duration: float, warmup: float) -> list[float]:
    """Keep IN_FLIGHT calls going for `duration` seconds; latencies (s) of completed calls."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        call = channel.unary_unary(PREDICT)  # bytes in, bytes out: minimal client work
        reply = await call(request, timeout=30)
        check = pb.SeldonMessage.FromString(reply)
        assert check.WhichOneof("data_oneof") == "data", check
        latencies: list[float] = []
        start = time.perf_counter()
        measure_from = start + warmup
        end = measure_from + duration

        async def worker() -> None:
            while True:
                t0 = time.perf_counter()
                if t0 >= end:
                    return
                await call(request, timeout=30)  # an error fails the benchmark
                if t0 >= measure_from:
                    latencies.append(time.perf_counter() - t0)

        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return latencies


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
    args = parser.parse_args()

    anchor = anchor_venv.ensure()
    loads = workloads()
    # (workload, server) -> [latencies, server CPU seconds]
    pooled: dict = {(w, n): [[], 0.0] for w in loads for n, _, _ in servers(anchor, args)}
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
            for i in range(args.rounds):
                for workload, request in loads.items():
                    for name in names:
                        pgid = procs[names.index(name)].pid
                        cpu0 = group_cpu_seconds(pgid)
                        got = asyncio.run(drive(ports[name], request, args.duration, args.warmup))
                        # includes the warm-up calls: counted in the per-request figure below
                        cpu = (group_cpu_seconds(pgid) - cpu0) * args.duration / (
                            args.duration + args.warmup)
                        pooled[workload, name][0].extend(got)
                        pooled[workload, name][1] += cpu
                        r = summary(got, args.duration, cpu)
                        print(f"round {i + 1} {name:>20} {workload:>14}: {r['rps']:8.0f} req/s  "
                              f"p50 {r['p50']:6.2f} ms  p99 {r['p99']:6.2f} ms  "
                              f"cpu {r['cpu_us']:6.0f} us/req", file=sys.stderr)
        finally:
            for proc in procs:
                stop(proc)
    results = {
        w: {n: summary(pooled[w, n][0], args.duration * args.rounds, pooled[w, n][1])
            for n in names}
        for w in loads
    }
    print(f"\ngRPC Model/Predict, {args.grpc_workers} worker(s) x {args.grpc_threads} thread(s), "
          f"{IN_FLIGHT} calls in flight, {args.rounds} x {args.duration:.0f} s per server and "
          "workload\n")
    print(table(results, names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
