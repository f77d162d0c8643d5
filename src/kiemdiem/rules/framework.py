"""A regulation framework (khung quy định) as data plus named rules.

A :class:`Framework` bundles what a committee office needs to run one year's review under one
regulation: levels, subject kinds, content items, the criteria framework, level thresholds,
exemptions, the quota policy, ordering constraints, forms, deadlines, the named rules with their
source clauses, and the parameters whose value is not confirmed against the official text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from .levels import Level

if TYPE_CHECKING:
    from .engine import Context, Outcome, Tally
    from .facts import Subject

UNCONFIRMED_NOTE = "cần đối chiếu văn bản gốc"

# What a framework's evaluator returns for one subject, turned into an Outcome by ``engine.build_outcome``:
# the level (0..3) or a not-classified code (< 0); bit masks of the rules that decided, were not met, need a
# decision, flagged; the proposed level; the previous level.
EvaluationKey = tuple[int, int, int, int, int, Level | None, Level | None]
# The indices of the collectives, the (index, collective id) of heads, the heads named by collectives.
Individuals = tuple[list[int], list[tuple[int, str]], dict[str, list[str]]]
# A framework's evaluators take its own Context subclass, which ``Callable[[Subject, Context], …]`` would
# reject (parameters are contravariant): the context is typed in the evaluators themselves.
Evaluator = Callable[["Subject", Any], EvaluationKey]
BulkIndividuals = Callable[
    ["Framework", Sequence["Subject"], Any, dict[EvaluationKey, "Outcome"], list["Outcome | None"], "Tally"],
    Individuals,
]


@dataclass(frozen=True, slots=True)
class Rule:
    """A named rule of a framework.

    ``id`` is the id of regulations.md section 7 (engine-added rules carry a ``-U`` suffix or a ``G-``
    prefix and say so in ``reading``); ``source`` is the clause; ``effect`` is the Vietnamese text shown
    to the committee office; ``reading`` is the rule's docstring: what the engine does and, where the
    text is ambiguous, which reading was chosen. ``unconfirmed`` marks rules whose text or value was not
    verified against the official document ("cần đối chiếu văn bản gốc").
    """

    id: str
    title: str
    source: str
    effect: str
    reading: str = ""
    kinds: tuple[str, ...] = ()
    category: str = "level"
    url: str = ""
    unconfirmed: bool = False
    parameter: str | None = None


@dataclass(frozen=True, slots=True)
class Parameter:
    """A configurable value of a framework; ``unconfirmed`` ones carry "cần đối chiếu văn bản gốc"."""

    id: str
    label: str
    default: Any
    description: str = ""
    unconfirmed: bool = True
    rules: tuple[str, ...] = ()
    choices: tuple[Any, ...] = ()
    value: Any = None

    @property
    def current(self) -> Any:
        return self.default if self.value is None else self.value


@dataclass(frozen=True, slots=True)
class Adaptation:
    """A recorded change of parameters for a plan (điều chỉnh tham số, có lý do)."""

    changes: tuple[tuple[str, Any, Any], ...]
    reason: str


@dataclass(frozen=True, slots=True)
class SubCriterion:
    """Tiêu chí thành phần with its maximum points (QĐ 366; concretized by the upper committee)."""

    id: str
    title: str
    max_points: float


@dataclass(frozen=True, slots=True)
class CriteriaGroup:
    """Nhóm tiêu chí: group I "tiêu chí chung" (30 points) or group II "kết quả thực hiện nhiệm vụ" (70)."""

    id: str
    title: str
    max_points: float
    sub_criteria: tuple[SubCriterion, ...]


@dataclass(frozen=True, slots=True)
class ScoredCriteria:
    """The 100-point criteria framework of one annex (Phụ lục) of QĐ 366."""

    annex: str
    groups: tuple[CriteriaGroup, ...]
    defaults_note: str = (
        "Điểm tối đa của từng tiêu chí thành phần là phân bổ mặc định của phần mềm; cấp ủy cấp trên cụ thể "
        "hóa (HD 43 §7.12) miễn là tổng nhóm I = 30, nhóm II = 70."
    )

    @property
    def total(self) -> float:
        return sum(group.max_points for group in self.groups)


@dataclass(frozen=True, slots=True)
class GradedCriterion:
    """A criterion graded Xuất sắc / Tốt / Trung bình / Kém (QĐ 132, QĐ 124)."""

    id: str
    title: str
    key: bool


@dataclass(frozen=True, slots=True)
class GradedCriteria:
    """Criteria with the four grades; ``key`` criteria are the contract's ``grades.key``."""

    criteria: tuple[GradedCriterion, ...]
    note: str = ""


def validate_criteria(
    criteria: ScoredCriteria, concretized: Mapping[str, Sequence[SubCriterion]] | None = None
) -> list[str]:
    """Check a committee's concretized sub-criteria (rule C-SC-02, HD 43 §7.12).

    ``concretized`` maps a group id ("I", "II") to its sub-criteria; groups not given keep the
    framework's defaults. Returns Vietnamese error messages; an empty list means valid: every group's
    sub-criteria maxima sum exactly to the group maximum (30 and 70), each maximum is positive, ids
    are unique, and only known groups are given.
    """
    errors: list[str] = []
    concretized = concretized or {}
    known = {group.id for group in criteria.groups}
    for group_id in concretized:
        if group_id not in known:
            errors.append(f"Nhóm tiêu chí “{group_id}” không có trong {criteria.annex}.")
    for group in criteria.groups:
        subs = concretized.get(group.id, group.sub_criteria)
        if not subs:
            errors.append(f"Nhóm {group.id} chưa có tiêu chí thành phần.")
            continue
        seen: set[str] = set()
        for sub in subs:
            if sub.id in seen:
                errors.append(f"Nhóm {group.id}: mã tiêu chí “{sub.id}” bị trùng.")
            seen.add(sub.id)
            if not (isinstance(sub.max_points, int | float) and sub.max_points > 0):
                errors.append(f"Nhóm {group.id}: tiêu chí “{sub.id}” phải có điểm tối đa lớn hơn 0.")
        total = sum(sub.max_points for sub in subs if isinstance(sub.max_points, int | float))
        if not math.isclose(total, group.max_points, abs_tol=1e-9):
            errors.append(
                f"Nhóm {group.id} ({group.title}): tổng điểm tối đa các tiêu chí thành phần là "
                f"{_fmt(total)}, phải bằng {_fmt(group.max_points)}."
            )
    return errors


def concretize_criteria(
    criteria: ScoredCriteria, concretized: Mapping[str, Sequence[SubCriterion]]
) -> ScoredCriteria:
    """Return the criteria with the committee's sub-criteria, or raise ``ValueError`` with the errors."""
    errors = validate_criteria(criteria, concretized)
    if errors:
        raise ValueError("; ".join(errors))
    groups = tuple(
        replace(group, sub_criteria=tuple(concretized.get(group.id, group.sub_criteria)))
        for group in criteria.groups
    )
    return replace(criteria, groups=groups)


def _fmt(value: float) -> str:
    return f"{value:g}".replace(".", ",")


@dataclass(frozen=True, slots=True)
class LevelThreshold:
    """Tiêu chuẩn một mức: score band (QĐ 366) and the conditions by subject family, in Vietnamese."""

    level: Level
    score_min: float | None
    score_max: float | None
    conditions: tuple[tuple[str, str], ...]
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuotaPolicy:
    """Tỷ lệ HTXSNV: cap = rounding(ratio × count rated HTTNV) per group of similar position.

    The denominator is the number rated HTTNV only (those rated HTXSNV are not in it, C-Q-03).
    """

    rules: tuple[str, ...]
    grouping: str
    ratio: float
    outstanding_ratio: float | None
    rounding: str
    kinds: tuple[str, ...]
    demotion_order: str = "điểm thấp nhất trước, sau đó theo thứ tự trong danh sách"

    def cap(self, httnv: int, outstanding: bool = False) -> int:
        """The maximum number of HTXSNV allowed in a group with ``httnv`` subjects rated HTTNV."""
        ratio = self.outstanding_ratio if (outstanding and self.outstanding_ratio) else self.ratio
        # Exact decimal arithmetic: 0.2 × 40 must be 8, not 7.999….
        scaled = round(ratio * 10_000) * httnv
        if self.rounding == "floor":
            return scaled // 10_000
        if self.rounding == "ceil":
            return -((-scaled) // 10_000)
        return (scaled + 5_000) // 10_000  # half up


@dataclass(frozen=True, slots=True)
class OrderingConstraint:
    """Thứ tự: ``before`` must be done before ``after`` (stage: "review" or "classification")."""

    rule: str
    stage: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Form:
    """Biểu mẫu (Mẫu 01, 02A…) with the lettering of its year."""

    code: str
    title: str
    kinds: tuple[str, ...] = ()
    rule: str = ""
    unconfirmed: bool = False


@dataclass(frozen=True, slots=True)
class Deadline:
    """A legal deadline of a framework: the date must be strictly before ``(month, day)`` of a year."""

    rule: str
    title: str
    before_month: int
    before_day: int
    year_offset: int = 0
    variant: str = "normal"

    def limit(self, year: int) -> date:
        """The first date that is too late."""
        return date(year + self.year_offset, self.before_month, self.before_day)


@dataclass(frozen=True)
class Framework:
    """Khung quy định đánh giá, xếp loại chất lượng của một giai đoạn (see the package docstring)."""

    id: str
    title: str
    regulation: str
    guidance: tuple[str, ...]
    review_years: tuple[int, int | None]
    subject_kinds: tuple[str, ...]
    content_items: Mapping[str, tuple[str, ...]]
    criteria: Mapping[str, ScoredCriteria | GradedCriteria]
    thresholds: tuple[LevelThreshold, ...]
    exemptions: tuple[str, ...]
    quota_rules: tuple[str, ...]
    quota_grouping: str
    quota_kinds: tuple[str, ...]
    ordering: tuple[OrderingConstraint, ...]
    forms: tuple[Form, ...]
    deadlines: tuple[Deadline, ...]
    rules: tuple[Rule, ...]
    parameters: Mapping[str, Parameter]
    scored: bool
    draft_min_working_days: int | None = None
    meeting_min_days: float | None = None
    adaptations: tuple[Adaptation, ...] = ()
    evaluate_individual: Evaluator | None = field(default=None, repr=False, compare=False)
    evaluate_collective: Evaluator | None = field(default=None, repr=False, compare=False)
    make_context: Callable[[Framework, date], Context] | None = field(default=None, repr=False, compare=False)
    bulk_individuals: BulkIndividuals | None = field(default=None, repr=False, compare=False)

    @property
    def levels(self) -> tuple[Level, ...]:
        """Levels from the highest to the lowest."""
        return (Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV)

    @property
    def level_labels(self) -> dict[str, str]:
        return {level.name: level.label for level in self.levels}

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @property
    def rule_index(self) -> dict[str, int]:
        return {rule.id: i for i, rule in enumerate(self.rules)}

    def param(self, parameter_id: str) -> Any:
        """The current value of a parameter."""
        return self.parameters[parameter_id].current

    @property
    def unconfirmed_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters.values() if p.unconfirmed)

    @property
    def quota(self) -> QuotaPolicy:
        outstanding = self.parameters.get("quota_outstanding_ratio")
        return QuotaPolicy(
            rules=self.quota_rules,
            grouping=self.quota_grouping,
            ratio=self.param("quota_ratio"),
            outstanding_ratio=outstanding.current if outstanding else None,
            rounding=self.param("quota_rounding"),
            kinds=self.quota_kinds,
        )

    def form_for(self, kind: str) -> Form:
        """The self-review form of a subject kind (C-FORM-01, B-FORM-01)."""
        for form in self.forms:
            if kind in form.kinds:
                return form
        raise KeyError(kind)

    def with_parameters(self, values: Mapping[str, Any], *, reason: str) -> Framework:
        """Return a copy adapted for a plan, recording ``reason`` (lý do điều chỉnh).

        Unknown parameters, values outside a parameter's choices and an empty reason raise ``ValueError``.
        """
        if not reason or not reason.strip():
            raise ValueError("Cần ghi lý do điều chỉnh tham số.")
        params = dict(self.parameters)
        changes: list[tuple[str, Any, Any]] = []
        for key, value in values.items():
            if key not in params:
                raise ValueError(f"Khung {self.id} không có tham số “{key}”.")
            param = params[key]
            if param.choices and value not in param.choices:
                raise ValueError(f"Tham số “{key}” chỉ nhận một trong các giá trị {list(param.choices)}.")
            if param.choices == () and type(value) is not type(param.default) and param.default is not None:
                if not (isinstance(param.default, float) and isinstance(value, int)):
                    raise ValueError(f"Tham số “{key}” phải có kiểu {type(param.default).__name__}.")
            changes.append((key, param.current, value))
            params[key] = replace(param, value=value)
        return replace(
            self, parameters=params, adaptations=(*self.adaptations, Adaptation(tuple(changes), reason))
        )

    def review_end_limit(self, year: int, *, special_unit: bool = False) -> date | None:
        """The first date that is too late to finish the review of ``year`` (C-TL-01), if the framework sets one."""
        wanted = "special" if special_unit else "normal"
        for deadline in self.deadlines:
            if deadline.rule == "C-TL-01" and deadline.variant == wanted:
                return deadline.limit(year)
        return None

    def check_review_end(self, year: int, end_date: date, *, special_unit: bool = False) -> list[str]:
        """Vietnamese errors if a plan's end date breaks the legal end of the review (C-TL-01)."""
        limit = self.review_end_limit(year, special_unit=special_unit)
        if limit is None or end_date < limit:
            return []
        return [
            f"Theo {self.regulation}, việc kiểm điểm, xếp loại năm {year} phải hoàn thành trước ngày "
            f"{limit:%d/%m/%Y}; ngày kết thúc {end_date:%d/%m/%Y} là quá hạn (C-TL-01)."
        ]

    def records_limit(self, year: int) -> date | None:
        """The first date that is too late for records to reach the Central Organization Commission (C-TL-02)."""
        for deadline in self.deadlines:
            if deadline.rule == "C-TL-02":
                return deadline.limit(year)
        return None
