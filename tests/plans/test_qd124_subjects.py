"""A QĐ 124 plan (years 2023–2024) computes its subjects: its form codes are 21 characters long."""

from __future__ import annotations

import datetime as dt

from kiemdiem.plans.services import compute_subjects, create_plan


def test_a_2023_plan_stores_the_long_form_codes_of_qd124(ward):
    plan = create_plan(ward.ward, number="09-KH/ĐU", issued_on=dt.date(2023, 11, 15), year=2023)
    compute_subjects(plan)
    codes = set(plan.subjects.values_list("form_code", flat=True))
    assert "Mẫu 02A-HD KĐ.ĐG 2023" in codes  # 21 characters: refused by PostgreSQL at 20
