"""The JSON contract of ``kiemdiem rules classify`` (classification-contract.md).

:func:`parse_request` validates a request and collects *every* problem as ``{"path", "message"}`` with a
Vietnamese message; :func:`classify_request` answers a valid request with the documented response.
:func:`dump_request` writes the canonical form of a parsed request (used to prove round trips).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeGuard

from .engine import Classification, GroupSettings, Outcome, QuotaReport, classify
from .facts import Discipline, LevelCounts, Subject, UnitsLed
from .framework import Framework
from .levels import (
    ACTIVE,
    DISCIPLINE_BY_CODE,
    GRADE_BY_CODE,
    LEADER,
    LEVEL_BY_CODE,
    STATUSES,
    SUBJECT_KINDS,
    Grade,
    Level,
)
from .registry import FRAMEWORKS


class RequestError(ValueError):
    """A malformed request; ``errors`` lists every problem as ``{"path": ..., "message": ...}``."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['path']}: {e['message']}" for e in errors))
        self.errors = errors

    def as_dict(self) -> dict[str, list[dict[str, str]]]:
        return {"errors": self.errors}


@dataclass(slots=True)
class ParsedRequest:
    framework: Framework
    review_date: date
    groups: dict[str, GroupSettings]
    subjects: list[Subject]


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOP_FIELDS = ("framework", "review_date", "groups", "subjects")
_SUBJECT_FIELDS = (
    "id",
    "kind",
    "group",
    "status",
    "admitted_on",
    "sick_or_maternity_leave_months",
    "score",
    "grades",
    "tasks",
    "prior_shortcomings",
    "discipline",
    "degradation_concluded",
    "prohibition_violated",
    "civil_servant_level",
    "low_confidence_ratio",
    "units_led",
    "members_levels",
    "cell",
    "subordinate_levels",
    "parent",
    "same_level_bodies_min_level",
    "subordinate_disciplined",
    "leadership_discipline",
    "heads",
    "collective_level",
    "proposed_level",
    "previous_level",
)
_DISCIPLINE_FIELDS = ("form", "decided_on", "violation_on", "duty_related", "self_detected_and_remedied")
_TASK_FIELDS = ("total", "done", "on_time", "exceeded", "late")
_UNITS_FIELDS = (
    "tasks_completion_ratio",
    "exceeded_ratio",
    "all_on_time",
    "basic_targets_missed",
    "units_total",
    "units_khtnv",
)
_LEVEL_CODES = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.items.append({"path": path, "message": message})


# TypeGuard, not TypeIs: ``False`` does not mean "not an int" (a bool is an int and is rejected).
def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _unknown(obj: Mapping[str, Any], allowed: tuple[str, ...], path: str, errors: _Errors) -> None:
    for key in obj:
        if key not in allowed:
            errors.add(f"{path}.{key}" if path else str(key), "Trường không được hỗ trợ.")


def _object(value: Any, path: str, errors: _Errors) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        errors.add(path, "Phải là một đối tượng JSON.")
        return None
    return value


def _date(value: Any, path: str, errors: _Errors, review_date: date | None) -> date | None:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        errors.add(path, "Ngày phải có dạng YYYY-MM-DD.")
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        errors.add(path, "Ngày không hợp lệ.")
        return None
    if review_date is not None and parsed > review_date:
        errors.add(path, f"Ngày {parsed:%d/%m/%Y} sau ngày đánh giá {review_date:%d/%m/%Y}.")
    return parsed


def _level(value: Any, path: str, errors: _Errors) -> Level | None:
    if value not in _LEVEL_CODES:
        errors.add(path, "Mức xếp loại phải là một trong HTXSNV, HTTNV, HTNV, KHTNV.")
        return None
    return LEVEL_BY_CODE[value]


def _bool(value: Any, path: str, errors: _Errors) -> bool:
    if not isinstance(value, bool):
        errors.add(path, "Phải là true hoặc false.")
        return False
    return value


def _string(value: Any, path: str, errors: _Errors) -> str | None:
    if not isinstance(value, str) or not value:
        errors.add(path, "Phải là một chuỗi khác rỗng.")
        return None
    return value


def _count(value: Any, path: str, errors: _Errors) -> int | None:
    if not _is_int(value) or value < 0:
        errors.add(path, "Phải là số nguyên không âm.")
        return None
    return value


def _ratio(value: Any, path: str, errors: _Errors) -> float | None:
    if not _is_number(value) or not 0 <= value <= 1:
        errors.add(path, "Phải là một số từ 0 đến 1.")
        return None
    return value


def _discipline_list(
    value: Any, path: str, errors: _Errors, review_date: date | None
) -> tuple[Discipline, ...]:
    if not isinstance(value, list):
        errors.add(path, "Phải là một danh sách quyết định kỷ luật.")
        return ()
    records: list[Discipline] = []
    for j, item in enumerate(value):
        p = f"{path}[{j}]"
        obj = _object(item, p, errors)
        if obj is None:
            continue
        _unknown(obj, _DISCIPLINE_FIELDS, p, errors)
        raw_form = obj.get("form")
        form = DISCIPLINE_BY_CODE.get(raw_form) if isinstance(raw_form, str) else None
        if form is None:
            errors.add(
                f"{p}.form", "Hình thức kỷ luật phải là khien_trach, canh_cao, cach_chuc hoặc khai_tru."
            )
        decided = (
            _date(obj["decided_on"], f"{p}.decided_on", errors, review_date) if "decided_on" in obj else None
        )
        violation = (
            _date(obj["violation_on"], f"{p}.violation_on", errors, review_date)
            if "violation_on" in obj
            else None
        )
        if decided and violation and violation > decided:
            errors.add(f"{p}.violation_on", "Ngày vi phạm không thể sau ngày quyết định kỷ luật.")
        duty = _bool(obj["duty_related"], f"{p}.duty_related", errors) if "duty_related" in obj else False
        self_detected = (
            _bool(obj["self_detected_and_remedied"], f"{p}.self_detected_and_remedied", errors)
            if "self_detected_and_remedied" in obj
            else False
        )
        if form is not None:
            records.append(Discipline(form, decided, violation, duty, self_detected))
    return tuple(records)


def _level_counts(value: Any, path: str, errors: _Errors) -> LevelCounts | None:
    obj = _object(value, path, errors)
    if obj is None:
        return None
    _unknown(obj, _LEVEL_CODES, path, errors)
    counts = {code: _count(obj.get(code, 0), f"{path}.{code}", errors) or 0 for code in _LEVEL_CODES}
    return LevelCounts(counts["HTXSNV"], counts["HTTNV"], counts["HTNV"], counts["KHTNV"])


def parse_request(request: Any) -> ParsedRequest:
    """Validate ``request`` (a decoded JSON object) and build typed subjects; raise :class:`RequestError`."""
    errors = _Errors()
    if not isinstance(request, dict):
        raise RequestError([{"path": "$", "message": "Yêu cầu phải là một đối tượng JSON."}])
    _unknown(request, _TOP_FIELDS, "", errors)
    framework: Framework | None = None
    if "framework" not in request:
        errors.add("framework", "Thiếu khung quy định.")
    elif request["framework"] not in FRAMEWORKS:
        errors.add(
            "framework",
            f"Khung quy định không tồn tại: {request['framework']!r}; chọn một trong {', '.join(FRAMEWORKS)}.",
        )
    else:
        framework = FRAMEWORKS[request["framework"]]
    review_date: date | None = None
    if "review_date" not in request:
        errors.add("review_date", "Thiếu ngày đánh giá.")
    else:
        review_date = _date(request["review_date"], "review_date", errors, None)

    groups: dict[str, GroupSettings] = {}
    if "groups" in request:
        raw_groups = _object(request["groups"], "groups", errors)
        for name, settings in (raw_groups or {}).items():
            p = f"groups.{name}"
            obj = _object(settings, p, errors)
            if obj is None:
                continue
            _unknown(obj, ("outstanding_unit",), p, errors)
            outstanding = (
                _bool(obj["outstanding_unit"], f"{p}.outstanding_unit", errors)
                if "outstanding_unit" in obj
                else False
            )
            groups[name] = GroupSettings(outstanding)

    subjects: list[Subject] = []
    raw_subjects = request.get("subjects")
    if "subjects" not in request:
        errors.add("subjects", "Thiếu danh sách đối tượng.")
    elif not isinstance(raw_subjects, list):
        errors.add("subjects", "Phải là một danh sách.")
    else:
        seen: dict[str, int] = {}
        for i, item in enumerate(raw_subjects):
            subject = _subject(item, f"subjects[{i}]", errors, framework, review_date)
            if subject is None:
                continue
            if subject.id in seen:
                errors.add(
                    f"subjects[{i}].id",
                    f"Mã đối tượng “{subject.id}” bị trùng với subjects[{seen[subject.id]}].",
                )
            else:
                seen[subject.id] = i
            subjects.append(subject)
    if errors.items:
        raise RequestError(errors.items)
    assert framework is not None and review_date is not None
    return ParsedRequest(framework, review_date, groups, subjects)


def _subject(
    item: Any, path: str, errors: _Errors, framework: Framework | None, review_date: date | None
) -> Subject | None:
    obj = _object(item, path, errors)
    if obj is None:
        return None
    before = len(errors.items)
    _unknown(obj, _SUBJECT_FIELDS, path, errors)
    subject_id = _string(obj.get("id"), f"{path}.id", errors) if "id" in obj else None
    if "id" not in obj:
        errors.add(f"{path}.id", "Thiếu mã đối tượng.")
    kind = obj.get("kind")
    if "kind" not in obj:
        errors.add(f"{path}.kind", "Thiếu loại đối tượng.")
    elif kind not in SUBJECT_KINDS:
        errors.add(
            f"{path}.kind",
            f"Loại đối tượng không hợp lệ: {kind!r}; chọn một trong {', '.join(SUBJECT_KINDS)}.",
        )
    s = Subject(id=subject_id or "", kind=kind if kind in SUBJECT_KINDS else "")

    def has(name: str) -> bool:
        return name in obj

    if has("group"):
        s.group = _string(obj["group"], f"{path}.group", errors)
    if has("status"):
        if obj["status"] not in STATUSES:
            errors.add(f"{path}.status", "Tình trạng phải là active, exempt hoặc suspended.")
        else:
            s.status = obj["status"]
    if has("admitted_on"):
        s.admitted_on = _date(obj["admitted_on"], f"{path}.admitted_on", errors, review_date)
    if has("sick_or_maternity_leave_months"):
        v = obj["sick_or_maternity_leave_months"]
        if not _is_number(v) or not 0 <= v <= 12:
            errors.add(f"{path}.sick_or_maternity_leave_months", "Phải là số tháng từ 0 đến 12.")
        else:
            s.sick_or_maternity_leave_months = v
    if has("score"):
        _score(obj["score"], f"{path}.score", errors, framework, s)
    if has("grades"):
        _grades(obj["grades"], f"{path}.grades", errors, framework, s)
    if has("tasks"):
        _tasks(obj["tasks"], f"{path}.tasks", errors, s)
    if has("prior_shortcomings"):
        p = f"{path}.prior_shortcomings"
        o = _object(obj["prior_shortcomings"], p, errors)
        if o is not None:
            _unknown(o, ("total", "remedied"), p, errors)
            total = _count(o.get("total"), f"{p}.total", errors)
            remedied = _count(o.get("remedied", 0), f"{p}.remedied", errors)
            if total is not None and remedied is not None:
                if remedied > total:
                    errors.add(f"{p}.remedied", "Số đã khắc phục không thể lớn hơn tổng số hạn chế.")
                s.shortcomings_total, s.shortcomings_remedied = total, remedied
    if has("discipline"):
        s.discipline = _discipline_list(obj["discipline"], f"{path}.discipline", errors, review_date)
    if has("leadership_discipline"):
        s.leadership_discipline = _discipline_list(
            obj["leadership_discipline"], f"{path}.leadership_discipline", errors, review_date
        )
    for name in ("degradation_concluded", "prohibition_violated", "subordinate_disciplined"):
        if has(name):
            setattr(s, name, _bool(obj[name], f"{path}.{name}", errors))
    for name in (
        "civil_servant_level",
        "same_level_bodies_min_level",
        "collective_level",
        "proposed_level",
        "previous_level",
    ):
        if has(name):
            setattr(s, name, _level(obj[name], f"{path}.{name}", errors))
    for name in ("cell", "parent", "heads"):
        if has(name):
            setattr(s, name, _string(obj[name], f"{path}.{name}", errors))
    if has("low_confidence_ratio"):
        s.low_confidence_ratio = _ratio(obj["low_confidence_ratio"], f"{path}.low_confidence_ratio", errors)
    if has("units_led"):
        s.units_led = _units(obj["units_led"], f"{path}.units_led", errors)
    if has("members_levels"):
        s.members_levels = _level_counts(obj["members_levels"], f"{path}.members_levels", errors)
    if has("subordinate_levels"):
        s.subordinate_levels = _level_counts(obj["subordinate_levels"], f"{path}.subordinate_levels", errors)
    if len(errors.items) > before or subject_id is None:
        return None
    return s


def _score(value: Any, path: str, errors: _Errors, framework: Framework | None, s: Subject) -> None:
    obj = _object(value, path, errors)
    if obj is None:
        return
    if framework is not None and not framework.scored:
        errors.add(path, f"Khung {framework.id} đánh giá theo cấp độ tiêu chí (grades), không chấm điểm.")
        return
    _unknown(obj, ("general", "tasks"), path, errors)
    group_ii = 70
    if framework is not None and s.kind == LEADER and "leader_group_ii_max" in framework.parameters:
        group_ii = framework.param("leader_group_ii_max")
    for name, maximum in (("general", 30), ("tasks", group_ii)):
        v = obj.get(name)
        if name not in obj:
            errors.add(f"{path}.{name}", "Thiếu điểm.")
        elif not _is_number(v) or not 0 <= v <= maximum:
            errors.add(f"{path}.{name}", f"Điểm phải là số từ 0 đến {maximum}.")
    if not any(e["path"].startswith(path) for e in errors.items):
        s.score_general, s.score_tasks = obj["general"], obj["tasks"]


def _grades(value: Any, path: str, errors: _Errors, framework: Framework | None, s: Subject) -> None:
    obj = _object(value, path, errors)
    if obj is None:
        return
    if framework is not None and framework.scored:
        errors.add(path, f"Khung {framework.id} chấm điểm (score), không dùng cấp độ tiêu chí.")
        return
    _unknown(obj, ("key", "other"), path, errors)
    grades: list[Grade | None] = []
    for name in ("key", "other"):
        v = obj.get(name)
        grade = GRADE_BY_CODE.get(v) if isinstance(v, str) else None
        if grade is None:
            errors.add(f"{path}.{name}", "Cấp độ phải là xuat_sac, tot, trung_binh hoặc kem.")
        grades.append(grade)
    s.grade_key, s.grade_other = grades


def _tasks(value: Any, path: str, errors: _Errors, s: Subject) -> None:
    obj = _object(value, path, errors)
    if obj is None:
        return
    _unknown(obj, _TASK_FIELDS, path, errors)
    before = len(errors.items)
    total = _count(obj.get("total"), f"{path}.total", errors) if "total" in obj else None
    if "total" not in obj:
        errors.add(f"{path}.total", "Thiếu tổng số nhiệm vụ.")
    done = _count(obj.get("done"), f"{path}.done", errors) if "done" in obj else None
    if "done" not in obj:
        errors.add(f"{path}.done", "Thiếu số nhiệm vụ đã hoàn thành.")
    values = {
        name: _count(obj[name], f"{path}.{name}", errors)
        for name in ("on_time", "exceeded", "late")
        if name in obj
    }
    if len(errors.items) > before or total is None or done is None:
        return
    if done > total:
        errors.add(f"{path}.done", f"Số nhiệm vụ hoàn thành ({done}) lớn hơn tổng số ({total}).")
        return
    on_time, late = values.get("on_time"), values.get("late")
    if on_time is None and late is None:
        on_time, late = done, 0
    elif on_time is None:
        on_time = done - late if late is not None and late <= done else 0
    elif late is None:
        late = done - on_time if on_time <= done else 0
    exceeded = values.get("exceeded") or 0
    for name, v in (("on_time", on_time), ("late", late), ("exceeded", exceeded)):
        if v is not None and v > done:
            errors.add(f"{path}.{name}", f"Không thể lớn hơn số nhiệm vụ đã hoàn thành ({done}).")
    if on_time is not None and late is not None and on_time + late > done:
        errors.add(f"{path}.late", "Số đúng tiến độ cộng số chậm tiến độ lớn hơn số đã hoàn thành.")
    if len(errors.items) == before:
        s.tasks_total, s.tasks_done = total, done
        s.tasks_on_time, s.tasks_late, s.tasks_exceeded = on_time or 0, late or 0, exceeded


def _units(value: Any, path: str, errors: _Errors) -> UnitsLed | None:
    obj = _object(value, path, errors)
    if obj is None:
        return None
    _unknown(obj, _UNITS_FIELDS, path, errors)
    before = len(errors.items)
    ratio = (
        _ratio(obj["tasks_completion_ratio"], f"{path}.tasks_completion_ratio", errors)
        if "tasks_completion_ratio" in obj
        else None
    )
    exceeded = (
        _ratio(obj["exceeded_ratio"], f"{path}.exceeded_ratio", errors) if "exceeded_ratio" in obj else None
    )
    on_time = _bool(obj["all_on_time"], f"{path}.all_on_time", errors) if "all_on_time" in obj else None
    missed = obj.get("basic_targets_missed")
    if "basic_targets_missed" in obj and not (
        isinstance(missed, bool) or (_is_int(missed) and 0 <= missed <= 5)
    ):
        errors.add(
            f"{path}.basic_targets_missed", "Phải là true/false hoặc số chỉ tiêu cơ bản không đạt (0–5)."
        )
    total = _count(obj["units_total"], f"{path}.units_total", errors) if "units_total" in obj else None
    khtnv = _count(obj["units_khtnv"], f"{path}.units_khtnv", errors) if "units_khtnv" in obj else None
    if total is not None and khtnv is not None and khtnv > total:
        errors.add(f"{path}.units_khtnv", "Số đơn vị không hoàn thành nhiệm vụ lớn hơn tổng số đơn vị.")
    if len(errors.items) > before:
        return None
    return UnitsLed(ratio, exceeded, on_time, missed, total, khtnv)


# ---------------------------------------------------------------------------------------------- output


def outcome_dict(subject_id: str, o: Outcome) -> dict[str, Any]:
    """The contract's result object for one subject."""
    result: dict[str, Any] = {"id": subject_id, "classified": o.classified}
    if not o.classified:
        result["not_classified_reason"] = o.not_classified_reason
    result["max_level"] = o.max_level.name if o.max_level is not None else None
    result["level"] = o.level.name if o.level is not None else None
    result["needs_decision"] = list(o.needs_decision)
    result["reasons"] = [r.as_dict() for r in o.reasons]
    if o.flags:
        result["flags"] = list(o.flags)
    return result


def quota_dict(report: QuotaReport) -> dict[str, Any]:
    counts = report.counts
    return {
        "group": report.group,
        "HTXSNV": counts.htxsnv,
        "HTTNV": counts.httnv,
        "HTNV": counts.htnv,
        "KHTNV": counts.khtnv,
        "cap": report.cap,
        "ok": report.ok,
        "excess": report.excess,
        "suggested_demotions": list(report.suggested_demotions),
    }


def response_dict(classification: Classification) -> dict[str, Any]:
    return {
        "framework": classification.framework.id,
        "results": [
            outcome_dict(s.id, o)
            for s, o in zip(classification.subjects, classification.outcomes, strict=True)
        ],
        "quota": [quota_dict(q) for q in classification.quota],
    }


def classify_request(request: Any) -> dict[str, Any]:
    """Answer a contract request (a decoded JSON object); raise :class:`RequestError` when malformed."""
    parsed = parse_request(request)
    return response_dict(classify(parsed.framework, parsed.subjects, parsed.review_date, parsed.groups))


# ------------------------------------------------------------------------------------- canonical dump


def _discipline_dict(d: Discipline) -> dict[str, Any]:
    out: dict[str, Any] = {"form": d.form.code}
    if d.decided_on is not None:
        out["decided_on"] = d.decided_on.isoformat()
    if d.violation_on is not None:
        out["violation_on"] = d.violation_on.isoformat()
    if d.duty_related:
        out["duty_related"] = True
    if d.self_detected_and_remedied:
        out["self_detected_and_remedied"] = True
    return out


def subject_dict(s: Subject) -> dict[str, Any]:
    """The canonical contract form of a subject (derived task counts filled in, defaults left out)."""
    out: dict[str, Any] = {"id": s.id, "kind": s.kind}
    if s.group is not None:
        out["group"] = s.group
    if s.status != ACTIVE:
        out["status"] = s.status
    if s.admitted_on is not None:
        out["admitted_on"] = s.admitted_on.isoformat()
    if s.sick_or_maternity_leave_months is not None:
        out["sick_or_maternity_leave_months"] = s.sick_or_maternity_leave_months
    if s.score_general is not None:
        out["score"] = {"general": s.score_general, "tasks": s.score_tasks}
    if s.grade_key is not None and s.grade_other is not None:
        out["grades"] = {"key": s.grade_key.code, "other": s.grade_other.code}
    if s.tasks_total is not None:
        out["tasks"] = {
            "total": s.tasks_total,
            "done": s.tasks_done,
            "on_time": s.tasks_on_time,
            "exceeded": s.tasks_exceeded,
            "late": s.tasks_late,
        }
    if s.shortcomings_total is not None:
        out["prior_shortcomings"] = {"total": s.shortcomings_total, "remedied": s.shortcomings_remedied}
    if s.discipline:
        out["discipline"] = [_discipline_dict(d) for d in s.discipline]
    if s.degradation_concluded:
        out["degradation_concluded"] = True
    if s.prohibition_violated:
        out["prohibition_violated"] = True
    if s.civil_servant_level is not None:
        out["civil_servant_level"] = s.civil_servant_level.name
    if s.low_confidence_ratio is not None:
        out["low_confidence_ratio"] = s.low_confidence_ratio
    if s.units_led is not None:
        u = s.units_led
        out["units_led"] = {name: getattr(u, name) for name in _UNITS_FIELDS if getattr(u, name) is not None}
    if s.members_levels is not None:
        out["members_levels"] = s.members_levels.as_dict()
    if s.cell is not None:
        out["cell"] = s.cell
    if s.subordinate_levels is not None:
        out["subordinate_levels"] = s.subordinate_levels.as_dict()
    if s.parent is not None:
        out["parent"] = s.parent
    if s.same_level_bodies_min_level is not None:
        out["same_level_bodies_min_level"] = s.same_level_bodies_min_level.name
    if s.subordinate_disciplined:
        out["subordinate_disciplined"] = True
    if s.leadership_discipline:
        out["leadership_discipline"] = [_discipline_dict(d) for d in s.leadership_discipline]
    for name in ("heads", "collective_level", "proposed_level", "previous_level"):
        v = getattr(s, name)
        if v is not None:
            out[name] = v.name if isinstance(v, Level) else v
    return out


def dump_request(parsed: ParsedRequest) -> dict[str, Any]:
    """The canonical request for ``parsed``; ``parse_request(dump_request(p))`` gives back the same facts."""
    out: dict[str, Any] = {"framework": parsed.framework.id, "review_date": parsed.review_date.isoformat()}
    if parsed.groups:
        out["groups"] = {name: {"outstanding_unit": g.outstanding_unit} for name, g in parsed.groups.items()}
    out["subjects"] = [subject_dict(s) for s in parsed.subjects]
    return out
