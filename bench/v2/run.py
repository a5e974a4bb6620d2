"""V2 (Open Inference Protocol) throughput: seldon-runtime vs MLServer, same echo model, one run.

Both servers run the same class (`tests/runtime_v2/models/V2Models.py:Echo`,
`predict` returns `X`; MLServer through the `MLModel` wrapper of the
comparison tests) with one worker each: seldon-runtime with 1 gunicorn worker
and 1 gRPC worker, MLServer with `parallel_workers: 0` (inference in its one
server process). For 1x4 and 100x10 FP32 tensors it drives

- REST `POST /v2/models/Echo/infer` (JSON) with wrk (2 threads, 8 connections),
- gRPC `inference.GRPCInferenceService/ModelInfer` (raw_input_contents, as
  Triton clients send) with h2load (8 calls in flight, one connection),

alternating servers in rounds so a busy machine slows both alike, and prints
req/s, p50 and p99 with the ratios. It also measures seldon-runtime's Seldon
protocol rows (REST ndarray and gRPC tensor), and with `--baseline DIR` the same
rows for another checkout's runtime (e.g. /work/main/runtime) in the same run,
to show they did not drop.

    .venv/bin/python bench/v2/run.py [--rounds 3] [--duration 5] [--baseline ../main/runtime]

Needs wrk and h2load (Debian `wrk`, `nghttp2-client`) and, the first time,
PyPI for MLServer's cached venv (bench/runtime/mlserver_venv.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "tests" / "runtime_v2" / "models"
sys.path.insert(0, str(REPO / "bench" / "runtime"))
sys.path.insert(0, str(REPO / "bench" / "grpc"))
import mlserver_venv  # noqa: E402
from drivers import H2load, expected_reply  # noqa: E402

from seldon_runtime.proto import messages as pb  # noqa: E402
from seldon_runtime.proto.pool import message_class  # noqa: E402


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rest_bench = _load("rest_bench", REPO / "bench" / "runtime" / "run.py")
grpc_bench = _load("grpc_bench", REPO / "bench" / "grpc" / "run.py")

INFER = "/inference.GRPCInferenceService/ModelInfer"
PREDICT = "/seldon.protos.Model/Predict"
SHAPES = ((1, 4), (100, 10))
MLSERVER = "MLServer 1.7.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def v2_json(rows: int, cols: int) -> dict:
    data = (np.arange(rows * cols, dtype=np.float32) * 0.5).tolist()
    return {"id": "bench", "inputs": [{"name": "x", "datatype": "FP32", "shape": [rows, cols],
                                       "data": data}]}


def v2_grpc(rows: int, cols: int) -> bytes:
    msg = message_class("inference.ModelInferRequest")(model_name="Echo", id="bench")
    msg.inputs.add(name="x", datatype="FP32", shape=[rows, cols])
    msg.raw_input_contents.append((np.arange(rows * cols, dtype="<f4") * 0.5).tobytes())
    return msg.SerializeToString()


def seldon_grpc(rows: int, cols: int) -> bytes:
    msg = pb.SeldonMessage()
    msg.data.tensor.shape.extend([rows, cols])
    msg.data.tensor.values.extend(np.arange(rows * cols, dtype=float) * 0.5)
    return msg.SerializeToString()


class Proc:
    def __init__(self, name: str, cmd: list[str], cwd: Path, env: dict, log: Path,
                 http: int, grpc_port: int, v2: bool = True):
        self.name, self.http, self.grpc_port, self.v2 = name, http, grpc_port, v2
        self.url = f"http://127.0.0.1:{http}"
        with open(log, "wb") as fh:
            self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self.pgid = self.proc.pid  # its own session: every process it starts is counted
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{name} exited; see {log}")
            try:
                ready = "/v2/models/Echo/ready" if v2 else "/health/ping"
                with urllib.request.urlopen(self.url + ready, timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        if v2:  # gRPC is up too
            expected_reply(grpc_port, INFER, v2_grpc(1, 4))
        else:
            expected_reply(grpc_port, PREDICT, seldon_grpc(1, 4))

    def stop(self) -> None:
        grpc_bench.stop(self.proc)


def base_env() -> dict:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("PREDICTIVE_UNIT", "SELDON_", "GRPC_", "GUNICORN_",
                                 "PROMETHEUS", "MLSERVER"))}


def start_ours(name: str, runtime: Path, work: Path, v2: bool = True) -> Proc:
    http, grpc_port = free_port(), free_port()
    env = {**base_env(), "PYTHONPATH": str(runtime), "GUNICORN_WORKERS": "1",
           "GRPC_WORKERS": "1", "SELDON_SERVED_MODEL_NAME": "Echo",
           "PREDICTIVE_UNIT_HTTP_SERVICE_PORT": str(http),
           "PREDICTIVE_UNIT_GRPC_SERVICE_PORT": str(grpc_port),
           "PREDICTIVE_UNIT_METRICS_SERVICE_PORT": str(free_port()), "SELDON_HOST": "127.0.0.1"}
    return Proc(name, [sys.executable, "-m", "seldon_runtime", "V2Models.Echo"], MODELS, env,
                work / f"{name.replace(' ', '_')}.log", http, grpc_port, v2)


def start_mlserver(work: Path) -> Proc:
    http, grpc_port = free_port(), free_port()
    root = work / "mlserver"
    (root / "Echo").mkdir(parents=True)
    (root / "Echo" / "model-settings.json").write_text(json.dumps(
        {"name": "Echo", "implementation": "mlserver_models.Echo"}))
    (root / "settings.json").write_text(json.dumps({
        "http_port": http, "grpc_port": grpc_port, "metrics_port": free_port(),
        "host": "127.0.0.1", "parallel_workers": 0, "debug": False}))
    mlserver = mlserver_venv.ensure() / "bin" / "mlserver"
    env = {**base_env(), "PYTHONPATH": str(MODELS)}
    return Proc(MLSERVER, [str(mlserver), "start", str(root)], root, env, work / "mlserver.log",
                http, grpc_port)


def rest_run(url: str, lua: Path):
    def run(s: Proc, duration: int, h2load: H2load, cpu) -> dict:
        cpu0 = cpu()
        result = rest_bench.run_wrk(url, lua, duration)
        # the CPU clock also spans run_wrk's 1 s warm-up at the same load
        result["cpu_us"] = (cpu() - cpu0) / (result["rps"] * (duration + 1)) * 1e6
        return result

    return run


def grpc_run(method: str, request: bytes):
    def run(s: Proc, duration: int, h2load: H2load, cpu) -> dict:
        reply = expected_reply(s.grpc_port, method, request)
        got = h2load.run(s.grpc_port, method, request, reply, duration, 1.0, cpu)
        result = grpc_bench.summary(got.latencies, got.seconds, got.cpu)
        result.update(p50=result["p50"] / 1000, p99=result["p99"] / 1000)
        return result

    return run


def plan(s: Proc, rows: int, cols: int, luas: dict, only: str | None) -> list:
    """(protocol, run) pairs for server `s`: V2 on ours and MLServer, Seldon on ours only."""
    out = []
    if only != "seldon" and s.v2:
        out.append(("V2 REST", rest_run(f"{s.url}/v2/models/Echo/infer", luas["v2", rows, cols])))
        out.append(("V2 gRPC", grpc_run(INFER, v2_grpc(rows, cols))))
    if only != "v2" and s.name != MLSERVER:
        out.append(("Seldon REST", rest_run(f"{s.url}/api/v1.0/predictions",
                                            luas["seldon", rows, cols])))
        out.append(("Seldon gRPC", grpc_run(PREDICT, seldon_grpc(rows, cols))))
    return out


def write_lua(path: Path, body: dict) -> Path:
    rest_bench.write_lua(path, body)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk/h2load run")
    parser.add_argument("--only", choices=("v2", "seldon"), help="run only these rows")
    parser.add_argument("--baseline", type=Path, help="another runtime/ directory to compare "
                        "the Seldon-protocol rows with")
    args = parser.parse_args()
    h2load = H2load(8)
    rows: dict = {}  # (transport, workload, server) -> list of result dicts

    def add(key, result):
        rows.setdefault(key, []).append(result)

    with tempfile.TemporaryDirectory(prefix="v2-bench-") as tmp:
        work = Path(tmp)
        servers = [start_ours("seldon-runtime", REPO / "runtime", work)]
        if args.only != "seldon":
            servers.append(start_mlserver(work))
        if args.baseline:
            servers.append(start_ours("seldon-runtime (baseline)", args.baseline.resolve(), work,
                                      v2=False))
        try:
            luas = {}
            for r, c in SHAPES:
                luas["v2", r, c] = write_lua(work / f"v2-{r}x{c}.lua", v2_json(r, c))
                luas["seldon", r, c] = write_lua(
                    work / f"seldon-{r}x{c}.lua",
                    {"data": {"ndarray": (np.arange(r * c).reshape(r, c) * 0.5).tolist()}})
            for i in range(args.rounds):
                print(f"round {i + 1}/{args.rounds}", file=sys.stderr, flush=True)
                for r, c in SHAPES:
                    for s in servers:
                        for transport, run in plan(s, r, c, luas, args.only):
                            cpu = lambda s=s: grpc_bench.group_cpu_seconds(s.pgid)  # noqa: E731
                            add((transport, f"{r}x{c} FP32", s.name),
                                run(s, args.duration, h2load, cpu))
        finally:
            for s in servers:
                s.stop()
    print(table(rows))
    return 0


def _best(results: list[dict]) -> dict:
    """The best round (highest req/s): damps interference from other work on the host."""
    return max(results, key=lambda r: r["rps"])


def table(rows: dict) -> str:
    lines = ["| protocol | workload | server | req/s | p50 ms | p99 ms | server CPU per request "
             "| vs reference |", "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    order = sorted(rows, key=lambda k: (k[0], k[1], k[2] != "seldon-runtime"))
    for transport, workload, server in order:
        r = _best(rows[transport, workload, server])
        ref_name = MLSERVER if transport.startswith("V2") else "seldon-runtime (baseline)"
        ref = rows.get((transport, workload, ref_name))
        ratio = ""
        if ref and server == "seldon-runtime":
            ratio = f"{r['rps'] / _best(ref)['rps']:.2f}x"
        if r.get("non2xx"):
            ratio += f" ({r['non2xx']} errors)"
        cpu = min(x["cpu_us"] for x in rows[transport, workload, server])
        lines.append(f"| {transport} | {workload} | {server} | {r['rps']:.0f} | "
                     f"{r['p50'] * 1000:.2f} | {r['p99'] * 1000:.2f} | {cpu:.0f} us | {ratio} |")
    return "\n".join(lines)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    raise SystemExit(main())
