"""Levels, criterion grades, discipline forms and subject kinds (mức xếp loại, cấp độ tiêu chí)."""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    """Mức xếp loại chất lượng. The integer order is the regulation's order: KHTNV < HTNV < HTTNV < HTXSNV."""

    KHTNV = 0
    HTNV = 1
    HTTNV = 2
    HTXSNV = 3

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]


LEVEL_LABELS: dict[Level, str] = {
    Level.HTXSNV: "Hoàn thành xuất sắc nhiệm vụ",
    Level.HTTNV: "Hoàn thành tốt nhiệm vụ",
    Level.HTNV: "Hoàn thành nhiệm vụ",
    Level.KHTNV: "Không hoàn thành nhiệm vụ",
}

LEVEL_BY_CODE: dict[str, Level] = {level.name: level for level in Level}

# The one vocabulary of levels for the whole system: the stored codes, highest first (the order of forms,
# tables and ballots), their labels, and their rank (``level_rank``: -1 for "no level").
LEVEL_CODES: tuple[str, ...] = tuple(level.name for level in sorted(Level, reverse=True))
LEVEL_LABEL_BY_CODE: dict[str, str] = {level.name: LEVEL_LABELS[level] for level in Level}


def level_rank(code: str) -> int:
    """The level's place in the regulation's order (KHTNV 0 … HTXSNV 3); -1 for an empty or unknown code."""
    level = LEVEL_BY_CODE.get(code)
    return -1 if level is None else int(level)


class Grade(IntEnum):
    """Cấp độ của một tiêu chí (khung QĐ 132 và QĐ 124): Kém < Trung bình < Tốt < Xuất sắc."""

    KEM = 0
    TRUNG_BINH = 1
    TOT = 2
    XUAT_SAC = 3

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]


GRADE_LABELS: dict[Grade, str] = {
    Grade.XUAT_SAC: "Xuất sắc",
    Grade.TOT: "Tốt",
    Grade.TRUNG_BINH: "Trung bình",
    Grade.KEM: "Kém",
}

GRADE_BY_CODE: dict[str, Grade] = {grade.code: grade for grade in Grade}


class DisciplineForm(IntEnum):
    """Hình thức kỷ luật đảng, from the lightest to the heaviest."""

    KHIEN_TRACH = 1
    CANH_CAO = 2
    CACH_CHUC = 3
    KHAI_TRU = 4

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return DISCIPLINE_LABELS[self]


DISCIPLINE_LABELS: dict[DisciplineForm, str] = {
    DisciplineForm.KHIEN_TRACH: "Khiển trách",
    DisciplineForm.CANH_CAO: "Cảnh cáo",
    DisciplineForm.CACH_CHUC: "Cách chức",
    DisciplineForm.KHAI_TRU: "Khai trừ",
}

DISCIPLINE_BY_CODE: dict[str, DisciplineForm] = {form.code: form for form in DisciplineForm}

# Subject kinds: the contract's vocabulary (classification-contract.md).
MEMBER = "member"
MEMBER_OUTSIDE = "member_outside"
LEADER = "leader"
CELL = "cell"
GRASSROOTS_ORG = "grassroots_org"
LEADERSHIP_COLLECTIVE = "leadership_collective"

INDIVIDUAL_KINDS: frozenset[str] = frozenset({MEMBER, MEMBER_OUTSIDE, LEADER})
COLLECTIVE_KINDS: frozenset[str] = frozenset({CELL, GRASSROOTS_ORG, LEADERSHIP_COLLECTIVE})
SUBJECT_KINDS: tuple[str, ...] = (MEMBER, MEMBER_OUTSIDE, LEADER, CELL, GRASSROOTS_ORG, LEADERSHIP_COLLECTIVE)

KIND_LABELS: dict[str, str] = {
    MEMBER: "Đảng viên không giữ chức vụ lãnh đạo, quản lý (làm việc trong hệ thống chính trị)",
    MEMBER_OUTSIDE: "Đảng viên không làm việc trong hệ thống chính trị (nghỉ hưu, học sinh, sinh viên, "
    "làm việc ở doanh nghiệp tư nhân…)",
    LEADER: "Cá nhân giữ chức vụ lãnh đạo, quản lý",
    CELL: "Chi bộ",
    GRASSROOTS_ORG: "Đảng bộ cơ sở",
    LEADERSHIP_COLLECTIVE: "Tập thể lãnh đạo, quản lý",
}

# Member status (tình trạng sinh hoạt đảng).
ACTIVE = "active"
EXEMPT = "exempt"
SUSPENDED = "suspended"
STATUSES: tuple[str, ...] = (ACTIVE, EXEMPT, SUSPENDED)

# Reasons a subject is not classified (contract: not_classified_reason).
NOT_CLASSIFIED_EXEMPT = "exempt"
NOT_CLASSIFIED_SUSPENDED = "suspended"
NOT_CLASSIFIED_NEW_MEMBER = "admitted_under_6_months"

NOT_CLASSIFIED_LABELS: dict[str, str] = {
    NOT_CLASSIFIED_EXEMPT: "Được miễn công tác và sinh hoạt đảng",
    NOT_CLASSIFIED_SUSPENDED: "Đang bị đình chỉ sinh hoạt đảng",
    NOT_CLASSIFIED_NEW_MEMBER: "Vào Đảng chưa đủ 6 tháng",
}
