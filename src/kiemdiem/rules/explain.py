"""Readable Vietnamese summaries of a framework (``kiemdiem rules explain`` and ``list``)."""

from __future__ import annotations

from .framework import UNCONFIRMED_NOTE, Framework, GradedCriteria, ScoredCriteria
from .levels import KIND_LABELS, Level


def _pct(value: float) -> str:
    return f"{value * 100:g}%"


def explain(framework: Framework) -> str:
    """A Vietnamese summary for a committee office: documents, levels, criteria, quotas, order, forms."""
    fw = framework
    last = fw.review_years[1]
    years = f"năm {fw.review_years[0]}–{last}" if last else f"từ năm {fw.review_years[0]}"
    lines = [
        f"{fw.title}",
        f"Mã khung: {fw.id}; áp dụng cho kỳ đánh giá {years}.",
        f"Căn cứ: {fw.regulation}; " + "; ".join(fw.guidance) + ".",
        "",
        "1. Đối tượng",
    ]
    lines += [f"  - {KIND_LABELS[kind]} ({kind})" for kind in fw.subject_kinds]
    lines.append("  Không xếp loại:")
    lines += [f"  - {fw.rule(r).effect} [{r}]" for r in fw.exemptions]
    lines += ["", "2. Mức xếp loại và tiêu chuẩn"]
    for t in fw.thresholds:
        band = ""
        if t.score_min is not None and t.score_max is not None:
            band = f" — từ {t.score_min:g} đến dưới {t.score_max:g} điểm"
        elif t.score_min is not None:
            band = f" — từ {t.score_min:g} điểm trở lên"
        elif t.score_max is not None:
            band = f" — dưới {t.score_max:g} điểm"
        lines.append(f"  {t.level.name} ({Level(t.level).label}){band}:")
        lines += [f"    · {who}: {text}" for who, text in t.conditions]
        lines.append(f"    Quy tắc: {', '.join(t.rules)}")
    lines += ["", "3. Khung tiêu chí"]
    shown: set[int] = set()
    for criteria in fw.criteria.values():
        if id(criteria) in shown:
            continue
        shown.add(id(criteria))
        kinds = ", ".join(k for k, c in fw.criteria.items() if c is criteria)
        if isinstance(criteria, ScoredCriteria):
            lines.append(f"  {criteria.annex} ({kinds}): tổng {criteria.total:g} điểm")
            for group in criteria.groups:
                lines.append(f"    Nhóm {group.id}. {group.title}: tối đa {group.max_points:g} điểm")
                lines += [f"      {s.id} {s.title}: {s.max_points:g}" for s in group.sub_criteria]
            lines.append(f"    {criteria.defaults_note}")
        elif isinstance(criteria, GradedCriteria):
            lines.append(f"  Tiêu chí ({kinds}), mỗi tiêu chí: Xuất sắc / Tốt / Trung bình / Kém")
            lines += [
                f"    {c.id}. {c.title}{' (tiêu chí chính)' if c.key else ''}" for c in criteria.criteria
            ]
    q = fw.quota
    lines += ["", "4. Tỷ lệ Hoàn thành xuất sắc nhiệm vụ"]
    lines.append(f"  Nhóm: {q.grouping}")
    cap = f"  Số HTXSNV không quá {_pct(q.ratio)} số được xếp loại HTTNV (mẫu số chỉ gồm số HTTNV)"
    if q.outstanding_ratio:
        cap += f"; đơn vị có kết quả nổi trội: không quá {_pct(q.outstanding_ratio)}"
    lines.append(cap + ".")
    rounding = {"floor": "làm tròn xuống", "round": "làm tròn", "ceil": "làm tròn lên"}[q.rounding]
    lines.append(f"  Cách tính: {rounding}; ví dụ 40 HTTNV → tối đa {q.cap(40)} HTXSNV.")
    lines.append(f"  Khi vượt: đề xuất hạ xuống HTTNV theo thứ tự {q.demotion_order}.")
    lines += ["", "5. Thứ tự"]
    lines += [f"  - {o.before} trước, {o.after.lower()} sau [{o.rule}]" for o in fw.ordering]
    lines += ["", "6. Biểu mẫu"]
    lines += [
        f"  - {f.code}: {f.title}" + (f" ({UNCONFIRMED_NOTE})" if f.unconfirmed else "") for f in fw.forms
    ]
    if fw.deadlines or fw.draft_min_working_days:
        lines += ["", "7. Thời hạn"]
        lines += [
            f"  - {d.title}: trước ngày {d.before_day:02d}/{d.before_month:02d} [{d.rule}]"
            for d in fw.deadlines
        ]
        if fw.draft_min_working_days:
            lines.append(
                f"  - Gửi dự thảo báo cáo trước hội nghị ít nhất {fw.draft_min_working_days} ngày làm việc"
            )
        if fw.meeting_min_days:
            lines.append(f"  - Hội nghị kiểm điểm ít nhất {fw.meeting_min_days:g} ngày")
    lines += ["", f"Tham số chưa được xác nhận ({UNCONFIRMED_NOTE}):"]
    for p in fw.unconfirmed_parameters:
        lines.append(f"  - {p.label} = {p.current!r} [{p.id}; {', '.join(p.rules)}]")
    return "\n".join(lines) + "\n"


def list_frameworks(frameworks: dict[str, Framework]) -> str:
    """Frameworks and their rules with sources, one rule per line."""
    lines: list[str] = []
    for fw in frameworks.values():
        lines.append(f"{fw.id}: {fw.title}")
        for rule in fw.rules:
            mark = f" ({UNCONFIRMED_NOTE})" if rule.unconfirmed else ""
            lines.append(f"  {rule.id:<10} {rule.title} — {rule.source}{mark}")
        lines.append("")
    return "\n".join(lines)
