"""Kiểm điểm rules engine: regulation frameworks, classification, quotas and explanations.

Pure Python (no Django). The Django apps and the ``kiemdiem rules`` command call this public API;
the names below are stable.

Frameworks
    ``FRAMEWORKS``: dict id → :class:`Framework` (``qd132-2020``, ``qd124-2023``, ``qd366-2025``).
    ``get_framework(framework_id) -> Framework``; ``framework_for_year(year) -> Framework``
    (2019–2022 → qd132-2020, 2023–2024 → qd124-2023, 2025+ → qd366-2025).
    A framework carries: ``id``, ``title``, ``regulation``, ``guidance``, ``review_years``,
    ``subject_kinds``, ``levels`` / ``level_labels``, ``content_items[kind]``, ``criteria[kind]``
    (:class:`ScoredCriteria` 30 + 70 for 366, :class:`GradedCriteria` for 132/124), ``thresholds``,
    ``exemptions``, ``quota`` (:class:`QuotaPolicy`: grouping, ratio, 25% outstanding-unit exception for
    366, rounding, denominator = HTTNV only), ``ordering`` (:class:`OrderingConstraint`), ``forms`` and
    ``form_for(kind)``, ``rules`` (:class:`Rule`: id of regulations.md §7, source, Vietnamese effect, and
    ``reading`` — the rule's docstring stating the reading chosen), ``parameters``
    (:class:`Parameter`, ``unconfirmed`` ones shown as "cần đối chiếu văn bản gốc"),
    ``with_parameters(values, reason=...)`` → adapted copy recording the reason in ``adaptations``,
    ``review_end_limit(year)`` / ``check_review_end(year, end_date)`` (C-TL-01), ``records_limit(year)``
    (C-TL-02), ``draft_min_working_days`` (C-DOC-01) and ``meeting_min_days`` (C-DOC-02).
    ``validate_criteria(criteria, concretized) -> list[str]`` checks a committee's sub-criteria
    (sums 30 and 70, C-SC-02).

Classification
    ``classify(framework, subjects, review_date, groups=None) -> Classification`` over
    :class:`Subject` facts (slots dataclass, the contract's vocabulary; ``previous_level`` is an
    extension). ``Classification.outcomes`` (parallel to subjects), ``.results`` (:class:`Result`:
    classified, not_classified_reason, max_level, level, reasons, needs_decision, flags) and
    ``.quota`` (:class:`QuotaReport`: counts, cap, ok, excess, suggested_demotions).
    ``two_consecutive_khtnv(previous_level, level) -> bool`` — a flag for the cell, never a level.

Contract
    ``classify_request(request: dict) -> dict`` implements classification-contract.md; a malformed
    request raises :class:`RequestError` whose ``errors`` list every problem as
    ``{"path", "message"}`` (Vietnamese). ``parse_request`` / ``dump_request`` convert between JSON
    and typed facts.

Procedure helpers (:mod:`kiemdiem.rules.procedure`)
    working days (``working_days_between``, ``draft_sent_in_time``), review places and order,
    deciding bodies, record checklists, residence-place comments, state-rating deadline.

Explanations
    ``explain(framework) -> str``: a Vietnamese summary of levels, criteria and quotas.
"""

from __future__ import annotations

from .contract import ParsedRequest, RequestError, classify_request, dump_request, parse_request
from .dates import add_months, months_completed, working_days_between
from .engine import (
    Classification,
    GroupSettings,
    Outcome,
    QuotaReport,
    Reason,
    Result,
    classify,
    two_consecutive_khtnv,
)
from .explain import explain
from .facts import Discipline, LevelCounts, Subject, UnitsLed
from .framework import (
    UNCONFIRMED_NOTE,
    CriteriaGroup,
    Form,
    Framework,
    GradedCriteria,
    GradedCriterion,
    OrderingConstraint,
    Parameter,
    QuotaPolicy,
    Rule,
    ScoredCriteria,
    SubCriterion,
    concretize_criteria,
    validate_criteria,
)
from .levels import LEVEL_LABELS, DisciplineForm, Grade, Level
from .registry import FRAMEWORKS, framework_for_year, get_framework

__all__ = [
    "FRAMEWORKS",
    "LEVEL_LABELS",
    "UNCONFIRMED_NOTE",
    "Classification",
    "CriteriaGroup",
    "Discipline",
    "DisciplineForm",
    "Form",
    "Framework",
    "GradedCriteria",
    "GradedCriterion",
    "Grade",
    "GroupSettings",
    "Level",
    "LevelCounts",
    "OrderingConstraint",
    "Outcome",
    "Parameter",
    "ParsedRequest",
    "QuotaPolicy",
    "QuotaReport",
    "Reason",
    "RequestError",
    "Result",
    "Rule",
    "ScoredCriteria",
    "SubCriterion",
    "Subject",
    "UnitsLed",
    "add_months",
    "classify",
    "classify_request",
    "concretize_criteria",
    "dump_request",
    "explain",
    "framework_for_year",
    "get_framework",
    "months_completed",
    "parse_request",
    "two_consecutive_khtnv",
    "validate_criteria",
    "working_days_between",
]
