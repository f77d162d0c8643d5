"""Kế hoạch kiểm điểm, đánh giá, xếp loại chất lượng (the year's plan) and its subjects."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from kiemdiem.members.models import Member
from kiemdiem.organizations.models import LeadershipCollective, Organization

if TYPE_CHECKING:
    from kiemdiem.rules import Framework


class PlanStatus(models.TextChoices):
    DRAFT = "du_thao", "Dự thảo"
    PUBLISHED = "da_ban_hanh", "Đã ban hành"


class SubjectKind(models.TextChoices):
    """The rules engine's subject kinds (classification contract)."""

    MEMBER = "member", "Đảng viên"
    MEMBER_OUTSIDE = "member_outside", "Đảng viên không làm việc trong hệ thống chính trị"
    LEADER = "leader", "Cá nhân giữ chức vụ lãnh đạo, quản lý"
    CELL = "cell", "Chi bộ"
    GRASSROOTS_ORG = "grassroots_org", "Đảng bộ cơ sở"
    LEADERSHIP_COLLECTIVE = "leadership_collective", "Tập thể lãnh đạo, quản lý"


INDIVIDUAL_KINDS = (SubjectKind.MEMBER, SubjectKind.MEMBER_OUTSIDE, SubjectKind.LEADER)
COLLECTIVE_KINDS = (SubjectKind.CELL, SubjectKind.GRASSROOTS_ORG, SubjectKind.LEADERSHIP_COLLECTIVE)


class NotReviewedReason(models.TextChoices):
    EXEMPT = "exempt", "Miễn công tác và sinh hoạt đảng"
    SUSPENDED = "suspended", "Đình chỉ sinh hoạt đảng"
    ADMITTED_UNDER_6_MONTHS = "admitted_under_6_months", "Vào Đảng chưa đủ 6 tháng"


class DeadlineLevel(models.TextChoices):
    CELLS = "chi_bo", "Các chi bộ"
    COMMITTEE = "dang_uy", "Tập thể lãnh đạo, cá nhân lãnh đạo thuộc Đảng ủy"


class Plan(models.Model):
    """Kế hoạch (e.g. 07-KH/ĐU, 18/11/2020) of a grassroots committee for one review year."""

    organization = models.ForeignKey(
        Organization, verbose_name="cấp ủy ban hành", on_delete=models.PROTECT, related_name="plans"
    )
    number = models.CharField("số kế hoạch", max_length=40)
    issued_on = models.DateField("ngày ban hành")
    year = models.PositiveSmallIntegerField("năm kiểm điểm")
    framework_id = models.CharField("quy định áp dụng", max_length=20)
    framework_reason = models.TextField("lý do chọn quy định khác năm", blank=True, default="")
    reference_date = models.DateField("ngày chốt danh sách đối tượng")
    title = models.CharField("trích yếu", max_length=300)
    purpose = models.TextField("mục đích, yêu cầu", blank=True, default="")
    content_items = models.JSONField("nội dung kiểm điểm theo đối tượng", default=dict, blank=True)
    criteria = models.JSONField("khung tiêu chí (đã cụ thể hóa)", default=dict, blank=True)
    criteria_reason = models.TextField("lý do cụ thể hóa tiêu chí", blank=True, default="")
    parameters = models.JSONField("tham số điều chỉnh", default=dict, blank=True)
    parameters_reason = models.TextField("lý do điều chỉnh tham số", blank=True, default="")
    launch_date = models.DateField("ngày hội nghị triển khai", null=True, blank=True)
    launch_place = models.CharField("địa điểm hội nghị triển khai", max_length=200, blank=True, default="")
    launch_chair = models.ForeignKey(
        Member,
        verbose_name="chủ trì hội nghị triển khai",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    launch_attendees = models.TextField("thành phần dự hội nghị triển khai", blank=True, default="")
    status = models.CharField(
        "trạng thái", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    published_at = models.DateTimeField("thời điểm ban hành", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kế hoạch kiểm điểm"
        verbose_name_plural = "kế hoạch kiểm điểm"
        ordering = ["-year", "-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "number"], name="plan_number_unique")
        ]

    def __str__(self) -> str:
        return f"Kế hoạch {self.number} ngày {self.issued_on:%d/%m/%Y}"

    @property
    def is_published(self) -> bool:
        return self.status == PlanStatus.PUBLISHED

    def framework(self) -> Framework:
        """The rules framework with this plan's recorded adaptations applied."""
        from kiemdiem.rules import get_framework

        fw = get_framework(self.framework_id)
        if self.parameters:
            fw = fw.with_parameters(self.parameters, reason=self.parameters_reason or "Theo kế hoạch")
        return fw


class PlanStep(models.Model):
    """Bước thực hiện với hạn chót theo cấp (chi bộ; Đảng ủy)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("thứ tự")
    code = models.CharField("mã bước", max_length=30)
    name = models.CharField("tên bước", max_length=200)
    description = models.TextField("nội dung", blank=True, default="")
    due_cells = models.DateField("hạn đối với chi bộ", null=True, blank=True)
    due_committee = models.DateField("hạn đối với Đảng ủy", null=True, blank=True)

    class Meta:
        verbose_name = "bước thực hiện"
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="plan_step_code_unique")]

    def __str__(self) -> str:
        return self.name

    def due_for(self, level: str) -> dt.date | None:
        return self.due_cells if level == DeadlineLevel.CELLS else self.due_committee


class PlanSubject(models.Model):
    """Đối tượng kiểm điểm của kế hoạch: an organization, a collective or an individual."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField("loại đối tượng", max_length=30, choices=SubjectKind.choices)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_subjects"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_subjects"
    )
    collective = models.ForeignKey(
        LeadershipCollective, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_subjects"
    )
    cell = models.ForeignKey(
        Organization,
        verbose_name="chi bộ (nơi kiểm điểm)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("tên", max_length=200)
    reviewed = models.BooleanField("thuộc diện kiểm điểm", default=True)
    not_reviewed_reason = models.CharField(
        "lý do không kiểm điểm", max_length=30, choices=NotReviewedReason.choices, blank=True, default=""
    )
    needs_residence_comment = models.BooleanField("cần nhận xét nơi cư trú", default=False)
    form_code = models.CharField("mẫu bản kiểm điểm", max_length=40, blank=True, default="")

    class Meta:
        verbose_name = "đối tượng kiểm điểm"
        verbose_name_plural = "đối tượng kiểm điểm"
        ordering = ["plan", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "member"],
                condition=models.Q(member__isnull=False),
                name="plan_subject_member_unique",
            ),
            models.UniqueConstraint(
                fields=["plan", "organization"],
                condition=models.Q(organization__isnull=False, member__isnull=True),
                name="plan_subject_org_unique",
            ),
            models.UniqueConstraint(
                fields=["plan", "collective"],
                condition=models.Q(kind="leadership_collective", collective__isnull=False),
                name="plan_subject_collective_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class PlanAcknowledgement(models.Model):
    """Xác nhận đã nhận kế hoạch: each cell secretary acknowledges receipt of the published plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="acknowledgements")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "xác nhận nhận kế hoạch"
        constraints = [models.UniqueConstraint(fields=["plan", "cell"], name="plan_ack_unique")]

    def __str__(self) -> str:
        return f"{self.cell} — {self.plan}"


class RemediationStatus(models.TextChoices):
    NOT_STARTED = "chua_khac_phuc", "Chưa khắc phục"
    IN_PROGRESS = "dang_khac_phuc", "Đang khắc phục"
    DONE = "da_khac_phuc", "Đã khắc phục"


class RemediationItem(models.Model):
    """Kế hoạch khắc phục: one shortcoming to remedy, with owner, due date and status.

    Written after the decision (decisions/services) and read by next year's review (reviews/services),
    so it lives with the subject, below both.
    """

    subject = models.ForeignKey(PlanSubject, on_delete=models.CASCADE, related_name="remediation_items")
    shortcoming = models.TextField("hạn chế, khuyết điểm")
    action = models.TextField("biện pháp khắc phục")
    owner = models.CharField("người, bộ phận thực hiện", max_length=200)
    due_date = models.DateField("thời hạn")
    status = models.CharField(
        "tình trạng", max_length=20, choices=RemediationStatus.choices, default=RemediationStatus.NOT_STARTED
    )
    progress_note = models.TextField("kết quả, mức độ khắc phục", blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "nội dung khắc phục"
        verbose_name_plural = "kế hoạch khắc phục"
        ordering = ["due_date", "id"]
        db_table = "decisions_remediationitem"  # created by the decisions app; the model moved here

    def __str__(self) -> str:
        return self.shortcoming[:80]
