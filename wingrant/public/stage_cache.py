"""The public live page's stage, rendered once per meeting version and language; and its version,
read once a second per worker.

When the QM calls the next item or records a decision, the version changes and every phone in
the room fetches the stage within one poll interval: 300 phones would be 300 renders of the
same HTML in 2.5 s, enough to keep two sync workers busy for seconds while the QM waits for her
own page. Kept per worker process for ``LIVE_STAGE_CACHE_SECONDS``: the version covers the
current item, the decisions and the state, so a cached stage is stale only in what the version
does not cover (a budget changed elsewhere), and for those seconds at most.

The poll (``stand.json``) is one query, but 300 phones send 120 a second, and the query with its
connection check is three quarters of a poll's CPU: the version is kept ``LIVE_VERSION_CACHE_SECONDS``
(1 s) per worker, so a change reaches the phones at most that much later than it would otherwise.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

#: Entries kept per process (meetings × versions × languages in the last few seconds).
MAX_ENTRIES = 64


class StageCache:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds, self.clock = seconds, clock
        self._entries: OrderedDict[tuple, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()  # gthread workers serve requests in threads

    def get_or_render(self, key: tuple, render: Callable[[], Any]) -> Any:
        if self.seconds <= 0:
            return render()
        now = self.clock()
        with self._lock:
            found = self._entries.get(key)
        if found is not None and now - found[0] < self.seconds:
            return found[1]
        html = render()  # outside the lock: two threads may render the same stage once each
        with self._lock:
            self._entries[key] = (now, html)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return html


def stage_cache(app) -> StageCache:
    """The app's cache (one per worker process), made on first use from the configuration."""
    cache = app.extensions.get("wingrant.live_stage_cache")
    if cache is None:
        cache = app.extensions["wingrant.live_stage_cache"] = StageCache(app.config["LIVE_STAGE_CACHE_SECONDS"])
    return cache


def version_cache(app) -> StageCache:
    """The poll's version per (slug, meeting), kept ``LIVE_VERSION_CACHE_SECONDS`` per worker process."""
    cache = app.extensions.get("wingrant.live_version_cache")
    if cache is None:
        cache = app.extensions["wingrant.live_version_cache"] = StageCache(app.config["LIVE_VERSION_CACHE_SECONDS"])
    return cache
