"""What each document says: one context builder per document, shared by the DOCX and the PDF.

A context is plain data (dicts, lists, strings) so that the same one feeds docxtpl (Jinja) and the
Django HTML template. Fixed wording lives in the templates; these functions gather the facts.
Data flows one way: documents read plans, reviews, meetings and decisions and never write to them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from kiemdiem.decisions.models import Decision, DecisionEntry, Reclassification
from kiemdiem.lib import dates
from kiemdiem.members.models import Position
from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import (
    COLLECTIVE_KINDS,
    INDIVIDUAL_KINDS,
    NotReviewedReason,
    Plan,
    PlanSubject,
    RemediationItem,
    SubjectKind,
)
from kiemdiem.reviews.feedback import feedback_summary
from kiemdiem.reviews.models import (
    FeedbackSource,
    Meeting,
    MeetingItem,
    MeetingStatus,
    Review,
    ReviewPlace,
    ReviewStatus,
)
from kiemdiem.rules.procedure import review_places

from .layout import (
    DOTS,
    LEVELS,
    common,
    grassroots,
    header,
    is_cell,
    issuing_body,
    paragraphs,
    signer,
    symbol,
    vn_date,
)

GRADES = ("xuat_sac", "tot", "trung_binh", "kem")
KIND_LABELS = dict(SubjectKind.choices)


def _d(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _num(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    return f"{float(value):g}".replace(".", ",")


def _labels(plan: Plan) -> dict[str, str]:
    return dict(plan.framework().level_labels)


def _level_marks(labels: dict[str, str], chosen: str) -> list[dict[str, str]]:
    return [{"code": lv, "label": labels[lv], "mark": "X" if lv == chosen else ""} for lv in LEVELS]


def _kinds_label(kinds: list[str]) -> str:
    labels = [KIND_LABELS.get(k, k) for k in kinds]
    return "; ".join(label[:1].lower() + label[1:] for label in labels)


# --- the plan ------------------------------------------------------------------------------------


def _grouped(mapping: dict[str, Any], kinds: list[str]) -> list[tuple[list[str], Any]]:
    """Kinds with identical values grouped together, in the order of ``kinds``."""
    groups: list[tuple[list[str], Any]] = []
    for kind in kinds:
        if kind not in mapping:
            continue
        for ks, value in groups:
            if value == mapping[kind]:
                ks.append(kind)
                break
        else:
            groups.append(([kind], mapping[kind]))
    return groups


def _criteria_block(kinds: list[str], data: dict[str, Any]) -> dict[str, Any]:
    if "groups" in data:
        groups = [
            {
                "id": g["id"],
                "title": g["title"],
                "max": _num(g["max_points"]),
                "subs": [
                    {"id": s["id"], "title": s["title"], "max": _num(s["max_points"])}
                    for s in g.get("sub_criteria", [])
                ],
            }
            for g in data["groups"]
        ]
        return {
            "kinds": _kinds_label(kinds),
            "scored": True,
            "annex": data.get("annex", ""),
            "groups": groups,
            "items": [],
            "total": _num(sum(float(g["max_points"]) for g in data["groups"])),
            "note": data.get("defaults_note", ""),
        }
    items = [
        {"id": c["id"], "title": c["title"], "key": "tiêu chí chính" if c.get("key") else ""}
        for c in data.get("criteria", [])
    ]
    return {
        "kinds": _kinds_label(kinds),
        "scored": False,
        "annex": "",
        "groups": [],
        "items": items,
        "total": "",
        "note": data.get("note", ""),
    }


def plan_context(plan: Plan) -> dict[str, Any]:
    """Kế hoạch …-KH/ĐU with every section filled from the plan."""
    fw = plan.framework()
    org = plan.organization
    kinds = [k for k, _ in SubjectKind.choices]
    counts = Counter(plan.subjects.filter(reviewed=True).values_list("kind", flat=True))
    not_reviewed = Counter(plan.subjects.filter(reviewed=False).values_list("not_reviewed_reason", flat=True))
    residence = plan.subjects.filter(needs_residence_comment=True).count()
    subjects = [{"label": KIND_LABELS[k], "count": counts[k]} for k in kinds if counts.get(k)]
    individuals = sum(counts[k] for k in INDIVIDUAL_KINDS)
    organizations = sum(counts[k] for k in (SubjectKind.CELL, SubjectKind.GRASSROOTS_ORG))
    content_map = {k: list(v) for k, v in (plan.content_items or {}).items() if k in kinds}
    content = [
        {"kinds": _kinds_label(ks), "items": items} for ks, items in _grouped(content_map, kinds) if items
    ]
    places = [
        {"kinds": _kinds_label(ks).capitalize(), "places": "; sau đó ".join(_at(x) for x in p)}
        for ks, p in _grouped({k: review_places(fw, k) for k in kinds}, kinds)
    ]
    steps = list(plan.steps.all())
    due_cells = max((s.due_cells for s in steps if s.due_cells), default=None)
    due_committee = max((s.due_committee for s in steps if s.due_committee), default=None)
    standards = []
    for t in fw.thresholds:
        band = ""
        if t.score_min is not None and t.score_max is not None:
            band = f"từ {_num(t.score_min)} đến dưới {_num(t.score_max)} điểm"
        elif t.score_min is not None:
            band = f"từ {_num(t.score_min)} điểm trở lên"
        elif t.score_max is not None:
            band = f"dưới {_num(t.score_max)} điểm"
        standards.append(
            {
                "label": fw.level_labels[t.level.name],
                "band": band,
                "conditions": [
                    {"who": "" if who == "tất cả" else who, "text": text} for who, text in t.conditions
                ],
            }
        )
    criteria = [_criteria_block(ks, data) for ks, data in _grouped(plan.criteria or {}, kinds)]
    quota = fw.quota
    return {
        "header": header(org, plan.number, plan.issued_on),
        "sign": signer(org, plan.issued_on),
        **common(org, plan.issued_on),
        "type": "KẾ HOẠCH",
        "summary": _summary(plan.title),
        "year": plan.year,
        "bases": [fw.regulation, *fw.guidance],
        "framework_title": fw.title,
        "framework_reason": plan.framework_reason,
        "purpose": paragraphs(plan.purpose),
        "reference_date": _d(plan.reference_date),
        "subjects": subjects,
        "individuals": individuals,
        "organizations": organizations,
        "residence": residence,
        "not_reviewed": [
            {"label": NotReviewedReason(r).label, "count": n} for r, n in sorted(not_reviewed.items()) if r
        ],
        "places": places,
        "content": content,
        "steps": [
            {
                "order": s.order,
                "name": s.name,
                "description": s.description,
                "due_cells": _d(s.due_cells),
                "due_committee": _d(s.due_committee),
            }
            for s in steps
        ],
        "due_cells": _d(due_cells),
        "due_committee": _d(due_committee),
        "standards": standards,
        "criteria": criteria,
        "criteria_reason": plan.criteria_reason,
        "quota": {
            "percent": _num(quota.ratio * 100),
            "outstanding": _num(quota.outstanding_ratio * 100) if quota.outstanding_ratio else "",
            "grouping": quota.grouping,
        },
        "launch": {
            "date": _d(plan.launch_date),
            "place": plan.launch_place,
            "chair": plan.launch_chair.full_name if plan.launch_chair else "",
            "attendees": plan.launch_attendees,
        },
    }


def _at(place: str) -> str:
    return place if place.startswith("tại ") else f"tại {place}"


def _summary(title: str) -> str:
    """The summary line under the document type: the title without a leading "Kế hoạch"."""
    for prefix in ("Kế hoạch ", "kế hoạch "):
        if title.startswith(prefix):
            return title[len(prefix) :]
    return title


# --- self-review forms and collective reports ----------------------------------------------------


class FormBuilder:
    """Contexts of the self-review forms (Mẫu 02 / 02A / 02B / 2A / 2B / 2C) and collective reports (Mẫu 01)
    of one plan; caches what all subjects share, so that a batch of a whole ward stays fast."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.fw = plan.framework()
        self.labels = dict(self.fw.level_labels)
        self._headers: dict[int, dict[str, str]] = {}
        self._signers: dict[int, dict[str, str]] = {}

    def form_of(self, kind: str) -> dict[str, str]:
        try:
            form = self.fw.form_for(kind)
        except KeyError:
            return {"code": "", "title": ""}
        return {"code": form.code, "title": form.title}

    def _cell_header(self, cell: Organization, day: dt.date | None) -> dict[str, str]:
        if day is not None:
            return header(cell, "", day)
        if cell.pk not in self._headers:
            self._headers[cell.pk] = header(cell, "", None, year=self.plan.year)
        return self._headers[cell.pk]

    def _criteria(self, kind: str, review: Review | None) -> dict[str, Any]:
        data = (self.plan.criteria or {}).get(kind) or {}
        block = _criteria_block([kind], data)
        grades = (review.grades if review else {}) or {}
        for item in block["items"]:
            chosen = grades.get(item["id"], "")
            item["marks"] = {g: ("X" if chosen == g else "") for g in GRADES}
        scores = {
            "I": _num(review.score_general) if review else "",
            "II": _num(review.score_tasks) if review else "",
        }
        for group in block["groups"]:
            group["score"] = scores.get(group["id"], "")
        block["score_total"] = _num(review.score_total) if review and review.score_total is not None else ""
        return block

    def individual(
        self,
        subject: PlanSubject | None,
        review: Review | None = None,
        *,
        kind: str = "",
        positions: list[str] | None = None,
        entry: DecisionEntry | None = None,
        proposed: str = "",
    ) -> dict[str, Any]:
        """An individual's form, pre-filled from the review; ``subject=None`` gives a blank form of ``kind``."""
        kind = subject.kind if subject is not None else kind
        member = subject.member if subject is not None else None
        cell = subject.cell if subject is not None else None
        org = cell or self.plan.organization
        day = review.submitted_at.date() if review and review.submitted_at else None
        items = (self.plan.content_items or {}).get(kind, [])
        sections = (review.sections if review else {}) or {}
        level = review.self_level if review else ""
        return {
            "blank": subject is None,
            "header": self._cell_header(org, day) if cell else header(org, "", None, year=self.plan.year),
            "form": self.form_of(kind),
            "kind_label": KIND_LABELS.get(kind, ""),
            "year": self.plan.year,
            "person": {
                "name": member.full_name if member else "",
                "birth": _d(member.date_of_birth) if member else "",
                "posts": "; ".join(positions or []),
                "workplace": member.workplace if member else "",
                "cell": cell.name if cell else "",
                "residence": member.residence_address if member else "",
            },
            "items": [
                {"no": i, "title": title, "text": paragraphs(sections.get(str(i), ""))}
                for i, title in enumerate(items, 1)
            ],
            "strengths": paragraphs(review.strengths) if review else [],
            "shortcomings": paragraphs(review.shortcomings) if review else [],
            "causes": paragraphs(review.causes) if review else [],
            "prior_results": paragraphs(review.prior_results) if review else [],
            "responsibility": paragraphs(review.responsibility) if review else [],
            "remedies": paragraphs(review.remedies) if review else [],
            "evidence": paragraphs(review.evidence_text) if review else [],
            "criteria": self._criteria(kind, review),
            "levels": _level_marks(self.labels, level),
            "self_level": self.labels.get(level, ""),
            "tasks": {
                "total": _num(review.tasks_total) if review else "",
                "done": _num(review.tasks_done) if review else "",
                "on_time": _num(review.tasks_on_time) if review else "",
                "exceeded": _num(review.tasks_exceeded) if review else "",
                "late": _num(review.tasks_late) if review else "",
            },
            "appendix": "groups" in ((self.plan.criteria or {}).get(kind) or {}),
            "on_behalf": bool(review and review.entered_on_behalf),
            "proposed": self.labels.get(proposed, ""),
            "decided": self.labels.get(entry.level, "") if entry and entry.published_at else "",
            "decision": f"{entry.decision.number} ngày {_d(entry.decision.date)}"
            if entry and entry.published_at
            else "",
            "submitted": bool(review and review.status == ReviewStatus.SUBMITTED),
        }

    def collective(self, subject: PlanSubject, review: Review | None = None) -> dict[str, Any]:
        """Báo cáo kiểm điểm của tập thể (Mẫu 01): the cell, the grassroots committee or a leadership collective."""
        org = subject.organization or (subject.collective.organization if subject.collective else None)
        org = org or self.plan.organization
        day = review.submitted_at.date() if review and review.submitted_at else None
        items = (self.plan.content_items or {}).get(subject.kind, [])
        sections = (review.sections if review else {}) or {}
        level = review.self_level if review else ""
        if org.pk not in self._signers:
            self._signers[org.pk] = signer(org, day or self.plan.issued_on)
        sign = dict(self._signers[org.pk])
        if subject.kind == SubjectKind.LEADERSHIP_COLLECTIVE:
            sign["authority"] = f"T/M {subject.name.upper()}"
        elif is_cell(org):
            sign["authority"] = "T/M CHI ỦY"
        return {
            "blank": False,
            "header": header(org, "", day, year=self.plan.year, kind="BC"),
            "sign": sign,
            **common(org, day or self.plan.issued_on),
            "form": self.form_of(subject.kind),
            "name": subject.name,
            "kind_label": KIND_LABELS[subject.kind],
            "year": self.plan.year,
            "items": [
                {"no": i, "title": title, "text": paragraphs(sections.get(str(i), ""))}
                for i, title in enumerate(items, 1)
            ],
            "strengths": paragraphs(review.strengths) if review else [],
            "shortcomings": paragraphs(review.shortcomings) if review else [],
            "causes": paragraphs(review.causes) if review else [],
            "prior_results": paragraphs(review.prior_results) if review else [],
            "responsibility": paragraphs(review.responsibility) if review else [],
            "remedies": paragraphs(review.remedies) if review else [],
            "criteria": self._criteria(subject.kind, review),
            "levels": _level_marks(self.labels, level),
            "self_level": self.labels.get(level, ""),
            "submitted": bool(review and review.status == ReviewStatus.SUBMITTED),
        }


def _positions(member_ids: list[int], day: dt.date) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    qs = (
        Position.objects.filter(member_id__in=member_ids)
        .exclude(start__gt=day)
        .exclude(end__lt=day)
        .order_by("-is_head", "id")
    )
    for member_id, title in qs.values_list("member_id", "title"):
        if title not in out[member_id]:
            out[member_id].append(title)
    return out


def subject_form_context(subject: PlanSubject, builder: FormBuilder | None = None) -> dict[str, Any]:
    """The pre-filled form of one subject: an individual's bản kiểm điểm or a collective's Mẫu 01."""
    builder = builder or FormBuilder(subject.plan)
    review = Review.objects.filter(subject=subject, place=ReviewPlace.CELL).first()
    if subject.kind in COLLECTIVE_KINDS:
        if review is None:
            review = Review.objects.filter(subject=subject).first()
        return builder.collective(subject, review)
    entry = DecisionEntry.objects.filter(subject=subject).select_related("decision").first()
    item = MeetingItem.objects.filter(subject=subject).exclude(proposed_level="").first()
    posts = _positions([subject.member_id], subject.plan.reference_date) if subject.member_id else {}
    return builder.individual(
        subject,
        review,
        positions=posts.get(subject.member_id or 0, []),
        entry=entry,
        proposed=item.proposed_level if item else "",
    )


def batch_form_contexts(plan: Plan, subjects: list[PlanSubject]) -> Any:
    """Yield (subject, context) for many individuals with a constant number of queries."""
    builder = FormBuilder(plan)
    ids = [s.pk for s in subjects]
    reviews = {r.subject_id: r for r in Review.objects.filter(subject_id__in=ids, place=ReviewPlace.CELL)}
    entries = {
        e.subject_id: e for e in DecisionEntry.objects.filter(subject_id__in=ids).select_related("decision")
    }
    proposed = dict(
        MeetingItem.objects.filter(subject_id__in=ids)
        .exclude(proposed_level="")
        .values_list("subject_id", "proposed_level")
    )
    posts = _positions([s.member_id for s in subjects if s.member_id], plan.reference_date)
    for s in subjects:
        yield (
            s,
            builder.individual(
                s,
                reviews.get(s.pk),
                positions=posts.get(s.member_id or 0, []),
                entry=entries.get(s.pk),
                proposed=proposed.get(s.pk, ""),
            ),
        )


def blank_form_context(plan: Plan, kind: str, cell: Organization | None = None) -> dict[str, Any]:
    builder = FormBuilder(plan)
    if kind in COLLECTIVE_KINDS:
        org = cell or plan.organization
        fake = PlanSubject(plan=plan, kind=kind, organization=org, name=org.name)
        ctx = builder.collective(fake, None)
        ctx["blank"] = True
        return ctx
    return builder.individual(None, None, kind=kind)


# --- meeting minutes -----------------------------------------------------------------------------


def minutes_context(meeting: Meeting) -> dict[str, Any]:
    """Biên bản hội nghị kiểm điểm: attendance, criticism per subject, vote tallies, proposed levels."""
    plan = meeting.plan
    labels = _labels(plan)
    org = meeting.organization or (
        meeting.collective.organization if meeting.collective else plan.organization
    )
    where = meeting.collective.name if meeting.collective else org.name
    items = []
    self_levels = dict(
        Review.objects.filter(subject__meeting_items__meeting=meeting, place=ReviewPlace.CELL).values_list(
            "subject_id", "self_level"
        )
    )
    for i, item in enumerate(meeting.items.select_related("subject").order_by("order", "id"), 1):
        result = item.result or {}
        votes = [{"label": labels[lv], "count": result.get(lv, 0)} for lv in LEVELS]
        items.append(
            {
                "no": i,
                "name": item.subject.name,
                "kind_label": KIND_LABELS[item.subject.kind],
                "presented": item.review_presented,
                "criticism": [
                    {"who": c.get("who", ""), "what": c.get("what", "")} for c in (item.criticism or [])
                ],
                "response": paragraphs(item.response),
                "mode": item.get_vote_mode_display() if item.vote_mode else "",
                "votes": votes,
                "counts": [result.get(lv, 0) for lv in LEVELS],
                "invalid": result.get("invalid", 0),
                "voters": result.get("voters", 0),
                "voted": bool(result),
                "self_level": labels.get(self_levels.get(item.subject_id, ""), ""),
                "proposed": labels.get(item.proposed_level, ""),
            }
        )
    absent = max(0, meeting.total - meeting.present - meeting.excused)
    return {
        "header": header(org, "", meeting.date, kind="BB"),
        **common(org, meeting.date),
        "where": where,
        "year": plan.year,
        "date": vn_date(meeting.date),
        "date_short": _d(meeting.date),
        "place": meeting.place,
        "chair": meeting.chair.full_name if meeting.chair else "",
        "secretary": meeting.secretary.full_name if meeting.secretary else "",
        "total": meeting.total,
        "present": meeting.present,
        "excused": meeting.excused,
        "absent": absent,
        "minutes": paragraphs(meeting.minutes),
        "closed": meeting.status == MeetingStatus.CLOSED,
        "level_labels": [labels[lv] for lv in LEVELS],
        "items": items,
    }


# --- multi-source opinion summary ----------------------------------------------------------------


def feedback_context(plan: Plan, cell: Organization | None = None) -> dict[str, Any]:
    """Tổng hợp ý kiến nhận xét: one row per member, one column per source, proposed levels."""
    labels = _labels(plan)
    subjects = plan.subjects.filter(reviewed=True, member__isnull=False)
    if cell is not None:
        subjects = subjects.filter(cell=cell)
    rows = feedback_summary(subjects.order_by("cell__path", "member__sort_key", "id"))
    proposed = dict(
        MeetingItem.objects.filter(subject__in=subjects)
        .exclude(proposed_level="")
        .values_list("subject_id", "proposed_level")
    )
    used = {s for r in rows for s in r.requested}
    sources = [(s, label) for s, label in FeedbackSource.choices if s in used]
    org = cell or plan.organization
    out_rows = []
    for i, r in enumerate(rows, 1):
        cells_ = []
        for s, _ in sources:
            if s not in r.requested:
                cells_.append({"text": ["—"]})
                continue
            responses = r.by_source.get(s) or []
            texts = []
            for resp in responses:
                level = f" (đề xuất: {labels[resp.proposed_level]})" if resp.proposed_level else ""
                texts.append(f"{resp.text}{level}")
            cells_.append({"text": texts or ["Chưa có ý kiến"]})
        out_rows.append(
            {
                "no": i,
                "name": r.subject.name,
                "cell": r.subject.cell.name if r.subject.cell else "",
                "sources": cells_,
                "self_level": r.self_level,
                "proposed": proposed.get(r.subject.pk, ""),
            }
        )
    return {
        "header": header(org, "", dates.today(), kind="BC"),
        "sign": signer(org, dates.today()),
        **common(org),
        "year": plan.year,
        "plan_number": plan.number,
        "plan_date": _d(plan.issued_on),
        "scope_name": org.name,
        "sources": [label for _, label in sources],
        "rows": out_rows,
        "legend": [{"code": lv, "label": labels[lv]} for lv in LEVELS],
    }


# --- decisions -----------------------------------------------------------------------------------


def _bases(plan: Plan) -> list[str]:
    fw = plan.framework()
    return [fw.regulation, *fw.guidance]


def decision_context(decision: Decision) -> dict[str, Any]:
    """Quyết định xếp loại with the annexed lists per level (organizations, then members)."""
    plan = decision.plan
    org = plan.organization
    labels = _labels(plan)
    entries = list(
        decision.entries.select_related("subject", "subject__cell", "subject__organization").order_by(
            "subject__cell__path", "subject__kind", "subject__name", "subject_id"
        )
    )
    annex = []
    n_org: Counter[str] = Counter()
    n_ind: Counter[str] = Counter()
    for i, lv in enumerate(LEVELS, 1):
        orgs = [e for e in entries if e.level == lv and e.subject.kind not in INDIVIDUAL_KINDS]
        people = [e for e in entries if e.level == lv and e.subject.kind in INDIVIDUAL_KINDS]
        n_org[lv], n_ind[lv] = len(orgs), len(people)
        annex.append(
            {
                "no": i,
                "code": lv,
                "label": labels[lv],
                "label_upper": labels[lv].upper(),
                "organizations": [
                    {"no": j, "name": e.subject.name, "kind": KIND_LABELS[e.subject.kind], "note": e.reason}
                    for j, e in enumerate(orgs, 1)
                ],
                "members": [
                    {
                        "no": j,
                        "name": e.subject.name,
                        "cell": e.subject.cell.name if e.subject.cell else "",
                        "note": e.reason,
                    }
                    for j, e in enumerate(people, 1)
                ],
                "count": len(orgs) + len(people),
            }
        )
    return {
        "header": header(org, decision.number, decision.date),
        "sign": signer(org, decision.date, standing=True),
        **common(org, decision.date),
        "body": f"BAN THƯỜNG VỤ {issuing_body(org).upper()}",
        "year": plan.year,
        "number": decision.number,
        "date": _d(decision.date),
        "plan_number": plan.number,
        "plan_date": _d(plan.issued_on),
        "bases": _bases(plan),
        "totals": {
            "organizations": sum(n_org.values()),
            "members": sum(n_ind.values()),
            "levels": [
                {"label": labels[lv], "organizations": n_org[lv], "members": n_ind[lv]} for lv in LEVELS
            ],
        },
        "annex": annex,
    }


def reclassification_context(rec: Reclassification) -> dict[str, Any]:
    """Quyết định đánh giá, xếp loại lại (Mẫu 03)."""
    entry = rec.entry
    plan = entry.subject.plan
    org = plan.organization
    labels = _labels(plan)
    subject = entry.subject
    form = next((f for f in plan.framework().forms if f.code.startswith("Mẫu 03")), None)
    return {
        "header": header(org, rec.number, rec.date, kind="QĐ"),
        "sign": signer(org, rec.date, standing=True),
        **common(org, rec.date),
        "form": form.code if form else "Mẫu 03",
        "body": f"BAN THƯỜNG VỤ {issuing_body(org).upper()}",
        "year": plan.year,
        "bases": _bases(plan),
        "subject": {
            "name": subject.name,
            "kind": KIND_LABELS[subject.kind],
            "individual": subject.kind in INDIVIDUAL_KINDS,
            "cell": subject.cell.name if subject.cell else "",
        },
        "decision_number": entry.decision.number,
        "decision_date": _d(entry.decision.date),
        "old_level": labels[rec.old_level],
        "new_level": labels[rec.new_level],
        "reason": paragraphs(rec.reason),
        "date": _d(rec.date),
    }


# --- record checklist (Mẫu 04) -------------------------------------------------------------------


def checklist_context(plan: Plan, cell: Organization | None = None) -> dict[str, Any]:
    """Danh mục hồ sơ đánh giá, xếp loại: what is on file for the plan (or one cell)."""
    org = cell or plan.organization
    subjects = plan.subjects.filter(reviewed=True)
    if cell is not None:
        subjects = subjects.filter(cell=cell)
    collective = subjects.filter(kind__in=COLLECTIVE_KINDS)
    individuals = subjects.filter(kind__in=INDIVIDUAL_KINDS)
    submitted = Review.objects.filter(subject__in=subjects, status=ReviewStatus.SUBMITTED)
    meetings = Meeting.objects.filter(plan=plan, status=MeetingStatus.CLOSED)
    if cell is not None:
        meetings = meetings.filter(organization=cell)
    residence = subjects.filter(needs_residence_comment=True)
    answered_residence = residence.filter(
        feedback_requests__source=FeedbackSource.RESIDENCE, feedback_requests__responses__isnull=False
    ).distinct()
    entries = DecisionEntry.objects.filter(subject__in=subjects)
    decisions = Decision.objects.filter(pk__in=entries.values("decision_id")).order_by("date")
    scored = any("groups" in (v or {}) for v in (plan.criteria or {}).values())
    rows: list[dict[str, Any]] = [
        {
            "title": "Báo cáo kiểm điểm của tập thể (Mẫu 01)",
            "count": submitted.filter(subject__in=collective).count(),
            "expected": collective.count(),
        },
        {
            "title": "Bản kiểm điểm, tự đánh giá của cá nhân",
            "count": submitted.filter(subject__in=individuals).count(),
            "expected": individuals.count(),
        },
        {
            "title": "Nhận xét của cấp ủy nơi cư trú",
            "count": answered_residence.count(),
            "expected": residence.count(),
        },
        {"title": "Biên bản hội nghị kiểm điểm", "count": meetings.count(), "expected": None},
        {
            "title": "Kết quả đánh giá, xếp loại"
            + (" kèm phụ lục chấm điểm (Phụ lục 1, 3, 4, 5)" if scored else ""),
            "count": entries.count(),
            "expected": subjects.count(),
        },
        {
            "title": "Quyết định xếp loại",
            "count": decisions.count(),
            "expected": None,
            "note": "; ".join(f"{d.number} ngày {_d(d.date)}" for d in decisions),
        },
    ]
    for i, row in enumerate(rows, 1):
        row["no"] = i
        row.setdefault("note", "")
        if row["expected"] is not None and row["count"] < row["expected"]:
            row["note"] = (
                row["note"] + "; " if row["note"] else ""
            ) + f"còn thiếu {row['expected'] - row['count']}"
        row["expected"] = "" if row["expected"] is None else row["expected"]
    form = next((f for f in plan.framework().forms if f.code.startswith("Mẫu 04")), None)
    limit = plan.framework().records_limit(plan.year)
    today = dates.today()
    return {
        "header": header(org, "", today, kind="DM"),
        "sign": signer(org, today),
        **common(org),
        "form": form.code if form else "",
        "year": plan.year,
        "scope_name": org.name,
        "rows": rows,
        "limit": _d(limit - dt.timedelta(days=1)) if limit else "",
    }


# --- result notice -------------------------------------------------------------------------------


def notice_context(entry: DecisionEntry) -> dict[str, Any]:
    """Thông báo kết quả xếp loại (-TB/ĐU) to one subject, with re-classifications and remediation tasks."""
    subject = entry.subject
    plan = subject.plan
    org = plan.organization
    labels = _labels(plan)
    recs = list(entry.reclassifications.order_by("date", "id"))
    current = recs[-1].new_level if recs else entry.level
    day = (entry.published_at.date() if entry.published_at else None) or entry.decision.date
    items = RemediationItem.objects.filter(subject=subject).order_by("due_date", "id")
    return {
        "header": header(org, "", day, kind="TB"),
        "sign": signer(org, day, standing=True),
        **common(org, day),
        "year": plan.year,
        "name": subject.name,
        "individual": subject.kind in INDIVIDUAL_KINDS,
        "kind": KIND_LABELS[subject.kind],
        "cell": subject.cell.name if subject.cell else "",
        "decision_number": entry.decision.number,
        "decision_date": _d(entry.decision.date),
        "level": labels[current],
        "reclassifications": [
            {
                "number": r.number,
                "date": _d(r.date),
                "old": labels[r.old_level],
                "new": labels[r.new_level],
                "reason": r.reason,
            }
            for r in recs
        ],
        "remediation": [
            {"shortcoming": r.shortcoming, "action": r.action, "due": _d(r.due_date), "owner": r.owner}
            for r in items
        ],
    }


__all__ = [
    "DOTS",
    "FormBuilder",
    "batch_form_contexts",
    "blank_form_context",
    "checklist_context",
    "decision_context",
    "feedback_context",
    "grassroots",
    "minutes_context",
    "notice_context",
    "plan_context",
    "reclassification_context",
    "subject_form_context",
    "symbol",
]
