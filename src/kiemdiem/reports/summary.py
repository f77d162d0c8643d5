"""The report of a committee for a year: statistics, history, leniency flags, repeats, charts.

Read by the statistics pages, the dashboard, the XLSX export and the ``report`` command; it never
writes. ``scope`` limits the subjects counted (None: everything, for the command line).
"""

from __future__ import annotations

from typing import Any

from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import Plan

from . import charts, leniency
from .statistics import consecutive_khtnv, history, statistics

HISTORY_YEARS = 5


def watchable_plans(scope: Any) -> list[Plan]:
    """Plans whose whole statistics this user may read."""
    return [p for p in scope.plans().order_by("-year", "-issued_on") if scope.can_watch_progress(p)]


def related_plans(plans: list[Plan], root: Organization) -> list[Plan]:
    """Plans covering ``root``: issued by an organization above it, at it, or inside its subtree."""
    return [
        p
        for p in plans
        if root.path.startswith(p.organization.path) or p.organization.path.startswith(root.path)
    ]


def report(
    scope: Any, root: Organization, plans: list[Plan], year: int, earlier: list[Plan]
) -> dict[str, Any]:
    """Everything the page, the dashboard and the XLSX show, for plans of one year and their history."""
    subjects = scope.plan_subjects() if scope is not None else None
    stats = statistics(root, plans, subjects, year)
    past = history(root, [p for p in earlier if p.year <= year][:50], subjects)
    past.years = [y for y in past.years if y <= year][-HISTORY_YEARS:]
    policy = plans[0].framework().quota if plans else None

    def cap(httnv: int) -> int:
        return policy.cap(httnv) if policy else 0

    cells = leniency.compare_cells(stats, cap, past)
    return {
        "stats": stats,
        "history": past,
        "cells": cells,
        "flagged": sum(1 for c in cells if c.flags),
        "repeats": consecutive_khtnv(root, plans, subjects),
        "policy": policy,
        "cap_text": f"tối đa {policy.ratio:.0%} số HTTNV, tính riêng từng chi bộ" if policy else "",
    }


def charts_for(data: dict[str, Any]) -> dict[str, charts.Chart]:
    stats = data["stats"]
    rows = [(stats.root.name, stats.total.members, True, False)]
    rows += [(c.organization.name, c.counts, False, bool(c.flags)) for c in data["cells"]]
    years = [(f"Năm {y}", c, False, False) for y, c in data["history"].per_year()]
    return {
        "cells_chart": charts.stacked("Phân bố mức xếp loại theo chi bộ", rows),
        "years_chart": charts.stacked("So sánh qua các năm", years),
    }
