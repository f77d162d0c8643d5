"""Forms of the review pages. They only parse and check input; the services decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from kiemdiem.lib import dates
from kiemdiem.members.models import Member
from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import PlanSubject
from kiemdiem.reviews.models import GROUP_SOURCES, FeedbackRequest, FeedbackSource, Level, Review
from kiemdiem.reviews.services import TASK_FIELDS, TEXT_FIELDS, review_fields

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
DATE_ERRORS = {"invalid": "Ngày không hợp lệ (cần dạng dd/mm/yyyy).", "required": "Cần nhập ngày."}
LEVEL_CHOICES = [("", "— Chọn mức —"), *Level.choices]
GRADE_CHOICES = [
    ("", "—"),
    ("xuat_sac", "Xuất sắc"),
    ("tot", "Tốt"),
    ("trung_binh", "Trung bình"),
    ("kem", "Kém"),
]
INT_ERRORS = {
    "invalid": "Cần nhập số nguyên.",
    "min_value": "Không được nhỏ hơn %(limit_value)s.",
    "max_value": "Không được lớn hơn %(limit_value)s.",
}


def date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%d/%m/%Y"],
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )


def _text(label: str, rows: int = 4) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}))


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=100000, error_messages=INT_ERRORS
    )


# Labels of the review form's parts, as the forms (Mẫu 01, 02, 2A/2B/2C) word them.
TEXT_LABELS = {
    "strengths": "Ưu điểm, kết quả đạt được",
    "shortcomings": "Hạn chế, khuyết điểm",
    "causes": "Nguyên nhân (khách quan, chủ quan)",
    "prior_results": "Kết quả khắc phục hạn chế, khuyết điểm đã được chỉ ra năm trước",
    "responsibility": "Trách nhiệm đối với hạn chế, khuyết điểm của tập thể (nếu có)",
    "remedies": "Phương hướng, biện pháp khắc phục",
    "evidence_text": "Sản phẩm cụ thể, kết quả thực hiện nhiệm vụ (số liệu, tiến độ, chất lượng)",
}
COLLECTIVE_LABELS = {
    "responsibility": "Trách nhiệm của tập thể và cá nhân đối với hạn chế, khuyết điểm",
    "evidence_text": "Kết quả cụ thể, số liệu minh chứng",
}
TASK_LABELS = {
    "tasks_total": "Tổng số nhiệm vụ, chỉ tiêu được giao",
    "tasks_done": "Số hoàn thành",
    "tasks_on_time": "Số hoàn thành đúng hạn",
    "tasks_exceeded": "Số vượt mức",
    "tasks_late": "Số chậm tiến độ",
}


class ReviewForm(forms.Form):
    """Bản kiểm điểm / báo cáo kiểm điểm: fields depend on the plan's framework and the subject's kind."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, subject: PlanSubject, review: Review, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self._initial(review))
        super().__init__(*args, **kwargs)
        self.subject = subject
        fields = review_fields(subject)
        self.collective = not fields.tasks
        self.section_names: list[tuple[str, str]] = []
        for key, title in fields.sections:
            name = f"section_{key}"
            self.fields[name] = _text(f"{key}. {title}", rows=5)
            self.section_names.append((name, key))
        for name in TEXT_FIELDS:
            label = (COLLECTIVE_LABELS if self.collective else {}).get(name, TEXT_LABELS[name])
            self.fields[name] = _text(label)
        if fields.tasks:
            for name in TASK_FIELDS:
                self.fields[name] = _count(TASK_LABELS[name])
        self.scored = fields.scored
        self.grade_names: list[tuple[str, str]] = []
        for group in fields.score_groups:
            top = group.max_points
            self.fields[group.field] = forms.DecimalField(
                label=f"Điểm nhóm {group.id} ({group.title}, tối đa {top:g})",
                required=False,
                max_digits=5,
                decimal_places=2,
                min_value=Decimal(0),
                max_value=top,
                error_messages={
                    "invalid": "Cần nhập số điểm (ví dụ 27,5).",
                    "min_value": "Điểm không được âm.",
                    "max_value": f"Điểm nhóm {group.id} tối đa {top:g}.",
                    "max_decimal_places": "Tối đa hai chữ số thập phân.",
                    "max_digits": "Số điểm không hợp lệ.",
                },
                localize=True,
            )
        for c in fields.criteria:
            name = f"grade_{c.id}"
            label = f"{c.id}. {c.title}" + (" (tiêu chí chính)" if c.key else "")
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=GRADE_CHOICES,
                required=False,
                error_messages={"invalid_choice": "Mức đánh giá không hợp lệ."},
            )
            self.grade_names.append((name, c.id))
        if fields.circulated_on:
            self.fields["circulated_on"] = date_field(
                "Ngày gửi dự thảo báo cáo đến người dự hội nghị", required=False
            )
        self.fields["self_level"] = forms.ChoiceField(
            label="Tự nhận mức xếp loại",
            choices=LEVEL_CHOICES,
            required=False,
            error_messages={"invalid_choice": "Mức xếp loại không hợp lệ."},
        )

    @staticmethod
    def _initial(review: Review) -> dict[str, Any]:
        data: dict[str, Any] = {"version": review.version, "self_level": review.self_level}
        for key, value in (review.sections or {}).items():
            data[f"section_{key}"] = value
        for name in (*TEXT_FIELDS, *TASK_FIELDS, "score_general", "score_tasks", "circulated_on"):
            data[name] = getattr(review, name)
        for cid, grade in (review.grades or {}).items():
            data[f"grade_{cid}"] = grade
        return data

    # groups of bound fields, for the template
    def sections(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in self.section_names]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in TEXT_FIELDS]

    def task_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in TASK_FIELDS if name in self.fields]

    def score_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("score_general", "score_tasks") if name in self.fields]

    def grade_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in self.grade_names]

    def review_data(self) -> dict[str, Any]:
        """The values for ``services.save_review`` (only the fields this form has)."""
        d = self.cleaned_data
        data: dict[str, Any] = {
            "sections": {key: d.get(name, "") or "" for name, key in self.section_names},
            "self_level": d.get("self_level", ""),
        }
        for name in TEXT_FIELDS:
            data[name] = d.get(name, "") or ""
        for name in (*TASK_FIELDS, "score_general", "score_tasks", "circulated_on"):
            if name in self.fields:
                data[name] = d.get(name)
        if self.grade_names:
            data["grades"] = {cid: d[name] for name, cid in self.grade_names if d.get(name)}
        return data


# ----------------------------------------------------------------------------------------------
# Evidence (minh chứng)
# ----------------------------------------------------------------------------------------------

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Allowed types, checked by extension *and* by the file's first bytes (a renamed .exe is refused).
EVIDENCE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Tệp minh chứng (PDF, DOCX, XLSX, JPG, PNG; tối đa 10 MB)",
        error_messages={"required": "Cần chọn tệp.", "empty": "Tệp rỗng.", "invalid": "Tệp không hợp lệ."},
    )
    description = forms.CharField(
        label="Mô tả", max_length=255, error_messages={"required": "Cần nhập mô tả minh chứng."}
    )

    def clean_file(self) -> UploadedFile[bytes]:
        f: UploadedFile[bytes] = self.cleaned_data["file"]
        ext = Path(f.name or "").suffix.lower()
        if ext not in EVIDENCE_SIGNATURES:
            raise forms.ValidationError("Chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG.")
        if f.size is not None and f.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError("Tệp vượt quá 10 MB.")
        head = f.read(8)
        f.seek(0)
        if not any(head.startswith(sig) for sig in EVIDENCE_SIGNATURES[ext]):
            raise forms.ValidationError("Nội dung tệp không đúng định dạng của phần mở rộng.")
        return f


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Lý do mở lại",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Cần ghi lý do mở lại bản kiểm điểm."},
    )


# ----------------------------------------------------------------------------------------------
# Feedback (ý kiến nhận xét)
# ----------------------------------------------------------------------------------------------


class FeedbackRequestForm(forms.Form):
    sources = forms.MultipleChoiceField(
        label="Nguồn lấy ý kiến",
        choices=FeedbackSource.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cần chọn ít nhất một nguồn.", "invalid_choice": "Nguồn không hợp lệ."},
    )
    due_date = date_field("Hạn trả lời")
    cell: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="Chỉ gửi cho đảng viên của chi bộ",
        queryset=None,
        required=False,
        empty_label="Tất cả các chi bộ",
        error_messages={"invalid_choice": "Chi bộ không hợp lệ."},
    )

    def __init__(self, *args: Any, cells: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cell = self.fields["cell"]
        assert isinstance(cell, forms.ModelChoiceField)
        cell.queryset = cells

    def clean_due_date(self) -> dt.date:
        due: dt.date = self.cleaned_data["due_date"]
        if due < dates.today():
            raise forms.ValidationError("Hạn trả lời không được trước hôm nay.")
        return due


class FeedbackResponseForm(forms.Form):
    text = forms.CharField(
        label="Nội dung nhận xét",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Cần nhập nội dung nhận xét."},
    )
    proposed_level = forms.ChoiceField(
        label="Đề xuất mức xếp loại",
        choices=LEVEL_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Mức xếp loại không hợp lệ."},
    )
    responded_on = date_field("Ngày nhận xét")
    anonymous = forms.BooleanField(label="Gửi ẩn danh (ý kiến chung của tập thể)", required=False)

    def __init__(self, *args: Any, request_obj: FeedbackRequest, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"responded_on": dates.today()})
        super().__init__(*args, **kwargs)
        if request_obj.source not in GROUP_SOURCES:
            del self.fields["anonymous"]


# ----------------------------------------------------------------------------------------------
# Meetings, tallies, ballots
# ----------------------------------------------------------------------------------------------


def _full_name(member: Member) -> str:
    return member.full_name


class MeetingOpenForm(forms.Form):
    date = date_field("Ngày họp")
    place = forms.CharField(label="Địa điểm", max_length=200, required=False)
    chair: forms.ModelChoiceField[Member] = forms.ModelChoiceField(label="Chủ trì", queryset=None, required=False, empty_label="—")
    secretary: forms.ModelChoiceField[Member] = forms.ModelChoiceField(label="Thư ký", queryset=None, required=False, empty_label="—")
    attendees: forms.ModelMultipleChoiceField[Member] = forms.ModelMultipleChoiceField(
        label="Đảng viên có mặt",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Đảng viên không thuộc danh sách của chi bộ."},
    )
    total = forms.IntegerField(
        label="Tổng số đảng viên được triệu tập", min_value=1, error_messages=INT_ERRORS
    )
    excused = forms.IntegerField(
        label="Vắng có lý do", min_value=0, initial=0, required=False, error_messages=INT_ERRORS
    )

    def __init__(self, *args: Any, roll: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("chair", "secretary", "attendees"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = roll
            field.error_messages["invalid_choice"] = "Đảng viên không thuộc danh sách của chi bộ."
            # Django's documented way to label the choices; the stubs see a method, not an attribute.
            field.label_from_instance = _full_name  # type: ignore[method-assign, assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        total, attendees, excused = data.get("total"), data.get("attendees"), data.get("excused") or 0
        if total is not None and attendees is not None and len(attendees) + excused > total:
            self.add_error("excused", "Số có mặt cộng số vắng có lý do vượt quá tổng số được triệu tập.")
        return data


class CriticismForm(forms.Form):
    who = forms.CharField(label="Người góp ý", max_length=200, required=False)
    what = forms.CharField(
        label="Nội dung góp ý, phê bình",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Cần nhập nội dung góp ý."},
    )


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="Ý kiến tiếp thu, giải trình của người được kiểm điểm",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    review_presented = forms.BooleanField(label="Đã trình bày bản kiểm điểm", required=False)


class TallyForm(forms.Form):
    invalid = forms.IntegerField(
        label="Phiếu không hợp lệ", min_value=0, initial=0, required=False, error_messages=INT_ERRORS
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Level.choices:
            self.fields[value] = forms.IntegerField(
                label=label, min_value=0, initial=0, required=False, error_messages=INT_ERRORS
            )
        self.order_fields([*Level.values, "invalid"])

    def counts(self) -> dict[str, int]:
        return {v: self.cleaned_data.get(v) or 0 for v in Level.values}


class BallotForm(forms.Form):
    level = forms.ChoiceField(
        label="Mức xếp loại",
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Cần chọn một mức.", "invalid_choice": "Mức xếp loại không hợp lệ."},
    )


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label="Mã biên nhận",
        max_length=40,
        error_messages={"required": "Cần nhập mã biên nhận.", "max_length": "Mã biên nhận quá dài."},
    )


class CountingForm(forms.Form):
    """Kiểm phiếu kín: the counting code given when the meeting's first ballot box was opened."""

    counting_code = forms.CharField(
        label="Mã kiểm phiếu",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": "Cần nhập mã kiểm phiếu.", "max_length": "Mã kiểm phiếu quá dài."},
    )


class CancelBallotForm(forms.Form):
    reason = forms.CharField(
        label="Lý do hủy hòm phiếu",
        max_length=500,
        error_messages={"required": "Cần ghi lý do hủy hòm phiếu.", "max_length": "Lý do quá dài."},
    )


class CloseMeetingForm(forms.Form):
    minutes = forms.CharField(
        label="Diễn biến hội nghị (biên bản)", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
