"""Requests per second of the public neighbourhood page under gunicorn, measured with wrk,
beside a bare Flask "hello" served with the same gunicorn settings."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from wingrant.paths import ROOT

from .databases import INSTANCE, SECRET

WRK_MISSING = ("wrk is not installed: the throughput figure is skipped. Install it with "
               "`sudo apt-get install wrk` (Debian/Ubuntu) or `brew install wrk` (macOS).")
#: Same for both apps: one sync worker per core, as the README's production example.
WORKERS = max(2, os.cpu_count() or 2)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def start_gunicorn(target: str, port: int, env: dict, *, workers: int = WORKERS,
                   extra: list[str] | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", *(extra or []), target]
    return subprocess.Popen(command, cwd=str(ROOT), env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn ended: {proc.stderr.read().decode(errors='replace')[-800:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)
    if proc.stderr is not None:
        proc.stderr.close()


def run_wrk(url: str, *, seconds: int, connections: int, threads: int = 2, headers: list[str] | None = None) -> dict:
    """wrk's requests/s, errors and p50; ``headers`` ("Name: value") are sent with every request."""
    options = [arg for header in headers or [] for arg in ("-H", header)]
    out = subprocess.run([wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *options, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    return {"requests_per_second": rps, "non_2xx": int(errors.group(1)) if errors else 0,
            "latency_p50_ms": _ms(p50) if p50 else None}


def _ms(match) -> float:
    value, unit = float(match.group(1)), match.group(2)
    return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)


def serve_and_measure(target: str, path: str, port: int, env: dict, *, seconds: int, connections: int) -> dict:
    proc = start_gunicorn(target, port, env)
    try:
        wait_until_up(f"http://127.0.0.1:{port}{path}", proc)
        run_wrk(f"http://127.0.0.1:{port}{path}", seconds=2, connections=connections)  # warm-up
        return run_wrk(f"http://127.0.0.1:{port}{path}", seconds=seconds, connections=connections)
    finally:
        stop_gunicorn(proc)


def hello(port: int, *, seconds: int, connections: int) -> dict:
    return serve_and_measure("bench.hello:app", "/", port, {}, seconds=seconds, connections=connections)


def portal(url: str, slug: str, port: int, *, seconds: int, connections: int) -> dict:
    env = {"WINGRANT_DATABASE_URL": url, "WINGRANT_SECRET_KEY": SECRET,
           "WINGRANT_INSTANCE_PATH": str(Path(INSTANCE)), "WINGRANT_UPLOAD_FOLDER": str(Path(INSTANCE) / "files")}
    return serve_and_measure("wingrant:create_app()", f"/portal/{slug}", port, env, seconds=seconds,
                             connections=connections)
