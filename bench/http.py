"""The public pages over HTTP, all in one interleaved run (issue 20): gunicorn with 2 workers, wrk.

Three servers run side by side for the whole run, so that every figure is taken under the same
machine load: a bare Flask hello, wingrant with its page cache switched off
(``WINGRANT_CACHE_URL=null``: every request renders) and wingrant with its default cache. In
``rounds`` rounds each target gets ``seconds`` of wrk in turn; a target's figure is its median
round. Targets:

- ``hello``: the bare Flask app; every ratio is to it
- ``healthz``: ``/healthz`` of wingrant (the app's floor: routing, session, teardown)
- ``portal cold``: ``/portal/<slug>`` rendered every time (cache off)
- ``portal cached``: the same page from the cache
- ``portal 304``: the same page answered ``304 Not Modified`` (wrk sends the page's ``ETag`` as
  ``If-None-Match``); "n/a" while the app sends no ETag
- ``live poll``: the public live page's poll (``…/live/stand.json``) as the phones send it, with
  the ETag they hold (so mostly 304)

Beside them: the portal page's cold p95 in process at the smallest and the largest scale
(interleaved renders, cache off), and decisions per second with 16 clients on PostgreSQL with
the overspend check (``concurrency``). The figures are printed with their targets.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import databases, throughput
from .pages import IsolatedClient, percentile

#: The issue's setting: gunicorn with 2 sync workers for every server.
WORKERS = 2
PORTS = {"hello": 5111, "cold": 5112, "cached": 5113}
#: (key, label, server, path template, conditional?)
TARGETS = [
    ("hello", "bare Flask hello", "hello", "/", False),
    ("healthz", "/healthz", "cached", "/healthz", False),
    ("cold", "portal cold (cache off)", "cold", "/portal/{slug}", False),
    ("cached", "portal cached", "cached", "/portal/{slug}", False),
    ("not_modified", "portal 304", "cached", "/portal/{slug}", True),
    ("live_poll", "live poll (If-None-Match)", "cached", "/portal/{slug}/sitzungen/{live_meeting_id}/live/stand.json",
     True),
]
#: The issue's targets: minimum ratio to hello per target.
MIN_RATIO = {"cached": 0.5, "not_modified": 0.6, "cold": 0.05}
MIN_DECISIONS_PER_SECOND = 60
MAX_COLD_P95_GROWTH = 1.2


def _app_env(url: str, **extra: str) -> dict:
    return {"WINGRANT_DATABASE_URL": url, "WINGRANT_SECRET_KEY": databases.SECRET,
            "WINGRANT_INSTANCE_PATH": str(databases.INSTANCE),
            "WINGRANT_UPLOAD_FOLDER": str(Path(databases.INSTANCE) / "files"), **extra}


def etag_of(url: str) -> str | None:
    """The ETag a GET of ``url`` answers with, or None (no ETag sent yet: the figure is "n/a")."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.headers.get("ETag")
    except OSError:
        return None


def answers_304(url: str, etag: str) -> bool:
    request = urllib.request.Request(url, headers={"If-None-Match": etag})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status == 304
    except urllib.error.HTTPError as error:
        return error.code == 304
    except OSError:
        return False


def serve(url: str, *, log=print) -> dict[str, subprocess.Popen]:
    """The three servers, each gunicorn with ``WORKERS`` workers (see the module)."""
    servers = {
        "hello": throughput.start_gunicorn("bench.hello:app", PORTS["hello"], {}, workers=WORKERS),
        "cold": throughput.start_gunicorn("wingrant:create_app()", PORTS["cold"],
                                          _app_env(url, WINGRANT_CACHE_URL="null"), workers=WORKERS),
        "cached": throughput.start_gunicorn("wingrant:create_app()", PORTS["cached"],
                                            _app_env(url), workers=WORKERS),  # the default (or configured) cache
    }
    try:
        for name, proc in servers.items():
            throughput.wait_until_up(f"http://127.0.0.1:{PORTS[name]}/" if name == "hello"
                                     else f"http://127.0.0.1:{PORTS[name]}/healthz", proc, timeout=120)
    except Exception:
        stop(servers)
        raise
    log(f"  servers up: hello :{PORTS['hello']}, cache off :{PORTS['cold']}, cache on :{PORTS['cached']} "
        f"(gunicorn, {WORKERS} workers each)")
    return servers


def stop(servers: dict[str, subprocess.Popen]) -> None:
    for proc in servers.values():
        throughput.stop_gunicorn(proc)


def measure_wrk(objects: dict, *, seconds: int, connections: int, rounds: int, log=print) -> dict:
    """wrk over every target, ``rounds`` times interleaved; the median round of each (see the module)."""
    plan = []
    for key, label, server, pattern, conditional in TARGETS:
        target = f"http://127.0.0.1:{PORTS[server]}{pattern.format(**objects)}"
        headers: list[str] = []
        note = ""
        if conditional:
            etag = etag_of(target)
            if etag is None:
                note = "n/a: no ETag"
            elif not answers_304(target, etag):
                note = "n/a: If-None-Match not answered 304"
            else:
                headers = [f"If-None-Match: {etag}"]
        plan.append((key, label, target, headers, note))
    runs: dict[str, list[dict]] = {key: [] for key, *_ in plan}
    for _key, _label, target, headers, note in plan:  # warm-up: imports, caches, connections
        if not note:
            throughput.run_wrk(target, seconds=1, connections=connections, headers=headers)
    for n in range(rounds):
        for key, _label, target, headers, note in plan:
            if note:
                continue
            runs[key].append(throughput.run_wrk(target, seconds=seconds, connections=connections, headers=headers))
        log(f"  round {n + 1}/{rounds}: " + ", ".join(
            f"{key} {runs[key][-1]['requests_per_second']:.0f}" for key, *_ in plan if runs[key]) + " req/s")
    figures = {}
    for key, label, target, _headers, note in plan:
        if note:
            figures[key] = {"label": label, "url": target, "requests_per_second": None, "note": note}
            continue
        rps = [r["requests_per_second"] for r in runs[key]]
        median = sorted(runs[key], key=lambda r: r["requests_per_second"])[len(rps) // 2]
        figures[key] = {"label": label, "url": target, "requests_per_second": round(statistics.median(rps), 1),
                        "rounds": [round(r, 1) for r in rps], "latency_p50_ms": median["latency_p50_ms"],
                        "non_2xx": sum(r["non_2xx"] for r in runs[key])}
    hello = figures["hello"]["requests_per_second"]
    for figure in figures.values():
        rps = figure["requests_per_second"]
        figure["ratio_to_hello"] = round(rps / hello, 4) if rps is not None and hello else None
    return figures


def cold_p95(urls: dict[str, str], slugs: dict[str, str], *, renders: int = 100, rounds: int = 5) -> dict:
    """The portal page's render time in process, cache off, per scale: p50/p95 over ``renders``
    renders taken in interleaved rounds (noise lands on every scale alike)."""
    os.environ["WINGRANT_CACHE_URL"] = "null"
    try:
        clients = {}
        for label, url in urls.items():
            app = databases.bench_app(url)
            app.test_client_class = IsolatedClient
            clients[label] = (app, app.test_client())
        times: dict[str, list[float]] = {label: [] for label in urls}
        for label, (_app, client) in clients.items():
            for _ in range(5):
                _get(client, f"/portal/{slugs[label]}")
        for _ in range(rounds):
            for label, (_app, client) in clients.items():
                for _ in range(max(1, renders // rounds)):
                    started = time.perf_counter()
                    _get(client, f"/portal/{slugs[label]}")
                    times[label].append((time.perf_counter() - started) * 1000)
        from wingrant.extensions import db

        for app, _client in clients.values():
            with app.app_context():
                db.engine.dispose()
    finally:
        os.environ.pop("WINGRANT_CACHE_URL", None)
    return {label: {"p50_ms": round(statistics.median(t), 2), "p95_ms": round(percentile(t, 0.95), 2),
                    "renders": len(t)} for label, t in times.items()}


def _get(client, path: str) -> None:
    response = client.get(path)
    response.get_data()
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")


def check_targets(result: dict) -> list[dict]:
    checks = []
    figures = result.get("wrk", {})
    for key, minimum in MIN_RATIO.items():
        figure = figures.get(key)
        if figure is None:
            continue
        ratio = figure.get("ratio_to_hello")
        checks.append({"target": f"{figure['label']} ≥ {minimum}× hello", "met": None if ratio is None
                       else ratio >= minimum, "detail": figure.get("note") or f"{ratio}× hello"})
    decisions = result.get("decisions")
    if decisions:
        ok = (decisions["decisions_per_second"] >= MIN_DECISIONS_PER_SECOND and decisions["zero_overspend"]
              and not decisions["errors"])
        checks.append({"target": f"decisions/s ≥ {MIN_DECISIONS_PER_SECOND} with 16 clients, zero overspend",
                       "met": ok, "detail": f"{decisions['decisions_per_second']}/s, zero overspend: "
                                           f"{decisions['zero_overspend']}, errors: {len(decisions['errors'])}"})
    p95 = result.get("cold_p95", {})
    if len(p95) >= 2:
        small, large = list(p95)[0], list(p95)[-1]
        growth = p95[large]["p95_ms"] / p95[small]["p95_ms"]
        checks.append({"target": f"portal cold p95 at {large} ≤ {MAX_COLD_P95_GROWTH} × at {small}",
                       "met": growth <= MAX_COLD_P95_GROWTH,
                       "detail": f"{p95[small]['p95_ms']} → {p95[large]['p95_ms']} ms, ×{growth:.2f}"})
    return checks


def _latency(figure: dict) -> str:
    return "–" if figure.get("latency_p50_ms") is None else f"{figure['latency_p50_ms']} ms"


def markdown(result: dict) -> list[str]:
    lines = ["### Public pages over HTTP (gunicorn, 2 workers, wrk; interleaved, median of rounds)", "",
             "| target | req/s | × hello | p50 latency |", "|---|---:|---:|---:|"]
    for figure in result.get("wrk", {}).values():
        rps = figure["requests_per_second"]
        lines.append(f"| {figure['label']} | {'n/a' if rps is None else f'{rps:.0f}'} | "
                     f"{'n/a' if figure['ratio_to_hello'] is None else figure['ratio_to_hello']} | "
                     f"{_latency(figure)} |")
    if result.get("cold_p95"):
        lines += ["", "| portal cold, in process | p50 | p95 |", "|---|---:|---:|"]
        lines += [f"| {label} | {f['p50_ms']} ms | {f['p95_ms']} ms |" for label, f in result["cold_p95"].items()]
    d = result.get("decisions")
    if d:
        lines += ["", f"Decisions: {d['decisions']} in {d['seconds']} s = **{d['decisions_per_second']}/s** with "
                      f"{d['clients']} clients on PostgreSQL; zero overspend: {d['zero_overspend']}."]
    lines += ["", "| target | met | measured |", "|---|---|---|"]
    for c in check_targets(result):
        met = "n/a" if c["met"] is None else ("met" if c["met"] else "not met")
        lines.append(f"| {c['target']} | {met} | {c['detail']} |")
    return lines


def run(url: str, objects: dict, *, seconds: int = 5, connections: int = 8, rounds: int = 3,
        p95_urls: dict[str, str] | None = None, p95_slugs: dict[str, str] | None = None,
        decisions: dict | None = None, pg_base: str | None = None, log=print) -> dict:
    """Every figure of the module's docstring; ``decisions``: taken already in this run, else
    measured here when ``pg_base`` is given."""
    result: dict = {"workers": WORKERS, "seconds_per_round": seconds, "connections": connections, "rounds": rounds,
                    "load_average_at_start": os.getloadavg()}
    if throughput.wrk_path() is None:
        log(f"  {throughput.WRK_MISSING}")
    else:
        servers = serve(url, log=log)
        try:
            result["wrk"] = measure_wrk(objects, seconds=seconds, connections=connections, rounds=rounds, log=log)
        finally:
            stop(servers)
    if p95_urls:
        log("  portal cold p95 in process: " + ", ".join(p95_urls))
        result["cold_p95"] = cold_p95(p95_urls, p95_slugs or {})
    if decisions is None and pg_base:
        log("  decisions per second, PostgreSQL, 16 clients …")
        from . import concurrency

        decisions = concurrency.run(pg_base)
    if decisions is not None:
        result["decisions"] = decisions
    result["targets"] = check_targets(result)
    return result
