"""The org's frozen clock and Salesforce's date/datetime text forms."""

from __future__ import annotations

import time

# The org's clock is frozen so the data is the same every run.
NOW = 1748736000  # 2025-06-01T00:00:00Z
_HISTORY_START = 1514764800  # 2018-01-01T00:00:00Z

_DAYS: dict[int, str] = {}  # day number -> "YYYY-MM-DD"; a few thousand entries at most
_DAY_STAMPS: dict[int, str] = {}  # day number -> "YYYY-MM-DDT", the head of a datetime
# A datetime's tail from the seconds into its day: hour ("05:"), then minute and second
# ("07:09.000+0000"). Every record carries several datetimes, so they are looked up, not
# formatted; 24 + 3,600 short strings.
_HOURS = tuple(f"{hour:02d}:" for hour in range(24))
_MINUTES_SECONDS = tuple(f"{m:02d}:{s:02d}.000+0000" for m in range(60) for s in range(60))


def format_date(epoch: int) -> str:
    day = epoch // 86400
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
    return text


def format_datetime(epoch: int) -> str:
    """Salesforce's datetime format, e.g. 2024-01-31T12:00:00.000+0000 (always UTC)."""
    day, seconds = divmod(epoch, 86400)
    head = _DAY_STAMPS.get(day)
    if head is None:
        head = _DAY_STAMPS[day] = format_date(epoch) + "T"
    hours, seconds = divmod(seconds, 3600)
    return f"{head}{_HOURS[hours]}{_MINUTES_SECONDS[seconds]}"
