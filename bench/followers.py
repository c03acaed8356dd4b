"""Phones following a meeting from the room, as ``static/js/follow.js`` does — in a process of their own.

Each follower asks the poll endpoint every ``interval`` seconds with ``If-None-Match`` set to the
version it shows. A 304 ends the tick. A 200 carries the new version: the phone then fetches the
server-rendered stage (``live?teil=1``) and shows that version. A tick that comes while the
previous one is still running is skipped (follow.js's ``busy`` flag), so a slow server is not
asked more often than every ``interval``.

Every request is a new TCP connection (``Connection: close``): that is what gunicorn's sync
workers answer anyway, and what a reverse proxy sends upstream by default. The followers start at
random moments within the first interval, so their polls spread evenly over it, as phones do.

Raw asyncio streams, no HTTP library: a few hundred followers cost the load generator little,
and on a 2-core machine it shares the CPU with the server (its CPU time is reported).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import time

#: (wall-clock start, kind, status, milliseconds); kind "poll" or "stage" (the fragment fetch).
Record = tuple[float, str, int, float]


async def _get(host: str, port: int, path: str, headers: dict[str, str], timeout: float) -> tuple[int, dict, bytes]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close", "Accept: */*",
                 *(f"{k}: {v}" for k, v in headers.items()), "", ""]
        writer.write("\r\n".join(lines).encode("latin-1"))
        raw = await asyncio.wait_for(reader.read(), timeout)  # until the server closes
    finally:
        writer.close()
    head, _sep, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    parsed = {}
    for line in header_lines:
        name, _colon, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return status, parsed, body


class _Follower:
    def __init__(self, tag: str, host: str, port: int, poll: str, stage: str, timeout: float):
        self.tag, self.host, self.port, self.poll, self.stage, self.timeout = tag, host, port, poll, stage, timeout

    async def tick(self, records: list[Record]) -> None:
        started, t0 = time.time(), time.perf_counter()
        try:
            status, headers, body = await _get(self.host, self.port, self.poll,
                                               {"If-None-Match": f'"{self.tag}"'}, self.timeout)
        except (TimeoutError, OSError, ValueError, IndexError):
            records.append((started, "poll", 0, (time.perf_counter() - t0) * 1000))
            return
        records.append((started, "poll", status, (time.perf_counter() - t0) * 1000))
        if status != 200:
            return
        version = json.loads(body)["version"]
        if version == self.tag:
            return
        started, t0 = time.time(), time.perf_counter()
        try:
            status, _headers, _body = await _get(self.host, self.port, self.stage, {}, self.timeout)
        except (TimeoutError, OSError, ValueError, IndexError):
            status = 0
        records.append((started, "stage", status, (time.perf_counter() - t0) * 1000))
        if status == 200:
            self.tag = version


async def _follow(follower: _Follower, interval: float, stop, records: list[Record], skipped: list[int],
                  rnd: random.Random) -> None:
    loop = asyncio.get_running_loop()
    parent = os.getppid()
    await asyncio.sleep(rnd.uniform(0, interval))
    next_tick = loop.time()
    while not stop.is_set() and os.getppid() == parent:  # an orphan (the benchmark was killed) stops too
        await follower.tick(records)
        next_tick += interval
        now = loop.time()
        if now > next_tick:  # busy through one or more ticks: setInterval's ticks were skipped
            missed = int((now - next_tick) // interval) + 1
            skipped[0] += missed
            next_tick += missed * interval
        await asyncio.sleep(next_tick - now)


async def _all(count: int, tag: str, host: str, port: int, poll: str, stage: str, interval: float, stop,
               timeout: float, seed: int) -> tuple[list[Record], int]:
    records: list[Record] = []
    skipped = [0]
    rnd = random.Random(seed)
    followers = [_Follower(tag, host, port, poll, stage, timeout) for _ in range(count)]
    await asyncio.gather(*(_follow(f, interval, stop, records, skipped, rnd) for f in followers))
    return records, skipped[0]


def run(conn, stop, *, count: int, tag: str, host: str, port: int, poll: str, stage: str, interval: float,
        timeout: float = 30.0, seed: int = 17) -> None:
    """Process entry point: follow until ``stop`` is set, then send the records and CPU time on ``conn``."""
    records, skipped = asyncio.run(_all(count, tag, host, port, poll, stage, interval, stop, timeout, seed))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    conn.send({"records": records, "skipped_ticks": skipped, "cpu_seconds": usage.ru_utime + usage.ru_stime})
    conn.close()
