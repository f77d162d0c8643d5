"""Procedural rules: places and order of review, preparation, authority, records, deadlines.

Small functions the plan, review and decision apps call; each names the rule it implements.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from .dates import working_days_between
from .framework import Form, Framework
from .levels import CELL, COLLECTIVE_KINDS, GRASSROOTS_ORG, LEADER, LEADERSHIP_COLLECTIVE

PLACE_CELL = "chi bộ nơi sinh hoạt"
PLACE_COLLECTIVE = "tập thể lãnh đạo, quản lý nơi công tác"


def review_places(framework: Framework, kind: str) -> tuple[str, ...]:
    """Where a subject is reviewed, in order (C-PL-02: a leader at the cell first, then the collective)."""
    if kind == LEADER:
        return (PLACE_CELL, PLACE_COLLECTIVE)
    if kind in COLLECTIVE_KINDS:
        return ("tại cấp mình",)
    return (PLACE_CELL,)


def temporary_activity_requirements(framework: Framework) -> tuple[str, str]:
    """C-PL-01: (where classified, prerequisite) for a member in temporary party activity."""
    return ("chi bộ sinh hoạt chính thức", "nhận xét bằng văn bản của chi bộ sinh hoạt tạm thời")


def collective_review_merged(framework: Framework, member_count: int) -> bool:
    """C-PL-03: a leadership collective of fewer than 3 members is reviewed within the agency's committee/cell."""
    return member_count < 3


def committee_reviewees(framework: Framework, has_cell_committee: bool) -> str:
    """C-PL-04: who is reviewed as the "committee" of a cell."""
    if has_cell_committee:
        return "chi ủy"
    return "bí thư và phó bí thư (nếu có), kiểm điểm tại chi bộ"


def suspended_committee_member_review(framework: Framework) -> tuple[str, str]:
    """C-PL-05: (place, period) for a committee member whose committee activity is suspended."""
    return (PLACE_CELL, "thời gian trước khi bị đình chỉ sinh hoạt cấp ủy")


def review_blockers(
    framework: Framework,
    kind: str,
    *,
    is_head: bool = False,
    collective_reviewed: bool = True,
    head_reviewed: bool = True,
    reviewed_at_cell: bool = True,
    at_collective: bool = False,
) -> list[str]:
    """Rule ids that forbid starting this review now (C-ORD-01, C-PL-02)."""
    blockers: list[str] = []
    order_rule = framework.ordering[0].rule if framework.ordering else "C-ORD-01"
    if kind not in COLLECTIVE_KINDS:
        if not collective_reviewed:
            blockers.append(order_rule)
        if not is_head and not head_reviewed:
            blockers.append(order_rule)
        if kind == LEADER and at_collective and not reviewed_at_cell and framework.id == "qd366-2025":
            blockers.append("C-PL-02")
    return sorted(set(blockers))


def classification_blockers(
    framework: Framework,
    kind: str,
    *,
    is_head: bool = False,
    collective_classified: bool = True,
    members_classified: bool = True,
    subordinates_classified: bool = True,
) -> list[str]:
    """Rule ids that forbid classifying this subject now (C-ORD-02, C-ORD-03; A-HEAD-01, A-LV-02/03)."""
    rules = {o.rule for o in framework.ordering if o.stage == "classification"}
    head_rule = next((r for r in ("C-ORD-03", "A-HEAD-01", "B-ORD-U1") if r in rules), "C-ORD-03")
    org_rule = "C-ORD-02" if "C-ORD-02" in rules else ("B-ORD-U1" if "B-ORD-U1" in rules else None)
    blockers: list[str] = []
    if is_head and not collective_classified:
        blockers.append(head_rule)
    if kind == CELL and not members_classified:
        blockers.append(org_rule or "A-LV-02")
    if kind == GRASSROOTS_ORG and not (subordinates_classified and members_classified):
        blockers.append(org_rule or "A-LV-03")
    return blockers


def draft_sent_in_time(
    framework: Framework, sent_on: date, meeting_on: date, holidays: Collection[date] = ()
) -> bool:
    """C-DOC-01: the collective report draft reached participants at least N working days before the meeting."""
    minimum = framework.draft_min_working_days
    if minimum is None:
        return True
    return working_days_between(sent_on, meeting_on, holidays) >= minimum


def meeting_duration_ok(framework: Framework, days: float) -> bool:
    """C-DOC-02: the planned review meeting lasts at least the framework's minimum (366: one day)."""
    minimum = framework.meeting_min_days
    return minimum is None or days >= minimum


def deciding_body(framework: Framework, kind: str, *, under_province: bool = True) -> str:
    """Who decides the level (C-AU-01, C-AU-02 under 366; B-AU-01 / HD 21: the directly higher committee)."""
    if framework.id == "qd366-2025":
        if kind == CELL:
            return "Đảng ủy cơ sở (đảng ủy phường)"
        if kind == GRASSROOTS_ORG:
            return (
                "Ban Thường vụ Tỉnh ủy, Thành ủy"
                if under_province
                else "Ban Thường vụ cấp ủy cấp trên trực tiếp"
            )
        if kind == LEADERSHIP_COLLECTIVE:
            return "Cấp ủy quản lý tập thể (cấp có thẩm quyền)"
        return "Đảng ủy cơ sở (theo phân cấp quản lý)"
    return "Cấp ủy cấp trên trực tiếp"


def decision_blockers(
    framework: Framework,
    *,
    pending_complaint: bool = False,
    reported_wrongdoing: bool = False,
    discipline_violation_pending: bool = False,
    signs_of_disunity: bool = False,
) -> list[str]:
    """C-AU-03: pending complaints, reports, violations or disunity block the final decision."""
    if framework.id != "qd366-2025":
        return []
    if pending_complaint or reported_wrongdoing or discipline_violation_pending or signs_of_disunity:
        return ["C-AU-03"]
    return []


def reclassification_form(framework: Framework) -> Form | None:
    """C-AU-04: the decision form used to re-classify (Mẫu 03 under HD 43)."""
    for form in framework.forms:
        if form.rule == "C-AU-04":
            return form
    return None


def after_decision(framework: Framework) -> tuple[str, ...]:
    """C-PUB-01: what must happen once the level is decided."""
    return (
        "Thông báo kết quả cho đối tượng được xếp loại",
        "Thông báo cho tập thể, cá nhân quản lý trực tiếp",
        "Công khai kết quả xếp loại theo quy định",
    )


RECORD_SELF_REVIEW = "ban_kiem_diem"
RECORD_RESIDENCE_COMMENT = "nhan_xet_noi_cu_tru"
RECORD_MINUTES = "bien_ban_hoi_nghi"
RECORD_APPRAISAL = "tong_hop_tham_dinh"
RECORD_DECISION = "quyet_dinh_xep_loai"
REQUIRED_RECORDS = (
    RECORD_SELF_REVIEW,
    RECORD_RESIDENCE_COMMENT,
    RECORD_MINUTES,
    RECORD_APPRAISAL,
    RECORD_DECISION,
)
RECORD_LABELS = {
    RECORD_SELF_REVIEW: "Bản kiểm điểm, tự đánh giá của cá nhân",
    RECORD_RESIDENCE_COMMENT: "Nhận xét của cấp ủy nơi cư trú",
    RECORD_MINUTES: "Biên bản hội nghị kiểm điểm",
    RECORD_APPRAISAL: "Báo cáo tổng hợp thẩm định của cơ quan tham mưu",
    RECORD_DECISION: "Kết luận, quyết định xếp loại",
}


def missing_records(framework: Framework, present: Iterable[str], *, special_case: bool = False) -> list[str]:
    """C-REC-01: codes of the mandatory record items missing from an individual's file (366 Art. 17)."""
    have = set(present)
    required = [r for r in REQUIRED_RECORDS if not (special_case and r == RECORD_RESIDENCE_COMMENT)]
    return [r for r in required if r not in have]


REMEDIATION_STATUSES = ("remedied", "in_progress", "not_remedied")


def remediation_status_errors(statuses: Iterable[tuple[str, float | None]]) -> list[str]:
    """C-REM-01: each earlier shortcoming reports remedied / in_progress (with % done) / not_remedied."""
    errors: list[str] = []
    for i, (status, percent) in enumerate(statuses):
        if status not in REMEDIATION_STATUSES:
            errors.append(
                f"Hạn chế {i + 1}: tình trạng phải là đã khắc phục, đang khắc phục hoặc chưa khắc phục."
            )
        elif status == "in_progress" and (percent is None or not 0 < percent < 100):
            errors.append(f"Hạn chế {i + 1}: đang khắc phục phải ghi mức độ (%) từ trên 0 đến dưới 100.")
    return errors


def violation_counts_for_new_unit(violation_on: date, transferred_on: date | None) -> bool:
    """C-KHT-08 / B-KHT-06: a violation counts for the new unit only if committed after the transfer."""
    return transferred_on is None or violation_on >= transferred_on


HD33_CATEGORIES = (
    "army_police_barracks",
    "mobile_worker",
    "rotated_cadre_official_housing",
    "full_time_training_12_months",
    "student_far_from_home",
)


def residence_comment_required(
    framework: Framework, *, works_elsewhere: bool, hd33_category: str | None = None
) -> bool:
    """A-RES-01 / A-RES-02: does a member need the residence-place cell's annual comment?"""
    if not works_elsewhere:
        return False
    return hd33_category not in HD33_CATEGORIES


def state_rating_deadline(year: int) -> date:
    """A-CB-01: the state (CBCCVC) rating is due before 15/12; returns the first date that is too late."""
    return date(year, 12, 15)


def state_rating_in_time(year: int, rated_on: date, party_classified_on: date) -> bool:
    """A-CB-01 / C-CB-01: state rating before 15/12 and before the party-member classification."""
    return rated_on < state_rating_deadline(year) and rated_on <= party_classified_on


def organization_vote_is_secret(framework: Framework) -> bool:
    """A-GR-01: the organization's level is voted by secret ballot (all frameworks keep it)."""
    return True
