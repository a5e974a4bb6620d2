"""Load drivers for one gRPC unary method: h2load (C, the default) or a grpc.aio client.

Both keep `in_flight` calls going on one HTTP/2 connection to 127.0.0.1 and
return the latency of every measured call. The server under test shares this
2-core host with the driver, so a driver that costs less CPU per call leaves
more of the machine to the server: a Python grpc client spends about as much
CPU per call as our server does, h2load a small fraction of it.

h2load speaks plain HTTP/2, not gRPC: it cannot read `grpc-status`. A call
that fails answers with trailers only and no DATA, so `H2load` checks that the
DATA it received is exactly one expected reply frame per request, and
`expected_reply` gets that frame from a real gRPC call first.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import grpc

CpuClock = Callable[[], float]  # CPU seconds used so far by the server under test


@dataclass
class Run:
    latencies: list[float]  # seconds, one per measured call
    seconds: float  # wall time of the measured part
    cpu: float  # server CPU seconds during the measured part


def frame(message: bytes) -> bytes:
    """A gRPC length-prefixed message (uncompressed)."""
    return b"\x00" + struct.pack(">I", len(message)) + message


def expected_reply(port: int, method: str, request: bytes) -> bytes:
    """The reply of one real gRPC call (an error status raises)."""
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        return channel.unary_unary(method)(request, timeout=30)


class H2load:
    """h2load (Debian `nghttp2-client`) posting the framed request `requests` times."""

    name = "h2load"

    def __init__(self, in_flight: int):
        self.in_flight = in_flight
        if shutil.which("h2load") is None:
            raise SystemExit(
                "h2load not found: apt-get install nghttp2-client, or use --client python"
            )

    def _h2load(self, port: int, method: str, body: Path, requests: int, log: Path) -> str:
        cmd = [
            "h2load", "-n", str(requests), "-c", "1", "-m", str(self.in_flight),
            "-d", str(body), "-H", "content-type: application/grpc", "-H", "te: trailers",
            f"--log-file={log}", f"http://127.0.0.1:{port}{method}",
        ]  # fmt: skip
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    def run(self, port: int, method: str, request: bytes, reply: bytes, duration: float,
            warmup: float, cpu: CpuClock) -> Run:
        with tempfile.TemporaryDirectory(prefix="h2load-") as tmp:
            body, log = Path(tmp) / "request", Path(tmp) / "log"
            body.write_bytes(frame(request))
            # The warm-up also sizes the measured run: a fixed request count
            # makes the DATA check exact, which a time limit would not.
            warm = max(200, self.in_flight)
            t0 = time.perf_counter()
            self._h2load(port, method, body, warm, log)
            rate = warm / (time.perf_counter() - t0)
            while time.perf_counter() - t0 < warmup:
                self._h2load(port, method, body, warm, log)
            count = max(self.in_flight, int(rate * duration))
            cpu0, t0 = cpu(), time.perf_counter()
            out = self._h2load(port, method, body, count, log)
            seconds, used = time.perf_counter() - t0, cpu() - cpu0
            _check(out, count, len(frame(reply)))
            latencies = [int(line.split("\t")[2]) / 1e6 for line in log.read_text().splitlines()]
        return Run(latencies, _finished_in(out) or seconds, used)


def _finished_in(out: str) -> float | None:
    found = re.search(r"finished in ([\d.]+)(m?s),", out)
    if not found:
        return None
    value = float(found.group(1))
    return value / 1000 if found.group(2) == "ms" else value


def _check(out: str, count: int, reply_frame: int) -> None:
    done = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded", out)
    data = re.search(r"traffic: .*?, [^,]*headers[^,]*, \S+ \((\d+)\) data", out)
    if not done or not data:
        raise RuntimeError(f"unexpected h2load output:\n{out}")
    if int(done.group(2)) != count or int(data.group(1)) != count * reply_frame:
        raise RuntimeError(
            f"{count} calls: {done.group(2)} answered 2xx with {data.group(1)} bytes of DATA, "
            f"expected {count * reply_frame} (some calls failed with a gRPC error):\n{out}"
        )


class AioClient:
    """A grpc.aio client, requests pre-serialized and replies left as bytes."""

    name = "python grpc.aio"

    def __init__(self, in_flight: int):
        self.in_flight = in_flight

    def run(self, port: int, method: str, request: bytes, reply: bytes, duration: float,
            warmup: float, cpu: CpuClock) -> Run:
        return asyncio.run(self._drive(port, method, request, duration, warmup, cpu))

    async def _drive(self, port: int, method: str, request: bytes, duration: float,
                     warmup: float, cpu: CpuClock) -> Run:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            call = channel.unary_unary(method)
            latencies: list[float] = []
            measure_from = time.perf_counter() + warmup
            end = measure_from + duration

            async def worker() -> None:
                while True:
                    t0 = time.perf_counter()
                    if t0 >= end:
                        return
                    await call(request, timeout=30)  # an error fails the benchmark
                    if t0 >= measure_from:
                        latencies.append(time.perf_counter() - t0)

            async def clock() -> float:
                await asyncio.sleep(warmup)
                return cpu()

            cpu0, *_ = await asyncio.gather(clock(), *(worker() for _ in range(self.in_flight)))
        return Run(latencies, duration, cpu() - cpu0)


DRIVERS = {"h2load": H2load, "python": AioClient}
