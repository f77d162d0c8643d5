"""Framework ``qd132-2020``: QĐ 132-QĐ/TW (08/3/2018) + HD 21-HD/BTCTW (18/10/2019), with QĐ 213 + HD 33.

Review years 2019–2022 (the 2020 review of the seed plan 07-KH/ĐU used this framework). Criteria are
graded Xuất sắc / Tốt / Trung bình / Kém; many HD 21 standards were not reachable and are parameters.
"""

from __future__ import annotations

from datetime import date

from .engine import NC_EXEMPT, NC_NEW_MEMBER, NC_SUSPENDED, Context
from .facts import LevelCounts, Subject
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
    DisciplineForm,
    Grade,
    Level,
)

FRAMEWORK_ID = "qd132-2020"
INDIVIDUALS = (MEMBER, MEMBER_OUTSIDE, LEADER)
COLLECTIVES = (CELL, GRASSROOTS_ORG, LEADERSHIP_COLLECTIVE)
_S10 = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/4C187-hd-co-giay-khen-hoan-thanh-xuat-sac-nhiem-vu-co-duoc-coi-la-"
    "dang-vien-du-tu-cach-hoan-thanh-xuat-sac-nhiem-vu.html"
)
_S11 = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/iframe/4B9E1-hd-tieu-chuan-danh-gia-dang-vien-khong-hoan-thanh-"
    "nhiem-vu-tu-18-10-2019.html"
)
_S14 = (
    "https://thuvienphapluat.vn/phap-luat/dieu-kien-de-to-chuc-dang-duoc-danh-gia-xep-loai-chat-luong-o-muc-hoan-"
    "thanh-xuat-sac-nhiem-vu-la-g-127357-56271.html"
)
_S15 = (
    "https://nganhangphapluat.thukyluat.vn/tu-van-phap-luat/bo-may-hanh-chinh/quy-dinh-ve-danh-gia-xep-loai-can-bo-"
    "lanh-dao-quan-ly-cac-cap-309959"
)

RULES: tuple[Rule, ...] = (
    Rule(
        "A-EX-01",
        "Miễn công tác và sinh hoạt đảng",
        "QĐ 132-QĐ/TW (trường hợp miễn duy nhất)",
        "Đảng viên được miễn công tác và sinh hoạt đảng: không xếp loại.",
        'status = exempt → not classified. QĐ 132 has no "admitted < 6 months" exemption (added by QĐ 124); '
        "how HD 21 treated late admissions is UNCONFIRMED (parameter new_member_months, default none).",
        INDIVIDUALS,
        "exemption",
        "https://dansinh.dantri.com.vn/nhan-luc/truong-hop-dang-vien-khong-can-kiem-diem-cuoi-nam-2024-"
        "20241101124344988.htm",
        parameter="new_member_months",
    ),
    Rule(
        "A-EX-02",
        "Đình chỉ sinh hoạt đảng",
        "HD 21-HD/BTCTW (nguồn yếu)",
        "Đảng viên bị đình chỉ sinh hoạt đảng: không xếp loại (cấp ủy viên bị đình chỉ sinh hoạt cấp ủy vẫn kiểm điểm, "
        "xếp loại).",
        "status = suspended → not classified; HD 21's wording is UNCONFIRMED in detail (parameter "
        "suspended_exempt, default on).",
        INDIVIDUALS,
        "exemption",
        "https://dautri.mobi/huong-dan-phan-loai-dang-vien-nam-2018/",
        unconfirmed=True,
        parameter="suspended_exempt",
    ),
    Rule(
        "A-GR-01",
        "Bốn cấp độ tiêu chí; bỏ phiếu kín",
        "HD 21-HD/BTCTW Mục II.B tiết 1.5",
        "Mỗi tiêu chí chấm một trong bốn cấp độ (Xuất sắc, Tốt, Trung bình, Kém) vào Mẫu 01; tổ chức đảng biểu quyết "
        "mức xếp loại bằng phiếu kín; phải có cấp độ tiêu chí trước khi xếp loại.",
        "grades.key / grades.other take the four grade codes; without grades → needs_decision A-GR-01. "
        "procedure.organization_vote_is_secret(framework) is True.",
        SUBJECT_KINDS,
        "score",
        "http://118.69.201.250:801/phap-luat/cac-buoc-thuc-hien-danh-gia-xep-loai-chat-luong-to-chuc-dang-cuoi-nam-nhu-"
        "the-nao-mau-bao-cao-kiem--56297.html",
    ),
    Rule(
        "A-LV-01",
        "Đảng viên HTXSNV",
        "HD 21-HD/BTCTW Mục II.B tiết 2.3 điểm a",
        "Các tiêu chí về kết quả thực hiện nhiệm vụ chính trị đạt Xuất sắc, các tiêu chí khác đạt Tốt trở lên; là cán "
        "bộ, công chức, viên chức thì phải được đánh giá Hoàn thành xuất sắc nhiệm vụ (còn tùy tỷ lệ).",
        "grades.key = xuat_sac, grades.other ≥ tot, and civil_servant_level = HTXSNV when given.",
        INDIVIDUALS,
        "level",
        _S10,
    ),
    Rule(
        "A-LV-U1",
        "Đảng viên HTTNV (HD 21)",
        "HD 21-HD/BTCTW Mục II.B tiết 2 (chưa đối chiếu được)",
        "Hoàn thành tốt nhiệm vụ: các tiêu chí đạt Tốt trở lên; cán bộ, công chức, viên chức được đánh giá từ Hoàn "
        "thành tốt nhiệm vụ trở lên.",
        "Engine-added from recollection (regulations.md §1.6), UNCONFIRMED: parameter "
        "individual_httnv_min_grade (default tot) on both grades; civil_servant_level ≥ HTTNV when given.",
        INDIVIDUALS,
        "level",
        unconfirmed=True,
        parameter="individual_httnv_min_grade",
    ),
    Rule(
        "A-LV-U2",
        "Đảng viên HTNV (HD 21)",
        "HD 21-HD/BTCTW Mục II.B tiết 2 (chưa đối chiếu được)",
        "Hoàn thành nhiệm vụ: các tiêu chí đạt Trung bình trở lên; cán bộ, công chức, viên chức được đánh giá từ Hoàn "
        "thành nhiệm vụ trở lên.",
        "Engine-added, UNCONFIRMED: parameter individual_htnv_min_grade (default trung_binh); below it the "
        "member does not reach HTNV and is KHTNV by A-KHT-01.",
        INDIVIDUALS,
        "level",
        unconfirmed=True,
        parameter="individual_htnv_min_grade",
    ),
    Rule(
        "A-KHT-01",
        "Đảng viên không hoàn thành nhiệm vụ",
        "HD 21-HD/BTCTW Tiết 2 Điểm B Mục II",
        "Không đạt mức Hoàn thành nhiệm vụ; có kết luận suy thoái; hoàn thành dưới 50% chỉ tiêu, nhiệm vụ; là công chức "
        "bị đánh giá không hoàn thành nhiệm vụ; bị kỷ luật trong năm (một vi phạm chỉ tính một lần): “Không hoàn thành "
        "nhiệm vụ”.",
        "Any discipline decided in the review year counts (any form, no self-detection exception in HD 21); "
        '"counted once": a decision of an earlier year is not counted again. 2·done < total → KHTNV '
        "(exactly 50% is not). Applies to every individual (132 has one list for all).",
        INDIVIDUALS,
        "kht",
        _S11,
    ),
    Rule(
        "A-LV-02",
        "Chi bộ HTXSNV",
        "HD 21-HD/BTCTW Mục II.B tiết 1.3",
        "Tiêu chí xây dựng Đảng, hệ thống chính trị và lãnh đạo nhiệm vụ chính trị đạt Xuất sắc, các tiêu chí khác Tốt "
        "trở lên; 100% đảng viên Hoàn thành nhiệm vụ trở lên, trong đó ít nhất 80% Hoàn thành tốt nhiệm vụ trở lên; "
        "chính quyền, Mặt trận, đoàn thể cùng cấp Hoàn thành tốt nhiệm vụ trở lên.",
        "members_levels (or the request's members with cell = this id, levels before the head check): "
        "KHTNV = 0 and 5·(HTXSNV + HTTNV) ≥ 4·classified (17 of 20 = 85% passes). No member results known → "
        "needs_decision. same_level_bodies_min_level ≥ HTTNV when given.",
        (CELL,),
        "level",
        _S14,
    ),
    Rule(
        "A-LV-03",
        "Đảng bộ cơ sở HTXSNV",
        "HD 21-HD/BTCTW Mục II.B tiết 1.3",
        "Như chi bộ; 100% tổ chức đảng trực thuộc Hoàn thành nhiệm vụ trở lên, trong đó ít nhất 80% Hoàn thành tốt nhiệm "
        "vụ trở lên; chính quyền, Mặt trận, đoàn thể cùng cấp Hoàn thành tốt nhiệm vụ trở lên.",
        "subordinate_levels (or the request's cells with parent = this id), same reading as A-LV-02.",
        (GRASSROOTS_ORG,),
        "level",
        _S14,
    ),
    Rule(
        "A-LV-U3",
        "Tổ chức, tập thể HTTNV (HD 21)",
        "HD 21-HD/BTCTW Mục II.B tiết 1 (chưa đối chiếu được)",
        "Tổ chức đảng, tập thể lãnh đạo Hoàn thành tốt nhiệm vụ khi các tiêu chí đạt Tốt trở lên.",
        "Engine-added, UNCONFIRMED: both grades ≥ tot. A leadership collective reaches HTXSNV with the "
        "criteria part of A-LV-02 (key xuat_sac, other ≥ tot) by analogy.",
        COLLECTIVES,
        "level",
        unconfirmed=True,
    ),
    Rule(
        "A-LV-U4",
        "Tổ chức, tập thể HTNV (HD 21)",
        "HD 21-HD/BTCTW Mục II.B tiết 1 (chưa đối chiếu được)",
        "Tổ chức đảng, tập thể lãnh đạo Hoàn thành nhiệm vụ khi các tiêu chí đạt Trung bình trở lên; dưới mức này: "
        "Không hoàn thành nhiệm vụ.",
        "Engine-added, UNCONFIRMED: both grades ≥ trung_binh, else KHTNV.",
        COLLECTIVES,
        "level",
        unconfirmed=True,
    ),
    Rule(
        "A-KHT-02",
        "Tập thể lãnh đạo không hoàn thành nhiệm vụ",
        "HD 21-HD/BTCTW Tiết 3 Điểm B Mục II",
        "Có kết luận mất đoàn kết hoặc thành viên suy thoái; đơn vị phụ trách đạt dưới 50% chỉ tiêu và chỉ tiêu chủ yếu "
        "không đạt; tập thể bị kỷ luật; có thành viên bị kỷ luật từ cảnh cáo trở lên: “Không hoàn thành nhiệm vụ”.",
        "degradation_concluded; units_led ratio < 0.5 with basic_targets_missed; the collective's own "
        "discipline in the period; a leadership_discipline of the period with form ≥ cảnh cáo (a khiển trách "
        "does not suffice under HD 21) → KHTNV.",
        (LEADERSHIP_COLLECTIVE,),
        "kht",
        "https://thuvienphapluat.vn/hoi-dap-phap-luat/4BA5A-hd-tieu-chuan-danh-gia-tap-the-lanh-dao-quan-ly-khong-hoan-"
        "thanh-nhiem-vu-tu-18-10-2019.html",
    ),
    Rule(
        "A-HEAD-01",
        "Người đứng đầu không cao hơn tập thể",
        "HD 21-HD/BTCTW Tiết 4 Điểm B Mục II",
        "Mức xếp loại của người đứng đầu không được cao hơn mức xếp loại của tập thể, tổ chức do mình đứng đầu; người "
        "đứng đầu chỉ được xếp loại sau tập thể.",
        "Enforced as a cap on max_level (parameter head_cap, default on). The collective's level is the "
        "request's subject (its level after its own proposal) or the head's collective_level; unknown → "
        "needs_decision.",
        INDIVIDUALS,
        "level",
        _S15,
        parameter="head_cap",
    ),
    Rule(
        "A-Q-01",
        "Tỷ lệ HTXSNV của đảng viên",
        "HD 21-HD/BTCTW Mục II.B tiết 2.3 điểm a",
        "Số đảng viên HTXSNV không vượt quá 20% số đảng viên Hoàn thành tốt nhiệm vụ trong từng tổ chức cơ sở đảng.",
        "Group = the members of one grassroots organization (use one group for the ward đảng bộ); cap = "
        "floor(0.20 × HTTNV) (rounding UNCONFIRMED).",
        (MEMBER, MEMBER_OUTSIDE),
        "quota",
        _S10,
        parameter="quota_rounding",
    ),
    Rule(
        "A-Q-02",
        "Tỷ lệ HTXSNV của cán bộ lãnh đạo",
        "HD 21-HD/BTCTW Tiết 4 Điểm B Mục II",
        "Số cán bộ lãnh đạo HTXSNV không vượt quá 20% số Hoàn thành tốt nhiệm vụ theo chức danh tương đương từng cấp, "
        "ngành.",
        "Group leaders of equivalent titles together; same cap.",
        (LEADER,),
        "quota",
        _S15,
    ),
    Rule(
        "A-RES-01",
        "Nhận xét của chi ủy nơi cư trú",
        "QĐ 213-QĐ/TW, Điều 3 khoản 4",
        "Đảng viên đang công tác: hằng năm chi ủy nơi cư trú nhận xét bằng văn bản gửi chi bộ nơi công tác trước khi "
        "xếp loại.",
        "procedure.residence_comment_required(framework, works_elsewhere=True).",
        (MEMBER, LEADER),
        "procedure",
        "https://baothainguyen.vn/chinh-tri/xay-dung-dang/202011/ve-quy-dinh-dang-vien-dang-cong-tac-thuong-xuyen-giu-"
        "moi-lien-he-voi-chi-bo-va-nhan-dan-noi-cu-tru-36795A9",
    ),
    Rule(
        "A-RES-02",
        "Trường hợp không lấy nhận xét định kỳ",
        "HD 33-HD/BTCTW, mục 1.1",
        "Quân đội, công an ở doanh trại; người làm việc lưu động; cán bộ luân chuyển ở nhà công vụ; đào tạo tập trung "
        "12 tháng; học sinh, sinh viên học xa: không lấy nhận xét hằng năm, chỉ lấy khi cần.",
        "procedure.residence_comment_required(framework, works_elsewhere=True, hd33_category=...) is False "
        "for these categories.",
        (MEMBER, LEADER),
        "procedure",
        "https://hethongphapluat.vn/huong-dan-33-hd-btctw-nam-2020-ve-thuc-hien-noi-dung-trong-quy-dinh-213-qd-tw-ve-"
        "trach-nhiem-cua-dang-vien-dang-cong-tac-thuong-xuyen-giu-moi-lien-he-voi-to-chuc-dang-va-nhan-dan-noi-cu-tru-"
        "do-ban-to-chuc-trung-uong-ban-hanh.html",
    ),
    Rule(
        "A-CB-01",
        "Đánh giá công chức trước",
        "Nghị định về đánh giá cán bộ, công chức, viên chức (số hiệu cần đối chiếu; được cho là NĐ 90/2020)",
        "Cán bộ, công chức, viên chức được đánh giá trước ngày 15/12 và trước khi xếp loại đảng viên.",
        "procedure.state_rating_deadline(year) and procedure.state_rating_in_time(...). In classification, "
        "civil_servant_level gates the party level (A-LV-01, A-LV-U1/U2, A-KHT-01).",
        (MEMBER, LEADER),
        "procedure",
        "http://118.69.84.240:801/lao-dong-tien-luong/tim-kiem?page=83&q=%C4%90%C3%A1nh+gi%C3%A1+th%E1%BB%AD+vi%E1%BB%87c",
    ),
    Rule(
        "A-ORD-U1",
        "Thứ tự kiểm điểm",
        "Thực tiễn HD 21 (số điều khoản cần đối chiếu văn bản gốc)",
        "Tập thể kiểm điểm trước, cá nhân sau; người đứng đầu trước, cấp phó và thành viên sau.",
        "Ordering data only.",
        SUBJECT_KINDS,
        "order",
        "https://thcstienhoa.edu.vn/mau-ban-kiem-diem-dang-vien-cuoi-nam-2023-kem-huong-dan/",
        unconfirmed=True,
    ),
)

_GRADE_CHOICES = ("xuat_sac", "tot", "trung_binh", "kem")
PARAMETERS: dict[str, Parameter] = {
    p.id: p
    for p in (
        Parameter(
            "new_member_months",
            "Số tháng tối thiểu kể từ ngày vào Đảng (QĐ 132 không quy định)",
            None,
            "HD 21 xử lý đảng viên mới vào Đảng cuối năm thế nào chưa rõ.",
            True,
            ("A-EX-01",),
        ),
        Parameter(
            "suspended_exempt",
            "Đảng viên bị đình chỉ sinh hoạt đảng không xếp loại",
            True,
            "",
            True,
            ("A-EX-02",),
            (True, False),
        ),
        Parameter(
            "individual_httnv_min_grade",
            "Đảng viên HTTNV: cấp độ tối thiểu của các tiêu chí",
            "tot",
            "",
            True,
            ("A-LV-U1",),
            _GRADE_CHOICES,
        ),
        Parameter(
            "individual_htnv_min_grade",
            "Đảng viên HTNV: cấp độ tối thiểu của các tiêu chí",
            "trung_binh",
            "",
            True,
            ("A-LV-U2",),
            _GRADE_CHOICES,
        ),
        Parameter(
            "quota_ratio", "Tỷ lệ HTXSNV tối đa so với số HTTNV", 0.20, "", False, ("A-Q-01", "A-Q-02")
        ),
        Parameter(
            "quota_rounding",
            "Cách làm tròn số lượng tối đa",
            "floor",
            "Làm tròn xuống.",
            True,
            ("A-Q-01", "A-Q-02"),
            ("floor", "round", "ceil"),
        ),
        Parameter(
            "head_cap",
            "Người đứng đầu không được xếp cao hơn tập thể",
            True,
            "Quy định rõ trong HD 21.",
            False,
            ("A-HEAD-01",),
            (True, False),
        ),
    )
}

_INDIVIDUAL_CRITERIA = GradedCriteria(
    (
        GradedCriterion("1", "Tư tưởng chính trị, đạo đức, lối sống; liên hệ biểu hiện suy thoái", False),
        GradedCriterion("2", "Kết quả thực hiện chức trách, nhiệm vụ chính trị được giao", True),
        GradedCriterion("3", "Thực hiện cam kết tu dưỡng, rèn luyện hằng năm", False),
        GradedCriterion("4", "Khắc phục hạn chế, khuyết điểm đã được chỉ ra", False),
    ),
    "Tiêu chí cụ thể do tỉnh ủy cụ thể hóa; “kết quả thực hiện nhiệm vụ chính trị” là grades.key.",
)
_ORG_CRITERIA = GradedCriteria(
    (
        GradedCriterion("1", "Xây dựng Đảng, xây dựng hệ thống chính trị", True),
        GradedCriterion("2", "Lãnh đạo thực hiện nhiệm vụ kinh tế - xã hội, quốc phòng, an ninh", True),
        GradedCriterion("3", "Các tiêu chí khác do cấp ủy cấp tỉnh cụ thể hóa", False),
    ),
    "Mẫu 01: mỗi tiêu chí một dòng, bốn cột cấp độ (Xuất sắc, Tốt, Trung bình, Kém).",
)

CONTENT_ITEMS: dict[str, tuple[str, ...]] = {
    kind: (
        "Tư tưởng chính trị, phẩm chất đạo đức, lối sống; liên hệ các biểu hiện suy thoái, “tự diễn biến”, “tự chuyển "
        "hóa”",
        "Thực hiện chức trách, nhiệm vụ được giao",
        "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
        "Những vấn đề được gợi ý kiểm điểm và việc khắc phục hạn chế, khuyết điểm đã được chỉ ra",
    )
    for kind in INDIVIDUALS
}
for _kind in COLLECTIVES:
    CONTENT_ITEMS[_kind] = (
        "Xây dựng Đảng, xây dựng hệ thống chính trị",
        "Lãnh đạo thực hiện nhiệm vụ chính trị, kinh tế - xã hội, quốc phòng, an ninh",
        "Thực hiện nguyên tắc tổ chức, quy chế làm việc; kiểm tra, giám sát",
        "Khắc phục hạn chế, khuyết điểm đã được chỉ ra",
    )

THRESHOLDS = (
    LevelThreshold(
        Level.HTXSNV,
        None,
        None,
        (
            (
                "đảng viên",
                "tiêu chí kết quả nhiệm vụ chính trị Xuất sắc, tiêu chí khác Tốt trở lên; công chức phải "
                "được đánh giá HTXSNV",
            ),
            (
                "chi bộ, đảng bộ",
                "tiêu chí chính Xuất sắc, còn lại Tốt; 100% đảng viên (tổ chức trực thuộc) HTNV trở "
                "lên, ≥ 80% HTTNV trở lên; chính quyền, Mặt trận, đoàn thể cùng cấp HTTNV trở lên",
            ),
            ("tất cả", "đảng viên, cán bộ lãnh đạo: trong tỷ lệ 20% số HTTNV"),
        ),
        ("A-LV-01", "A-LV-02", "A-LV-03", "A-Q-01", "A-Q-02"),
    ),
    LevelThreshold(
        Level.HTTNV,
        None,
        None,
        (("tất cả", "các tiêu chí Tốt trở lên (cần đối chiếu văn bản gốc)"),),
        ("A-LV-U1", "A-LV-U3"),
    ),
    LevelThreshold(
        Level.HTNV,
        None,
        None,
        (("tất cả", "các tiêu chí Trung bình trở lên (cần đối chiếu văn bản gốc)"),),
        ("A-LV-U2", "A-LV-U4"),
    ),
    LevelThreshold(
        Level.KHTNV,
        None,
        None,
        (
            (
                "đảng viên",
                "không đạt HTNV, suy thoái, dưới 50% nhiệm vụ, công chức KHTNV hoặc bị kỷ luật trong năm",
            ),
            (
                "tập thể lãnh đạo",
                "mất đoàn kết, dưới 50% chỉ tiêu, bị kỷ luật, thành viên bị kỷ luật từ cảnh cáo",
            ),
        ),
        ("A-KHT-01", "A-KHT-02"),
    ),
)

ORDERING = (
    OrderingConstraint("A-ORD-U1", "review", "Tập thể kiểm điểm", "Cá nhân kiểm điểm"),
    OrderingConstraint("A-ORD-U1", "review", "Người đứng đầu kiểm điểm", "Cấp phó, thành viên kiểm điểm"),
    OrderingConstraint("A-HEAD-01", "classification", "Xếp loại tập thể, tổ chức", "Xếp loại người đứng đầu"),
    OrderingConstraint("A-LV-02", "classification", "Xếp loại đảng viên của chi bộ", "Xếp loại chi bộ"),
    OrderingConstraint("A-LV-03", "classification", "Xếp loại tổ chức đảng trực thuộc", "Xếp loại đảng bộ"),
    OrderingConstraint(
        "A-CB-01",
        "classification",
        "Đánh giá cán bộ, công chức, viên chức (trước 15/12)",
        "Xếp loại đảng viên",
    ),
)

FORMS = (
    Form("Mẫu 01", "Phiếu tự đánh giá tổ chức đảng (mỗi tiêu chí bốn cấp độ)", COLLECTIVES, "A-GR-01"),
    Form("Mẫu 02-HD KĐ.ĐG 2019", "Bản kiểm điểm cá nhân (một mẫu chung)", INDIVIDUALS),
)

_BIT = {rule.id: 1 << i for i, rule in enumerate(RULES)}
EX01, EX02, GR01 = _BIT["A-EX-01"], _BIT["A-EX-02"], _BIT["A-GR-01"]
LV01, LV02, LV03 = _BIT["A-LV-01"], _BIT["A-LV-02"], _BIT["A-LV-03"]
U1, U2, U3, U4 = _BIT["A-LV-U1"], _BIT["A-LV-U2"], _BIT["A-LV-U3"], _BIT["A-LV-U4"]
KHT01, KHT02 = _BIT["A-KHT-01"], _BIT["A-KHT-02"]
_KEM, _TB, _TOT, _XS = Grade.KEM, Grade.TRUNG_BINH, Grade.TOT, Grade.XUAT_SAC


class Context132(Context):
    def __init__(self, framework: Framework, review_date: date) -> None:
        super().__init__(framework, review_date)
        self.suspended_exempt = bool(framework.param("suspended_exempt"))
        self.httnv_min = Grade[framework.param("individual_httnv_min_grade").upper()]
        self.htnv_min = Grade[framework.param("individual_htnv_min_grade").upper()]


def make_context(framework: Framework, review_date: date) -> Context132:
    return Context132(framework, review_date)


def evaluate_individual(s: Subject, ctx: Context132) -> EvaluationKey:
    status = s.status
    if status != ACTIVE:
        if status == EXEMPT:
            return (NC_EXEMPT, EX01, 0, 0, 0, None, None)
        if ctx.suspended_exempt:
            return (NC_SUSPENDED, EX02, 0, 0, 0, None, None)
    if (
        s.admitted_on is not None
        and ctx.new_member_cutoff is not None
        and s.admitted_on > ctx.new_member_cutoff
    ):
        return (NC_NEW_MEMBER, EX01, 0, 0, 0, None, None)
    unmet = needs = flags = 0
    kht = False
    civil = s.civil_servant_level
    if any(ctx.in_period(d.decided_on) for d in s.discipline):
        kht = True
    if s.degradation_concluded or civil == Level.KHTNV:
        kht = True
    total = s.tasks_total
    if total and 2 * s.tasks_done < total:
        kht = True
    if kht:
        return (0, KHT01, unmet, needs, flags, s.proposed_level, s.previous_level)
    key, other = s.grade_key, s.grade_other
    if key is None or other is None:
        needs |= GR01
        key = _XS if key is None else key
        other = _XS if other is None else other
    if key == _XS and other >= _TOT and (civil is None or civil == Level.HTXSNV):
        return (3, LV01, unmet, needs, flags, s.proposed_level, s.previous_level)
    unmet |= LV01
    if key >= ctx.httnv_min and other >= ctx.httnv_min and (civil is None or civil >= Level.HTTNV):
        return (2, U1, unmet, needs, flags, s.proposed_level, s.previous_level)
    unmet |= U1
    if key >= ctx.htnv_min and other >= ctx.htnv_min and (civil is None or civil >= Level.HTNV):
        return (1, U2, unmet, needs, flags, s.proposed_level, s.previous_level)
    return (0, KHT01, unmet | U2, needs, flags, s.proposed_level, s.previous_level)


def _share_ok(counts: LevelCounts | list[int] | None) -> bool | None:
    """100% ≥ HTNV and ≥ 80% ≥ HTTNV; None when no results are known."""
    if counts is None:
        return None
    if isinstance(counts, list):
        counts = LevelCounts.from_list(counts)
    if counts.total == 0:
        return None
    return counts.khtnv == 0 and 5 * (counts.htxsnv + counts.httnv) >= 4 * counts.total


def evaluate_collective(s: Subject, ctx: Context132) -> EvaluationKey:
    reasons = unmet = needs = flags = 0
    in_period = ctx.in_period
    if s.kind == LEADERSHIP_COLLECTIVE:
        kht = s.degradation_concluded or any(in_period(d.decided_on) for d in s.discipline)
        kht = kht or any(
            in_period(d.decided_on) and d.form >= DisciplineForm.CANH_CAO for d in s.leadership_discipline
        )
        units = s.units_led
        if units is not None and units.tasks_completion_ratio is not None:
            kht = kht or (units.tasks_completion_ratio < 0.5 and bool(units.basic_targets_missed))
        if kht:
            return (0, KHT02, unmet, needs, flags, s.proposed_level, None)
    key, other = s.grade_key, s.grade_other
    if key is None or other is None:
        needs |= GR01
        key = _XS if key is None else key
        other = _XS if other is None else other
    criteria_xs = key == _XS and other >= _TOT
    if s.kind == LEADERSHIP_COLLECTIVE:
        if criteria_xs:
            return (3, U3, unmet, needs, flags, s.proposed_level, None)
        unmet |= U3
    else:
        rule = LV02 if s.kind == CELL else LV03
        if s.kind == CELL:
            share = _share_ok(s.members_levels or ctx.member_counts.get(s.id))
        else:
            share = _share_ok(s.subordinate_levels or ctx.subordinate_counts.get(s.id))
        bodies = s.same_level_bodies_min_level
        bodies_ok = bodies is None or bodies >= Level.HTTNV
        if share is None:
            needs |= rule
        if criteria_xs and share and bodies_ok:
            return (3, rule, unmet, needs, flags, s.proposed_level, None)
        unmet |= rule
    if key >= _TOT and other >= _TOT:
        return (2, U3, unmet, needs, flags, s.proposed_level, None)
    unmet |= U3
    if key >= _TB and other >= _TB:
        return (1, U4, unmet, needs, flags, s.proposed_level, None)
    return (0, reasons, unmet | U4, needs, flags, s.proposed_level, None)


FRAMEWORK = Framework(
    id=FRAMEWORK_ID,
    title="Khung QĐ 132-QĐ/TW và HD 21-HD/BTCTW (năm 2019–2022): bốn cấp độ tiêu chí",
    regulation="Quy định 132-QĐ/TW ngày 08/3/2018 của Bộ Chính trị",
    guidance=(
        "Hướng dẫn 21-HD/BTCTW ngày 18/10/2019 của Ban Tổ chức Trung ương (thay Hướng dẫn 16-HD/BTCTW)",
        "Quy định 213-QĐ/TW ngày 02/01/2020 và Hướng dẫn 33-HD/BTCTW ngày 30/10/2020 (nhận xét nơi cư trú)",
    ),
    review_years=(2019, 2022),
    subject_kinds=SUBJECT_KINDS,
    content_items=CONTENT_ITEMS,
    criteria={
        kind: (_ORG_CRITERIA if kind in COLLECTIVES else _INDIVIDUAL_CRITERIA) for kind in SUBJECT_KINDS
    },
    thresholds=THRESHOLDS,
    exemptions=("A-EX-01", "A-EX-02"),
    quota_rules=("A-Q-01", "A-Q-02"),
    quota_grouping="Đảng viên: trong từng tổ chức cơ sở đảng (đảng bộ phường: toàn bộ đảng viên các chi bộ); cán bộ "
    "lãnh đạo: theo chức danh tương đương từng cấp, ngành.",
    quota_kinds=INDIVIDUALS,
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
