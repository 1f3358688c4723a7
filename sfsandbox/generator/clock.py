"""The org's frozen clock and Salesforce's date/datetime text forms."""

from __future__ import annotations

import time

# The org's clock is frozen so the data is the same every run.
NOW = 1748736000  # 2025-06-01T00:00:00Z
_HISTORY_START = 1514764800  # 2018-01-01T00:00:00Z

_DAYS: dict[int, str] = {}  # day number -> "YYYY-MM-DD"; a few thousand entries at most


def format_date(epoch: int) -> str:
    day = epoch // 86400
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
    return text


def format_datetime(epoch: int) -> str:
    """Salesforce's datetime format, e.g. 2024-01-31T12:00:00.000+0000 (always UTC)."""
    seconds = epoch % 86400
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{format_date(epoch)}T{hours:02d}:{minutes:02d}:{seconds:02d}.000+0000"
