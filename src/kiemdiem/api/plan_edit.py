"""Editing a draft plan through the API: deadlines per step and the launch conference, with ``version``.

plans.services has no edit function (the web view edits through its forms), so the same rules live
here for the API: one locked transaction, a stale version refused, a published plan refused, step
deadlines not before the plan's date, and one audit record of what changed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from kiemdiem.audit.services import diff, record
from kiemdiem.members.models import Member
from kiemdiem.plans.models import Plan

STALE = "Kế hoạch vừa được người khác sửa. Vui lòng tải lại rồi sửa lại."
PUBLISHED = "Kế hoạch đã ban hành, không sửa được."
BEFORE_ISSUE = "Hạn không được trước ngày ban hành kế hoạch."
UNKNOWN_STEP = "Kế hoạch không có bước «{code}»."
UNKNOWN_CHAIR = "Đảng viên không thuộc đảng bộ ban hành kế hoạch, hoặc nằm ngoài phạm vi của bạn."

PLAN_FIELDS = ("title", "purpose", "reference_date", "launch_date", "launch_place", "launch_attendees")


@transaction.atomic
def update_plan(
    plan: Plan, data: dict[str, Any], actor: Any, *, version: int, chairs: QuerySet[Member]
) -> Plan:
    """Change the fields present in ``data``; ``steps`` is a list of {code, due_cells, due_committee}."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if current.version != version:
        raise ValidationError(STALE, code="stale")
    if current.is_published:
        raise ValidationError(PUBLISHED)
    errors: dict[str, list[str]] = {}
    before = {name: getattr(current, name) for name in (*PLAN_FIELDS, "launch_chair") if name in data}
    for name in PLAN_FIELDS:
        if name in data:
            value = data[name]
            setattr(current, name, value if value is not None or name.endswith("date") else "")
    if current.reference_date is None:
        errors.setdefault("reference_date", []).append("Cần có ngày chốt danh sách đối tượng.")
    if "launch_chair_id" in data:
        chair_id = data["launch_chair_id"]
        before["launch_chair"] = current.launch_chair
        if chair_id is None:
            current.launch_chair = None
        else:
            chair = chairs.filter(pk=chair_id).first()
            if chair is None:
                errors.setdefault("launch_chair_id", []).append(UNKNOWN_CHAIR)
            current.launch_chair = chair
    steps = {s.code: s for s in current.steps.all()}
    changed_steps = []
    for i, row in enumerate(data.get("steps") or []):
        step = steps.get(row["code"])
        if step is None:
            errors.setdefault(f"steps.{i}.code", []).append(UNKNOWN_STEP.format(code=row["code"]))
            continue
        for name in ("due_cells", "due_committee"):
            if name not in row:
                continue
            due = row[name]
            if due is not None and due < current.issued_on:
                errors.setdefault(f"steps.{i}.{name}", []).append(BEFORE_ISSUE)
            if getattr(step, name) != due:
                setattr(step, name, due)
                if step not in changed_steps:
                    changed_steps.append(step)
    if not errors:
        try:
            current.full_clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    current.version += 1
    current.save()
    for step in changed_steps:
        step.save(update_fields=["due_cells", "due_committee"])
    changes = diff(before, {name: getattr(current, name) for name in before})
    changes.update({f"bước {s.order}": "đổi hạn" for s in changed_steps})
    record(actor, "plan.edit", current, f"Sửa {current}", changes=changes)
    return current
