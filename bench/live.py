"""The QM's live meeting page while hundreds of phones follow the meeting (issue 17, item 6).

A fresh database (scale 1: one year of Bremen, the largest neighbourhood in session today),
served by gunicorn as in production. The Quartiersmanagerin logs in through the real form and
asks for her live page ``requests`` times, one after the other with ``think`` seconds between.
Twice: alone, then while ``followers`` phones poll the public live page's version every 2.5 s
(``bench/followers.py``, in a process of its own). In both phases she changes what the phones
show ``changes`` times at the same points — alternately recording a decision (vertagt) on the
current item through its form and calling the next item — so the phones get a 200 and fetch the
stage, as in a real meeting.

Figures: her p50/p95 alone and with followers, their ratio (target ≤ 2), and the followers'
side: polls per second the server answered, the share of 304s, the latency of a 304, of a
changed poll and of the stage fetch that follows it, ticks skipped because a poll was still
running, and the CPU time the load generator itself took from the shared machine.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import statistics
import time
from dataclasses import dataclass
from datetime import time as dt_time

import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from wingrant.meetings.models import Meeting

from . import databases, followers, throughput
from .generate import PASSWORD
from .pages import percentile

PORT = 5108
#: follow.js's INTERVAL_MS.
INTERVAL = 2.5
TARGET_RATIO = 2.0


@dataclass(frozen=True)
class Server:
    """How gunicorn serves: ``sync`` workers (the README's production example), or ``gthread``."""

    workers: int = throughput.WORKERS
    worker_class: str = "sync"
    threads: int = 1

    @property
    def label(self) -> str:
        if self.worker_class == "gthread":
            return f"{self.workers} gthread workers × {self.threads} threads"
        return f"{self.workers} {self.worker_class} workers"

    def arguments(self) -> list[str]:
        extra = ["--threads", str(self.threads)] if self.worker_class == "gthread" else []
        return ["-k", self.worker_class, *extra]


def parse_server(text: str) -> Server:
    """``sync``, ``sync:4``, ``gthread:2x4`` (workers × threads)."""
    kind, _sep, size = text.partition(":")
    if kind not in ("sync", "gthread"):
        raise ValueError(f"unknown worker class {kind!r} (sync or gthread)")
    workers, _x, threads = (size or "").partition("x")
    return Server(int(workers) if workers else throughput.WORKERS, kind,
                  int(threads) if threads else (4 if kind == "gthread" else 1))


class Manager:
    """The Quartiersmanagerin in her browser: logged in through the form, on her live page."""

    def __init__(self, base: str, slug: str, meeting_id: int, email: str):
        self.base, self.http = base, requests.Session()
        self.page = f"/quartiere/{slug}/sitzungen/{meeting_id}/live"
        page = self.http.get(f"{base}/anmelden").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        response = self.http.post(f"{base}/anmelden", data={"csrf_token": token, "email": email,
                                                             "password": PASSWORD}, allow_redirects=False)
        if response.status_code != 302:
            raise RuntimeError(f"login of {email} failed ({response.status_code})")
        self.html = ""
        self.actions: list[str] = []

    def timed_get(self) -> float:
        started = time.perf_counter()
        response = self.http.get(self.base + self.page, timeout=120)
        self.html = response.text  # the body is read: the time runs to its end
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {self.page} answered {response.status_code}")
        return elapsed

    def change(self) -> None:
        """Record a decision on the current item if it is open, else call the next item."""
        html = self.html
        token = re.search(r'name="nav-csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        form = re.search(r'action="([^"]+/top/\d+/beschluss)#beschluss"', html)
        if form and "outcome-correction_reason" not in html:
            data = {"outcome-csrf_token": token, "outcome-outcome": "deferred", "outcome-reason_category": "content",
                    "outcome-reason": "Vertagt: Fragen zum Finanzierungsplan (Benchmark)."}
            data.update(re.findall(r'name="(outcome-amount_\d+)" type="text" value="([^"]*)"', html))
            self._post(form.group(1), data, "decision")
            return
        following = re.search(r'name="nav-item_id" value="(\d+)" class="button primary"', html)
        item = following.group(1) if following else re.search(r'name="nav-item_id" value="(\d+)"', html).group(1)
        self._post(f"{self.page}/aufrufen", {"nav-csrf_token": token, "nav-item_id": item}, "next item")

    def _post(self, path: str, data: dict, what: str) -> None:
        response = self.http.post(self.base + path, data=data, allow_redirects=False)
        if response.status_code not in (302, 303):
            raise RuntimeError(f"POST {path} ({what}) answered {response.status_code}")
        self.actions.append(what)


def _phase(manager: Manager, *, requests_: int, think: float, changes: int,
           max_seconds: float) -> tuple[list[float], list[float]]:
    """The manager's timed requests, and the wall-clock moments of her changes; a swamped server
    ends the phase after ``max_seconds`` with the requests answered so far."""
    at = {int(requests_ * (k + 0.5) / changes) for k in range(changes)} if changes else set()
    times, changed = [], []
    deadline = time.monotonic() + max_seconds
    for n in range(requests_):
        if time.monotonic() > deadline:
            break
        if n in at:
            manager.change()
            changed.append(time.time())
        times.append(manager.timed_get())
        time.sleep(think)
    return times, changed


def _timed_phase(manager, **kwargs) -> tuple[list[float], list[float], list[float], float, float]:
    starts, times = [], []
    begin = time.time()
    original = manager.timed_get

    def recording():
        starts.append(time.time())
        return original()

    manager.timed_get = recording
    try:
        times, changed = _phase(manager, **kwargs)
    finally:
        manager.timed_get = original
    return times, starts, changed, begin, time.time()


def server_cpu_seconds(gunicorn_pgid: int, database: str) -> dict:
    """CPU time so far of gunicorn (master, workers, workers that ended) and of the PostgreSQL backends
    serving ``database``: what the requests cost the machine, whatever else runs on it."""
    tick = os.sysconf("SC_CLK_TCK")
    gunicorn = postgres = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        own = int(fields[11]) + int(fields[12])  # utime, stime (fields after the command's ")")
        if int(fields[2]) == gunicorn_pgid:
            gunicorn += own + (int(fields[13]) + int(fields[14]) if int(entry) == gunicorn_pgid else 0)
        elif command.startswith("postgres:") and f" {database} " in f"{command} ":
            postgres += own
    return {"gunicorn": gunicorn / tick, "postgres": postgres / tick}


def _cpu_delta(before: dict, after: dict) -> dict:
    return {k: round(after[k] - before[k], 2) for k in before}


def _ms(values: list[float]) -> dict:
    if not values:
        return {"n": 0, "p50_ms": None, "p95_ms": None}
    return {"n": len(values), "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(percentile(values, 0.95), 2)}


def _after_change(times, starts, changed) -> list[float]:
    """The manager's requests that started within one poll interval after one of her changes."""
    return [t for t, s in zip(times, starts, strict=True) if any(0 <= s - c <= INTERVAL for c in changed)]


def follower_figures(result: dict, begin: float, end: float) -> dict:
    records = [r for r in result["records"] if begin <= r[0] <= end]
    polls = [r for r in records if r[1] == "poll"]
    not_modified = [r[3] for r in polls if r[2] == 304]
    changed = [r[3] for r in polls if r[2] == 200]
    stages = [r[3] for r in records if r[1] == "stage" and r[2] == 200]
    errors = sum(1 for r in records if r[2] not in (200, 304))
    seconds = max(end - begin, 1e-9)
    return {"seconds": round(seconds, 1), "requests": len(records), "polls": len(polls),
            "requests_per_second": round(len(records) / seconds, 1),
            "polls_per_second": round(len(polls) / seconds, 1),
            "share_304": round(len(not_modified) / len(polls), 4) if polls else None,
            "poll_304": _ms(not_modified), "poll_200": _ms(changed), "stage": _ms(stages), "errors": errors,
            "skipped_ticks": result["skipped_ticks"], "generator_cpu_seconds": round(result["cpu_seconds"], 1)}


def measure(url: str, slug: str, meeting_id: int, email: str, *, server: Server, followers_: int = 300,
            requests_: int = 200, think: float = 0.1, changes: int = 4, warmup: int = 10, port: int = PORT,
            max_seconds: float = 180, log=print) -> dict:
    """Serve the database at ``url`` with ``server`` and measure both phases (see the module)."""
    env = {"WINGRANT_DATABASE_URL": url, "WINGRANT_SECRET_KEY": databases.SECRET,
           "WINGRANT_INSTANCE_PATH": str(databases.INSTANCE),
           "WINGRANT_UPLOAD_FOLDER": str(databases.INSTANCE / "files")}
    base = f"http://127.0.0.1:{port}"
    proc = throughput.start_gunicorn("wingrant:create_app()", port, env, workers=server.workers,
                                     extra=server.arguments())
    try:
        throughput.wait_until_up(f"{base}/portal/{slug}", proc, timeout=180)
        manager = Manager(base, slug, meeting_id, email)
        for _ in range(warmup):
            manager.timed_get()
        load = {"alone": os.getloadavg()[0]}
        database = make_url(url).database if url.startswith("postgresql") else ""
        cpu_before = server_cpu_seconds(proc.pid, database)
        alone, alone_starts, alone_changes, _b, _e = _timed_phase(manager, requests_=requests_, think=think,
                                                                 changes=changes, max_seconds=max_seconds)
        cpu_alone = _cpu_delta(cpu_before, server_cpu_seconds(proc.pid, database))
        log(f"    QM alone: p50 {_ms(alone)['p50_ms']} ms, p95 {_ms(alone)['p95_ms']} ms ({len(alone)} requests)")
        public = f"/portal/{slug}/sitzungen/{meeting_id}/live"
        tag = requests.get(f"{base}{public}/stand.json", timeout=10).headers["ETag"].strip('"')
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        stop = context.Event()
        phones = context.Process(target=followers.run, args=(sender, stop), kwargs=dict(
            count=followers_, tag=tag, host="127.0.0.1", port=port, poll=f"{public}/stand.json",
            stage=f"{public}?teil=1", interval=INTERVAL))
        phones.start()
        try:
            time.sleep(2 * INTERVAL)  # every follower has started and polled at least once
            load["followed"] = os.getloadavg()[0]
            cpu_before = server_cpu_seconds(proc.pid, database)
            busy, busy_starts, busy_changes, begin, end = _timed_phase(manager, requests_=requests_, think=think,
                                                                       changes=changes, max_seconds=max_seconds)
            cpu_followed = _cpu_delta(cpu_before, server_cpu_seconds(proc.pid, database))
        finally:
            stop.set()
        result = receiver.recv()
        receiver.close()
        phones.join(timeout=30)
        manager.http.close()
    finally:
        throughput.stop_gunicorn(proc)
    a, b = _ms(alone), _ms(busy)
    figures = {
        "server": server.label, "followers": followers_, "interval_seconds": INTERVAL, "requests": requests_,
        "think_seconds": think, "changes_per_phase": changes, "qm_actions": manager.actions,
        "qm_alone": a, "qm_followed": b,
        "qm_alone_after_change": _ms(_after_change(alone, alone_starts, alone_changes)),
        "qm_followed_after_change": _ms(_after_change(busy, busy_starts, busy_changes)),
        "load_average_1min": load,
        "server_cpu_seconds": {"alone": cpu_alone, "followed": cpu_followed},
        "ratio_p95": round(b["p95_ms"] / a["p95_ms"], 2), "target_ratio": TARGET_RATIO,
        "followers_side": follower_figures(result, begin, end),
    }
    figures["met"] = figures["ratio_p95"] <= TARGET_RATIO
    figures["cpu_per_request"] = cpu_per_request(figures)
    return figures


def cpu_per_request(f: dict) -> dict:
    """Server CPU (gunicorn + PostgreSQL) per QM page (alone) and per follower request (the rest of
    the followed phase), and what the followers need at their rate: the load-independent figures."""
    alone, followed = f["server_cpu_seconds"]["alone"], f["server_cpu_seconds"]["followed"]
    qm_requests = f["qm_alone"]["n"] + f["changes_per_phase"]
    per_qm = sum(alone.values()) / max(qm_requests, 1)
    side = f["followers_side"]
    qm_share = per_qm * (f["qm_followed"]["n"] + f["changes_per_phase"])
    per_follower = max(sum(followed.values()) - qm_share, 0) / max(side["requests"], 1)
    rate = f["followers"] / f["interval_seconds"]
    return {"qm_page_ms": round(per_qm * 1000, 2), "follower_request_ms": round(per_follower * 1000, 2),
            "followers_cores_needed": round(rate * per_follower, 3), "followers_rate_per_second": rate}


def describe(f: dict) -> list[str]:
    a, b, s = f["qm_alone"], f["qm_followed"], f["followers_side"]
    lines = [
        f"  {f['server']}, {f['followers']} followers polling every {f['interval_seconds']} s; "
        f"the QM: {f['requests']} requests, {f['think_seconds']} s apart, {f['changes_per_phase']} changes a phase",
        f"  QM live page alone          p50 {a['p50_ms']:7.1f} ms  p95 {a['p95_ms']:7.1f} ms",
        f"  QM live page with followers p50 {b['p50_ms']:7.1f} ms  p95 {b['p95_ms']:7.1f} ms  ({b['n']} answered) "
        f"ratio ×{f['ratio_p95']:.2f} (target ≤ ×{f['target_ratio']:g}: {'met' if f['met'] else 'MISSED'})",
    ]
    after = f["qm_followed_after_change"]
    if after["n"]:
        lines.append(f"    … within {f['interval_seconds']} s after a change: p95 {after['p95_ms']:.1f} ms "
                     f"({after['n']} requests; alone {f['qm_alone_after_change']['p95_ms']} ms)")
    lines += [
        f"  followers: {s['polls_per_second']:.0f} polls/s ({s['requests_per_second']:.0f} requests/s with the stage "
        f"fetches), {100 * (s['share_304'] or 0):.1f} % answered 304, {s['errors']} errors, "
        f"{s['skipped_ticks']} ticks skipped",
        f"  poll 304        p50 {s['poll_304']['p50_ms'] or 0:7.1f} ms  p95 {s['poll_304']['p95_ms'] or 0:7.1f} ms  "
        f"({s['poll_304']['n']})",
        f"  poll 200        p50 {s['poll_200']['p50_ms'] or 0:7.1f} ms  p95 {s['poll_200']['p95_ms'] or 0:7.1f} ms  "
        f"({s['poll_200']['n']})",
        f"  stage fetch     p50 {s['stage']['p50_ms'] or 0:7.1f} ms  p95 {s['stage']['p95_ms'] or 0:7.1f} ms  "
        f"({s['stage']['n']})",
        f"  server CPU (gunicorn + PostgreSQL): {f['cpu_per_request']['qm_page_ms']:.1f} ms per QM page, "
        f"{f['cpu_per_request']['follower_request_ms']:.1f} ms per follower request; "
        f"{f['followers']} followers at {f['cpu_per_request']['followers_rate_per_second']:.0f} polls/s need "
        f"{f['cpu_per_request']['followers_cores_needed']:.2f} cores",
        f"  load generator: {s['generator_cpu_seconds']} CPU s in {s['seconds']} s; machine load average "
        f"{f['load_average_1min']['alone']:.1f} (alone), {f['load_average_1min']['followed']:.1f} (with followers)",
    ]
    return lines


def _started_this_morning(url: str, meeting_id: int) -> None:
    """The generated meeting starts at 18:00, and decisions are refused before a meeting's start:
    the benchmark's meeting began at 00:00, so that the QM can record decisions whenever it runs."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.update(Meeting).where(Meeting.id == meeting_id).values(starts_at=dt_time(0, 0)))
    engine.dispose()


def run(url: str, *, servers: list[Server], scale: float = 1, log=print, **kwargs) -> dict:
    """A freshly generated database at ``url`` for each server setting (the run changes it)."""
    results = []
    for server in servers:
        prepared = databases.prepare(url, scale, force=True, log=lambda m: None if m.startswith("INFO") else log(m))
        objects = prepared["objects"]
        _started_this_morning(url, objects["live_meeting_id"])
        log(f"  - {server.label}")
        figures = measure(url, objects["slug"], objects["live_meeting_id"], objects["manager"], server=server,
                          log=log, **kwargs)
        for line in describe(figures):
            log(line)
        results.append(figures)
    return {"scale": scale, "runs": results}
