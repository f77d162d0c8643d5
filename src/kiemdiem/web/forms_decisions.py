"""Forms of the decision pages: the decision document, choices per subject, bulk acceptance,
re-classification (Mẫu 03) and remediation items. Every message is Vietnamese."""

from __future__ import annotations

from typing import Any

from django import forms

from kiemdiem.decisions.appraisal import Conflict
from kiemdiem.decisions.services import Choice
from kiemdiem.plans.models import Plan, RemediationItem, RemediationStatus
from kiemdiem.reviews.models import Level

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
DATE_ERRORS = {"invalid": "Ngày không hợp lệ (cần dạng dd/mm/yyyy).", "required": "Cần nhập ngày."}
LEVEL_CHOICES = [("", "— chọn mức —"), *Level.choices]


def date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%d/%m/%Y"],
        widget=DATE_INPUT,
        error_messages=DATE_ERRORS,
    )


class DecisionForm(forms.Form):
    """Quyết định xếp loại: the document's number and date, and the "outstanding unit" flag."""

    number = forms.CharField(
        label="Số quyết định",
        max_length=40,
        help_text="Ví dụ: 15-QĐ/ĐU",
        error_messages={"required": "Cần nhập số quyết định."},
    )
    date = date_field("Ngày quyết định")
    outstanding_unit = forms.BooleanField(
        label="Đơn vị có thành tích nổi bật (nâng tỷ lệ HTXSNV theo quy định)", required=False
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if not plan.framework().quota.outstanding_ratio:
            # The framework has no raised ratio (e.g. QĐ 132): the flag would change nothing.
            del self.fields["outstanding_unit"]


class DecideForm(forms.Form):
    """One row per undecided subject of the page: chosen?, level, reason, conflicts overridden."""

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk = row.subject.pk
            self.fields[f"pick_{pk}"] = forms.BooleanField(label="Chọn", required=False)
            self.fields[f"level_{pk}"] = forms.ChoiceField(
                label="Mức quyết định", choices=LEVEL_CHOICES, required=False, initial=row.proposed_level
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label="Lý do", required=False, max_length=2000, widget=forms.TextInput()
            )
            blocking: list[Conflict] = row.blocking
            if blocking:
                self.fields[f"override_{pk}"] = forms.MultipleChoiceField(
                    label="Cho qua cảnh báo",
                    required=False,
                    choices=[(c.code, c.message) for c in blocking],
                    widget=forms.CheckboxSelectMultiple,
                )

    def row_fields(self, row: Any) -> dict[str, forms.BoundField | None]:
        pk = row.subject.pk
        return {
            "pick": self[f"pick_{pk}"],
            "level": self[f"level_{pk}"],
            "reason": self[f"reason_{pk}"],
            "override": self[f"override_{pk}"] if f"override_{pk}" in self.fields else None,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        picked = [r for r in self.rows if data.get(f"pick_{r.subject.pk}")]
        if not picked:
            raise forms.ValidationError("Chưa chọn đối tượng nào để quyết định.")
        for row in picked:
            if not data.get(f"level_{row.subject.pk}"):
                self.add_error(f"level_{row.subject.pk}", f"{row.subject.name}: cần chọn mức xếp loại.")
        return data

    def choices(self) -> list[Choice]:
        data = self.cleaned_data
        return [
            Choice(
                subject=row.subject,
                level=data[f"level_{row.subject.pk}"],
                reason=data.get(f"reason_{row.subject.pk}", ""),
                overrides=list(data.get(f"override_{row.subject.pk}", [])),
            )
            for row in self.rows
            if data.get(f"pick_{row.subject.pk}")
        ]


class BulkAcceptForm(forms.Form):
    """Chấp nhận hàng loạt the proposals that have no conflict, for a cell, a quota group or everything."""

    target = forms.ChoiceField(label="Phạm vi")
    below_top = forms.BooleanField(
        label="Chỉ các đề xuất dưới mức HTXSNV (quyết định HTTNV trước để có cơ sở tính tỷ lệ)",
        required=False,
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = targets
        target.error_messages["invalid_choice"] = "Phạm vi không hợp lệ."


class ReclassifyForm(forms.Form):
    """Xếp loại lại (Mẫu 03)."""

    new_level = forms.ChoiceField(
        label="Mức xếp loại mới", choices=LEVEL_CHOICES, error_messages={"required": "Cần chọn mức mới."}
    )
    reason = forms.CharField(
        label="Lý do xếp loại lại",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Cần ghi lý do xếp loại lại."},
    )
    number = forms.CharField(label="Số quyết định xếp loại lại", max_length=40, help_text="Ví dụ: 20-QĐ/ĐU")
    date = date_field("Ngày quyết định")

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        self.fields["number"].error_messages["required"] = "Cần nhập số quyết định xếp loại lại."

    def clean_new_level(self) -> str:
        level: str = self.cleaned_data["new_level"]
        if level == self.current:
            raise forms.ValidationError("Mức mới trùng với mức đã quyết định.")
        return level


class RemediationItemForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time (Django 5.2)
    """Một nội dung của kế hoạch khắc phục; ``stamp`` carries the version read, for the service to refuse
    a save over someone else's newer edit (``decisions.services.update_remediation``)."""

    due_date = date_field("Thời hạn")
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RemediationItem
        fields = ["shortcoming", "action", "owner", "due_date", "status", "progress_note"]
        labels = {
            "shortcoming": "Hạn chế, khuyết điểm",
            "action": "Biện pháp khắc phục",
            "owner": "Người, bộ phận thực hiện",
            "status": "Tình trạng",
            "progress_note": "Kết quả, mức độ khắc phục",
        }
        widgets = {
            "shortcoming": forms.Textarea(attrs={"rows": 2}),
            "action": forms.Textarea(attrs={"rows": 2}),
            "progress_note": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "shortcoming": {"required": "Cần ghi hạn chế, khuyết điểm."},
            "action": {"required": "Cần ghi biện pháp khắc phục."},
            "owner": {"required": "Cần ghi người hoặc bộ phận thực hiện."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)  # the model field's choices
        status.choices = RemediationStatus.choices
        if self.instance.pk and not self.is_bound:
            self.initial["stamp"] = self.instance.updated_at.isoformat()

