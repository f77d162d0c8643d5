"""Decisions (quyết định xếp loại), re-classifications (Mẫu 03) and remediation plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kiemdiem.plans.models import Plan, PlanSubject
from kiemdiem.reviews.models import Level


class Decision(models.Model):
    """Quyết định xếp loại of the competent committee for a plan (number and date of the document)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="decisions")
    number = models.CharField("số quyết định", max_length=40)
    date = models.DateField("ngày quyết định")
    outstanding_unit = models.BooleanField(
        "đơn vị có thành tích nổi bật (nâng tỷ lệ HTXSNV theo quy định)", default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quyết định xếp loại"
        verbose_name_plural = "quyết định xếp loại"
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="decision_number_unique")]

    def __str__(self) -> str:
        return f"Quyết định {self.number} ngày {self.date:%d/%m/%Y}"


class DecisionEntry(models.Model):
    """The decided level of one subject; any difference from the proposal carries a reason."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="entries")
    subject = models.OneToOneField(PlanSubject, on_delete=models.PROTECT, related_name="decided")
    proposed_level = models.CharField(
        "mức đề xuất", max_length=6, choices=Level.choices, blank=True, default=""
    )
    max_level = models.CharField(
        "mức cao nhất theo quy định", max_length=6, choices=Level.choices, blank=True, default=""
    )
    level = models.CharField("mức quyết định", max_length=6, choices=Level.choices)
    reason = models.TextField("lý do (khi khác đề xuất hoặc vượt cảnh báo)", blank=True, default="")
    explanation = models.JSONField("căn cứ quy định", default=list, blank=True)
    overrides = models.JSONField("cảnh báo đã được cấp có thẩm quyền cho qua", default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField("thời điểm công bố", null=True, blank=True)

    class Meta:
        verbose_name = "kết quả xếp loại"
        verbose_name_plural = "kết quả xếp loại"

    def __str__(self) -> str:
        return f"{self.subject.name}: {self.level}"


class Reclassification(models.Model):
    """Đánh giá, xếp loại lại (Mẫu 03): a decided result reopened by the competent body, with a reason."""

    entry = models.ForeignKey(DecisionEntry, on_delete=models.PROTECT, related_name="reclassifications")
    old_level = models.CharField(max_length=6, choices=Level.choices)
    new_level = models.CharField(max_length=6, choices=Level.choices)
    reason = models.TextField("lý do")
    number = models.CharField("số quyết định xếp loại lại", max_length=40, blank=True, default="")
    date = models.DateField("ngày quyết định")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quyết định xếp loại lại"

    def __str__(self) -> str:
        return f"{self.entry.subject.name}: {self.old_level} → {self.new_level}"
