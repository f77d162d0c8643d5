"""Framework ``qd124-2023``: QĐ 124-QĐ/TW (04/10/2023) + HD 25-HD/BTCTW (10/11/2023); review years 2023–2024.

Each criterion is graded Xuất sắc / Tốt / Trung bình / Kém; the contract carries the lowest grade among
the key (task-result) criteria as ``grades.key`` and among the others as ``grades.other``.
"""

from __future__ import annotations

from datetime import date

from .engine import NC_EXEMPT, NC_NEW_MEMBER, NC_SUSPENDED, Context
from .facts import Subject
from .framework import (
    EvaluationKey,
    Form,
    Framework,
    GradedCriteria,
    GradedCriterion,
    LevelThreshold,
    OrderingConstraint,
    Parameter,
    Rule,
)
from .levels import (
    ACTIVE,
    CELL,
    EXEMPT,
    GRASSROOTS_ORG,
    LEADER,
    LEADERSHIP_COLLECTIVE,
    MEMBER,
    MEMBER_OUTSIDE,
    SUBJECT_KINDS,
    Grade,
    Level,
)

FRAMEWORK_ID = "qd124-2023"
INDIVIDUALS = (MEMBER, MEMBER_OUTSIDE, LEADER)
COLLECTIVES = (CELL, GRASSROOTS_ORG, LEADERSHIP_COLLECTIVE)
_DANSINH = "https://dansinh.dantri.com.vn/nhan-luc/truong-hop-dang-vien-khong-can-kiem-diem-cuoi-nam-2024-20241101124344988.htm"
_LAWNET_124 = (
    "https://lawnet.vn/giao-duc/en/guidelines-for-evaluation-and-classification-of-communist-party-members-according-"
    "to-regulation-124--15768.html"
)
_XDCS = (
    "https://xaydungchinhsach.chinhphu.vn/print/quy-dinh-124-qd-tw-cac-truong-hop-tap-the-ca-nhan-duoc-xep-loai-khong-"
    "hoan-thanh-nhiem-vu-119231009165620474.htm"
)
_S31 = (
    "http://118.69.201.250:801/phap-luat/ho-tro-phap-luat/dang-vien-co-vi-pham-truoc-khi-danh-gia-xep-loai-nhung-den-"
    "luc-danh-gia-xep-loai-moi-thi-hanh-ky-lu-67341-117675.html"
)

RULES: tuple[Rule, ...] = (
    Rule(
        "B-EX-01",
        "Đảng viên không xếp loại",
        "QĐ 124-QĐ/TW, Điều 5 khoản 2.1",
        "Đảng viên được miễn công tác và sinh hoạt đảng, bị đình chỉ sinh hoạt đảng hoặc vào Đảng chưa đủ 6 tháng: "
        "không kiểm điểm, không xếp loại.",
        "status exempt / suspended, or fewer than 6 calendar months since admission on the review date "
        "(counted by calendar date, UNCONFIRMED; parameter new_member_months) → not classified.",
        INDIVIDUALS,
        "exemption",
        _DANSINH,
        parameter="new_member_months",
    ),
    Rule(
        "B-GR-01",
        "Bốn cấp độ của tiêu chí",
        "QĐ 124-QĐ/TW, Điều 11 khoản 1",
        "Mỗi tiêu chí được đánh giá ở một trong bốn cấp độ: Xuất sắc, Tốt, Trung bình, Kém; phải có cấp độ tiêu chí "
        "trước khi xếp loại.",
        "grades.key / grades.other take the four grade codes; a classified subject without grades gets "
        "needs_decision B-GR-01 and its level rests on the other conditions only.",
        SUBJECT_KINDS,
        "score",
        _DANSINH,
    ),
    Rule(
        "B-LV-01",
        "HTXSNV của tập thể",
        "QĐ 124-QĐ/TW, Điều 12 khoản 1",
        "Tập thể: các tiêu chí đạt Tốt trở lên, tiêu chí kết quả thực hiện nhiệm vụ đạt Xuất sắc; không có tổ chức "
        "trực thuộc, thành viên tập thể lãnh đạo bị kỷ luật (còn tùy tỷ lệ).",
        "grades.key = xuat_sac and grades.other ≥ tot and no leadership_discipline decided in the period "
        "(a subordinate disciplined already makes the collective KHTNV, B-KHT-03).",
        COLLECTIVES,
        "level",
        _LAWNET_124,
    ),
    Rule(
        "B-LV-02",
        "HTXSNV của cá nhân",
        "QĐ 124-QĐ/TW, Điều 12 khoản 1",
        "Cá nhân: các tiêu chí đạt Tốt trở lên, tiêu chí kết quả thực hiện nhiệm vụ đạt Xuất sắc; 100% chỉ tiêu, "
        "nhiệm vụ hoàn thành đúng tiến độ, bảo đảm chất lượng, trong đó ít nhất 50% vượt mức (còn tùy tỷ lệ).",
        "grades.key = xuat_sac, grades.other ≥ tot, done = on_time = total, 2·exceeded ≥ total. Leaders: "
        "units_led ratio ≥ 1 and exceeded_ratio ≥ 0.5 too (the leader part is UNCONFIRMED, parameter "
        "leader_units_condition).",
        INDIVIDUALS,
        "level",
        "https://lawnet.vn/thong-tin-phap-luat/en/chinh-sach-moi/new-regulations-on-annual-quality-ranking-criteria-in-"
        "the-political-system-in-vietnam-126034.html",
    ),
    Rule(
        "B-LV-03",
        "HTTNV của tập thể",
        "QĐ 124-QĐ/TW, Điều 12 khoản 2",
        "Tập thể: các tiêu chí đạt Trung bình trở lên, tiêu chí kết quả thực hiện nhiệm vụ đạt Tốt trở lên; không có "
        "tổ chức trực thuộc, thành viên tập thể lãnh đạo bị kỷ luật (trừ trường hợp tự phát hiện, khắc phục).",
        "grades.key ≥ tot, grades.other ≥ trung_binh, every leadership_discipline of the period self-detected "
        "and remedied.",
        COLLECTIVES,
        "level",
        _LAWNET_124,
    ),
    Rule(
        "B-LV-04",
        "HTNV của tập thể",
        "QĐ 124-QĐ/TW, Điều 12 khoản 3",
        "Tập thể: các tiêu chí cơ bản đạt Trung bình trở lên; cùng điều kiện về kỷ luật như mức Hoàn thành tốt "
        "nhiệm vụ.",
        '"Basic criteria" read as both key and other ≥ trung_binh. Not meeting it (e.g. a leadership member '
        "disciplined and not self-detected) → KHTNV, with this rule as the reason.",
        COLLECTIVES,
        "level",
        _LAWNET_124,
    ),
    Rule(
        "B-LV-05",
        "HTTNV, HTNV của cá nhân",
        "QĐ 124-QĐ/TW, Điều 12 khoản 2–3 (chưa đối chiếu được)",
        "Cá nhân: Hoàn thành tốt nhiệm vụ khi các tiêu chí đạt Tốt trở lên; Hoàn thành nhiệm vụ khi các tiêu chí đạt "
        "Trung bình trở lên.",
        "UNCONFIRMED thresholds encoded as parameters individual_httnv_min_grade (default tot) and "
        "individual_htnv_min_grade (default trung_binh), applied to both grades.key and grades.other.",
        INDIVIDUALS,
        "level",
        unconfirmed=True,
        parameter="individual_httnv_min_grade",
    ),
    Rule(
        "B-KHT-01",
        "Cá nhân bị kỷ luật trong năm",
        "QĐ 124-QĐ/TW, Điều 12 khoản 4.3 điểm d",
        "Bị xử lý kỷ luật trong năm (kể cả khiển trách), trừ trường hợp tự phát hiện và khắc phục xong: “Không hoàn "
        "thành nhiệm vụ”.",
        "Any discipline decided in the review year up to the review date, not self_detected_and_remedied → "
        "KHTNV; self-detected and remedied → not counted (the text's own exception). A violation committed in "
        "an earlier year is counted for that year instead (B-KHT-05).",
        INDIVIDUALS,
        "kht",
        "https://lawnet.vn/laws/nhung-luu-y-trong-viec-xep-loai-dang-vien-la-gi-quy-trinh-danh-gia-xep-loai-dang-vien-"
        "theo-quy-dinh-414443-128359.html",
    ),
    Rule(
        "B-KHT-02",
        "Có tiêu chí ở mức Kém",
        "QĐ 124-QĐ/TW, Điều 12 khoản 4",
        "Có tiêu chí bị đánh giá ở mức Kém: “Không hoàn thành nhiệm vụ”.",
        '"Có các tiêu chí ở mức Kém" read as any criterion Kém (UNCONFIRMED, parameter kem_any_criterion; '
        "off → only when both key and other are Kém).",
        SUBJECT_KINDS,
        "kht",
        _XDCS,
        unconfirmed=True,
        parameter="kem_any_criterion",
    ),
    Rule(
        "B-KHT-03",
        "Tập thể không hoàn thành nhiệm vụ",
        "QĐ 124-QĐ/TW, Điều 12 khoản 4.1–4.2",
        "Tổ chức trực thuộc có vi phạm bị kỷ luật; hoàn thành dưới 50% chỉ tiêu và chỉ tiêu chủ yếu không đạt; tập "
        "thể bị kỷ luật; có kết luận mất đoàn kết hoặc thành viên suy thoái: “Không hoàn thành nhiệm vụ”.",
        "subordinate_disciplined (no self-detection fact: counted), the collective's own discipline in the "
        "period, degradation_concluded, or units_led ratio < 0.5 with basic_targets_missed → KHTNV. "
        '"> 20% subordinate units disciplined" has no contract fact.',
        COLLECTIVES,
        "kht",
        _XDCS,
    ),
    Rule(
        "B-KHT-04",
        "Cá nhân suy thoái, vi phạm",
        "QĐ 124-QĐ/TW, Điều 12 khoản 4.3",
        "Có kết luận suy thoái, vi phạm những điều đảng viên không được làm hoặc quy định nêu gương; người lãnh đạo "
        "có đơn vị phụ trách hoàn thành dưới 50% chỉ tiêu và chỉ tiêu chủ yếu không đạt: “Không hoàn thành nhiệm vụ”.",
        "degradation_concluded or prohibition_violated → KHTNV; leader: units_led ratio < 0.5 and "
        "basic_targets_missed → KHTNV.",
        INDIVIDUALS,
        "kht",
        _XDCS,
    ),
    Rule(
        "B-KHT-05",
        "Vi phạm năm trước, kỷ luật năm nay",
        "QĐ 124-QĐ/TW, Điều 12 khoản 4.5",
        "Vi phạm ở năm trước nhưng bị kỷ luật trong năm đánh giá: cấp ủy cấp trên đánh giá, xếp loại lại năm có vi "
        "phạm.",
        "The discipline does not lower this year's level; a flag asks for re-classification of the violation "
        "year.",
        SUBJECT_KINDS,
        "kht",
        _S31,
    ),
    Rule(
        "B-KHT-06",
        "Vi phạm ở đơn vị cũ",
        "QĐ 124-QĐ/TW, Điều 12 khoản 4.6–4.7",
        "Vi phạm ở đơn vị cũ, bị kỷ luật ở đơn vị mới: tính cho đơn vị cũ; vi phạm ở cả hai nơi: tính theo thời điểm "
        "vi phạm.",
        "procedure.violation_counts_for_new_unit(violation_on, transferred_on).",
        COLLECTIVES,
        "kht",
        _S31,
    ),
    Rule(
        "B-Q-01",
        "Tỷ lệ HTXSNV 20%",
        "QĐ 124-QĐ/TW, Điều 12 khoản 1",
        "Số HTXSNV không vượt quá 20% số được xếp loại “Hoàn thành tốt nhiệm vụ” trong từng nhóm có vị trí, vai trò "
        "tương đồng.",
        "cap = floor(0.20 × HTTNV) (rounding UNCONFIRMED); no 25% exception (UNCONFIRMED that 124 had none, "
        "parameter quota_outstanding_ratio).",
        SUBJECT_KINDS,
        "quota",
        _LAWNET_124,
        parameter="quota_rounding",
    ),
    Rule(
        "B-AU-01",
        "Cấp có thẩm quyền quyết định",
        "QĐ 124-QĐ/TW, Điều 13",
        "Cấp ủy cấp trên trực tiếp quyết định xếp loại, kiểm tra, giám sát; có thể hủy và xếp loại lại.",
        "procedure.deciding_body(framework, kind).",
        SUBJECT_KINDS,
        "authority",
        "https://baohaiduong.vn/en/lam-tot-viec-kiem-diem-cuoi-nam-364328.html",
    ),
    Rule(
        "B-FORM-01",
        "Biểu mẫu cá nhân (HD 25)",
        "HD 25-HD/BTCTW, Phụ lục biểu mẫu",
        "Cá nhân không giữ chức vụ lãnh đạo dùng Mẫu 02A; cá nhân giữ chức vụ lãnh đạo dùng Mẫu 02B (HD 25).",
        "Framework.form_for(kind); note the letters swap in 2025 (HD 43: 2A = leader).",
        INDIVIDUALS,
        "form",
        "http://c1nguyendu.pgdcujut.edu.vn/huong-dan-viet-ban-kiem-diem-dang-vien-cuoi-nam-moi-nhat-2023.html",
    ),
    Rule(
        "B-HEAD-U1",
        "Người đứng đầu không cao hơn tập thể (QĐ 124)",
        "HD 21-HD/BTCTW Tiết 4 Điểm B Mục II; việc QĐ 124/HD 25 giữ quy định này cần đối chiếu văn bản gốc",
        "Người đứng đầu không được xếp loại cao hơn mức của tập thể do mình đứng đầu.",
        "Engine-added, UNCONFIRMED: parameter head_cap, default on (cap the head at the collective's level; "
        "off → needs_decision). Unknown collective level → needs_decision.",
        INDIVIDUALS,
        "level",
        unconfirmed=True,
        parameter="head_cap",
    ),
    Rule(
        "B-CB-U1",
        "Kết hợp kết quả đánh giá công chức",
        "QĐ 124-QĐ/TW (kết hợp chặt chẽ đánh giá cán bộ, công chức, viên chức với xếp loại đảng viên)",
        "Mức xếp loại đảng viên không cao hơn mức đánh giá cán bộ, công chức, viên chức cùng năm.",
        "Engine-added, UNCONFIRMED: parameter civil_servant_cap, default on; off → needs_decision.",
        INDIVIDUALS,
        "level",
        "https://baovephapluat.vn/kiem-sat-24h/chinh-sach-moi/bo-chinh-tri-ban-hanh-quy-dinh-moi-ve-danh-gia-xep-loai-"
        "chat-luong-hang-nam-doi-voi-tap-the-ca-nhan-146892.html",
        unconfirmed=True,
        parameter="civil_servant_cap",
    ),
    Rule(
        "B-ORD-U1",
        "Thứ tự kiểm điểm, xếp loại",
        "Thực tiễn HD 25 (thứ tự như HD 21 và QĐ 366; cần đối chiếu văn bản gốc)",
        "Tập thể kiểm điểm, xếp loại trước; người đứng đầu, cá nhân sau; đảng viên, tổ chức trực thuộc trước tổ chức "
        "đảng.",
        "Ordering data only; the engine evaluates in this order.",
        SUBJECT_KINDS,
        "order",
        unconfirmed=True,
    ),
)

_GRADE_CHOICES = ("xuat_sac", "tot", "trung_binh", "kem")
PARAMETERS: dict[str, Parameter] = {
    p.id: p
    for p in (
        Parameter(
            "new_member_months",
            "Số tháng tối thiểu kể từ ngày vào Đảng",
            6,
            "Đếm theo ngày dương lịch.",
            True,
            ("B-EX-01",),
        ),
        Parameter(
            "kem_any_criterion",
            "Chỉ cần một tiêu chí Kém là không hoàn thành nhiệm vụ",
            True,
            "",
            True,
            ("B-KHT-02",),
            (True, False),
        ),
        Parameter(
            "individual_httnv_min_grade",
            "Cá nhân HTTNV: cấp độ tối thiểu của các tiêu chí",
            "tot",
            "",
            True,
            ("B-LV-05",),
            _GRADE_CHOICES,
        ),
        Parameter(
            "individual_htnv_min_grade",
            "Cá nhân HTNV: cấp độ tối thiểu của các tiêu chí",
            "trung_binh",
            "",
            True,
            ("B-LV-05",),
            _GRADE_CHOICES,
        ),
        Parameter(
            "leader_units_condition",
            "Người lãnh đạo HTXSNV: đơn vị phụ trách 100% chỉ tiêu, ≥ 50% vượt mức",
            True,
            "",
            True,
            ("B-LV-02",),
            (True, False),
        ),
        Parameter("quota_ratio", "Tỷ lệ HTXSNV tối đa so với số HTTNV", 0.20, "", False, ("B-Q-01",)),
        Parameter(
            "quota_outstanding_ratio",
            "Tỷ lệ nâng cho đơn vị nổi trội (QĐ 124 không có)",
            None,
            "Không có ngoại lệ 25% trong QĐ 124 (cần đối chiếu).",
            True,
            ("B-Q-01",),
        ),
        Parameter(
            "quota_rounding",
            "Cách làm tròn số lượng tối đa",
            "floor",
            "Làm tròn xuống.",
            True,
            ("B-Q-01",),
            ("floor", "round", "ceil"),
        ),
        Parameter(
            "head_cap",
            "Người đứng đầu không được xếp cao hơn tập thể",
            True,
            "",
            True,
            ("B-HEAD-U1",),
            (True, False),
        ),
        Parameter(
            "civil_servant_cap",
            "Mức đảng viên không cao hơn mức đánh giá công chức, viên chức",
            True,
            "",
            True,
            ("B-CB-U1",),
            (True, False),
        ),
    )
}

_INDIVIDUAL_CRITERIA = GradedCriteria(
    (
        GradedCriterion(
            "2.1",
            "Tư tưởng chính trị, đạo đức, lối sống, ý thức tổ chức kỷ luật, đoàn kết; chấp hành những điều đảng viên "
            "không được làm; phòng, chống tham nhũng, suy thoái; thực hiện cam kết tu dưỡng hằng năm",
            False,
        ),
        GradedCriterion(
            "2.2",
            "Kết quả thực hiện chức trách, nhiệm vụ được giao trong năm, lượng hóa bằng sản phẩm cụ thể; năng lực, uy "
            "tín; trách nhiệm nêu gương; gắn bó với nhân dân",
            True,
        ),
        GradedCriterion("2.3", "Kết quả khắc phục hạn chế, khuyết điểm đã được chỉ ra", False),
    ),
    "Tiêu chí “kết quả thực hiện nhiệm vụ” là tiêu chí chính (grades.key).",
)
_COLLECTIVE_CRITERIA = GradedCriteria(
    (
        GradedCriterion("1", "Xây dựng, chỉnh đốn Đảng", False),
        GradedCriterion("2", "Năng lực lãnh đạo của cấp ủy đối với chính quyền, Mặt trận, đoàn thể", False),
        GradedCriterion("3", "Kiểm tra, giám sát, kỷ luật đảng; phòng, chống tham nhũng, suy thoái", False),
        GradedCriterion("4", "Nguyên tắc tập trung dân chủ, quy chế làm việc", False),
        GradedCriterion("5", "Phối hợp công tác, đoàn kết nội bộ", False),
        GradedCriterion(
            "6",
            "Kết quả thực hiện nhiệm vụ chính trị, công tác cán bộ, sắp xếp bộ máy trong năm (tiêu chí kết quả)",
            True,
        ),
    ),
)

CONTENT_ITEMS: dict[str, tuple[str, ...]] = {
    MEMBER: (
        "Phẩm chất chính trị, đạo đức, lối sống; liên hệ các biểu hiện suy thoái, “tự diễn biến”, “tự chuyển hóa”",
        "Thực hiện chức trách, nhiệm vụ được giao",
        "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
        "Những vấn đề được gợi ý kiểm điểm và việc khắc phục hạn chế, khuyết điểm đã được chỉ ra",
    ),
}
CONTENT_ITEMS[MEMBER_OUTSIDE] = CONTENT_ITEMS[MEMBER]
CONTENT_ITEMS[LEADER] = CONTENT_ITEMS[MEMBER] + (
    "Kết quả lãnh đạo, quản lý; trách nhiệm, đổi mới, sáng tạo; trách nhiệm nêu gương (nội dung đầy đủ của QĐ 124 "
    "cần đối chiếu văn bản gốc)",
)
for _kind in COLLECTIVES:
    CONTENT_ITEMS[_kind] = (
        "Xây dựng, chỉnh đốn Đảng và hệ thống chính trị",
        "Lãnh đạo thực hiện nhiệm vụ chính trị, kết quả thực hiện chỉ tiêu trong năm",
        "Thực hiện nguyên tắc tập trung dân chủ, quy chế làm việc, đoàn kết nội bộ",
        "Kiểm tra, giám sát, kỷ luật; phòng, chống tham nhũng, suy thoái",
        "Khắc phục hạn chế, khuyết điểm đã được chỉ ra",
    )

THRESHOLDS = (
    LevelThreshold(
        Level.HTXSNV,
        None,
        None,
        (
            (
                "tập thể",
                "các tiêu chí Tốt trở lên, tiêu chí kết quả Xuất sắc; không có tổ chức trực thuộc, thành viên "
                "tập thể lãnh đạo bị kỷ luật",
            ),
            (
                "cá nhân",
                "các tiêu chí Tốt trở lên, tiêu chí kết quả Xuất sắc; 100% chỉ tiêu đúng tiến độ, ≥ 50% vượt "
                "mức",
            ),
            ("tất cả", "trong tỷ lệ 20% số HTTNV"),
        ),
        ("B-LV-01", "B-LV-02", "B-Q-01"),
    ),
    LevelThreshold(
        Level.HTTNV,
        None,
        None,
        (
            ("tập thể", "các tiêu chí Trung bình trở lên, tiêu chí kết quả Tốt trở lên"),
            ("cá nhân", "các tiêu chí Tốt trở lên (cần đối chiếu văn bản gốc)"),
        ),
        ("B-LV-03", "B-LV-05"),
    ),
    LevelThreshold(
        Level.HTNV,
        None,
        None,
        (
            ("tập thể", "các tiêu chí cơ bản Trung bình trở lên"),
            ("cá nhân", "các tiêu chí Trung bình trở lên (cần đối chiếu văn bản gốc)"),
        ),
        ("B-LV-04", "B-LV-05"),
    ),
    LevelThreshold(
        Level.KHTNV,
        None,
        None,
        (("tất cả", "có tiêu chí Kém hoặc thuộc các trường hợp không hoàn thành nhiệm vụ"),),
        ("B-KHT-01", "B-KHT-02", "B-KHT-03", "B-KHT-04"),
    ),
)

ORDERING = (
    OrderingConstraint("B-ORD-U1", "review", "Tập thể kiểm điểm", "Cá nhân trong tập thể kiểm điểm"),
    OrderingConstraint("B-ORD-U1", "classification", "Xếp loại tập thể", "Xếp loại người đứng đầu"),
    OrderingConstraint(
        "B-ORD-U1", "classification", "Xếp loại đảng viên, tổ chức trực thuộc", "Xếp loại tổ chức đảng"
    ),
)

FORMS = (
    Form("Mẫu 01", "Báo cáo kiểm điểm tập thể (mã theo HD 25 cần đối chiếu)", COLLECTIVES, unconfirmed=True),
    Form(
        "Mẫu 02A-HD KĐ.ĐG 2023",
        "Bản kiểm điểm cá nhân không giữ chức vụ lãnh đạo, quản lý",
        (MEMBER, MEMBER_OUTSIDE),
        "B-FORM-01",
    ),
    Form(
        "Mẫu 02B-HD KĐ.ĐG 2023", "Bản kiểm điểm cá nhân giữ chức vụ lãnh đạo, quản lý", (LEADER,), "B-FORM-01"
    ),
)

_BIT = {rule.id: 1 << i for i, rule in enumerate(RULES)}
EX01, GR01 = _BIT["B-EX-01"], _BIT["B-GR-01"]
LV01, LV02, LV03, LV04, LV05 = (_BIT[f"B-LV-0{i}"] for i in range(1, 6))
KHT01, KHT02, KHT03, KHT04, KHT05 = (_BIT[f"B-KHT-0{i}"] for i in range(1, 6))
CB = _BIT["B-CB-U1"]
_KEM, _TB, _TOT, _XS = Grade.KEM, Grade.TRUNG_BINH, Grade.TOT, Grade.XUAT_SAC


class Context124(Context):
    def __init__(self, framework: Framework, review_date: date) -> None:
        super().__init__(framework, review_date)
        self.kem_any = bool(framework.param("kem_any_criterion"))
        self.httnv_min = Grade[framework.param("individual_httnv_min_grade").upper()]
        self.htnv_min = Grade[framework.param("individual_htnv_min_grade").upper()]
        self.leader_units = bool(framework.param("leader_units_condition"))
        self.civil_servant_cap = bool(framework.param("civil_servant_cap"))


def make_context(framework: Framework, review_date: date) -> Context124:
    return Context124(framework, review_date)


def _kem(key: Grade | None, other: Grade | None, kem_any: bool) -> bool:
    if kem_any:
        return key == _KEM or other == _KEM
    return key == _KEM and other == _KEM


def evaluate_individual(s: Subject, ctx: Context124) -> EvaluationKey:
    status = s.status
    if status != ACTIVE:
        return (NC_EXEMPT if status == EXEMPT else NC_SUSPENDED, EX01, 0, 0, 0, None, None)
    if (
        s.admitted_on is not None
        and ctx.new_member_cutoff is not None
        and s.admitted_on > ctx.new_member_cutoff
    ):
        return (NC_NEW_MEMBER, EX01, 0, 0, 0, None, None)
    reasons = unmet = needs = flags = kht = 0
    for d in s.discipline:
        if not ctx.in_period(d.decided_on):
            continue
        if d.violation_on is not None and d.violation_on < ctx.period_start:
            flags |= KHT05
            reasons |= KHT05
        elif not d.self_detected_and_remedied:
            kht |= KHT01
    if s.degradation_concluded or s.prohibition_violated:
        kht |= KHT04
    leader = s.kind == LEADER
    units = s.units_led
    if leader and units is not None:
        ratio = units.tasks_completion_ratio
        if ratio is not None and ratio < 0.5 and units.basic_targets_missed:
            kht |= KHT04
    key, other = s.grade_key, s.grade_other
    if _kem(key, other, ctx.kem_any):
        kht |= KHT02
    if kht:
        return (0, reasons | kht, unmet, needs, flags, s.proposed_level, s.previous_level)
    if key is None or other is None:
        needs |= GR01
        key = _XS if key is None else key
        other = _XS if other is None else other
    total = s.tasks_total
    tasks_ok = total is None or (
        s.tasks_done >= total and s.tasks_on_time >= total and 2 * s.tasks_exceeded >= total
    )
    units_ok = True
    if leader and units is not None and ctx.leader_units:
        ratio, exceeded = units.tasks_completion_ratio, units.exceeded_ratio
        units_ok = (ratio is None or ratio >= 1) and (exceeded is None or exceeded >= 0.5)
    if key == _XS and other >= _TOT and tasks_ok and units_ok:
        level = 3
        reasons |= LV02
    else:
        unmet |= LV02
        reasons |= LV05
        if key >= ctx.httnv_min and other >= ctx.httnv_min:
            level = 2
        elif key >= ctx.htnv_min and other >= ctx.htnv_min:
            level = 1
        else:
            level = 0
    civil = s.civil_servant_level
    if civil is not None and civil < level:
        if ctx.civil_servant_cap:
            level = civil
            reasons |= CB
        else:
            needs |= CB
    return (level, reasons, unmet, needs, flags, s.proposed_level, s.previous_level)


def evaluate_collective(s: Subject, ctx: Context124) -> EvaluationKey:
    reasons = unmet = needs = flags = kht = 0
    if s.subordinate_disciplined or s.degradation_concluded:
        kht |= KHT03
    if any(ctx.in_period(d.decided_on) for d in s.discipline):
        kht |= KHT03
    units = s.units_led
    if units is not None:
        ratio = units.tasks_completion_ratio
        if ratio is not None and ratio < 0.5 and units.basic_targets_missed:
            kht |= KHT03
    key, other = s.grade_key, s.grade_other
    if _kem(key, other, ctx.kem_any):
        kht |= KHT02
    if kht:
        return (0, kht, unmet, needs, flags, s.proposed_level, None)
    any_discipline = False
    counted_discipline = False
    for d in s.leadership_discipline:
        if ctx.in_period(d.decided_on):
            any_discipline = True
            if not d.self_detected_and_remedied:
                counted_discipline = True
    if key is None or other is None:
        needs |= GR01
        key = _XS if key is None else key
        other = _XS if other is None else other
    if key == _XS and other >= _TOT and not any_discipline:
        return (3, LV01, unmet, needs, flags, s.proposed_level, None)
    unmet |= LV01
    if key >= _TOT and other >= _TB and not counted_discipline:
        return (2, LV03, unmet, needs, flags, s.proposed_level, None)
    unmet |= LV03
    if key >= _TB and other >= _TB and not counted_discipline:
        return (1, LV04, unmet, needs, flags, s.proposed_level, None)
    return (0, reasons, unmet | LV04, needs, flags, s.proposed_level, None)


FRAMEWORK = Framework(
    id=FRAMEWORK_ID,
    title="Khung QĐ 124-QĐ/TW và HD 25-HD/BTCTW (năm 2023–2024): bốn cấp độ tiêu chí",
    regulation="Quy định 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị",
    guidance=("Hướng dẫn 25-HD/BTCTW ngày 10/11/2023 của Ban Tổ chức Trung ương",),
    review_years=(2023, 2024),
    subject_kinds=SUBJECT_KINDS,
    content_items=CONTENT_ITEMS,
    criteria={
        kind: (_COLLECTIVE_CRITERIA if kind in COLLECTIVES else _INDIVIDUAL_CRITERIA)
        for kind in SUBJECT_KINDS
    },
    thresholds=THRESHOLDS,
    exemptions=("B-EX-01",),
    quota_rules=("B-Q-01",),
    quota_grouping="Từng nhóm tập thể, cá nhân có vị trí, vai trò, chức năng tương đồng do cấp có thẩm quyền xác định.",
    quota_kinds=SUBJECT_KINDS,
    ordering=ORDERING,
    forms=FORMS,
    deadlines=(),
    rules=RULES,
    parameters=PARAMETERS,
    scored=False,
    evaluate_individual=evaluate_individual,
    evaluate_collective=evaluate_collective,
    make_context=make_context,
)
