"""Jobs that time, not a request, sets off: reminders the worker writes into the outbox.

Each job is idempotent (it records what it has reminded of), so running it often is harmless; the
long-running worker runs them every few minutes, ``wingrant worker --once`` once.
"""

from __future__ import annotations

import time

#: Seconds between two runs of the jobs inside the long-running worker.
INTERVAL = 300
_last_run = 0.0


def run_due() -> int:
    """Run every job now; returns the number of mails they wrote."""
    from ..funding.notices import remind_reports_due
    from ..minutes.reminders import remind_objection_periods_ended

    return remind_reports_due() + remind_objection_periods_ended()


def run_due_every_few_minutes() -> None:
    global _last_run
    if time.monotonic() - _last_run >= INTERVAL:
        _last_run = time.monotonic()
        run_due()
