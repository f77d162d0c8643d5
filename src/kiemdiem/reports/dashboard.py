"""The statistics block of the dashboard (Tổng quan) for those who watch a whole plan."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kiemdiem.decisions.services import progress

from . import charts
from .views import charts_for, related_plans, report, watchable_plans


def dashboard_context(scope: Any) -> dict[str, Any]:
    """Charts of the latest plan this user may watch: levels per cell, progress per step, the years.

    Empty for a user who watches no plan (cell secretaries, members).
    """
    plans = watchable_plans(scope)
    if not plans:
        return {}
    plan = plans[0]
    root = plan.organization
    data = report(scope, root, [plan], plan.year, related_plans(plans, root))
    today = timezone.localdate()
    block: dict[str, Any] = {
        "plan": plan,
        "today": today,
        "stats": data["stats"],
        "flagged": data["flagged"],
        "progress_chart": charts.progress_chart(progress(plan, today=today), today),
        **charts_for(data),
    }
    return {"report": block}
