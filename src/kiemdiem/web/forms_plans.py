from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from kiemdiem.members.models import Member
from kiemdiem.plans.models import Plan, PlanStep
from kiemdiem.rules import FRAMEWORKS, framework_for_year

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


def _date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%d/%m/%Y"],
        widget=DATE_WIDGET,
        error_messages={"invalid": "Ngày không hợp lệ (cần dạng dd/mm/yyyy).", "required": "Cần nhập ngày."},
    )


class PlanCreateForm(forms.Form):
    number = forms.CharField(label="Số kế hoạch", max_length=40, help_text="Ví dụ: 07-KH/ĐU")
    issued_on = _date_field("Ngày ban hành")
    year = forms.IntegerField(label="Năm kiểm điểm", min_value=2018, max_value=2100)
    framework_id = forms.ChoiceField(
        label="Quy định áp dụng",
        required=False,
        choices=[("", "Theo năm kiểm điểm (mặc định)")] + [(k, f.title) for k, f in FRAMEWORKS.items()],
    )
    framework_reason = forms.CharField(
        label="Lý do (nếu chọn quy định khác năm)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reference_date = _date_field("Ngày chốt danh sách đối tượng", required=False)
    purpose = forms.CharField(
        label="Mục đích, yêu cầu", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, fw = data.get("year"), data.get("framework_id")
        if (
            year
            and fw
            and fw != framework_for_year(year).id
            and not (data.get("framework_reason") or "").strip()
        ):
            self.add_error(
                "framework_reason",
                f"Năm {year} áp dụng {framework_for_year(year).id}; cần ghi lý do chọn quy định khác.",
            )
        issued = data.get("issued_on")
        if year and issued and not (year <= issued.year <= year + 1):
            self.add_error("issued_on", "Ngày ban hành phải thuộc năm kiểm điểm (hoặc đầu năm sau).")
        return data


class PlanEditForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time (Django 5.2)
    version = forms.IntegerField(widget=forms.HiddenInput)
    launch_date = _date_field("Ngày hội nghị triển khai", required=False)
    reference_date = _date_field("Ngày chốt danh sách đối tượng")

    class Meta:
        model = Plan
        fields = [
            "title",
            "purpose",
            "reference_date",
            "launch_date",
            "launch_place",
            "launch_chair",
            "launch_attendees",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "launch_attendees": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, chairs: QuerySet[Member] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if chairs is not None:
            chair = self.fields["launch_chair"]
            assert isinstance(chair, forms.ModelChoiceField)  # the model's foreign key
            chair.queryset = chairs
        self.fields["launch_chair"].label = "Chủ trì hội nghị triển khai"


class StepForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time (Django 5.2)
    due_cells = _date_field("Hạn đối với chi bộ", required=False)
    due_committee = _date_field("Hạn đối với Đảng ủy", required=False)

    class Meta:
        model = PlanStep
        fields = ["due_cells", "due_committee"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan = self.instance.plan
        for name in ("due_cells", "due_committee"):
            due = data.get(name)
            if due and due < plan.issued_on:
                self.add_error(name, "Hạn không được trước ngày ban hành kế hoạch.")
        return data


StepFormSet = forms.modelformset_factory(PlanStep, form=StepForm, extra=0)
