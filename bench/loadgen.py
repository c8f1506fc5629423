"""Drive HTTP load for a fixed time: wrk when available, a small Python generator otherwise.

Both return a :class:`LoadResult` (requests per second, median and 99th percentile latency,
errors). wrk is Debian's ``wrk`` package; :func:`find_wrk` installs it with apt-get when it is
missing and the script may (root, or sudo without a password).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    """What one fixed-time run against one address measured."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int

    @property
    def errors(self) -> int:
        """Responses outside 2xx/3xx, and connections that failed, read or wrote badly, timed out."""
        return self.non_2xx_3xx + self.socket_errors


def find_wrk(install: bool = True) -> str | None:
    """The path of wrk, installing Debian's package first if it is missing and we may."""
    found = shutil.which("wrk")
    if found or not install:
        return found
    prefix: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            return None
        prefix = ["sudo", "-n"]
    apt = shutil.which("apt-get")
    if not apt:
        return None
    print("==> wrk is missing: installing Debian's package (apt-get install wrk)", flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [*prefix, apt, "install", "-y", "-q", "wrk"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        subprocess.run(  # noqa: S603 - fixed arguments
            [*prefix, apt, "update", "-q"], env=environment, capture_output=True, check=False
        )
        subprocess.run(  # noqa: S603
            [*prefix, apt, "install", "-y", "-q", "wrk"],
            env=environment,
            capture_output=True,
            check=False,
        )
    return shutil.which("wrk")


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> LoadResult:
    """Read wrk's ``--latency`` report."""
    requests = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if not (requests and rps):
        raise RuntimeError(f"wrk gave no result:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = sum(int(n) for n in sockets.groups()) if sockets else 0
    return LoadResult(
        requests=int(requests.group(1)),
        seconds=_duration_ms(requests.group(2) + requests.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50_ms=_duration_ms(p50.group(1)) if p50 else float("nan"),
        p99_ms=_duration_ms(p99.group(1)) if p99 else float("nan"),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=socket_errors,
    )


def run_wrk(
    wrk: str, url: str, connections: int, seconds: float, headers: dict[str, str]
) -> LoadResult:
    """One wrk run: ``connections`` open connections for ``seconds``, latency percentiles on."""
    threads = max(1, min(connections, os.cpu_count() or 1))
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def run_python(url: str, connections: int, seconds: float, headers: dict[str, str]) -> LoadResult:
    """The fallback: one thread per connection, each sending requests one after another.

    Slower than wrk (the generator competes for the CPU and holds the GIL), so its numbers are a
    floor; the results file says which generator ran.
    """
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[float] = []
    counts = {"bad_status": 0, "socket": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        connection: http.client.HTTPConnection | None = None
        mine: list[float] = []
        bad = sockets = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(host, port, timeout=10)
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                response.read()
                if not 200 <= response.status < 400:
                    bad += 1
                if response.will_close:
                    connection.close()
                    connection = None
            except OSError:
                sockets += 1
                if connection is not None:
                    connection.close()
                connection = None
                continue
            mine.append((time.perf_counter() - started) * 1000)
        if connection is not None:
            connection.close()
        with lock:
            latencies.extend(mine)
            counts["bad_status"] += bad
            counts["socket"] += sockets

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        rps=len(latencies) / elapsed if elapsed else 0.0,
        p50_ms=_percentile(latencies, 0.50),
        p99_ms=_percentile(latencies, 0.99),
        non_2xx_3xx=counts["bad_status"],
        socket_errors=counts["socket"],
    )
