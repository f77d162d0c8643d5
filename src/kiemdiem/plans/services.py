"""Plan services: create a plan from its framework, compute its subjects, publish, acknowledge."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kiemdiem.audit.services import diff, record
from kiemdiem.members.models import ActivityStatus, Member, Membership, Position, StatusPeriod, period_q
from kiemdiem.organizations.models import (
    CELL_KINDS,
    CollectiveKind,
    LeadershipCollective,
    Organization,
    OrgKind,
)
from kiemdiem.rules import add_months, framework_for_year, get_framework

from .models import (
    DeadlineLevel,
    NotReviewedReason,
    Plan,
    PlanAcknowledgement,
    PlanStatus,
    PlanStep,
    PlanSubject,
    SubjectKind,
)

# The steps of the annual cycle (DESIGN.md §2) with the level whose deadline applies to each.
DEFAULT_STEPS: list[tuple[str, str, str]] = [
    (
        "trien_khai",
        "Hội nghị triển khai kế hoạch",
        "Quán triệt kế hoạch, gửi kế hoạch đến các chi bộ; chi bộ xác nhận đã nhận.",
    ),
    (
        "bao_cao_tap_the",
        "Tập thể xây dựng báo cáo kiểm điểm",
        "Chi ủy, chi bộ, tập thể lãnh đạo xây dựng báo cáo kiểm điểm, tự chấm điểm/tự đánh giá; gửi trước cho người dự hội nghị.",
    ),
    (
        "ban_kiem_diem",
        "Cá nhân viết bản kiểm điểm, tự đánh giá, tự xếp loại",
        "Mỗi đảng viên viết bản kiểm điểm theo mẫu, nêu sản phẩm cụ thể, tự nhận mức xếp loại.",
    ),
    (
        "lay_y_kien",
        "Lấy ý kiến nhận xét",
        "Nhận xét của chi ủy nơi cư trú, tổ chức đoàn thể, cơ quan nơi công tác.",
    ),
    (
        "hoi_nghi",
        "Hội nghị kiểm điểm, biểu quyết đề xuất mức xếp loại",
        "Tập thể trước, cá nhân sau; người đứng đầu trước, cấp phó và thành viên sau.",
    ),
    (
        "tham_dinh",
        "Thẩm định, đề xuất xếp loại",
        "Văn phòng, Ban Tổ chức Đảng ủy tổng hợp, thẩm định, đối chiếu quy định và tỷ lệ.",
    ),
    ("quyet_dinh", "Xem xét, quyết định xếp loại", "Cấp ủy có thẩm quyền quyết định mức xếp loại."),
    (
        "cong_bo",
        "Thông báo kết quả, xây dựng kế hoạch khắc phục",
        "Thông báo kết quả đến từng tập thể, cá nhân; xây dựng kế hoạch khắc phục hạn chế, khuyết điểm.",
    ),
]


# Deadlines a plan must set before it is published: when the cells finish, when the committee decides.
REQUIRED_DEADLINES = {("hoi_nghi", DeadlineLevel.CELLS), ("quyet_dinh", DeadlineLevel.COMMITTEE)}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def default_plan_content(framework_id: str) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Content items per subject kind and the criteria framework, as JSON, from the framework."""
    fw = get_framework(framework_id)
    content = {kind: list(items) for kind, items in fw.content_items.items()}
    criteria = {kind: _plain(c) for kind, c in fw.criteria.items()}
    return content, criteria


@transaction.atomic
def create_plan(
    organization: Organization,
    *,
    number: str,
    issued_on: dt.date,
    year: int,
    actor: Any = None,
    framework_id: str | None = None,
    framework_reason: str = "",
    reference_date: dt.date | None = None,
    title: str = "",
    purpose: str = "",
) -> Plan:
    """Kế hoạch mới: framework chosen by year (another one needs a reason), default steps and content."""
    if organization.kind not in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL):
        raise ValidationError("Kế hoạch do cấp ủy cơ sở (đảng ủy, chi bộ cơ sở) ban hành.")
    default = framework_for_year(year).id
    framework_id = framework_id or default
    get_framework(framework_id)  # unknown id → KeyError early
    if framework_id != default and not framework_reason.strip():
        raise ValidationError(
            {"framework_id": f"Năm {year} áp dụng {default}; chọn quy định khác cần ghi rõ lý do."}
        )
    content, criteria = default_plan_content(framework_id)
    plan = Plan(
        organization=organization,
        number=number.strip(),
        issued_on=issued_on,
        year=year,
        framework_id=framework_id,
        framework_reason=framework_reason.strip(),
        reference_date=reference_date or issued_on,
        title=title
        or (
            "Kế hoạch kiểm điểm, đánh giá, xếp loại chất lượng đối với tổ chức đảng, đảng viên và tập thể, "
            f"cá nhân cán bộ lãnh đạo, quản lý năm {year}"
        ),
        purpose=purpose,
        content_items=content,
        criteria=criteria,
    )
    plan.full_clean()
    plan.save()
    PlanStep.objects.bulk_create(
        [
            PlanStep(plan=plan, order=i, code=c, name=n, description=d)
            for i, (c, n, d) in enumerate(DEFAULT_STEPS, 1)
        ]
    )
    record(
        actor,
        "plan.create",
        plan,
        f"Tạo {plan}",
        changes={"framework_id": framework_id},
        reason=framework_reason,
    )
    return plan


def _leadership_collectives(plan: Plan, day: dt.date) -> list[LeadershipCollective]:
    qs = (
        LeadershipCollective.objects.filter(organization__path__startswith=plan.organization.path)
        .filter(period_q(day, "active_from", "active_to"))
        .select_related("organization")
    )
    collectives = list(qs)
    has_standing = {c.organization_id for c in collectives if c.kind == CollectiveKind.STANDING}
    # The standing committee is reviewed as the committee's collective; the executive committee only
    # where there is no standing committee (HD 43 §1.1).
    return [
        c
        for c in collectives
        if not (c.kind == CollectiveKind.EXECUTIVE and c.organization_id in has_standing)
    ]


@transaction.atomic
def compute_subjects(plan: Plan, actor: Any = None) -> dict[str, int]:
    """Đối tượng kiểm điểm on the plan's reference date, with the not-reviewed list and reasons.

    Organizations: the grassroots committee and every cell active that day. Leadership collectives
    (standing committee, People's Committee leadership, chi ủy…) active that day. Individuals: every
    member on a cell's roll that day; those exempt, suspended, or (where the framework says so)
    admitted less than 6 months before are listed as not reviewed with the reason. A member holding a
    leadership post that day is a leader (reviewed at the cell first, then at the collective); a member
    whose residence-place cell differs from his/her cell needs the residence cell's comment (QĐ 213).
    """
    plan.refresh_from_db()
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    if plan.is_published:
        raise ValidationError("Kế hoạch đã ban hành: không tính lại danh sách đối tượng.")
    day = plan.reference_date
    fw = plan.framework()
    six_months_rule = any(r in fw.exemptions for r in ("C-EX-03", "B-EX-01"))
    plan.subjects.all().delete()
    subjects: list[PlanSubject] = []

    def form(kind: str) -> str:
        try:
            return fw.form_for(kind).code
        except KeyError:
            return ""

    subtree = Organization.objects.filter(path__startswith=plan.organization.path).active_on(day)
    subjects.append(
        PlanSubject(
            plan=plan,
            kind=SubjectKind.GRASSROOTS_ORG,
            organization=plan.organization,
            name=plan.organization.name,
            form_code=form(SubjectKind.GRASSROOTS_ORG),
        )
    )
    cells = list(subtree.filter(kind__in=CELL_KINDS).order_by("path"))
    for cell in cells:
        if cell.pk != plan.organization.pk:
            subjects.append(
                PlanSubject(
                    plan=plan,
                    kind=SubjectKind.CELL,
                    organization=cell,
                    cell=cell,
                    name=cell.name,
                    form_code=form(SubjectKind.CELL),
                )
            )
    reviewed_collectives = _leadership_collectives(plan, day)
    for coll in reviewed_collectives:
        subjects.append(
            PlanSubject(
                plan=plan,
                kind=SubjectKind.LEADERSHIP_COLLECTIVE,
                collective=coll,
                name=coll.name,
                form_code=form(SubjectKind.LEADERSHIP_COLLECTIVE),
            )
        )

    cell_of = dict(
        Membership.objects.filter(period_q(day), organization__in=cells).values_list(
            "member_id", "organization_id"
        )
    )
    status_of = dict(
        StatusPeriod.objects.filter(period_q(day), member_id__in=cell_of)
        .order_by("start")
        .values_list("member_id", "status")
    )
    # A leader's second place of review is the first reviewed leadership collective among his/her posts
    # (the head's post first); a post only in the executive committee, reviewed through its standing
    # committee, gives no second place.
    reviewed_ids = {c.pk for c in reviewed_collectives}
    leaders: dict[int, Position] = {}
    second_place: dict[int, int] = {}
    for pos in Position.objects.filter(period_q(day), member_id__in=cell_of).order_by("-is_head", "id"):
        leaders.setdefault(pos.member_id, pos)
        if pos.collective_id in reviewed_ids:
            second_place.setdefault(pos.member_id, pos.collective_id)
    cells_by_id = {c.pk: c for c in cells}
    counts: dict[str, int] = defaultdict(int)
    for m in Member.objects.filter(pk__in=cell_of).select_related("cell").order_by("sort_key", "id"):
        status = status_of.get(m.pk, ActivityStatus.ACTIVE)
        if status not in (ActivityStatus.ACTIVE, ActivityStatus.EXEMPT, ActivityStatus.SUSPENDED):
            continue
        cell = cells_by_id[cell_of[m.pk]]
        if m.pk in leaders:
            kind = SubjectKind.LEADER
        elif m.works_in_political_system:
            kind = SubjectKind.MEMBER
        else:
            kind = SubjectKind.MEMBER_OUTSIDE
        reason = ""
        if status == ActivityStatus.EXEMPT:
            reason = NotReviewedReason.EXEMPT
        elif status == ActivityStatus.SUSPENDED:
            reason = NotReviewedReason.SUSPENDED
        elif six_months_rule and add_months(m.admitted_on, 6) > day:
            reason = NotReviewedReason.ADMITTED_UNDER_6_MONTHS
        subjects.append(
            PlanSubject(
                plan=plan,
                kind=kind,
                member=m,
                cell=cell,
                name=m.full_name,
                reviewed=not reason,
                not_reviewed_reason=reason,
                collective_id=second_place.get(m.pk),
                needs_residence_comment=bool(
                    not reason and m.residence_cell_id and m.residence_cell_id != cell.pk
                ),
                form_code=form(kind),
            )
        )
        counts["reviewed" if not reason else reason] += 1
    PlanSubject.objects.bulk_create(subjects, batch_size=500)
    counts["organizations"] = 1 + len(cells)
    record(
        actor,
        "plan.subjects",
        plan,
        f"Tính danh sách đối tượng của {plan} tại ngày {day:%d/%m/%Y}",
        changes=dict(counts),
    )
    return dict(counts)


def publication_problems(plan: Plan) -> list[str]:
    """Why the plan cannot be published yet (Vietnamese); empty when it can."""
    problems: list[str] = []
    fw = plan.framework()
    if not plan.subjects.filter(reviewed=True).exists():
        problems.append("Kế hoạch chưa có danh sách đối tượng kiểm điểm.")
    if plan.launch_date is None:
        problems.append("Chưa có ngày hội nghị triển khai.")
    for step in plan.steps.all():
        for level, due in (
            (DeadlineLevel.CELLS, step.due_cells),
            (DeadlineLevel.COMMITTEE, step.due_committee),
        ):
            if due is None:
                if (step.code, level) in REQUIRED_DEADLINES:
                    problems.append(
                        f"Bước “{step.name}” chưa có hạn đối với {DeadlineLevel(level).label.lower()}."
                    )
                continue
            if due < plan.issued_on:
                problems.append(f"Hạn bước “{step.name}” ({due:%d/%m/%Y}) trước ngày ban hành kế hoạch.")
            for msg in fw.check_review_end(plan.year, due):
                problems.append(f"Bước “{step.name}”: {msg}")
    return problems


@transaction.atomic
def publish_plan(plan: Plan, actor: Any = None) -> list[PlanAcknowledgement]:
    """Ban hành: refuse with every reason when incomplete; send to every cell (acknowledgements)."""
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    plan.refresh_from_db()
    if plan.is_published:
        raise ValidationError("Kế hoạch đã được ban hành.")
    problems = publication_problems(plan)
    if problems:
        raise ValidationError(problems)
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.version += 1
    plan.save(update_fields=["status", "published_at", "version"])
    cells = Organization.objects.filter(
        pk__in=plan.subjects.filter(kind=SubjectKind.CELL).values("organization_id")
    )
    acks = PlanAcknowledgement.objects.bulk_create([PlanAcknowledgement(plan=plan, cell=c) for c in cells])
    record(actor, "plan.publish", plan, f"Ban hành {plan}, gửi {len(acks)} chi bộ")
    return acks


@transaction.atomic
def acknowledge(plan: Plan, cell: Organization, actor: Any) -> PlanAcknowledgement:
    ack = PlanAcknowledgement.objects.select_for_update().filter(plan=plan, cell=cell).first()
    if ack is None:
        raise ValidationError("Kế hoạch chưa được gửi đến chi bộ này.")
    if ack.acknowledged_at is None:
        ack.acknowledged_at = timezone.now()
        ack.acknowledged_by = actor
        ack.save(update_fields=["acknowledged_at", "acknowledged_by"])
        record(actor, "plan.acknowledge", plan, f"{cell} xác nhận đã nhận {plan}")
    return ack


def subjects_summary(plan: Plan) -> dict[str, Any]:
    qs = plan.subjects.all()
    return {
        "reviewed": qs.filter(reviewed=True).count(),
        "not_reviewed": list(qs.filter(reviewed=False).select_related("cell")),
        "by_kind": {k: qs.filter(kind=k, reviewed=True).count() for k, _ in SubjectKind.choices},
        "residence": qs.filter(needs_residence_comment=True).count(),
    }


# --- editing a draft plan (web form and API) ---------------------------------------------------

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
    changes: dict[str, Any] = diff(before, {name: getattr(current, name) for name in before})
    changes.update({f"bước {s.order}": "đổi hạn" for s in changed_steps})
    record(actor, "plan.edit", current, f"Sửa {current}", changes=changes)
    return current
