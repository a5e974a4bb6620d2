"""Reliability: seldon-runtime and seldon-core 1.18.2 under stalled clients, SIGTERM, a long
soak, and the memory of a big model with and without --preload.

    .venv/bin/python bench/reliability/run.py                 # every scenario, ~10 minutes
    .venv/bin/python bench/reliability/run.py --only memory stalls

Scenarios (1 REST worker, echo model, 127.0.0.1, gRPC off unless said):
  stalls  a keep-alive client sends requests back to back for --seconds, alone and then
          next to 100 stalled clients (34 stop in their headers, 33 in their body, 33 drip
          one byte a second); failures, p50/p99, and how many stalled sockets the server had
          closed by 10 s after that run (ours: --header-timeout 5 --body-timeout 5)
  sigterm 4 keep-alive clients; SIGTERM to the main process after --sigterm-after answered
          requests; answered / refused / unanswered / cut mid-response, time to exit
  soak    wrk until --soak-requests (seldon-core: --soak-core-requests) are answered; RSS of
          each server process and open fds after the first 10% and at the end
  memory  total PSS (/proc/PID/smaps_rollup) of the whole process tree, a model holding
          200 MB of numpy weights, 4 REST workers + 1 gRPC worker (seldon-runtime only)
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "bench" / "runtime"), str(REPO / "tests")]

import anchor_venv  # noqa: E402
from traffic_clients import Crowd, Drip, Steady, all_closed_by_server, stalled  # noqa: E402

_spec = importlib.util.spec_from_file_location("throughput", REPO / "bench/runtime/run.py")
throughput = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(throughput)

WEIGHTS_MODEL = """
import os
import numpy as np


class Weights:
    def __init__(self, megabytes=0):
        self.megabytes = int(megabytes)

    def load(self):
        self.weights = np.random.default_rng(0).random(self.megabytes * 1024 * 1024 // 8)

    def predict(self, X, names):
        return [[float(self.weights[:1000].sum()), os.getpid()]]
"""
SMALL = {"data": {"ndarray": [[1.0, 2.0, 3.0, 4.0]]}}
OURS, CORE = "seldon-runtime", "seldon-core 1.18.2"


def start(kind: str, work: Path, anchor: Path, model: str = "Echo", args: tuple = (),
          env: dict | None = None) -> tuple:
    port, metrics = throughput.free_port(), throughput.free_port()
    full = throughput.base_env()
    full.update({"PREDICTIVE_UNIT_HTTP_SERVICE_PORT": str(port),
                 "PREDICTIVE_UNIT_METRICS_SERVICE_PORT": str(metrics),
                 "PREDICTIVE_UNIT_GRPC_SERVICE_PORT": str(throughput.free_port())})
    full.update(env or {})
    program = ([sys.executable, "-m", "seldon_runtime"] if kind == OURS
               else [str(anchor / "bin" / "seldon-core-microservice")])
    return throughput.Server(kind, [*program, model, *args], work, full, port), port


def percentile(values: list, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def steady_for(port: int, seconds: float) -> Steady:
    client = Steady(port, SMALL)
    client.start()
    time.sleep(seconds)
    client.stop.set()
    client.join(15)
    return client


def stalls(kind: str, work: Path, anchor: Path, seconds: float) -> list[str]:
    args = ("--header-timeout", "5", "--body-timeout", "5") if kind == OURS else ()
    server, port = start(kind, work, anchor, args=args)
    try:
        alone = steady_for(port, seconds)
        socks = [stalled(port, "head") for _ in range(34)] + [stalled(port, "body")
                                                             for _ in range(33)]
        drip = Drip(port, 1.0, count=33)  # one thread: the client's GIL stays the client's
        drip.start()
        crowded = steady_for(port, seconds)
        closed = all_closed_by_server(socks, within=10)
        drip.join(0.1)
        closed += len(drip.closed_after)
    finally:
        server.stop()
    rows = []
    for name, c in (("alone", alone), ("100 stalled", crowded)):
        failed = sum(v for k, v in c.outcomes.items() if k != "ok")
        rows.append(f"| {kind} | {name} | {c.outcomes['ok']} | {failed} | "
                    f"{percentile(c.latencies, 0.5) * 1e3:.2f} | "
                    f"{percentile(c.latencies, 0.99) * 1e3:.2f} | "
                    f"{closed if name != 'alone' else ''} |")
    return rows


def sigterm(kind: str, work: Path, anchor: Path, after: int) -> str:
    server, port = start(kind, work, anchor)
    crowd = Crowd(port, SMALL, 4)
    while crowd.answered() < after:
        time.sleep(0.05)
    started = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    try:
        server.proc.wait(60)
        exited = f"{time.monotonic() - started:.2f}"
    except subprocess.TimeoutExpired:
        exited = "> 60 (killed)"
        server.stop()
    time.sleep(0.5)
    total = crowd.finish()
    other = sum(v for k, v in total.items() if k not in ("ok", "refused", "unanswered",
                                                          "partial"))
    return (f"| {kind} | {total['ok']} | {total['refused']} | {total['unanswered']} | "
            f"{total['partial']} | {other} | {exited} |")


def tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(p)], capture_output=True,
                             text=True).stdout
        todo += [int(x) for x in out.split()]
    return pids


def rss_and_fds(pid: int) -> tuple[int, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def soak(kind: str, work: Path, anchor: Path, requests: int) -> list[str]:
    server, port = start(kind, work, anchor)
    lua = work / "soak.lua"
    throughput.write_lua(lua, SMALL)
    done, first, chunk = 0, None, 5
    try:
        while done < requests:
            out = subprocess.run(["wrk", "-t", "2", "-c", "8", "-d", f"{chunk}s", "-s",
                                  str(lua), f"http://127.0.0.1:{port}/predict"],
                                 capture_output=True, text=True, check=True).stdout
            done += int(re.search(r"(\d+) requests in", out).group(1))
            bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            assert not bad, out
            if first is None and done >= requests // 10:
                first = {p: rss_and_fds(p) for p in tree(server.proc.pid)}
        last = {p: rss_and_fds(p) for p in tree(server.proc.pid)}
    finally:
        server.stop()
    rows = []
    for pid, (rss0, fd0) in sorted(first.items()):
        if pid in last:
            rss1, fd1 = last[pid]
            rows.append(f"| {kind} | {done} | {pid} | {rss0 / 1024:.1f} | {rss1 / 1024:.1f} | "
                        f"{100 * (rss1 - rss0) / rss0:+.1f}% | {fd0} | {fd1} |")
    return rows


def total_pss(pid: int) -> float:
    total = 0
    for p in tree(pid):
        text = Path(f"/proc/{p}/smaps_rollup").read_text()
        total += int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))
    return total / 1024


def memory(work: Path, anchor: Path, megabytes: int) -> list[str]:
    (work / "Weights.py").write_text(WEIGHTS_MODEL)
    results = {}
    for name, size, extra in (("no weights (baseline)", 0, ()),
                              (f"{megabytes} MB weights", megabytes, ()),
                              (f"{megabytes} MB weights, --preload", megabytes, ("--preload",))):
        params = f'[{{"name": "megabytes", "value": "{size}", "type": "INT"}}]'
        server, port = start(OURS, work, anchor, "Weights",
                             ("--workers", "4", "--parameters", params, *extra),
                             env={"GRPC_WORKERS": "1"})
        try:
            previous, stable = -1.0, 0
            while stable < 3:  # every worker (gRPC included) has loaded
                time.sleep(1)
                now = total_pss(server.proc.pid)
                stable = stable + 1 if abs(now - previous) < 2 else 0
                previous = now
            results[name] = (previous, len(tree(server.proc.pid)))
        finally:
            server.stop()
    baseline = results["no weights (baseline)"][0]
    rows = []
    for name, (pss, procs) in results.items():
        rows.append(f"| {name} | {procs} | {pss:.0f} | {pss / (baseline + megabytes):.2f}x |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=("stalls", "sigterm", "soak", "memory"),
                        default=("stalls", "sigterm", "soak", "memory"))
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--sigterm-after", type=int, default=20000)
    parser.add_argument("--soak-requests", type=int, default=1_000_000)
    parser.add_argument("--soak-core-requests", type=int, default=200_000)
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()
    anchor = anchor_venv.ensure()
    work = Path(tempfile.mkdtemp(prefix="seldon-reliability-"))
    (work / "Echo.py").write_text(throughput.ECHO_MODEL)
    if "stalls" in args.only:
        print("| server | run | answered | failed | p50 ms | p99 ms | stalled closed (of 100) |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: |", flush=True)
        for kind in (OURS, CORE):
            print("\n".join(stalls(kind, work, anchor, args.seconds)), flush=True)
    if "sigterm" in args.only:
        print("\n| server | answered | refused | unanswered | cut mid-response | other | "
              "exit s |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)
        for kind in (OURS, CORE):
            print(sigterm(kind, work, anchor, args.sigterm_after), flush=True)
    if "soak" in args.only:
        print("\n| server | requests | pid | RSS MB at 10% | RSS MB at end | growth | fds at 10%"
              " | fds at end |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)
        for kind, n in ((OURS, args.soak_requests), (CORE, args.soak_core_requests)):
            print("\n".join(soak(kind, work, anchor, n)), flush=True)
    if "memory" in args.only:
        print(f"\n| seldon-runtime, 4 REST + 1 gRPC worker | processes | total PSS MB | "
              f"vs baseline + {args.megabytes} MB |")
        print("| --- | ---: | ---: | ---: |")
        print("\n".join(memory(work, anchor, args.megabytes)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
