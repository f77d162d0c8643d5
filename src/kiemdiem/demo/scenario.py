"""The seed's annual cycles for the demo.

2020 — Kế hoạch 07-KH/ĐU ngày 18/11/2020 of Đảng ủy phường Thượng Thanh (QĐ 132): launch conference on
19/11/2020 chaired by the secretary, cells due 28/11/2020, the committee's leadership collectives and
leaders due 05/12/2020. The data stands mid-campaign: some cells have finished (reports, reviews,
feedback, meeting and vote, decision), some are late (nothing or drafts past the deadline), some are in
progress (reports submitted, part of the reviews, no meeting yet).

2025 — Kế hoạch 12-KH/ĐU (QĐ 366, 100-point scale) with a few cells' self-scored reports and reviews.

The plan, publication, feedback, meetings, votes and decisions go through the same services as the web
pages; the bulk of the written reviews is inserted directly (same fields) to keep the demo fast.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from kiemdiem.accounts.models import User
from kiemdiem.decisions.appraisal import appraise, decided_ids, order_problems
from kiemdiem.decisions.models import Decision
from kiemdiem.decisions.services import Choice, decide, quota_problems
from kiemdiem.members.models import Discipline, Member, Position
from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import INDIVIDUAL_KINDS, Plan, PlanSubject, RemediationItem, SubjectKind
from kiemdiem.plans.services import acknowledge, compute_subjects, create_plan, publish_plan
from kiemdiem.reviews.ballots import cast_ballot, close_all_ballots, open_ballot
from kiemdiem.reviews.feedback import request_feedback, respond_feedback
from kiemdiem.reviews.meetings import close_meeting, enter_paper_tally, open_meeting
from kiemdiem.reviews.models import FeedbackRequest, FeedbackSource, Review, ReviewPlace, ReviewStatus
from kiemdiem.rules.framework import GradedCriteria

D = dt.date
# The demo runs as of 26/11/2020 (kiemdiem demo --ngay): the cells' reports were due 24/11, the
# members' reviews are due 27/11 and the meetings 28/11. The demo secretary's and member's cell
# (Tổ dân phố số 1) is in progress, so that they can do their part in the browser.
FINISHED = [
    "TT-TDP09",
    "TT-TDP03",
    "TT-TDP05",
    "TT-TDP07",
    "TT-UBND",
    "TT-THCS",
    "TT-CA",
    "TT-QS",
    "TT-TDP20",
]
IN_PROGRESS = ["TT-TDP01", "TT-TDP02", "TT-TDP04", "TT-TDP06", "TT-TDP08", "TT-TH", "TT-MN", "TT-TDP10", "TT-TDP12"]
# every other cell is late: nothing submitted by the deadline

STRENGTHS = [
    "Luôn giữ vững lập trường chính trị, chấp hành nghiêm chủ trương của Đảng, chính sách, pháp luật của Nhà nước.",
    "Tham gia đầy đủ sinh hoạt chi bộ, đóng đảng phí đúng quy định; gương mẫu ở nơi cư trú.",
    "Hoàn thành các nhiệm vụ được chi bộ phân công; tích cực tham gia phong trào của tổ dân phố.",
]
SHORTCOMINGS = [
    "Có lúc chưa mạnh dạn phát biểu, đóng góp ý kiến trong sinh hoạt chi bộ.",
    "Việc nghiên cứu, học tập nghị quyết có lúc chưa thường xuyên.",
    "",
]


def _grades(plan: Plan, kind: str, rng: random.Random, excellent: bool) -> dict[str, str]:
    graded = plan.framework().criteria[kind]
    assert isinstance(graded, GradedCriteria)  # the 2020 framework grades criteria (scores came later)
    out = {}
    for c in graded.criteria:
        if excellent:
            out[c.id] = "xuat_sac" if c.key else "tot"
        else:
            out[c.id] = rng.choice(["tot", "tot", "tot", "xuat_sac"]) if not c.key else "tot"
    return out


def _review(
    subject: PlanSubject,
    level: str,
    rng: random.Random,
    *,
    submitted: bool,
    grades: dict[str, str],
    place: str = ReviewPlace.CELL,
    on_behalf: User | None = None,
    scores: tuple[float, float] | None = None,
    collective: Review | None = None,
) -> Review:
    sections = {
        str(i): rng.choice(STRENGTHS)
        for i, _ in enumerate(subject.plan.content_items.get(subject.kind, []), 1)
    }
    review = Review(
        subject=subject,
        place=place,
        form_code=subject.form_code,
        sections=sections,
        strengths=rng.choice(STRENGTHS),
        shortcomings=rng.choice(SHORTCOMINGS),
        remedies="Tiếp tục rèn luyện, nâng cao tinh thần trách nhiệm.",
        evidence_text="Tham gia 12/12 buổi sinh hoạt chi bộ; vận động 100% hộ gia đình thực hiện quy ước khu dân cư.",
        grades=grades,
        self_level=level,
        tasks_total=10,
        tasks_done=10,
        tasks_on_time=10,
        tasks_exceeded=3 if level == "HTXSNV" else 1,
        tasks_late=0,
        status=ReviewStatus.SUBMITTED if submitted else ReviewStatus.DRAFT,
        collective_review=collective,
        entered_on_behalf=on_behalf is not None,
        entered_by=on_behalf,
    )
    if scores:
        review.score_general, review.score_tasks = Decimal(str(scores[0])), Decimal(str(scores[1]))
    if submitted:
        review.submitted_at = dt.datetime(subject.plan.year, 11, 24, 9, 0, tzinfo=dt.UTC)
    return review


@transaction.atomic
def load_2020(seed: int = 2020) -> Plan:
    rng = random.Random(seed)
    ward = Organization.objects.get(code="DB-THUONGTHANH")
    office = User.objects.get(username="vanphong")
    standing = User.objects.get(username="thuongvu")
    secretary = Position.objects.get(title="Bí thư Đảng ủy").member
    plan = create_plan(
        ward,
        number="07-KH/ĐU",
        issued_on=D(2020, 11, 18),
        year=2020,
        actor=office,
        reference_date=D(2020, 11, 18),
        purpose="Đánh giá đúng thực chất chất lượng tổ chức đảng, đảng viên; khắc phục tình trạng nể nang, "
        "né tránh; làm cơ sở cho công tác cán bộ và xây dựng Đảng.",
    )
    plan.launch_date = D(2020, 11, 19)
    plan.launch_place = "Hội trường UBND phường Thượng Thanh"
    plan.launch_chair = secretary
    plan.launch_attendees = (
        "Ban Chấp hành Đảng bộ phường; bí thư, phó bí thư các chi bộ; "
        "lãnh đạo UBND, Ủy ban MTTQ và các đoàn thể phường."
    )
    plan.save()
    # Collective first: the cells' reports by 24/11, members' reviews and comments by 27/11, the
    # cells' meetings by 28/11; the committee's collectives and leaders by 05/12.
    cell_due = {
        "bao_cao_tap_the": D(2020, 11, 24),
        "ban_kiem_diem": D(2020, 11, 27),
        "lay_y_kien": D(2020, 11, 27),
        "hoi_nghi": D(2020, 11, 28),
    }
    for step in plan.steps.all():
        if step.code in cell_due:
            step.due_cells = cell_due[step.code]
        if step.code != "trien_khai":
            step.due_committee = D(2020, 12, 5)
        if step.code == "trien_khai":
            step.due_cells = step.due_committee = D(2020, 11, 19)
        step.save()
    compute_subjects(plan, office)
    publish_plan(plan, office)
    secretaries = {p.organization_id: p.member for p in Position.objects.filter(title="Bí thư Chi bộ")}
    cell_users: dict[int | None, User] = {}
    for u in User.objects.filter(roles__role="bi_thu_chi_bo").distinct():
        role = u.roles.filter(role="bi_thu_chi_bo").first()
        assert role is not None  # the user was found by that role
        cell_users[role.organization_id] = u
    for ack in plan.acknowledgements.select_related("cell"):
        if ack.cell.code not in ("TT-TDP15", "TT-TDP17"):
            acknowledge(plan, ack.cell, cell_users.get(ack.cell_id, office))

    # Two members disciplined in 2020: the appraisal will cap them (A-KHT-01).
    disciplined = list(
        Member.objects.filter(
            cell__code__in=["TT-TDP05", "TT-UBND"],
            activity_status="dang_sinh_hoat",
            official_on__isnull=False,
        ).order_by("id")[:2]
    )
    Discipline.objects.create(
        member=disciplined[0],
        form="khien_trach",
        decided_on=D(2020, 8, 20),
        violation_on=D(2020, 5, 2),
        duty_related=False,
        decision="05-QĐ/ĐU",
        note="Vi phạm quy định về sinh hoạt đảng",
    )
    Discipline.objects.create(
        member=disciplined[1],
        form="khien_trach",
        decided_on=D(2020, 9, 14),
        violation_on=D(2020, 6, 1),
        duty_related=True,
        decision="06-QĐ/ĐU",
        note="Thiếu trách nhiệm trong thực thi công vụ",
    )

    subjects = list(
        plan.subjects.filter(reviewed=True).select_related("member", "cell", "organization", "collective")
    )
    cells = {s.organization.code: s for s in subjects if s.kind == SubjectKind.CELL and s.organization is not None}
    reviews: list[Review] = []
    cell_reviews: dict[str, Review] = {}
    for code in FINISHED + IN_PROGRESS:
        s = cells[code]
        r = _review(s, "HTTNV", rng, submitted=True, grades=_grades(plan, s.kind, rng, False))
        r.circulated_on = D(2020, 11, 21)
        r.save()
        cell_reviews[code] = r
    for code, s in cells.items():
        if code not in cell_reviews and rng.random() < 0.5:
            reviews.append(_review(s, "HTTNV", rng, submitted=False, grades={}))
    chosen_excellent: set[int] = set()
    demo_member_id = User.objects.get(username="dangvien").member_id
    for s in subjects:
        if s.kind not in INDIVIDUAL_KINDS or s.cell is None or s.member is None:
            continue  # (an individual has both)
        code = s.cell.code
        elderly = s.member.date_of_birth.year < 1950
        excellent = rng.random() < 0.12 and s.member not in disciplined
        level = "HTXSNV" if excellent else ("HTNV" if rng.random() < 0.06 else "HTTNV")
        if s.member_id == demo_member_id:
            continue  # the demo member writes his/her own review in the browser
        if code in FINISHED:
            submitted = True
        elif code in IN_PROGRESS:
            submitted = rng.random() < 0.6
        else:
            if rng.random() < 0.7:
                continue
            submitted = False
        if excellent and submitted:
            chosen_excellent.add(s.pk)
        reviews.append(
            _review(
                s,
                level,
                rng,
                submitted=submitted,
                grades=_grades(plan, s.kind, rng, excellent),
                on_behalf=cell_users.get(s.cell_id) if elderly else None,
                collective=cell_reviews.get(code),
            )
        )
    Review.objects.bulk_create(reviews, batch_size=500)

    # Feedback: residence-place comments for members active elsewhere, answered in finished cells.
    request_feedback(plan, [FeedbackSource.RESIDENCE, FeedbackSource.CELL_COMMITTEE], D(2020, 11, 25), office)
    for req in FeedbackRequest.objects.filter(subject__plan=plan).select_related("subject__cell"):
        if req.subject.cell is not None and req.subject.cell.code in FINISHED and not (
            req.source == FeedbackSource.RESIDENCE and rng.random() < 0.08
        ):
            respond_feedback(
                req,
                office
                if req.source != FeedbackSource.RESIDENCE
                else cell_users.get(req.organization_id, office),
                text="Gương mẫu chấp hành chủ trương, quy định nơi cư trú; tham gia tốt các hoạt động của tổ dân phố."
                if req.source == FeedbackSource.RESIDENCE
                else "Chi ủy nhất trí với bản tự kiểm điểm.",
                proposed_level="HTTNV",
                responded_on=D(2020, 11, 24),
            )

    # Meetings and votes in the finished cells (paper ballots entered twice; one cell votes online).
    for code in FINISHED:
        cell = cells[code].organization
        assert cell is not None  # a cell subject's own organization
        roll = [s.member for s in subjects if s.cell_id == cell.pk and s.member is not None]
        present = [m for m in roll if rng.random() < 0.88]
        meeting = open_meeting(
            plan,
            date=D(2020, 11, 25),
            actor=office,
            organization=cell,
            attendees=present,
            chair=secretaries.get(cell.pk),
            place=f"Nhà văn hóa {cell.name.removeprefix('Chi bộ ')}",
        )
        online = code == "TT-THCS"
        counting_code = ""
        for item in meeting.items.select_related("subject"):
            level = (
                next((r.self_level for r in reviews if r.subject_id == item.subject_id), "HTTNV")
                if item.subject.member_id
                else "HTTNV"
            )
            if item.subject.member_id in {m.pk for m in disciplined}:
                level = "HTTNV"  # the cell proposes too high; the appraisal flags it
            n = len(present)
            if online:
                # All boxes open together under one counting code, counted together (as a cell does).
                box = open_ballot(item, office)
                counting_code = box.counting_code or counting_code
                for m in present:
                    cast_ballot(box, m, level if rng.random() < 0.85 else "HTTNV")
            else:
                counts = {level: n - 1, "HTNV": 1} if level != "HTNV" else {"HTNV": n}
                enter_paper_tally(item, office, counts)
                enter_paper_tally(item, cell_users.get(cell.pk) or standing, counts)
        if counting_code:
            close_all_ballots(meeting, office, counting_code)
        close_meeting(
            meeting,
            office,
            minutes="Hội nghị đã nghe báo cáo kiểm điểm của chi ủy, các đồng chí đảng viên "
            "tự kiểm điểm; các đồng chí dự hội nghị góp ý thẳng thắn; hội nghị biểu quyết đề xuất mức xếp loại.",
        )

    # The standing committee decides the finished cells: members first, then the cells, then their heads.
    decision = Decision.objects.create(plan=plan, number="15-QĐ/ĐU", date=D(2020, 11, 26), created_by=standing)
    heads = set(
        Position.objects.filter(is_head=True, organization__code__in=FINISHED).values_list(
            "member_id", flat=True
        )
    )
    finished = plan.subjects.filter(cell__code__in=FINISHED, reviewed=True)
    _decide_complete(decision, finished.filter(member__isnull=False).exclude(member_id__in=heads), standing)
    _decide_complete(decision, finished.filter(kind=SubjectKind.CELL), standing)
    _decide_complete(decision, finished.filter(member_id__in=heads), standing)
    for s in plan.subjects.filter(decided__level__in=["HTNV", "KHTNV"]):
        RemediationItem.objects.create(
            subject=s,
            shortcoming="Chưa hoàn thành đầy đủ nhiệm vụ chi bộ phân công.",
            action="Nhận nhiệm vụ cụ thể, báo cáo kết quả hằng quý với chi ủy.",
            owner=s.name,
            due_date=D(2021, 6, 30),
        )
    return plan


def _decide_complete(decision: Decision, subjects: QuerySet[PlanSubject], standing: User) -> None:
    """Decide the subjects whose file is complete, lowering HTXSNV to HTTNV where the quota is full."""
    appraisal = appraise(decision.plan, subjects)
    already = decided_ids(decision.plan)
    chosen: list[Choice] = []
    for row in sorted(appraisal.rows, key=lambda r: r.level != "HTXSNV"):
        if row.blocking or order_problems(decision.plan, row.subject, set(), already):
            continue  # left for the committee: a conflict to resolve, or members still to decide
        choice = Choice(row.subject, row.level or row.proposed_level)
        if choice.level != row.proposed_level:
            choice.reason = "Mức tối đa theo quy định thấp hơn mức đề xuất."
        if quota_problems(decision, [*chosen, choice]) and choice.level == "HTXSNV":
            choice = Choice(
                row.subject, "HTTNV", reason="Vượt tỷ lệ 20% HTXSNV; Ban Thường vụ xét hạ một mức."
            )
        chosen.append(choice)
    decide(decision, chosen, standing)


@transaction.atomic
def load_2025(seed: int = 2025) -> Plan:
    rng = random.Random(seed)
    ward = Organization.objects.get(code="DB-THUONGTHANH")
    office = User.objects.get(username="vanphong")
    plan = create_plan(
        ward,
        number="12-KH/ĐU",
        issued_on=D(2025, 11, 12),
        year=2025,
        actor=office,
        purpose="Kiểm điểm, đánh giá, xếp loại theo Quy định 366-QĐ/TW, chấm điểm theo thang 100 điểm.",
    )
    plan.launch_date = D(2025, 11, 14)
    plan.launch_place = "Hội trường Đảng ủy phường"
    plan.launch_chair = Position.objects.get(title="Bí thư Đảng ủy").member
    plan.save()
    for step in plan.steps.all():
        step.due_cells = D(2025, 12, 10) if step.code not in ("tham_dinh", "quyet_dinh", "cong_bo") else None
        step.due_committee = D(2025, 12, 25) if step.code != "trien_khai" else D(2025, 11, 14)
        step.save()
    compute_subjects(plan, office)
    publish_plan(plan, office)
    subjects = plan.subjects.filter(reviewed=True, cell__code__in=["TT-TDP01", "TT-UBND"]).select_related(
        "member", "cell"
    )
    reviews = []
    for s in subjects:
        g1 = rng.choice([25, 26, 27, 28, 29])
        g2 = rng.choice([58, 62, 64, 66, 63.5])
        level = "HTXSNV" if g1 + g2 >= 90 else ("HTTNV" if g1 + g2 >= 70 else "HTNV")
        reviews.append(
            _review(
                s,
                level,
                rng,
                submitted=s.kind == SubjectKind.CELL or rng.random() < 0.7,
                grades={},
                scores=(g1, g2),
            )
        )
    Review.objects.bulk_create(reviews)
    return plan


def load() -> None:
    load_2020()
    load_2025()
