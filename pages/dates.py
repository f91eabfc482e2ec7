"""Dates as the portal shows them (Moscow time, in the page's locale), read back as UTC moments.

The portal prints dates for people: ``10.01.2026, 15:00`` (ru), ``10/01/2026, 15:00`` (en-GB),
``2026/01/10 15:00`` (zh-CN). Dates are read as shown, to the minute: a portal need not carry a machine value.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

#: Moscow has kept UTC+3 all year since 2014.
MOSCOW = timezone(timedelta(hours=3), "MSK")
_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4}),?\s+(\d{1,2}):(\d{2})")
_YEAR_FIRST = re.compile(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2}),?\s+(\d{1,2}):(\d{2})")


def parse_shown_date(text: str) -> datetime | None:
    """The UTC moment of a date as the portal shows it, or None when the text holds no date."""
    if m := _YEAR_FIRST.search(text):
        year, month, day, hour, minute = (int(g) for g in m.groups())
    elif m := _DAY_FIRST.search(text):
        day, month, year, hour, minute = (int(g) for g in m.groups())
    else:
        return None
    try:
        return datetime(year, month, day, hour, minute, tzinfo=MOSCOW).astimezone(UTC)
    except ValueError:
        return None

