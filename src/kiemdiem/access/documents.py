"""Who may download which document, decided only from ``access/scope.py``.

- office and standing committee of the plan's committee (``scope.can_appraise``): every document;
- a cell secretary: the cell's documents (report, minutes, opinion summary, checklist, batch of forms)
  and the forms of the cell's members;
- a member: his/her own form and own result notice (once published);
- every reader of the plan (``scope.plans()``): the plan itself and the blank forms for printing.
Objects are always looked up through the scope's querysets first, so an object outside the scope is
a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from typing import Any

from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import Plan, PlanSubject, SubjectKind


def sees_all(scope: Any, plan: Plan) -> bool:
    return bool(scope.can_appraise(plan))


def secretary_of(scope: Any, cell_id: int | None) -> bool:
    return cell_id is not None and any(c.pk == cell_id for c in scope.secretary_cells())


def cells(scope: Any, plan: Plan) -> list[Organization]:
    """The cells whose documents the user may download."""
    if sees_all(scope, plan):
        ids = plan.subjects.filter(kind=SubjectKind.CELL).values("organization_id")
        return list(Organization.objects.filter(pk__in=ids).order_by("path"))
    return [
        c
        for c in scope.secretary_cells()
        if plan.subjects.filter(kind=SubjectKind.CELL, organization=c).exists()
    ]


def can_cell(scope: Any, plan: Plan, cell: Organization | None) -> bool:
    """Documents of one cell (``cell``) or, when ``cell`` is None, of the whole plan."""
    if sees_all(scope, plan):
        return True
    return cell is not None and plan.is_published and secretary_of(scope, cell.pk)


def subject_cell_id(subject: PlanSubject) -> int | None:
    if subject.kind == SubjectKind.CELL:
        return subject.organization_id
    if subject.kind == SubjectKind.LEADERSHIP_COLLECTIVE and subject.collective is not None:
        return subject.collective.organization_id
    return subject.cell_id


def can_form(scope: Any, subject: PlanSubject) -> bool:
    """The subject's pre-filled form or report (the subject must already be in ``scope.plan_subjects()``)."""
    if sees_all(scope, subject.plan):
        return True
    if not subject.plan.is_published:
        return False
    if subject.member_id and scope.user is not None and subject.member_id == scope.user.member_id:
        return True
    return secretary_of(scope, subject_cell_id(subject))


def can_notice(scope: Any, subject: PlanSubject, published: bool) -> bool:
    if sees_all(scope, subject.plan):
        return True
    own = bool(subject.member_id and scope.user is not None and subject.member_id == scope.user.member_id)
    return own and published
