"""Facts about one subject (đối tượng đánh giá), in the contract's vocabulary, as slots dataclasses.

Nested JSON objects of the contract (``score``, ``grades``, ``tasks``, ``prior_shortcomings``) are
flattened into fields so that the hot path reads one attribute per fact; ``None`` means the object was
absent ("not applicable / none").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .levels import ACTIVE, DisciplineForm, Grade, Level


@dataclass(slots=True, frozen=True)
class Discipline:
    """Một quyết định kỷ luật (discipline decision)."""

    form: DisciplineForm
    decided_on: date | None = None
    violation_on: date | None = None
    duty_related: bool = False
    self_detected_and_remedied: bool = False


@dataclass(slots=True, frozen=True)
class UnitsLed:
    """Kết quả của các địa phương, đơn vị do cá nhân/tập thể lãnh đạo trực tiếp phụ trách."""

    tasks_completion_ratio: float | None = None
    exceeded_ratio: float | None = None
    all_on_time: bool | None = None
    basic_targets_missed: bool | int | None = None
    units_total: int | None = None
    units_khtnv: int | None = None


@dataclass(slots=True, frozen=True)
class LevelCounts:
    """Số lượng theo mức xếp loại (members' or subordinate organizations' results)."""

    htxsnv: int = 0
    httnv: int = 0
    htnv: int = 0
    khtnv: int = 0

    @property
    def total(self) -> int:
        return self.htxsnv + self.httnv + self.htnv + self.khtnv

    def as_dict(self) -> dict[str, int]:
        return {"HTXSNV": self.htxsnv, "HTTNV": self.httnv, "HTNV": self.htnv, "KHTNV": self.khtnv}

    @classmethod
    def from_list(cls, counts: list[int]) -> LevelCounts:
        """From a list indexed by ``Level`` (KHTNV=0 … HTXSNV=3)."""
        return cls(htxsnv=counts[3], httnv=counts[2], htnv=counts[1], khtnv=counts[0])


@dataclass(slots=True)
class Subject:
    """Một đối tượng đánh giá, xếp loại: a member, a leader, a cell, a đảng bộ or a leadership collective.

    Field names follow classification-contract.md; nested objects are flattened:
    ``score.general`` → ``score_general``, ``tasks.on_time`` → ``tasks_on_time`` and so on.
    ``previous_level`` is an extension of the contract (last year's level, for the
    "two years in a row KHTNV" flag).
    """

    id: str
    kind: str
    group: str | None = None
    status: str = ACTIVE
    admitted_on: date | None = None
    sick_or_maternity_leave_months: float | None = None
    score_general: float | None = None
    score_tasks: float | None = None
    grade_key: Grade | None = None
    grade_other: Grade | None = None
    tasks_total: int | None = None
    tasks_done: int = 0
    tasks_on_time: int = 0
    tasks_exceeded: int = 0
    tasks_late: int = 0
    shortcomings_total: int | None = None
    shortcomings_remedied: int = 0
    discipline: tuple[Discipline, ...] = ()
    degradation_concluded: bool = False
    prohibition_violated: bool = False
    civil_servant_level: Level | None = None
    low_confidence_ratio: float | None = None
    units_led: UnitsLed | None = None
    members_levels: LevelCounts | None = None
    cell: str | None = None
    subordinate_levels: LevelCounts | None = None
    parent: str | None = None
    same_level_bodies_min_level: Level | None = None
    subordinate_disciplined: bool = False
    leadership_discipline: tuple[Discipline, ...] = ()
    heads: str | None = None
    collective_level: Level | None = None
    proposed_level: Level | None = None
    previous_level: Level | None = None

    @property
    def score(self) -> float | None:
        """Tổng điểm (QĐ 366): group I + group II, or ``None`` when not scored."""
        if self.score_general is None or self.score_tasks is None:
            return None
        return self.score_general + self.score_tasks
