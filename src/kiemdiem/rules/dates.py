"""Date helpers for the rules: calendar months, the 6-month rule, working days."""

from __future__ import annotations

import calendar
from collections.abc import Collection
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the end of a shorter month (31/8 + 6 → 28/2)."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_completed(start: date, end: date, months: int) -> bool:
    """True when ``months`` calendar months have passed from ``start`` to ``end`` (same day number counts).

    Admitted 15/6/2025 → six months are completed on 15/12/2025, not on 14/12/2025.
    """
    return add_months(start, months) <= end


def latest_start_completing(end: date, months: int) -> date:
    """The latest start date for which ``months`` months are completed on ``end``.

    ``add_months`` is monotonic, so ``start <= latest_start_completing(end, m)`` is equivalent to
    ``months_completed(start, end, m)``; the engine compares one date per subject instead of adding months.
    """
    candidate = add_months(end, -months)
    while add_months(candidate, months) > end:
        candidate -= timedelta(days=1)
    while add_months(candidate + timedelta(days=1), months) <= end:
        candidate += timedelta(days=1)
    return candidate


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    """Monday to Friday, except the given public holidays."""
    return day.weekday() < 5 and day not in holidays


def working_days_between(start: date, end: date, holidays: Collection[date] = ()) -> int:
    """Working days (Mon–Fri) from ``start`` included to ``end`` excluded.

    Reading chosen for "gửi trước ít nhất 3 ngày làm việc" (C-DOC-01): a draft sent on Monday for a
    Thursday meeting was sent 3 working days before (Mon, Tue, Wed). Public holidays are not known to
    the rules package; pass them in ``holidays``.
    """
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5
    for offset in range(rest):
        if (start + timedelta(days=full_weeks * 7 + offset)).weekday() < 5:
            count += 1
    if holidays:
        count -= sum(1 for h in holidays if start <= h < end and h.weekday() < 5)
    return count
