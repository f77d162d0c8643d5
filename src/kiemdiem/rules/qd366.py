"""Framework ``qd366-2025``: QĐ 366-QĐ/TW (30/8/2025) + HD 43-HD/BTCTW (31/10/2025); review years 2025 onward.

Every collective and individual is scored on 100 points (group I "tiêu chí chung" ≤ 30, group II
"kết quả thực hiện nhiệm vụ" ≤ 70); a level needs both its score band and its conditions (Art. 11).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .engine import NC_EXEMPT, NC_NEW_MEMBER, NC_SUSPENDED, Context, Outcome, Tally, build_outcome
from .facts import Subject
from .framework import (
    CriteriaGroup,
    Deadline,
    EvaluationKey,
    Form,
    Framework,
    Individuals,
    LevelThreshold,
    OrderingConstraint,
    Parameter,
    Rule,
    ScoredCriteria,
    SubCriterion,
)
from .levels import (
    ACTIVE,
    CELL,
    COLLECTIVE_KINDS,
    EXEMPT,
    GRASSROOTS_ORG,
    LEADER,
    LEADERSHIP_COLLECTIVE,
    MEMBER,
    MEMBER_OUTSIDE,
    SUBJECT_KINDS,
    DisciplineForm,
    Level,
)

FRAMEWORK_ID = "qd366-2025"
_DS = "https://github.com/tnt305/tai_lieu_noi_bo/blob/main/src/etl/dataset/"
INDIVIDUALS = (MEMBER, MEMBER_OUTSIDE, LEADER)
COLLECTIVES = (CELL, GRASSROOTS_ORG, LEADERSHIP_COLLECTIVE)

RULES: tuple[Rule, ...] = (
    # --- Exemptions (Art. 5 §2.1; HD 43 §7.5) ---
    Rule(
        "C-EX-01",
        "Miễn công tác và sinh hoạt đảng",
        "QĐ 366-QĐ/TW, Điều 5 khoản 2.1",
        "Đảng viên được miễn công tác và sinh hoạt đảng: không kiểm điểm, không xếp loại, không tính vào tỷ lệ.",
        "status = exempt → not classified; the subject counts in no quota group.",
        INDIVIDUALS,
        "exemption",
        _DS + "5a2414dc5e910527.md",
    ),
    Rule(
        "C-EX-02",
        "Đình chỉ sinh hoạt đảng",
        "QĐ 366-QĐ/TW, Điều 5 khoản 2.1",
        "Đảng viên đang bị đình chỉ sinh hoạt đảng: không kiểm điểm, không xếp loại.",
        "status = suspended (party activity suspended on the review date) → not classified. Suspension of "
        "committee activity only is not this status (see C-PL-05).",
        INDIVIDUALS,
        "exemption",
        _DS + "faccc6a803c8b934.md",
    ),
    Rule(
        "C-EX-03",
        "Vào Đảng chưa đủ 6 tháng",
        "QĐ 366-QĐ/TW, Điều 5 khoản 2.1",
        "Đảng viên vào Đảng chưa đủ 6 tháng tính đến thời điểm đánh giá: không xếp loại.",
        "Six months are counted by calendar date: admitted 15/6/2025 is classified on a review date of "
        "15/12/2025, not on 14/12/2025; a day number missing in the target month is clamped (31/8 → 28/2). "
        "The counting rule is UNCONFIRMED (parameter new_member_months).",
        INDIVIDUALS,
        "exemption",
        _DS + "faccc6a803c8b934.md",
        unconfirmed=True,
        parameter="new_member_months",
    ),
    Rule(
        "C-EX-04",
        "Nghỉ ốm, nghỉ thai sản",
        "HD 43-HD/BTCTW, mục 7.5",
        "Nghỉ ốm từ 3 tháng trở lên hoặc nghỉ thai sản: vẫn đánh giá, xếp loại theo kết quả thực tế.",
        "sick_or_maternity_leave_months ≥ 3 never exempts; the reason is listed so the office sees that the "
        "level rests on the actual results of the months worked.",
        INDIVIDUALS,
        "exemption",
        _DS + "798cd4156f607f4a.md",
    ),
    # --- Place of review (procedure helpers in kiemdiem.rules.procedure) ---
    Rule(
        "C-PL-01",
        "Sinh hoạt tạm thời",
        "HD 43-HD/BTCTW, mục 7.6",
        "Đảng viên sinh hoạt tạm thời: kiểm điểm, xếp loại ở chi bộ chính thức, sau khi có nhận xét của chi bộ "
        "sinh hoạt tạm thời.",
        "procedure.temporary_activity_requirements(): the official cell classifies; the temporary cell's "
        "written comment is a prerequisite.",
        INDIVIDUALS,
        "procedure",
        _DS + "798cd4156f607f4a.md",
    ),
    Rule(
        "C-PL-02",
        "Cán bộ lãnh đạo kiểm điểm ở hai nơi",
        "QĐ 366-QĐ/TW, Điều 7 khoản 2.3 và khoản 3",
        "Cá nhân giữ chức vụ lãnh đạo, quản lý kiểm điểm ở chi bộ và ở tập thể lãnh đạo, quản lý; kiểm điểm ở "
        "chi bộ trước.",
        "procedure.review_places() returns the places in order: cell first, then the leadership collective.",
        (LEADER,),
        "procedure",
        _DS + "cabfddfbbc442ed3.md",
    ),
    Rule(
        "C-PL-03",
        "Tập thể lãnh đạo dưới 3 thành viên",
        "HD 43-HD/BTCTW, mục 7.4",
        "Tập thể lãnh đạo, quản lý có dưới 3 thành viên: kiểm điểm chung tại cấp ủy, chi bộ của cơ quan do cấp có "
        "thẩm quyền quyết định.",
        "procedure.collective_review_merged(member_count) is True below 3 members.",
        (LEADERSHIP_COLLECTIVE,),
        "procedure",
        _DS + "1f8ae699d976b341.md",
    ),
    Rule(
        "C-PL-04",
        "Chi bộ không có chi ủy",
        "HD 43-HD/BTCTW, mục 1.1",
        "Chi bộ không có chi ủy: bí thư, phó bí thư (nếu có) kiểm điểm tại chi bộ như cấp ủy.",
        "procedure.committee_reviewees(has_cell_committee).",
        (CELL,),
        "procedure",
        _DS + "bce132ffed8cea1d.md",
    ),
    Rule(
        "C-PL-05",
        "Cấp ủy viên bị đình chỉ sinh hoạt cấp ủy",
        "HD 43-HD/BTCTW, mục 7.7",
        "Cấp ủy viên bị đình chỉ sinh hoạt cấp ủy: kiểm điểm trách nhiệm thời gian trước khi bị đình chỉ, tại chi "
        "bộ nơi sinh hoạt.",
        "procedure.suspended_committee_member_review(); still classified (not the C-EX-02 status).",
        INDIVIDUALS,
        "procedure",
        _DS + "798cd4156f607f4a.md",
    ),
    # --- Order ---
    Rule(
        "C-ORD-01",
        "Thứ tự kiểm điểm",
        "QĐ 366-QĐ/TW, Điều 7 khoản 3",
        "Tập thể kiểm điểm trước, cá nhân sau; người đứng đầu trước, cấp phó và thành viên sau; tập thể lãnh đạo "
        "chính quyền, chuyên môn, đoàn thể trước cấp ủy.",
        "Ordering data (Framework.ordering) and procedure.review_blockers().",
        SUBJECT_KINDS,
        "order",
        _DS + "cabfddfbbc442ed3.md",
    ),
    Rule(
        "C-ORD-02",
        "Xếp loại tổ chức đảng sau đảng viên và tổ chức trực thuộc",
        "QĐ 366-QĐ/TW, Điều 12 khoản 2",
        "Chỉ xếp loại tổ chức đảng sau khi đã xếp loại các đảng viên, tổ chức đảng trực thuộc, cơ quan, đơn vị và "
        "tập thể lãnh đạo cùng cấp.",
        "procedure.classification_blockers(); the engine itself classifies members before cells and cells "
        "before their đảng bộ.",
        (CELL, GRASSROOTS_ORG),
        "order",
        _DS + "e6de82768fe4d67d.md",
    ),
    Rule(
        "C-ORD-03",
        "Người đứng đầu xếp loại sau tập thể",
        "QĐ 366-QĐ/TW, Điều 12 khoản 2",
        "Người đứng đầu chỉ được xếp loại sau khi đã xếp loại tập thể do mình đứng đầu.",
        "procedure.classification_blockers(is_head=True, collective_classified=False) blocks.",
        INDIVIDUALS,
        "order",
        _DS + "e6de82768fe4d67d.md",
    ),
    Rule(
        "C-HEAD-U1",
        "Người đứng đầu không cao hơn tập thể (QĐ 366)",
        "QĐ 366-QĐ/TW, Điều 3 và Điều 12 khoản 2 (không thấy quy định trực tiếp; cần đối chiếu văn bản gốc)",
        "Người đứng đầu được xếp loại cao hơn tập thể do mình đứng đầu: cấp có thẩm quyền xem xét, quyết định.",
        "Engine-added. QĐ 366 keeps only the order (collective before head) and ties the head's results to "
        "the unit (Art. 3); no explicit cap was found. Reading: do not cap, raise needs_decision when the "
        "head's level is above the collective's (or the collective's level is unknown). Parameter head_cap "
        "(default off) turns it into a cap.",
        INDIVIDUALS,
        "level",
        unconfirmed=True,
        parameter="head_cap",
    ),
    # --- Preparation ---
    Rule(
        "C-DOC-01",
        "Gửi dự thảo trước 3 ngày làm việc",
        "HD 43-HD/BTCTW, mục 2.1",
        "Dự thảo báo cáo kiểm điểm tập thể phải gửi đến người dự họp ít nhất 3 ngày làm việc trước hội nghị.",
        "procedure.draft_sent_in_time(): working days Mon–Fri from the sending day included to the meeting "
        "day excluded (see dates.working_days_between).",
        (CELL, GRASSROOTS_ORG, LEADERSHIP_COLLECTIVE),
        "procedure",
        _DS + "5aa2627dab5e9f1b.md",
    ),
    Rule(
        "C-DOC-02",
        "Thời gian hội nghị kiểm điểm",
        "HD 43-HD/BTCTW, mục 2.1",
        "Hội nghị kiểm điểm tập thể, cá nhân tổ chức ít nhất 1 ngày (cấp tỉnh có thể quy định khác).",
        "procedure.meeting_duration_ok(days): a warning below the framework's minimum.",
        (CELL, GRASSROOTS_ORG, LEADERSHIP_COLLECTIVE),
        "procedure",
        _DS + "5aa2627dab5e9f1b.md",
    ),
    Rule(
        "C-FORM-01",
        "Biểu mẫu theo đối tượng",
        "HD 43-HD/BTCTW, mục 2.1 và Phụ lục biểu mẫu",
        "Tập thể dùng Mẫu 01; cá nhân lãnh đạo Mẫu 2A; đảng viên không giữ chức vụ Mẫu 2B; đảng viên không làm "
        "việc trong hệ thống chính trị Mẫu 2C.",
        "Framework.form_for(kind).",
        SUBJECT_KINDS,
        "form",
        _DS + "5aa2627dab5e9f1b.md",
    ),
    # --- Scores ---
    Rule(
        "C-SC-01",
        "Thang điểm 100",
        "QĐ 366-QĐ/TW, Điều 10; Phụ lục 1, 4, 5; Mẫu 01",
        "Điểm nhóm I từ 0 đến 30, nhóm II từ 0 đến 70, tổng điểm từ 0 đến 100; phải chấm điểm trước khi xếp loại.",
        "The contract rejects out-of-range scores. A classified subject without a score gets needs_decision "
        "C-SC-01 and the score band is not applied (its level rests on the other conditions only). Group II "
        "= 70 for Phụ lục 2/3 (leaders) is inferred from the 100-point total (parameter leader_group_ii_max).",
        SUBJECT_KINDS,
        "score",
        _DS + "365a3d743ffc1599.md",
    ),
    Rule(
        "C-SC-02",
        "Cụ thể hóa tiêu chí thành phần",
        "HD 43-HD/BTCTW, mục 7.12",
        "Cấp ủy cấp trên cụ thể hóa tiêu chí thành phần; tổng điểm tối đa nhóm I phải bằng 30, nhóm II bằng 70.",
        "framework.validate_criteria() checks a committee's concretized sub-criteria.",
        SUBJECT_KINDS,
        "score",
        _DS + "365eb35d13486667.md",
    ),
    # --- Levels (Art. 11) ---
    Rule(
        "C-LV-01",
        "Hoàn thành xuất sắc nhiệm vụ",
        "QĐ 366-QĐ/TW, Điều 11 khoản 1",
        "Đạt từ 90 điểm trở lên và đủ các điều kiện của mức “Hoàn thành xuất sắc nhiệm vụ” (còn tùy tỷ lệ).",
        "score ≥ 90 and C-LV-02..05 for the subject's kind → max_level HTXSNV. The quota (C-Q-01) is "
        "reported per group, never applied to a subject's level.",
        SUBJECT_KINDS,
        "level",
        _DS + "1b533b099f4ea315.md",
    ),
    Rule(
        "C-LV-02",
        "Điều kiện HTXSNV của cá nhân",
        "QĐ 366-QĐ/TW, Điều 11 khoản 1.3",
        "Hoàn thành 100% nhiệm vụ, chỉ tiêu đúng tiến độ, bảo đảm chất lượng, hiệu quả, trong đó ít nhất 30% "
        "vượt yêu cầu.",
        "tasks.done = tasks.total and tasks.on_time = tasks.total and 10·exceeded ≥ 3·total (exact integer "
        "comparison, so 3 of 10 passes). Absent tasks = nothing assigned: the condition holds. Also applied "
        'to a leader\'s own tasks (the "general conditions" of Art. 11 §1.2).',
        INDIVIDUALS,
        "level",
        _DS + "1b533b099f4ea315.md",
    ),
    Rule(
        "C-LV-03",
        "Điều kiện HTXSNV của người lãnh đạo",
        "QĐ 366-QĐ/TW, Điều 11 khoản 1.2",
        "Địa phương, lĩnh vực, đơn vị do cá nhân trực tiếp phụ trách hoàn thành 100% nhiệm vụ, ít nhất 30% vượt "
        "yêu cầu.",
        "units_led.tasks_completion_ratio ≥ 1 and units_led.exceeded_ratio ≥ 0.30 (absent values do not fail).",
        (LEADER,),
        "level",
        _DS + "1b533b099f4ea315.md",
    ),
    Rule(
        "C-LV-04",
        "Điều kiện HTXSNV của tập thể",
        "QĐ 366-QĐ/TW, Điều 11 khoản 1.1",
        "Hoàn thành 100% nhiệm vụ đúng tiến độ, ít nhất 30% vượt yêu cầu; không có tổ chức trực thuộc và thành "
        "viên tập thể lãnh đạo bị kỷ luật trong kỳ.",
        "Own tasks as in C-LV-02; subordinate_disciplined false; no leadership_discipline decided in the "
        "period (any form). For a cell, a member of the cell disciplined in the period counts as a "
        "subordinate disciplined (UNCONFIRMED mapping, parameter cell_member_discipline_counts, default on).",
        COLLECTIVES,
        "level",
        _DS + "798cd4156f607f4a.md",
    ),
    Rule(
        "C-LV-05",
        "Khắc phục hạn chế đã chỉ ra",
        "QĐ 366-QĐ/TW, Điều 11 khoản 1.4",
        "Khắc phục 100% hạn chế, khuyết điểm đã được chỉ ra ở kỳ kiểm điểm trước (nếu có).",
        "prior_shortcomings.remedied = prior_shortcomings.total; vacuously true when there were none.",
        SUBJECT_KINDS,
        "level",
        _DS + "1902011048a58e9d.md",
    ),
    Rule(
        "C-LV-06",
        "Hoàn thành tốt nhiệm vụ",
        "QĐ 366-QĐ/TW, Điều 11 khoản 2",
        "Mức “Hoàn thành tốt nhiệm vụ”: từ 70 đến dưới 90 điểm và hoàn thành 100% nhiệm vụ đúng tiến độ, bảo đảm "
        "chất lượng, hiệu quả (người lãnh đạo: cả các đơn vị do mình phụ trách).",
        "70 ≤ score < 90 and done = on_time = total (leader: also units_led ratio ≥ 1 and all_on_time). A "
        "score ≥ 90 failing the HTXSNV conditions falls through to HTTNV when these conditions hold — the "
        "fall-through is UNCONFIRMED (parameter fall_through, default on; off → needs_decision).",
        SUBJECT_KINDS,
        "level",
        _DS + "798cd4156f607f4a.md",
        parameter="fall_through",
    ),
    Rule(
        "C-LV-07",
        "Hoàn thành nhiệm vụ",
        "QĐ 366-QĐ/TW, Điều 11 khoản 3",
        "Mức “Hoàn thành nhiệm vụ”: từ 50 đến dưới 70 điểm, hoàn thành 100% nhiệm vụ, số nhiệm vụ chậm tiến độ "
        "không quá 20%.",
        "50 ≤ score < 70 (or a higher score failing the higher conditions, see fall_through) and done = total "
        "and 5·late ≤ total (2 late of 10 passes, 3 fails). Leader: units_led ratio ≥ 1 (the contract has no "
        "late share for units, so that part is not checked).",
        SUBJECT_KINDS,
        "level",
        _DS + "798cd4156f607f4a.md",
        parameter="fall_through",
    ),
    Rule(
        "C-LV-08",
        "Dưới 50 điểm",
        "QĐ 366-QĐ/TW, Điều 11 khoản 4",
        "Đạt dưới 50 điểm: “Không hoàn thành nhiệm vụ”.",
        "score < 50 → KHTNV (49.99 is KHTNV, 50 is not).",
        SUBJECT_KINDS,
        "level",
        _DS + "1b533b099f4ea315.md",
    ),
    Rule(
        "C-LV-09",
        "Khoảng trống của văn bản",
        "Suy ra từ QĐ 366-QĐ/TW, Điều 11 khoản 3–4",
        "Điểm từ 50 trở lên nhưng không đạt điều kiện của mức nào và không thuộc trường hợp không hoàn thành nhiệm "
        "vụ: cấp có thẩm quyền xem xét, quyết định.",
        "Raised as needs_decision; the level is the rules' best reading, parameter gap_level (default HTNV: "
        "the listed KHTNV cases do not apply, so KHTNV is not automatic). UNCONFIRMED.",
        SUBJECT_KINDS,
        "level",
        _DS + "1b533b099f4ea315.md",
        unconfirmed=True,
        parameter="gap_level",
    ),
    # --- KHTNV cases ---
    Rule(
        "C-KHT-01",
        "Đảng viên không hoàn thành nhiệm vụ (vi phạm)",
        "QĐ 366-QĐ/TW, Điều 11 khoản 4.2",
        "Có kết luận suy thoái, “tự diễn biến”, “tự chuyển hóa”; bị kỷ luật từ khiển trách trở lên do vi phạm liên "
        "quan thực thi công vụ; vi phạm những điều đảng viên không được làm hoặc quy định nêu gương: xếp loại "
        "“Không hoàn thành nhiệm vụ” (tự phát hiện, khắc phục: cấp có thẩm quyền xem xét).",
        "Discipline counts when decided in the review year up to the review date, whatever the violation "
        "date (C-KHT-07). duty_related and not self_detected_and_remedied → KHTNV. self_detected_and_remedied "
        "→ needs_decision, the level is not lowered automatically. A discipline not related to public duty "
        "→ needs_decision (the text names duty-related violations only). Also applied to leaders for "
        "prohibition_violated (a leader is a member).",
        INDIVIDUALS,
        "kht",
        _DS + "1b533b099f4ea315.md",
    ),
    Rule(
        "C-KHT-02",
        "Không hoàn thành quá 50% nhiệm vụ",
        "QĐ 366-QĐ/TW, Điều 11 khoản 4.2",
        "Có trên 50% nhiệm vụ trong năm được đánh giá là không hoàn thành: “Không hoàn thành nhiệm vụ”.",
        "2·(total − done) > total → KHTNV (5 of 10 not done is not KHTNV, 6 is).",
        (MEMBER, MEMBER_OUTSIDE),
        "kht",
        _DS + "1b533b099f4ea315.md",
    ),
    Rule(
        "C-KHT-03",
        "Người lãnh đạo: đơn vị phụ trách không hoàn thành",
        "QĐ 366-QĐ/TW, Điều 11 khoản 4.1",
        "Địa phương, đơn vị phụ trách hoàn thành dưới 70% nhiệm vụ hoặc không đạt chỉ tiêu kinh tế - xã hội cơ "
        "bản được giao, hoặc trên 50% đơn vị thuộc phạm vi phụ trách xếp loại không hoàn thành nhiệm vụ.",
        "units_led.tasks_completion_ratio < 0.70, or basic_targets_missed truthy, or 2·units_khtnv > "
        "units_total → KHTNV. Force majeure is not a contract fact: the competent level records it by "
        "deciding a different level.",
        (LEADER,),
        "kht",
        _DS + "1b533b099f4ea315.md",
    ),
    Rule(
        "C-KHT-04",
        "Tín nhiệm thấp trên 50%",
        "QĐ 366-QĐ/TW, Điều 11 khoản 4.1",
        "Có trên 50% số phiếu tín nhiệm thấp khi lấy phiếu tín nhiệm trong năm: “Không hoàn thành nhiệm vụ”.",
        "low_confidence_ratio > 0.5 → KHTNV (exactly 50% is not).",
        (LEADER,),
        "kht",
        _DS + "1b533b099f4ea315.md",
    ),
    Rule(
        "C-KHT-05",
        "Người lãnh đạo bị kỷ luật hoặc suy thoái",
        "QĐ 366-QĐ/TW, Điều 11 khoản 4.1",
        "Người lãnh đạo bị kỷ luật từ khiển trách trở lên do vi phạm liên quan thực thi công vụ hoặc có kết luận "
        "suy thoái: “Không hoàn thành nhiệm vụ” (chủ động phát hiện, khắc phục: cấp có thẩm quyền xem xét).",
        "Same reading as C-KHT-01 for discipline; degradation_concluded → KHTNV. Corruption disciplined in "
        "the leader's scope has no contract fact and is left to the competent level.",
        (LEADER,),
        "kht",
        _DS + "798cd4156f607f4a.md",
    ),
    Rule(
        "C-KHT-06",
        "Tập thể lãnh đạo không hoàn thành nhiệm vụ",
        "QĐ 366-QĐ/TW, Điều 11 khoản 4 (tập thể)",
        "Thành viên bị kỷ luật từ khiển trách trở lên do vi phạm liên quan nhiệm vụ, có thành viên suy thoái, đơn "
        "vị phụ trách hoàn thành dưới 70% nhiệm vụ hoặc không đạt chỉ tiêu cơ bản: tập thể “Không hoàn thành "
        "nhiệm vụ” (bất khả kháng, tự phát hiện: cấp có thẩm quyền xem xét).",
        "leadership_discipline decided in the period, duty_related, not self-detected → KHTNV; "
        "self-detected → needs_decision; not duty_related → not counted (unrelated to this collective). "
        "degradation_concluded on a collective means a member was concluded degraded. units_led ratio < 0.70 "
        "or basic_targets_missed → KHTNV. The collective's own discipline is not in the 366 list → "
        "needs_decision.",
        (LEADERSHIP_COLLECTIVE,),
        "kht",
        _DS + "798cd4156f607f4a.md",
    ),
    Rule(
        "C-KHT-07",
        "Vi phạm trước, kỷ luật trong kỳ",
        "QĐ 366-QĐ/TW, Điều 11 khoản 4.3",
        "Vi phạm từ trước nhưng bị kỷ luật trong kỳ: đánh giá tại thời điểm đánh giá hiện tại; cách chức, khai trừ "
        "thì xem xét ngay công tác cán bộ.",
        "A discipline decided in the period counts now even if violation_on is in an earlier year (contrast "
        "B-KHT-05). cách chức / khai trừ add a flag for the personnel decision.",
        SUBJECT_KINDS,
        "kht",
        _DS + "1b533b099f4ea315.md",
    ),
    Rule(
        "C-KHT-08",
        "Vi phạm ở đơn vị cũ",
        "QĐ 366-QĐ/TW, Điều 11 khoản 4.3",
        "Vi phạm ở đơn vị cũ, bị kỷ luật ở đơn vị mới: tính cho đơn vị cũ; vi phạm ở cả hai nơi: tính theo thời "
        "điểm vi phạm.",
        "procedure.violation_counts_for_new_unit(violation_on, transferred_on). Callers list under "
        "leadership_discipline only records attributable to this collective.",
        COLLECTIVES,
        "kht",
        _DS + "1b533b099f4ea315.md",
    ),
    # --- Quota ---
    Rule(
        "C-Q-01",
        "Tỷ lệ HTXSNV 20%",
        "QĐ 366-QĐ/TW, Điều 11 khoản 1.5",
        "Số được xếp loại “Hoàn thành xuất sắc nhiệm vụ” không vượt quá 20% số được xếp loại “Hoàn thành tốt "
        "nhiệm vụ” trong từng nhóm đối tượng có vị trí, vai trò, chức năng tương đồng.",
        "cap = floor(0.20 × HTTNV) per group (rounding UNCONFIRMED, parameter quota_rounding); the report "
        "suggests whom to lower (lowest score first, then order given), recomputing the cap after each "
        "demotion because a demoted subject joins the HTTNV count.",
        SUBJECT_KINDS,
        "quota",
        _DS + "1902011048a58e9d.md",
        parameter="quota_rounding",
    ),
    Rule(
        "C-Q-02",
        "Đơn vị có kết quả nổi trội: 25%",
        "QĐ 366-QĐ/TW, Điều 11 khoản 1.5",
        "Cơ quan, đơn vị có kết quả nổi trội, đột phá, vượt kế hoạch: cấp có thẩm quyền có thể nâng tỷ lệ lên không "
        "quá 25% số được xếp loại “Hoàn thành tốt nhiệm vụ”.",
        "groups.<g>.outstanding_unit = true → cap = floor(0.25 × HTTNV).",
        SUBJECT_KINDS,
        "quota",
        _DS + "1902011048a58e9d.md",
    ),
    Rule(
        "C-Q-03",
        "Mẫu số của tỷ lệ",
        "QĐ 366-QĐ/TW, Điều 11 khoản 1.5",
        "Mẫu số là số được xếp loại “Hoàn thành tốt nhiệm vụ” (không gồm số HTXSNV, không phải tổng số đảng viên).",
        "The denominator counts subjects whose level is HTTNV only.",
        SUBJECT_KINDS,
        "quota",
        _DS + "1902011048a58e9d.md",
    ),
    # --- Authority, publication, records ---
    Rule(
        "C-AU-01",
        "Thẩm quyền xếp loại chi bộ",
        "HD 43-HD/BTCTW, mục 3",
        "Chi bộ trực thuộc đảng ủy cơ sở: chi ủy (hoặc chi bộ) tự xếp loại; đảng ủy cơ sở quyết định.",
        "procedure.deciding_body(framework, 'cell').",
        (CELL,),
        "authority",
        _DS + "bd426cf3c9b9d680.md",
    ),
    Rule(
        "C-AU-02",
        "Thẩm quyền xếp loại đảng bộ phường",
        "HD 43-HD/BTCTW, mục 3",
        "Đảng bộ cơ sở trực thuộc tỉnh ủy: đảng ủy tự xếp loại; ban thường vụ tỉnh ủy quyết định (áp dụng cho "
        "phường là suy luận).",
        "procedure.deciding_body(framework, 'grassroots_org', under_province=True). Applicability to wards is "
        "an inference (regulations.md §8 item 6).",
        (GRASSROOTS_ORG,),
        "authority",
        _DS + "bd426cf3c9b9d680.md",
        unconfirmed=True,
    ),
    Rule(
        "C-AU-03",
        "Có khiếu nại, tố cáo trước khi quyết định",
        "QĐ 366-QĐ/TW, Điều 12 khoản 1 bước 3",
        "Có đơn thư khiếu nại, tố cáo, phản ánh vi phạm hoặc dấu hiệu mất đoàn kết: cấp ủy cấp trên chỉ đạo xác "
        "minh, thẩm định lại trước khi quyết định.",
        "procedure.decision_blockers(pending_complaint=True) blocks the final decision.",
        SUBJECT_KINDS,
        "authority",
        _DS + "dff41d573b9deb1a.md",
    ),
    Rule(
        "C-AU-04",
        "Xếp loại lại",
        "QĐ 366-QĐ/TW, Điều 15 khoản 3; Điều 13",
        "Kết quả sai, không trung thực hoặc có phản ánh đúng: hủy hoặc điều chỉnh, xếp loại lại bằng quyết định "
        "theo Mẫu 03.",
        "procedure.reclassification_form(framework) → Mẫu 03.",
        SUBJECT_KINDS,
        "authority",
        _DS + "8a90ae35892889c1.md",
    ),
    Rule(
        "C-PUB-01",
        "Thông báo, công khai kết quả",
        "QĐ 366-QĐ/TW, Điều 15 khoản 2",
        "Sau khi quyết định: thông báo cho đối tượng và tập thể, cá nhân quản lý trực tiếp; công khai kết quả xếp "
        "loại.",
        "procedure.after_decision(framework).",
        SUBJECT_KINDS,
        "procedure",
        _DS + "806996fd62ed81df.md",
    ),
    Rule(
        "C-REC-01",
        "Hồ sơ đánh giá, xếp loại",
        "QĐ 366-QĐ/TW, Điều 17",
        "Hồ sơ cá nhân gồm bản kiểm điểm, nhận xét của cấp ủy nơi cư trú (trừ trường hợp đặc biệt), biên bản hội "
        "nghị, tổng hợp thẩm định, quyết định xếp loại.",
        "procedure.missing_records(framework, present, special_case=...).",
        INDIVIDUALS,
        "procedure",
        _DS + "806996fd62ed81df.md",
    ),
    Rule(
        "C-REM-01",
        "Kế hoạch khắc phục",
        "QĐ 366-QĐ/TW, Điều 8; Mẫu 01 mục III",
        "Sau kiểm điểm phải có kế hoạch khắc phục; kỳ sau báo cáo từng hạn chế: đã khắc phục, đang khắc phục (mức "
        "độ), chưa khắc phục.",
        "procedure.remediation_status_errors(statuses).",
        SUBJECT_KINDS,
        "procedure",
        _DS + "dd662d3c417d4b27.md",
    ),
    Rule(
        "C-TL-01",
        "Thời hạn hoàn thành",
        "HD 43-HD/BTCTW, mục 4.1",
        "Kiểm điểm, xếp loại hoàn thành trước ngày 31/12 hằng năm (đơn vị đặc thù: trước 15/01 năm sau, do cấp trên "
        "quy định).",
        'Framework.check_review_end(year, end_date): "trước ngày 31/12" read strictly, the last allowed day '
        "is 30/12 (special units: 14/01 of the next year).",
        SUBJECT_KINDS,
        "deadline",
        _DS + "90e02d44a82eedc7.md",
    ),
    Rule(
        "C-TL-02",
        "Gửi hồ sơ lên Ban Tổ chức Trung ương",
        "HD 43-HD/BTCTW, mục 4.2",
        "Hồ sơ (danh mục theo Mẫu 04) gửi Ban Tổ chức Trung ương trước ngày 01/02 năm sau.",
        "Framework.records_limit(year). The ward's own earlier date is set by the province (UNCONFIRMED).",
        SUBJECT_KINDS,
        "deadline",
        _DS + "90e02d44a82eedc7.md",
    ),
    Rule(
        "C-CB-01",
        "Kết quả đánh giá cán bộ, công chức, viên chức",
        "QĐ 366-QĐ/TW, Điều 3 khoản 4",
        "Kết quả đánh giá cán bộ, công chức, viên chức là cơ sở để xếp loại đảng viên: mức xếp loại đảng viên không "
        "cao hơn mức xếp loại công chức cùng năm.",
        "civil_servant_level given and lower → the party level is capped at it (parameter civil_servant_cap, "
        "default on; off → needs_decision). The exact cap rule is UNCONFIRMED.",
        INDIVIDUALS,
        "level",
        _DS + "f8cbdf83e7678092.md",
        unconfirmed=True,
        parameter="civil_servant_cap",
    ),
)

PARAMETERS: dict[str, Parameter] = {
    p.id: p
    for p in (
        Parameter(
            "new_member_months",
            "Số tháng tối thiểu kể từ ngày vào Đảng",
            6,
            "Đếm theo ngày dương lịch (vào Đảng 15/6 thì đủ 6 tháng vào ngày 15/12).",
            True,
            ("C-EX-03",),
        ),
        Parameter(
            "fall_through",
            "Điểm thuộc khung cao nhưng không đạt điều kiện: xét mức thấp hơn",
            True,
            "Bật: điểm ≥ 90 không đủ điều kiện HTXSNV thì xét HTTNV, rồi HTNV. Tắt: vẫn gợi ý mức đó nhưng yêu cầu "
            "cấp có thẩm quyền quyết định.",
            True,
            ("C-LV-06", "C-LV-07"),
            (True, False),
        ),
        Parameter(
            "gap_level",
            "Mức gợi ý khi không đạt điều kiện mức nào (điểm ≥ 50)",
            "HTNV",
            "Trường hợp văn bản chưa quy định (C-LV-09); luôn yêu cầu cấp có thẩm quyền quyết định.",
            True,
            ("C-LV-09",),
            ("HTNV", "KHTNV"),
        ),
        Parameter("quota_ratio", "Tỷ lệ HTXSNV tối đa so với số HTTNV", 0.20, "", False, ("C-Q-01",)),
        Parameter(
            "quota_outstanding_ratio",
            "Tỷ lệ tối đa cho đơn vị có kết quả nổi trội",
            0.25,
            "",
            False,
            ("C-Q-02",),
        ),
        Parameter(
            "quota_rounding",
            "Cách làm tròn số lượng tối đa",
            "floor",
            "Làm tròn xuống (cách an toàn); văn bản không nói rõ.",
            True,
            ("C-Q-01", "C-Q-02"),
            ("floor", "round", "ceil"),
        ),
        Parameter(
            "head_cap",
            "Người đứng đầu không được xếp cao hơn tập thể",
            False,
            "QĐ 366 chỉ quy định thứ tự; mặc định không hạ mức mà yêu cầu cấp có thẩm quyền xem xét.",
            True,
            ("C-HEAD-U1",),
            (True, False),
        ),
        Parameter(
            "civil_servant_cap",
            "Mức đảng viên không cao hơn mức đánh giá công chức, viên chức",
            True,
            "Kết quả đánh giá cán bộ, công chức, viên chức là cơ sở xếp loại đảng viên.",
            True,
            ("C-CB-01",),
            (True, False),
        ),
        Parameter(
            "cell_member_discipline_counts",
            "Chi bộ: đảng viên bị kỷ luật trong kỳ coi như tổ chức trực thuộc bị kỷ luật",
            True,
            "Cách áp dụng điều kiện “không có tổ chức trực thuộc bị kỷ luật” cho chi bộ.",
            True,
            ("C-LV-04",),
            (True, False),
        ),
        Parameter(
            "leader_group_ii_max",
            "Điểm tối đa nhóm II của Phụ lục 2, 3 (cán bộ lãnh đạo)",
            70,
            "Suy ra từ tổng 100 điểm; văn bản chỉ ghi nhóm I = 30.",
            True,
            ("C-SC-01",),
        ),
    )
}


def _criteria(
    annex: str, group_i: tuple[tuple[str, float], ...], group_ii: tuple[tuple[str, float], ...]
) -> ScoredCriteria:
    return ScoredCriteria(
        annex,
        (
            CriteriaGroup(
                "I",
                "Nhóm tiêu chí chung",
                30,
                tuple(SubCriterion(f"I.{i}", t, p) for i, (t, p) in enumerate(group_i, 1)),
            ),
            CriteriaGroup(
                "II",
                "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ",
                70,
                tuple(SubCriterion(f"II.{i}", t, p) for i, (t, p) in enumerate(group_ii, 1)),
            ),
        ),
    )


_COLLECTIVE_CRITERIA = _criteria(
    "Phụ lục 1",
    (
        ("Xây dựng Đảng, chất lượng đội ngũ cán bộ, đảng viên", 5),
        ("Năng lực lãnh đạo của cấp ủy đối với chính quyền, Mặt trận, đoàn thể; phối hợp, đoàn kết", 5),
        ("Kiểm tra, giám sát, kỷ luật đảng; kiểm soát quyền lực; phòng, chống tham nhũng, suy thoái", 5),
        ("Nguyên tắc tập trung dân chủ, quy chế làm việc, phân công nhiệm vụ", 5),
        ("Lãnh đạo nhiệm vụ chính trị, tinh gọn bộ máy, cải cách hành chính, chuyển đổi số", 5),
        ("Tự phê bình, phê bình và khắc phục hạn chế đã chỉ ra", 5),
    ),
    (
        ("Cụ thể hóa nghị quyết, kế hoạch và kết quả thực hiện chỉ tiêu (sản phẩm, tiến độ, chất lượng)", 50),
        ("Kết quả xếp loại của lĩnh vực, địa phương, đơn vị, tổ chức trực thuộc và cá nhân liên quan", 20),
    ),
)
_LEADER_CRITERIA = _criteria(
    "Phụ lục 3",
    (
        ("Chính trị, tư tưởng", 6),
        ("Đạo đức, lối sống, ý thức tổ chức kỷ luật", 6),
        ("Năng lực lãnh đạo, chuyên môn, tinh thần đổi mới", 6),
        ("Uy tín, xây dựng đoàn kết", 6),
        ("Tự phê bình và phê bình", 6),
    ),
    (
        ("Thực hiện chức trách, nhiệm vụ của bản thân", 25),
        ("Kết quả lãnh đạo, chỉ đạo trong phạm vi phụ trách", 25),
        ("Kết quả xếp loại của tổ chức và cán bộ, đảng viên do mình trực tiếp quản lý", 20),
    ),
)
_MEMBER_CRITERIA = _criteria(
    "Phụ lục 4",
    (
        (
            "Chính trị, đạo đức, lối sống, ý thức tổ chức kỷ luật; giữ mối liên hệ với cấp ủy và nhân dân nơi cư trú",
            12,
        ),
        ("Năng lực chuyên môn, khả năng đáp ứng nhiệm vụ, thái độ, tinh thần đổi mới", 10),
        ("Tự phê bình và phê bình, khắc phục hạn chế", 8),
    ),
    (("Kết quả thực hiện nhiệm vụ được lượng hóa bằng sản phẩm, tiến độ, chất lượng", 70),),
)
_OUTSIDE_CRITERIA = _criteria(
    "Phụ lục 5",
    (
        (
            "Lập trường chính trị, đạo đức, lối sống, ý thức chấp hành sinh hoạt đảng và quan hệ với nhân dân nơi cư trú",
            20,
        ),
        ("Tự phê bình và phê bình, khắc phục hạn chế", 10),
    ),
    (
        ("Thực hiện quyền, nghĩa vụ đảng viên và nhiệm vụ chính trị do cấp ủy, chi bộ giao", 30),
        ("Tham gia học tập nghị quyết, đóng góp ý kiến trong sinh hoạt chi bộ", 20),
        ("Hoàn thành nhiệm vụ đột xuất, tham gia hoạt động ở địa phương phù hợp sức khỏe, tuổi tác", 20),
    ),
)

CONTENT_ITEMS: dict[str, tuple[str, ...]] = {
    "collective": (
        "Việc chấp hành nguyên tắc tổ chức, hoạt động của Đảng, nhất là nguyên tắc tập trung dân chủ, và quy chế "
        "làm việc",
        "Kết quả thực hiện nghị quyết đại hội, kế hoạch hằng năm và nhiệm vụ được giao, nhiệm vụ đột xuất",
        "Xây dựng Đảng và hệ thống chính trị, tinh gọn bộ máy, cải cách hành chính, chuyển đổi số; phòng, chống "
        "tham nhũng, lãng phí, tiêu cực, suy thoái; kiểm soát quyền lực; kiểm tra, giám sát, kỷ luật",
        "Trách nhiệm trong thực hiện đường lối của Đảng, chỉ thị của cấp trên và nhiệm vụ chính trị của địa phương",
        "Những vấn đề được gợi ý kiểm điểm và việc khắc phục hạn chế, khuyết điểm đã được kết luận",
    ),
    "member": (
        "Phẩm chất chính trị, đạo đức, lối sống, đoàn kết, ý thức tổ chức kỷ luật, trách nhiệm nêu gương, việc "
        "chấp hành những điều đảng viên không được làm, phong cách làm việc; liên hệ các biểu hiện suy thoái, "
        "“tự diễn biến”, “tự chuyển hóa”",
        "Thực hiện chức trách, nhiệm vụ và kết quả thực hiện chỉ tiêu, nhiệm vụ được giao (hiệu quả, tiến độ, "
        "chất lượng)",
        "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
        "Những vấn đề được gợi ý kiểm điểm và việc khắc phục hạn chế, khuyết điểm đã được chỉ ra",
    ),
}
CONTENT_ITEMS["member_outside"] = CONTENT_ITEMS["member"]
CONTENT_ITEMS["leader"] = CONTENT_ITEMS["member"] + (
    "Kết quả lãnh đạo, quản lý; mức độ hoàn thành nhiệm vụ của tổ chức, đơn vị phụ trách; xây dựng đoàn kết",
    "Tinh thần trách nhiệm, đổi mới, sáng tạo, dám nghĩ, dám làm; xây dựng đội ngũ cán bộ; kiểm soát quyền lực; "
    "giải quyết việc khó",
    "Trách nhiệm nêu gương của bản thân và gia đình; phòng, chống tham nhũng; sự tín nhiệm của cán bộ; phong "
    "cách lãnh đạo gần dân",
)
for _kind in COLLECTIVES:
    CONTENT_ITEMS[_kind] = CONTENT_ITEMS["collective"]
for _kind in (MEMBER, MEMBER_OUTSIDE, LEADER):
    CONTENT_ITEMS.setdefault(_kind, CONTENT_ITEMS["member"])

THRESHOLDS = (
    LevelThreshold(
        Level.HTXSNV,
        90,
        None,
        (
            (
                "tập thể",
                "100% nhiệm vụ đúng tiến độ, ≥ 30% vượt yêu cầu; không có tổ chức trực thuộc, thành viên tập "
                "thể lãnh đạo bị kỷ luật",
            ),
            ("người lãnh đạo", "đơn vị phụ trách hoàn thành 100% nhiệm vụ, ≥ 30% vượt yêu cầu"),
            ("đảng viên", "100% nhiệm vụ đúng tiến độ, chất lượng, hiệu quả, ≥ 30% vượt yêu cầu"),
            ("tất cả", "khắc phục 100% hạn chế đã chỉ ra; trong tỷ lệ 20% (25%) số HTTNV"),
        ),
        ("C-LV-01", "C-LV-02", "C-LV-03", "C-LV-04", "C-LV-05", "C-Q-01", "C-Q-02"),
    ),
    LevelThreshold(
        Level.HTTNV,
        70,
        90,
        (
            (
                "tất cả",
                "100% nhiệm vụ đúng tiến độ, chất lượng, hiệu quả (người lãnh đạo: cả đơn vị phụ trách)",
            ),
        ),
        ("C-LV-06",),
    ),
    LevelThreshold(
        Level.HTNV,
        50,
        70,
        (("tất cả", "hoàn thành 100% nhiệm vụ, chậm tiến độ không quá 20%"),),
        ("C-LV-07",),
    ),
    LevelThreshold(
        Level.KHTNV,
        None,
        50,
        (("tất cả", "dưới 50 điểm hoặc thuộc một trong các trường hợp không hoàn thành nhiệm vụ"),),
        ("C-LV-08", "C-KHT-01", "C-KHT-02", "C-KHT-03", "C-KHT-04", "C-KHT-05", "C-KHT-06"),
    ),
)

ORDERING = (
    OrderingConstraint("C-ORD-01", "review", "Tập thể kiểm điểm", "Cá nhân trong tập thể kiểm điểm"),
    OrderingConstraint("C-ORD-01", "review", "Người đứng đầu kiểm điểm", "Cấp phó, thành viên kiểm điểm"),
    OrderingConstraint(
        "C-ORD-01",
        "review",
        "Tập thể lãnh đạo chính quyền, chuyên môn, Mặt trận, đoàn thể kiểm điểm",
        "Cấp ủy kiểm điểm",
    ),
    OrderingConstraint(
        "C-PL-02", "review", "Cán bộ lãnh đạo kiểm điểm ở chi bộ", "Kiểm điểm ở tập thể lãnh đạo"
    ),
    OrderingConstraint(
        "C-ORD-03", "classification", "Xếp loại tập thể lãnh đạo", "Xếp loại thành viên, người đứng đầu"
    ),
    OrderingConstraint(
        "C-ORD-02",
        "classification",
        "Xếp loại đảng viên, tổ chức đảng trực thuộc, cơ quan, đơn vị cùng cấp",
        "Xếp loại tổ chức đảng",
    ),
)

FORMS = (
    Form(
        "Mẫu 01-HD KĐ.ĐG 2025", "Báo cáo kiểm điểm, tự đánh giá, xếp loại tập thể", COLLECTIVES, "C-FORM-01"
    ),
    Form(
        "Mẫu 2A-HD KĐ.ĐG 2025", "Bản kiểm điểm cá nhân giữ chức vụ lãnh đạo, quản lý", (LEADER,), "C-FORM-01"
    ),
    Form(
        "Mẫu 2B-HD KĐ.ĐG 2025",
        "Bản kiểm điểm cá nhân không giữ chức vụ lãnh đạo, quản lý",
        (MEMBER,),
        "C-FORM-01",
    ),
    Form(
        "Mẫu 2C-HD KĐ.ĐG 2025",
        "Bản kiểm điểm đảng viên không làm việc trong hệ thống chính trị",
        (MEMBER_OUTSIDE,),
        "C-FORM-01",
    ),
    Form("Mẫu 03-HD KĐ.ĐG 2025", "Quyết định đánh giá, xếp loại lại tổ chức đảng, đảng viên", (), "C-AU-04"),
    Form("Mẫu 04-HD KĐ.ĐG 2025", "Danh mục hồ sơ đánh giá, xếp loại", (), "C-TL-02"),
    Form("Mẫu 05-HD KĐ.ĐG 2025", "Bản tự đánh giá, xếp loại cá nhân theo quý, năm", ()),
)

DEADLINES = (
    Deadline("C-TL-01", "Hoàn thành kiểm điểm, xếp loại", 12, 31, 0, "normal"),
    Deadline("C-TL-01", "Đơn vị đặc thù hoàn thành kiểm điểm, xếp loại", 1, 15, 1, "special"),
    Deadline("C-TL-02", "Gửi hồ sơ (Mẫu 04) lên Ban Tổ chức Trung ương", 2, 1, 1, "records"),
)

# Rule bits (the rule order above is fixed, so a framework copy with other parameters keeps them).
_BIT = {rule.id: 1 << i for i, rule in enumerate(RULES)}
EX01, EX02, EX03, EX04 = _BIT["C-EX-01"], _BIT["C-EX-02"], _BIT["C-EX-03"], _BIT["C-EX-04"]
SC01 = _BIT["C-SC-01"]
LV01, LV02, LV03, LV04, LV05 = (_BIT[f"C-LV-0{i}"] for i in range(1, 6))
LV06, LV07, LV08, LV09 = (_BIT[f"C-LV-0{i}"] for i in range(6, 10))
KHT01, KHT02, KHT03, KHT04, KHT05, KHT06, KHT07 = (_BIT[f"C-KHT-0{i}"] for i in range(1, 8))
CB01 = _BIT["C-CB-01"]
_CACH_CHUC = DisciplineForm.CACH_CHUC


class Context366(Context):
    """Parameter values read by the evaluators, resolved once per classification."""

    def __init__(self, framework: Framework, review_date: date) -> None:
        super().__init__(framework, review_date)
        self.fall_through = bool(framework.param("fall_through"))
        self.gap_level = int(Level[framework.param("gap_level")])
        self.civil_servant_cap = bool(framework.param("civil_servant_cap"))
        self.cell_member_discipline = bool(framework.param("cell_member_discipline_counts"))
        # Admitted after this date: not classified yet (C-EX-03). With new_member_months = 0 there is no
        # cutoff (``new_member_cutoff`` is None): date.max, so that the hot paths compare one date as before.
        self.admitted_after: date = date.max if self.new_member_cutoff is None else self.new_member_cutoff


def make_context(framework: Framework, review_date: date) -> Context366:
    return Context366(framework, review_date)


def _discipline(s: Subject, ctx: Context366, rule: int) -> tuple[int, int, int, int]:
    """(kht, needs, flags, reasons) from an individual's discipline records (C-KHT-01/05/07)."""
    kht = needs = flags = reasons = 0
    start = ctx.period_start
    for d in s.discipline:
        if not ctx.in_period(d.decided_on):
            continue
        if d.violation_on is not None and d.violation_on < start:
            reasons |= KHT07
        if d.form >= _CACH_CHUC:
            flags |= KHT07
        if d.duty_related and not d.self_detected_and_remedied:
            kht |= rule
        else:
            needs |= rule
    return kht, needs, flags, reasons


def evaluate_individual(s: Subject, ctx: Context366) -> EvaluationKey:
    """Members, members outside the political system and leaders (Art. 5, Art. 11). Hot path."""
    status = s.status
    if status != ACTIVE:
        if status == EXEMPT:
            return (NC_EXEMPT, EX01, 0, 0, 0, None, None)
        return (NC_SUSPENDED, EX02, 0, 0, 0, None, None)
    admitted = s.admitted_on
    if admitted is not None and admitted > ctx.admitted_after:
        return (NC_NEW_MEMBER, EX03, 0, 0, 0, None, None)
    reasons = unmet = needs = flags = kht = 0
    leader = s.kind == LEADER
    if s.discipline:
        kht, needs, flags, reasons = _discipline(s, ctx, KHT05 if leader else KHT01)
    if s.degradation_concluded:
        kht |= KHT05 if leader else KHT01
    if s.prohibition_violated:
        kht |= KHT01
    sick = s.sick_or_maternity_leave_months
    if sick is not None and sick >= 3:
        reasons |= EX04
    total = s.tasks_total
    units = s.units_led
    if leader:
        low = s.low_confidence_ratio
        if low is not None and low > 0.5:
            kht |= KHT04
        if units is not None:
            ratio = units.tasks_completion_ratio
            if (
                (ratio is not None and ratio < 0.7)
                or units.basic_targets_missed
                or (
                    units.units_total
                    and units.units_khtnv is not None
                    and 2 * units.units_khtnv > units.units_total
                )
            ):
                kht |= KHT03
    elif total is not None and total > 2 * s.tasks_done:  # more than half of the tasks not done
        kht |= KHT02
    if kht:
        return (0, reasons | kht, unmet, needs, flags, s.proposed_level, s.previous_level)

    general, tasks_score = s.score_general, s.score_tasks
    if general is None or tasks_score is None:  # not scored (a group's score alone is no total)
        needs |= SC01
        band = 3
    else:
        score = general + tasks_score
        if score >= 90:
            band = 3
        elif score >= 70:
            band = 2
        elif score >= 50:
            band = 1
        else:
            return (0, reasons | LV08, unmet, needs, flags, s.proposed_level, s.previous_level)

    if total is None:
        done_ok = on_time_ok = exceeded_ok = late_ok = True
    else:
        done_ok = s.tasks_done >= total
        on_time_ok = s.tasks_on_time >= total
        exceeded_ok = 10 * s.tasks_exceeded >= 3 * total
        late_ok = 5 * s.tasks_late <= total
    units_done = units_time = units_exceeded = True
    if leader and units is not None:
        ratio = units.tasks_completion_ratio
        units_done = ratio is None or ratio >= 1
        units_time = units.all_on_time is not False
        exceeded = units.exceeded_ratio
        units_exceeded = exceeded is None or exceeded >= 0.3

    level = -1
    if band == 3:
        own = done_ok and on_time_ok and exceeded_ok
        unit = units_done and units_exceeded
        remedied = s.shortcomings_total is None or s.shortcomings_remedied >= s.shortcomings_total
        if own and unit and remedied:
            level = 3
            reasons |= LV01
        else:
            if not own:
                unmet |= LV02
            if not unit:
                unmet |= LV03
            if not remedied:
                unmet |= LV05
    if level < 0 and band >= 2:
        if done_ok and on_time_ok and units_done and units_time:
            level = 2
            reasons |= LV06
        else:
            unmet |= LV06
    if level < 0:
        if done_ok and late_ok and units_done:
            level = 1
            reasons |= LV07
        else:
            unmet |= LV07
            level = ctx.gap_level
            needs |= LV09
            reasons |= LV09
    elif level < band and not ctx.fall_through:
        needs |= LV06 if level == 2 else LV07

    civil = s.civil_servant_level
    if civil is not None and civil < level:
        if ctx.civil_servant_cap:
            level = civil
            reasons |= CB01
        else:
            needs |= CB01
    return (level, reasons, unmet, needs, flags, s.proposed_level, s.previous_level)


def evaluate_collective(s: Subject, ctx: Context366) -> EvaluationKey:
    """Cells, grassroots organizations and leadership collectives (Art. 11 §1.1, §2–4)."""
    reasons = unmet = needs = flags = kht = 0
    in_period = ctx.in_period
    leadership_disciplined = False
    for d in s.leadership_discipline:
        if not in_period(d.decided_on):
            continue
        leadership_disciplined = True
        if s.kind == LEADERSHIP_COLLECTIVE and d.duty_related:
            if d.self_detected_and_remedied:
                needs |= KHT06
            else:
                kht |= KHT06
        if d.violation_on is not None and d.violation_on < ctx.period_start:
            reasons |= KHT07
    if s.kind == LEADERSHIP_COLLECTIVE:
        if s.degradation_concluded:
            kht |= KHT06
        units = s.units_led
        if units is not None:
            ratio = units.tasks_completion_ratio
            if (ratio is not None and ratio < 0.7) or units.basic_targets_missed:
                kht |= KHT06
        if any(in_period(d.decided_on) for d in s.discipline):
            needs |= KHT06
    if kht:
        return (0, reasons | kht, unmet, needs, flags, s.proposed_level, None)

    general, tasks_score = s.score_general, s.score_tasks
    if general is None or tasks_score is None:  # not scored (a group's score alone is no total)
        needs |= SC01
        band = 3
    else:
        score = general + tasks_score
        band = 3 if score >= 90 else 2 if score >= 70 else 1 if score >= 50 else 0
        if band == 0:
            return (0, reasons | LV08, unmet, needs, flags, s.proposed_level, None)

    total = s.tasks_total
    if total is None:
        done_ok = on_time_ok = exceeded_ok = late_ok = True
    else:
        done_ok = s.tasks_done >= total
        on_time_ok = s.tasks_on_time >= total
        exceeded_ok = 10 * s.tasks_exceeded >= 3 * total
        late_ok = 5 * s.tasks_late <= total
    subordinate = s.subordinate_disciplined or (
        s.kind == CELL and ctx.cell_member_discipline and s.id in ctx.cells_with_disciplined_members
    )
    level = -1
    if band == 3:
        remedied = s.shortcomings_total is None or s.shortcomings_remedied >= s.shortcomings_total
        own = done_ok and on_time_ok and exceeded_ok and not subordinate and not leadership_disciplined
        if own and remedied:
            level = 3
            reasons |= LV01
        else:
            if not own:
                unmet |= LV04
            if not remedied:
                unmet |= LV05
    if level < 0 and band >= 2:
        if done_ok and on_time_ok:
            level = 2
            reasons |= LV06
        else:
            unmet |= LV06
    if level < 0:
        if done_ok and late_ok:
            level = 1
            reasons |= LV07
        else:
            unmet |= LV07
            level = ctx.gap_level
            needs |= LV09
            reasons |= LV09
    elif level < band and not ctx.fall_through:
        needs |= LV06 if level == 2 else LV07
    return (level, reasons, unmet, needs, flags, s.proposed_level, None)


def bulk_individuals(
    framework: Framework,
    subjects: Sequence[Subject],
    ctx: Context366,
    cache: dict[EvaluationKey, Outcome],
    outcomes: list[Outcome | None],
    tally: Tally,
) -> Individuals:
    """The hot loop: plain members and members outside the political system, with quota counts.

    Same contract and result as ``engine.individuals``. A plain member (no head role, active, not new, no
    discipline, degradation, prohibited act or sick leave, scored, with tasks) is looked up by what
    :func:`evaluate_individual` reads of it: the answers to the score and task conditions that can change
    its level, and its civil-service, previous and proposed levels. Members with the same answers have the
    same outcome, so each distinct combination is evaluated once (a few hundred in a run of a million) and
    looked up afterwards. Every other subject goes through the general evaluator. Tests check they agree.
    """
    get = cache.get
    evaluate = evaluate_individual
    cutoff = ctx.admitted_after
    counts = tally.counts
    htxsnv = tally.htxsnv
    member, outside, active = MEMBER, MEMBER_OUTSIDE, ACTIVE
    add = tally.add
    collective_kinds = COLLECTIVE_KINDS
    collectives: list[int] = []
    heads: list[tuple[int, str]] = []
    collective_heads: dict[str, list[str]] = {}
    seen: dict[int, dict[Level | None, Outcome]] = {}
    for i, s in enumerate(subjects):
        kind = s.kind
        general = s.score_general
        tasks_score = s.score_tasks
        total = s.tasks_total
        admitted = s.admitted_on
        if (
            (kind != member and kind != outside)
            or s.heads is not None
            or s.status != active
            or (admitted is not None and admitted > cutoff)
            or s.discipline
            or s.degradation_concluded
            or s.prohibition_violated
            or s.sick_or_maternity_leave_months is not None
            or general is None
            or tasks_score is None
            or total is None
        ):
            # Everyone else: the general evaluator, in the same pass while the subject is in the CPU cache.
            if kind in collective_kinds:
                collectives.append(i)
                if s.heads is not None:
                    collective_heads.setdefault(s.heads, []).append(s.id)
                continue
            key = evaluate(s, ctx)
            o = get(key)
            if o is None:
                o = cache[key] = build_outcome(framework, key)
            outcomes[i] = o
            if o.code >= 0:
                add(i, s, o.code)
            if s.heads is not None:
                heads.append((i, s.heads))
            continue
        score = general + tasks_score
        done = s.tasks_done
        # What evaluate_individual tests for such a member, each condition only where it can change the
        # result, as bits of one small int (cheaper to build and hash than a tuple of booleans).
        if total > 2 * done:
            answers = 1  # C-KHT-02 decides
        else:
            answers = 16 if score >= 90 else 8 if score >= 70 else 4 if score >= 50 else 2  # score band
            if answers >= 8 and done >= total and s.tasks_on_time >= total:  # HTTNV (C-LV-06)
                answers += 128
                if answers > 136 and 10 * s.tasks_exceeded >= 3 * total:  # HTXSNV, own (C-LV-01, 02)
                    answers += 32
            elif done >= total and 5 * s.tasks_late <= total:  # HTNV (C-LV-07)
                answers += 256
            if score >= 90:  # HTXSNV, earlier shortcomings (C-LV-05)
                shortcomings = s.shortcomings_total
                if shortcomings is None or s.shortcomings_remedied >= shortcomings:
                    answers += 64
        # Then the levels it reads: a civil-service rating or last year's level (rare) as more bits, the
        # proposed level (common) as the key of a second small dict.
        if s.civil_servant_level is not None or s.previous_level is not None:
            if s.civil_servant_level is not None:
                answers += (s.civil_servant_level + 1) << 9
            if s.previous_level is not None:
                answers += (s.previous_level + 1) << 12
        try:
            o = seen[answers][s.proposed_level]
        except KeyError:
            key = evaluate(s, ctx)
            o = get(key)
            if o is None:
                o = cache[key] = build_outcome(framework, key)
            seen.setdefault(answers, {})[s.proposed_level] = o
        outcomes[i] = o
        code = o.code
        g = s.group
        if g is None:
            g = kind
        try:
            c = counts[g]
        except KeyError:
            c = counts[g] = [0, 0, 0, 0]
            htxsnv[g] = []
        c[code] += 1
        if code == 3:
            htxsnv[g].append((score, i, s.id))
    return collectives, heads, collective_heads


FRAMEWORK = Framework(
    id=FRAMEWORK_ID,
    title="Khung QĐ 366-QĐ/TW và HD 43-HD/BTCTW (từ năm 2025): chấm điểm thang 100",
    regulation="Quy định 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị",
    guidance=(
        "Hướng dẫn 43-HD/BTCTW ngày 31/10/2025 của Ban Tổ chức Trung ương",
        "Công văn 10072-CV/BTCTW ngày 06/11/2025",
    ),
    review_years=(2025, None),
    subject_kinds=SUBJECT_KINDS,
    content_items=CONTENT_ITEMS,
    criteria={
        CELL: _COLLECTIVE_CRITERIA,
        GRASSROOTS_ORG: _COLLECTIVE_CRITERIA,
        LEADERSHIP_COLLECTIVE: _COLLECTIVE_CRITERIA,
        LEADER: _LEADER_CRITERIA,
        MEMBER: _MEMBER_CRITERIA,
        MEMBER_OUTSIDE: _OUTSIDE_CRITERIA,
    },
    thresholds=THRESHOLDS,
    exemptions=("C-EX-01", "C-EX-02", "C-EX-03", "C-EX-04"),
    quota_rules=("C-Q-01", "C-Q-02", "C-Q-03"),
    quota_grouping="Từng nhóm đối tượng có vị trí, vai trò, chức năng tương đồng do cấp có thẩm quyền xác định "
    "(ví dụ: toàn bộ đảng viên của đảng bộ phường; các chi bộ).",
    quota_kinds=SUBJECT_KINDS,
    ordering=ORDERING,
    forms=FORMS,
    deadlines=DEADLINES,
    rules=RULES,
    parameters=PARAMETERS,
    scored=True,
    draft_min_working_days=3,
    meeting_min_days=1,
    evaluate_individual=evaluate_individual,
    evaluate_collective=evaluate_collective,
    make_context=make_context,
    bulk_individuals=bulk_individuals,
)
