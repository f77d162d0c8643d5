"""The statistics block of the dashboard (Tổng quan) for those who watch a whole plan."""

from __future__ import annotations

from typing import Any

from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.lib import dates
from kiemdiem.reports.progress import progress

from . import charts
from .summary import charts_for, related_plans, report, watchable_plans


def dashboard_context(scope: Any) -> dict[str, Any]:
    """Charts of the latest plan this user may watch: levels per cell, progress per step, the years.

    Empty for a user who watches no plan (cell secretaries, members).
    """
    plans = watchable_plans(scope)
    if not plans:
        return {}
    plan = plans[0]
    # The levels are those of the latest plan with decisions (the current one may not be decided yet).
    decided_ids = set(
        DecisionEntry.objects.filter(subject__plan__in=[p.pk for p in plans])
        .values_list("subject__plan_id", flat=True)
        .distinct()
    )
    decided = next((p for p in plans if p.pk in decided_ids), plan)
    root = decided.organization
    data = report(scope, root, [decided], decided.year, related_plans(plans, root))
    today = dates.today()
    block: dict[str, Any] = {
        "plan": plan,
        "decided": decided,
        "today": today,
        "stats": data["stats"],
        "flagged": data["flagged"],
        "progress_chart": charts.progress_chart(progress(plan, today=today), today),
        **charts_for(data),
    }
    return {"report": block}
