"""The budget years money may be planned for: last year (late bookings) to two years ahead.

One rule for both sides of the ledger: applications ask for money in these years, and the
WiN-Geschäftsführung allocates budgets in these years only, so that no allocation lands in a
year no application can use.
"""

from __future__ import annotations

from datetime import date


def usable_years(today: date | None = None) -> list[int]:
    this_year = (today or date.today()).year
    return list(range(this_year - 1, this_year + 3))
