from __future__ import annotations

import datetime as dt

import pytest

from kiemdiem.plans.services import compute_subjects, create_plan, publish_plan

D = dt.date


@pytest.fixture
def plan(ward):
    """The 2020 plan of the test ward, published, cells due 27/11/2020, committee due 04/12/2020."""
    p = create_plan(ward.ward, number="07-KH/ĐU", issued_on=D(2020, 11, 18), year=2020)
    compute_subjects(p)
    p.launch_date = D(2020, 11, 19)
    p.save()
    p.steps.filter(code__in=["bao_cao_tap_the", "ban_kiem_diem", "lay_y_kien", "hoi_nghi"]).update(
        due_cells=D(2020, 11, 27)
    )
    p.steps.exclude(code="trien_khai").update(due_committee=D(2020, 12, 4))
    publish_plan(p)
    return p


@pytest.fixture
def plan366(ward):
    p = create_plan(ward.ward, number="12-KH/ĐU", issued_on=D(2025, 11, 10), year=2025)
    compute_subjects(p)
    p.steps.filter(code__in=["bao_cao_tap_the", "ban_kiem_diem", "hoi_nghi"]).update(
        due_cells=D(2025, 12, 10)
    )
    p.steps.exclude(code="trien_khai").update(due_committee=D(2025, 12, 20))
    return p


def recompute(plan):
    """Recompute a published test plan's subjects after changing the registry (tests only)."""
    from kiemdiem.plans.models import Plan

    Plan.objects.filter(pk=plan.pk).update(status="du_thao")
    plan.refresh_from_db()
    compute_subjects(plan)
    Plan.objects.filter(pk=plan.pk).update(status="da_ban_hanh")
    plan.refresh_from_db()
