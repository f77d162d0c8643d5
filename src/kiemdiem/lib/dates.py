"""Dates as people here write them: dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt


def parse_vn_date(value: object) -> dt.date | None:
    """Parse dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, ISO, and spreadsheet date cells).

    Returns None for an empty value; raises ValueError with a Vietnamese message otherwise.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"Ngày “{text}” không hợp lệ (cần dạng dd/mm/yyyy)")


def today() -> dt.date:
    """Today's date for deadlines and progress: ``KIEMDIEM_TODAY`` when set (the demo's clock), else the local date.

    The demo runs the 2020 campaign as of 26/11/2020 so that its deadlines are still ahead; a real
    installation leaves ``KIEMDIEM_TODAY`` unset.
    """
    from django.conf import settings
    from django.utils import timezone

    fixed = getattr(settings, "KIEMDIEM_TODAY", None)
    return fixed or timezone.localdate()


def format_vn_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
