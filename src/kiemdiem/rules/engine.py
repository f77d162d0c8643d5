"""Classification engine: subjects + framework → levels with reasons, and quota reports.

Design for speed (a million members in seconds): each framework's evaluator reads a subject's facts
with plain attribute access and returns one small tuple of integers (the resulting level and bit masks of
the rules that decided, limited or flagged it). Subjects with the same tuple share one immutable
:class:`Outcome`, built once with its Vietnamese reasons; so the hot path allocates one tuple per
subject and no dicts, lists or strings. QĐ 366's fast path (``qd366.bulk_individuals``) does not even
evaluate a plain member: it looks its outcome up by the answers to the conditions the evaluator tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import cast

from .dates import latest_start_completing
from .facts import LevelCounts, Subject
from .framework import UNCONFIRMED_NOTE, EvaluationKey, Framework, Individuals, QuotaPolicy, Rule
from .levels import (
    ACTIVE,
    CELL,
    COLLECTIVE_KINDS,
    GRASSROOTS_ORG,
    INDIVIDUAL_KINDS,
    LEADERSHIP_COLLECTIVE,
    NOT_CLASSIFIED_EXEMPT,
    NOT_CLASSIFIED_NEW_MEMBER,
    NOT_CLASSIFIED_SUSPENDED,
    Level,
)

# Codes for "not classified" in the first slot of an evaluator's key (levels are 0..3).
NC_EXEMPT = -1
NC_SUSPENDED = -2
NC_NEW_MEMBER = -3
_NOT_CLASSIFIED = {
    NC_EXEMPT: NOT_CLASSIFIED_EXEMPT,
    NC_SUSPENDED: NOT_CLASSIFIED_SUSPENDED,
    NC_NEW_MEMBER: NOT_CLASSIFIED_NEW_MEMBER,
}

PROPOSED_RULE = Rule(
    id="G-PROP-01",
    title="Mức đề xuất",
    source="Quy định về các bước đánh giá, xếp loại (tự đánh giá, thẩm định, cấp có thẩm quyền quyết định)",
    effect="Mức xếp loại không cao hơn mức được đề xuất (tự xếp loại, biểu quyết hoặc cấp ủy đề xuất).",
    reading="level = min(proposed_level, max_level): the rules give the highest level allowed; a lower proposal "
    "stands.",
    category="general",
)

TWO_YEARS_KHTNV_RULE = Rule(
    id="G-KHT2-01",
    title="Hai năm liền không hoàn thành nhiệm vụ",
    source="Điều lệ Đảng, Điều 8 khoản 2 và hướng dẫn thi hành (thực tiễn áp dụng; cần đối chiếu văn bản gốc)",
    effect="Đảng viên hai năm liền xếp loại “Không hoàn thành nhiệm vụ”: chi bộ xem xét, đề nghị cấp có thẩm "
    "quyền (cảnh báo, không phải một mức xếp loại).",
    reading="A flag, not a level: raised when previous_level is KHTNV and this year's level is KHTNV. The cell "
    "considers the member's case under the Party Charter; the engine never changes a level for it.",
    category="flag",
    unconfirmed=True,
)


def two_consecutive_khtnv(previous_level: Level | None, level: Level | None) -> bool:
    """True when a member is rated KHTNV this year and was rated KHTNV the year before.

    This is a flag for the cell to consider (Party Charter practice: two consecutive years of not
    fulfilling a member's duties), never a level: classification results are not changed by it.
    """
    return previous_level is Level.KHTNV and level is Level.KHTNV


@dataclass(frozen=True, slots=True)
class Reason:
    """Một căn cứ: the rule that decided, limited or flagged a result, with its source clause."""

    rule: str
    source: str
    effect: str
    unconfirmed: bool = False

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "source": self.source, "effect": self.effect}


@dataclass(frozen=True, slots=True)
class Outcome:
    """The shared, immutable outcome of every subject whose facts led to the same evaluation."""

    classified: bool
    not_classified_reason: str | None
    max_level: Level | None
    level: Level | None
    reasons: tuple[Reason, ...]
    needs_decision: tuple[str, ...]
    flags: tuple[str, ...]
    key: EvaluationKey = field(repr=False, compare=False)
    code: int = field(default=-1, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Result:
    """Kết quả của một đối tượng (the contract's result object, typed)."""

    id: str
    outcome: Outcome

    @property
    def classified(self) -> bool:
        return self.outcome.classified

    @property
    def not_classified_reason(self) -> str | None:
        return self.outcome.not_classified_reason

    @property
    def max_level(self) -> Level | None:
        return self.outcome.max_level

    @property
    def level(self) -> Level | None:
        return self.outcome.level

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.outcome.reasons

    @property
    def needs_decision(self) -> tuple[str, ...]:
        return self.outcome.needs_decision

    @property
    def flags(self) -> tuple[str, ...]:
        return self.outcome.flags


@dataclass(frozen=True, slots=True)
class GroupSettings:
    """Settings of one quota group; ``outstanding_unit``: the competent level decided outstanding results."""

    outstanding_unit: bool = False


@dataclass(frozen=True, slots=True)
class QuotaReport:
    """Tỷ lệ HTXSNV của một nhóm: counts after the rules, cap, excess and whom to lower first."""

    group: str
    counts: LevelCounts
    cap: int | None
    ok: bool
    excess: int
    suggested_demotions: tuple[str, ...]
    outstanding_unit: bool
    rules: tuple[str, ...]


@dataclass(slots=True)
class Classification:
    """The result of :func:`classify`: one outcome per subject (same order) and the quota reports."""

    framework: Framework
    subjects: Sequence[Subject]
    outcomes: list[Outcome]
    quota: list[QuotaReport]

    @property
    def results(self) -> list[Result]:
        return [Result(s.id, o) for s, o in zip(self.subjects, self.outcomes, strict=True)]

    def result_for(self, subject_id: str) -> Result:
        for s, o in zip(self.subjects, self.outcomes, strict=True):
            if s.id == subject_id:
                return Result(s.id, o)
        raise KeyError(subject_id)


class Context:
    """Per-run values the evaluators read: dates, parameter values and rule bits, precomputed once."""

    def __init__(self, framework: Framework, review_date: date) -> None:
        self.framework = framework
        self.review_date = review_date
        self.period_start = date(review_date.year, 1, 1)
        months = framework.parameters.get("new_member_months")
        self.new_member_cutoff: date | None = (
            latest_start_completing(review_date, months.current) if months and months.current else None
        )
        self.bits: dict[str, int] = {rule.id: 1 << i for i, rule in enumerate(framework.rules)}
        # Filled by classify() for the organization phases.
        self.member_counts: dict[str, list[int]] = {}
        self.subordinate_counts: dict[str, list[int]] = {}
        self.cells_with_disciplined_members: set[str] = set()

    def in_period(self, decided_on: date | None) -> bool:
        """A decision belongs to the review period when decided in the review year up to the review date.

        A discipline record without a decision date is taken as belonging to the period (it was given
        for this review).
        """
        return decided_on is None or self.period_start <= decided_on <= self.review_date


def build_outcome(framework: Framework, key: EvaluationKey) -> Outcome:
    """Turn an evaluator key ``(level_or_code, reasons, unmet, needs, flags, proposed, previous)`` into an Outcome."""
    code, reasons_mask, unmet_mask, needs_mask, flags_mask, proposed, previous = key
    rules = framework.rules
    reasons = [
        _reason(rules[i], prefix="Không đạt: ") if unmet_mask >> i & 1 else _reason(rules[i])
        for i in _bits(reasons_mask | unmet_mask)
    ]
    needs = tuple(rules[i].id for i in _bits(needs_mask))
    flags = [rules[i].id for i in _bits(flags_mask)]
    if code < 0:
        return Outcome(False, _NOT_CLASSIFIED[code], None, None, tuple(reasons), needs, tuple(flags), key)
    max_level = Level(code)
    level = max_level
    if proposed is not None and proposed < max_level:
        level = Level(proposed)
        reasons.append(_reason(PROPOSED_RULE))
    if two_consecutive_khtnv(previous, level):
        flags.append(TWO_YEARS_KHTNV_RULE.id)
        reasons.append(_reason(TWO_YEARS_KHTNV_RULE))
    return Outcome(True, None, max_level, level, tuple(reasons), needs, tuple(flags), key, int(level))


def _bits(mask: int) -> list[int]:
    """The positions of the bits set in ``mask``, lowest first (rule order)."""
    positions: list[int] = []
    while mask:
        low = mask & -mask
        positions.append(low.bit_length() - 1)
        mask ^= low
    return positions


def _reason(rule: Rule, prefix: str = "") -> Reason:
    effect = prefix + rule.effect
    if rule.unconfirmed:
        effect = effect.removesuffix(".") + f" ({UNCONFIRMED_NOTE})."
    return Reason(rule.id, rule.source, effect, rule.unconfirmed)


def _counts(levels: Iterable[int]) -> list[int]:
    counts = [0, 0, 0, 0]
    for level in levels:
        counts[level] += 1
    return counts


def classify(
    framework: Framework,
    subjects: Sequence[Subject],
    review_date: date,
    groups: Mapping[str, GroupSettings] | None = None,
) -> Classification:
    """Classify ``subjects`` under ``framework`` as of ``review_date``.

    Order of evaluation follows the regulation's ordering (C-ORD-02, C-ORD-03, A-HEAD-01): individuals
    first; then cells (which read their members' levels), leadership collectives, grassroots
    organizations (which read their cells' levels); then heads (người đứng đầu), checked against the
    collective they head. A head's own level counts among its cell's members before the head check (the
    cell is classified before its head), which breaks the circularity.

    Quota reports count ``level`` per group (default group: the subject's kind) and suggest whom to
    lower; levels themselves are never lowered by a quota (people decide).
    """
    groups = groups or {}
    make_context = framework.make_context
    assert make_context is not None and framework.evaluate_individual and framework.evaluate_collective
    ctx = make_context(framework, review_date)
    outcomes: list[Outcome | None] = [None] * len(subjects)
    cache: dict[EvaluationKey, Outcome] = {}
    tally = Tally()
    bulk = framework.bulk_individuals or individuals
    collectives, heads, collective_heads = bulk(framework, subjects, ctx, cache, outcomes, tally)
    if collectives:
        _classify_collectives(framework, subjects, outcomes, collectives, ctx, cache, tally)
    if heads or collective_heads:
        _apply_heads(framework, subjects, outcomes, heads, collective_heads, cache, tally)
    quota = _quota(framework, subjects, tally, groups)
    # Every slot is filled now: individuals by ``bulk``, each collective kind by _classify_collectives.
    return Classification(framework, subjects, cast("list[Outcome]", outcomes), quota)


class Tally:
    """Counts of levels per quota group and the HTXSNV subjects per group, kept while classifying.

    ``htxsnv[group]`` holds ``(rank_score(subject), index, id)``: the quota report sorts them to suggest whom
    to lower first without reading the subjects again.
    """

    __slots__ = ("counts", "htxsnv", "kinds")

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}
        self.htxsnv: dict[str, list[tuple[float, int, str]]] = {}
        self.kinds: dict[str, set[str]] = {}

    def add(self, i: int, s: Subject, level: int) -> None:
        g = s.group if s.group is not None else s.kind
        c = self.counts.get(g)
        if c is None:
            c = self.counts[g] = [0, 0, 0, 0]
            self.htxsnv[g] = []
        c[level] += 1
        if level == 3:
            self.htxsnv[g].append((rank_score(s), i, s.id))

    def remove(self, i: int, s: Subject, level: int) -> None:
        g = s.group if s.group is not None else s.kind
        self.counts[g][level] -= 1
        if level == 3:
            self.htxsnv[g].remove((rank_score(s), i, s.id))


def rank_score(s: Subject) -> float:
    """The order in which HTXSNV subjects are suggested for demotion: lowest score first; no score first."""
    general, tasks = s.score_general, s.score_tasks
    return -1.0 if general is None or tasks is None else general + tasks


def individuals(
    framework: Framework,
    subjects: Sequence[Subject],
    ctx: Context,
    cache: dict[EvaluationKey, Outcome],
    outcomes: list[Outcome | None],
    tally: Tally,
) -> Individuals:
    """Evaluate every individual (the generic loop; a framework may provide a faster ``bulk_individuals``).

    Returns the indices of collectives (classified later), the (index, collective id) of heads, and the
    heads named by collectives (head id → the collectives naming them).
    """
    evaluate = framework.evaluate_individual
    assert evaluate is not None
    get = cache.get
    collective_kinds = COLLECTIVE_KINDS
    collectives: list[int] = []
    heads: list[tuple[int, str]] = []
    collective_heads: dict[str, list[str]] = {}
    add = tally.add
    for i, s in enumerate(subjects):
        if s.kind in collective_kinds:
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
    return collectives, heads, collective_heads


def _classify_collectives(
    framework: Framework,
    subjects: Sequence[Subject],
    outcomes: list[Outcome | None],
    collectives: list[int],
    ctx: Context,
    cache: dict[EvaluationKey, Outcome],
    tally: Tally,
) -> None:
    evaluate = framework.evaluate_collective
    assert evaluate is not None
    cell_ids = {subjects[i].id for i in collectives if subjects[i].kind == CELL}
    if cell_ids:
        counts: dict[str, list[int]] = {}
        disciplined: set[str] = set()
        for s, o in zip(subjects, outcomes, strict=True):
            cell = s.cell
            if cell is None or o is None or cell not in cell_ids:
                continue
            if o.code >= 0:
                c = counts.get(cell)
                if c is None:
                    c = counts[cell] = [0, 0, 0, 0]
                c[o.code] += 1
            if s.discipline and any(ctx.in_period(d.decided_on) for d in s.discipline):
                disciplined.add(cell)
        ctx.member_counts = counts
        ctx.cells_with_disciplined_members = disciplined
    for kind in (CELL, LEADERSHIP_COLLECTIVE, GRASSROOTS_ORG):
        if kind == GRASSROOTS_ORG:
            org_ids = {subjects[i].id for i in collectives if subjects[i].kind == GRASSROOTS_ORG}
            sub_counts: dict[str, list[int]] = {}
            for i in collectives:
                s, o = subjects[i], outcomes[i]
                if s.kind == CELL and s.parent in org_ids and o is not None and o.code >= 0:
                    sub_counts.setdefault(s.parent, [0, 0, 0, 0])[o.code] += 1
            ctx.subordinate_counts = sub_counts
        for i in collectives:
            s = subjects[i]
            if s.kind != kind:
                continue
            key = evaluate(s, ctx)
            o = cache.get(key)
            if o is None:
                o = cache[key] = build_outcome(framework, key)
            outcomes[i] = o
            tally.add(i, s, o.code)


def _apply_heads(
    framework: Framework,
    subjects: Sequence[Subject],
    outcomes: list[Outcome | None],
    heads: list[tuple[int, str]],
    collective_heads: dict[str, list[str]],
    cache: dict[EvaluationKey, Outcome],
    tally: Tally,
) -> None:
    """Head not above the collective they head (A-HEAD-01; B-HEAD-U1 and C-HEAD-U1 per parameter).

    ``heads`` on an individual names the collective they head; ``heads`` on a collective names its head.
    A head of several bodies (e.g. the secretary of a grassroots committee who is also secretary of one
    of its cells) is checked against each of them: HD 21 Tiết 4 Điểm B Mục II says the head is not
    classified above the collective or organization they head, which holds for every body headed, so
    the result is the lowest of the caps whatever the order (reading chosen here; the contract's
    ``heads`` names one body per subject, the other bodies name the head).
    """
    rule_id = framework.parameters["head_cap"].rules[0]
    cap = bool(framework.param("head_cap"))
    bit = 1 << framework.rule_index[rule_id]
    collective_level: dict[str, Level | None] = {}
    head_index: dict[str, int] = {}
    for i, s in enumerate(subjects):
        if s.kind in COLLECTIVE_KINDS:
            o = outcomes[i]
            collective_level[s.id] = o.level if o is not None else None
        elif s.id in collective_heads:
            head_index[s.id] = i
    pairs = list(heads)
    known = set(heads)
    for head_id, collective_ids in collective_heads.items():
        head = head_index.get(head_id)
        if head is None:
            continue
        for collective_id in collective_ids:
            if (head, collective_id) not in known:
                pairs.append((head, collective_id))
    for i, collective_id in pairs:
        o = outcomes[i]
        if o is None or not o.classified:
            continue
        s = subjects[i]
        coll = collective_level.get(collective_id)
        if coll is None:
            coll = s.collective_level
        code, reasons, unmet, needs, flags, proposed, previous = o.key
        if coll is None:
            needs |= bit
        elif code > coll:
            if cap:
                code = int(coll)
                reasons |= bit
            else:
                needs |= bit
        else:
            continue
        key = (code, reasons, unmet, needs, flags, proposed, previous)
        new = cache.get(key)
        if new is None:
            new = cache[key] = build_outcome(framework, key)
        if new is not o:
            tally.remove(i, s, o.code)
            tally.add(i, s, new.code)
            outcomes[i] = new


_score, _index, _id = itemgetter(0), itemgetter(1), itemgetter(2)


def minimal_demotions(policy: QuotaPolicy, xs: int, tt: int, outstanding: bool) -> int:
    """The fewest HTXSNV → HTTNV demotions that bring ``xs`` HTXSNV within the cap of ``tt`` HTTNV (xs ≥ 1).

    Demoting one subject also raises the denominator, so the cap is recomputed for each k: xs − k shrinks
    and cap(tt + k) grows with k. The search starts from the estimate without rounding,
    k ≈ (xs − ratio·tt) / (1 + ratio), which rounding moves by about one, and steps to the smallest k.
    """
    ratio = policy.outstanding_ratio if outstanding and policy.outstanding_ratio else policy.ratio
    k = min(xs, max(1, math.ceil((xs - ratio * tt) / (1 + ratio))))
    while xs - k > policy.cap(tt + k, outstanding):
        k += 1
    while k > 1 and xs - (k - 1) <= policy.cap(tt + k - 1, outstanding):
        k -= 1
    return k


def _quota(
    framework: Framework,
    subjects: Sequence[Subject],
    tally: Tally,
    groups: Mapping[str, GroupSettings],
) -> list[QuotaReport]:
    policy = framework.quota
    quota_kinds = frozenset(policy.kinds)
    all_kinds = quota_kinds >= INDIVIDUAL_KINDS | COLLECTIVE_KINDS
    counts = tally.counts
    with_quota: set[str] = set()
    if not all_kinds:
        for s in subjects:
            if s.kind in quota_kinds:
                with_quota.add(s.group if s.group is not None else s.kind)
    reports: list[QuotaReport] = []
    outstanding_rules = policy.rules
    plain_rules = tuple(r for r in policy.rules if r != "C-Q-02")
    no_counts, no_settings = [0, 0, 0, 0], GroupSettings()
    for name in sorted(set(counts) | set(groups)):
        c = counts.get(name, no_counts)
        settings = groups.get(name, no_settings)
        level_counts = LevelCounts.from_list(c)
        if not all_kinds and name not in with_quota:
            reports.append(QuotaReport(name, level_counts, None, True, 0, (), settings.outstanding_unit, ()))
            continue
        outstanding = settings.outstanding_unit and policy.outstanding_ratio is not None
        xs, tt = c[3], c[2]
        cap = policy.cap(tt, outstanding)
        rules = outstanding_rules if outstanding else plain_rules
        if xs <= cap:
            reports.append(
                QuotaReport(name, level_counts, cap, True, 0, (), settings.outstanding_unit, rules)
            )
            continue
        k = minimal_demotions(policy, xs, tt, outstanding)
        # Lowest score first, then order given; subjects without a score (132/124) come first, in order.
        # Two stable sorts on plain keys are quicker than one sort comparing (score, index) tuples.
        ranked = tally.htxsnv[name]
        ranked.sort(key=_index)
        ranked.sort(key=_score)
        demote = tuple(map(_id, ranked[:k]))
        reports.append(
            QuotaReport(name, level_counts, cap, False, xs - cap, demote, settings.outstanding_unit, rules)
        )
    return reports


def default_group(subject: Subject) -> str:
    """The quota group of a subject: its ``group`` or, by default, its kind."""
    return subject.group if subject.group is not None else subject.kind


def individual_exemption(s: Subject, ctx: Context, suspended_exempt: bool = True) -> int:
    """The not-classified code of an individual, or 0 when the subject is classified."""
    status = s.status
    if status is not ACTIVE and status != ACTIVE:
        if status == "exempt":
            return NC_EXEMPT
        if status == "suspended" and suspended_exempt:
            return NC_SUSPENDED
    cutoff = ctx.new_member_cutoff
    if cutoff is not None and s.admitted_on is not None and s.admitted_on > cutoff:
        return NC_NEW_MEMBER
    return 0
