"""Objects of the annual cycle for the role × URL matrix's web pages (tests/test_url_matrix.py).

``web_cycle(w)`` builds, once per test database, one published plan per ward of the ``ward`` fixture
and everything the cycle's pages take as URL parameters:

- the ward's plan (cells A and B): reviews of An, Bình, Cường (and of Xa in the other ward's plan)
  and the reports of the cells and of the ward's committee, all submitted, so that they are locked: the editors' uploads and deletions of evidence are refused
  (nothing changes) while the permission checks still run; Bình is also a leader reviewed at the
  "Chi ủy" collective (the leadership review form);
- a piece of evidence (minh chứng) on An's, Cường's and Xa's reviews;
- feedback requests (from the cell's members, and from the residence place for Cường);
- a meeting of cell A (An, Bình and one more present) and of the other ward's cell (Xa and two more), a secret ballot
  open on An and on Xa (so a second opening is refused, and so is closing the meeting);
- a decision with one entry per ward (An; Xa);
- a remediation item on An, Cường and Xa (``restore_remediation`` puts back one that a test deleted).

Which role may see or use which object is written out in the matrix, not here.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from .factories import Ward, make_member

WARD_PLAN = "21-KH/ĐU"
OTHER_PLAN = "16-KH/ĐU"
REMEDIATION = {"shortcoming": "Chưa gương mẫu", "action": "Sửa chữa", "owner": "Bản thân"}


def _build(w: Ward) -> None:
    from django.utils import timezone

    from kiemdiem.decisions.models import Decision, DecisionEntry
    from kiemdiem.organizations.models import CollectiveKind, LeadershipCollective
    from kiemdiem.plans.models import Plan, RemediationItem, SubjectKind
    from kiemdiem.plans.services import compute_subjects, create_plan, publish_plan
    from kiemdiem.reviews import ballots as ballot_service
    from kiemdiem.reviews import feedback as feedback_service
    from kiemdiem.reviews import meetings as meeting_service
    from kiemdiem.reviews import services as reviews
    from kiemdiem.reviews.models import Evidence, Review, ReviewStatus

    office, today = w.users["office"], timezone.localdate()
    # A secret ballot needs five members present: three more in cell A, four more in the other cell
    # (members with no account, outside the ``ward`` fixture's named members).
    extra = {
        w.cell_a: [make_member(w.cell_a, f"Đỗ Văn Thêm {i}") for i in (1, 2, 3)],
        w.other_cell: [make_member(w.other_cell, f"Đỗ Văn Ngoài {i}") for i in (1, 2, 3, 4)],
    }
    for org, number, cell, present, individuals, boxed in (
        (w.ward, WARD_PLAN, w.cell_a, ("an", "binh"), ("an", "binh", "cuong"), "an"),
        (w.other_ward, OTHER_PLAN, w.other_cell, ("xa",), ("xa",), "xa"),
    ):
        plan = create_plan(org, number=number, issued_on=dt.date(2020, 11, 18), year=2020)
        compute_subjects(plan)
        Plan.objects.filter(pk=plan.pk).update(launch_date=dt.date(2020, 11, 19))
        steps = plan.steps.exclude(code="trien_khai")
        steps.update(due_cells=dt.date(2020, 11, 28), due_committee=dt.date(2020, 12, 5))
        publish_plan(plan, office)
        steps.update(due_cells=today + dt.timedelta(days=10), due_committee=today + dt.timedelta(days=20))
        if org == w.ward:  # Bình is also reviewed at the cell committee (a leader)
            collective = LeadershipCollective.objects.create(
                organization=w.cell_a,
                kind=CollectiveKind.CELL_COMMITTEE,
                name="Chi ủy Chi bộ Tổ dân phố số 1",
            )
            plan.subjects.filter(member=w.members["binh"]).update(
                kind=SubjectKind.LEADER, collective=collective
            )
            reviews.get_or_create_review(plan.subjects.get(member=w.members["binh"]), "tap_the")
        for key in individuals:
            subject = plan.subjects.get(member=w.members[key])
            review = reviews.get_or_create_review(subject)
            if key != "binh":
                evidence = Evidence(review=review, description=f"Minh chứng của {key}", uploaded_by=office)
                evidence.file.save("minh-chung.pdf", ContentFile(b"%PDF-1.4 ma tran"), save=False)
                evidence.save()
                RemediationItem.objects.create(subject=subject, due_date=today, **REMEDIATION)
        for subject in plan.subjects.filter(member__isnull=True, kind__in=["cell", "grassroots_org"]):
            reviews.get_or_create_review(subject)  # the cells' and the committee's reports
        Review.objects.filter(subject__plan=plan).update(status=ReviewStatus.SUBMITTED)
        feedback_service.request_feedback(
            plan, ["dang_vien_chi_bo", "noi_cu_tru"], today + dt.timedelta(days=5), office
        )
        meeting = meeting_service.open_meeting(
            plan,
            date=today,
            actor=office,
            organization=cell,
            attendees=[*(w.members[k] for k in present), *extra[cell]],
        )
        ballot_service.open_ballot(meeting.items.get(subject__member=w.members[boxed]), office)
        decision = Decision.objects.create(plan=plan, number="25-QĐ/ĐU", date=today)
        subject = plan.subjects.get(member=w.members[individuals[0]])
        DecisionEntry.objects.create(decision=decision, subject=subject, level="HTTNV")


def web_cycle(w: Ward) -> dict[str, object]:
    """The cycle's objects by key, built on first use in the test's database."""
    from kiemdiem.decisions.models import Decision, DecisionEntry
    from kiemdiem.plans.models import Plan, RemediationItem
    from kiemdiem.reviews.models import BallotBox, Evidence, FeedbackRequest, Meeting, MeetingItem, Review

    if not Plan.objects.filter(organization=w.ward, number=WARD_PLAN).exists():
        _build(w)
    plans = {
        "ward": Plan.objects.get(organization=w.ward, number=WARD_PLAN),
        "other": Plan.objects.get(organization=w.other_ward, number=OTHER_PLAN),
    }
    found: dict[str, object] = {"plan_ward": plans["ward"], "plan_other": plans["other"]}
    for key in ("an", "binh", "cuong", "xa"):
        subject = plans["other" if key == "xa" else "ward"].subjects.get(member=w.members[key])
        found[f"subject_{key}"] = subject
        found[f"review_{key}"] = Review.objects.get(subject=subject, place="chi_bo")
        found[f"item_{key}"] = MeetingItem.objects.filter(subject=subject).first()
        found[f"evidence_{key}"] = Evidence.objects.filter(review__subject=subject).first()
        found[f"remediation_{key}"] = RemediationItem.objects.filter(subject=subject).first()
    for key in ("ward", "cell_a", "cell_b", "other_cell"):
        org = getattr(w, key)
        plan = plans["other" if key == "other_cell" else "ward"]
        found[f"subject_{key}"] = plan.subjects.get(organization=org, member__isnull=True)
    for key, plan in plans.items():
        found[f"meeting_{key}"] = Meeting.objects.get(plan=plan)
        found[f"decision_{key}"] = Decision.objects.get(plan=plan)
        found[f"entry_{key}"] = DecisionEntry.objects.get(subject__plan=plan)
    for key in ("an", "xa"):
        found[f"box_{key}"] = BallotBox.objects.get(item=found[f"item_{key}"])
    found["item_other_cell"] = MeetingItem.objects.get(
        meeting=found["meeting_other"], subject__member__isnull=True
    )
    requests = FeedbackRequest.objects
    for key in ("an", "cuong", "xa"):
        found[f"request_{key}"] = requests.get(subject=found[f"subject_{key}"], source="dang_vien_chi_bo")
    found["request_cuong_residence"] = requests.get(subject=found["subject_cuong"], source="noi_cu_tru")
    return found


def restore_remediation(w: Ward, kwargs: object = None) -> None:
    """Put back the remediation items a deletion took away (same primary keys), before each request."""
    from kiemdiem.plans.models import RemediationItem

    if not hasattr(w, "_remediation_rows"):
        found = web_cycle(w)
        w._remediation_rows = [  # type: ignore[attr-defined]
            (found[f"remediation_{k}"].pk, found[f"subject_{k}"].pk)  # type: ignore[attr-defined]
            for k in ("an", "cuong", "xa")
        ]
    for pk, subject_id in w._remediation_rows:  # type: ignore[attr-defined]
        if not RemediationItem.objects.filter(pk=pk).exists():
            RemediationItem.objects.create(
                pk=pk, subject_id=subject_id, due_date=dt.date.today(), **REMEDIATION
            )
