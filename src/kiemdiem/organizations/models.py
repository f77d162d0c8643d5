"""Organization tree (cây tổ chức đảng) with history.

An organization keeps its identity for life; what changes over time is kept in periods:
- ``Organization.active_from`` / ``active_to``: when it existed;
- ``ParentPeriod``: which organization it was directly under, and when (moves add a period);
- ``OrganizationEvent``: merges, splits, moves, dissolutions, with their date and reason.
The current parent and a materialized path are kept on the row for fast scoping of current data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr


class OrgKind(models.TextChoices):
    HIGHER = "cap_tren", "Đảng bộ cấp trên"
    GRASSROOTS_COMMITTEE = "dang_bo_co_so", "Đảng bộ cơ sở"
    GRASSROOTS_CELL = "chi_bo_co_so", "Chi bộ cơ sở"
    PARTIAL_COMMITTEE = "dang_bo_bo_phan", "Đảng bộ bộ phận"
    SUBORDINATE_CELL = "chi_bo_truc_thuoc", "Chi bộ trực thuộc"


CELL_KINDS = (OrgKind.GRASSROOTS_CELL, OrgKind.SUBORDINATE_CELL)


class CellCategory(models.TextChoices):
    RESIDENTIAL = "khu_dan_cu", "Khu dân cư (tổ dân phố)"
    AGENCY = "co_quan", "Cơ quan"
    SCHOOL = "truong_hoc", "Trường học"
    ENTERPRISE = "doanh_nghiep", "Doanh nghiệp"
    ARMED_FORCES = "luc_luong_vu_trang", "Lực lượng vũ trang"
    OTHER = "khac", "Khác"


code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$",
    "Mã tổ chức chỉ gồm chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự).",
)


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active_on(self, day: dt.date) -> OrganizationQuerySet:
        return self.filter(Q(active_from__isnull=True) | Q(active_from__lte=day)).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=day)
        )

    def cells(self) -> OrganizationQuerySet:
        return self.filter(kind__in=CELL_KINDS)

    def subtree(self, root: Organization) -> OrganizationQuerySet:
        return self.filter(path__startswith=root.path)


class Organization(models.Model):
    """Tổ chức đảng (đảng bộ, chi bộ); higher committees are read-only parents."""

    code = models.CharField("mã", max_length=40, unique=True, validators=[code_validator])
    name = models.CharField("tên", max_length=200)
    kind = models.CharField("loại", max_length=20, choices=OrgKind.choices)
    category = models.CharField(
        "loại hình chi bộ", max_length=20, choices=CellCategory.choices, blank=True, default=""
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="trực thuộc",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialized path of zero-padded ids, e.g. "/0000001/0000004/0000017/": subtree queries are one
    # indexed prefix match, and ordering by path lists siblings in creation order.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")
    active_from = models.DateField("hoạt động từ", null=True, blank=True)
    active_to = models.DateField("hoạt động đến", null=True, blank=True)
    place_name = models.CharField("địa danh (dòng ngày tháng)", max_length=100, blank=True, default="")
    note = models.TextField("ghi chú", blank=True, default="")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
            kwargs["force_update"] = True
        old_path = self.path
        self.path = self.compute_path()
        super().save(*args, **kwargs)
        if old_path not in ("/", self.path):
            # A move: rewrite the paths of the whole subtree in one statement.
            Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(
                    Value(self.path), Substr("path", len(old_path) + 1), output_field=models.CharField()
                )
            )

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.pk:07d}/"

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_read_only(self) -> bool:
        return self.kind == OrgKind.HIGHER

    def is_active_on(self, day: dt.date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or self.active_to >= day
        )

    def clean(self) -> None:
        if self.active_from and self.active_to and self.active_to < self.active_from:
            raise ValidationError({"active_to": "Ngày kết thúc hoạt động phải sau ngày bắt đầu."})
        if self.kind in CELL_KINDS and not self.category:
            raise ValidationError({"category": "Chi bộ cần có loại hình."})
        if self.parent_id and self.parent and self.parent.is_cell:
            raise ValidationError({"parent": "Chi bộ không thể có tổ chức trực thuộc."})

    def ancestors(self) -> list[Organization]:
        ids = [int(x) for x in self.path.strip("/").split("/") if x][:-1]
        by_id = Organization.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def grassroots(self) -> Organization | None:
        """The grassroots committee (đảng bộ cơ sở) this organization belongs to, or itself."""
        if self.kind in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL):
            return self
        for anc in reversed(self.ancestors()):
            if anc.kind == OrgKind.GRASSROOTS_COMMITTEE:
                return anc
        return None

    def parent_on(self, day: dt.date) -> Organization | None:
        period = (
            self.parent_periods.filter(Q(start__isnull=True) | Q(start__lte=day))
            .filter(Q(end__isnull=True) | Q(end__gte=day))
            .select_related("parent")
            .first()
        )
        return period.parent if period else None


class ParentPeriod(models.Model):
    """Quan hệ trực thuộc theo thời gian: which organization this one was under, and when."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="parent_periods")
    parent = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="child_periods")
    start = models.DateField("từ ngày", null=True, blank=True)
    end = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "giai đoạn trực thuộc"
        ordering = ["organization", "start"]

    def __str__(self) -> str:
        return f"{self.organization} thuộc {self.parent}"


class EventKind(models.TextChoices):
    CREATED = "thanh_lap", "Thành lập"
    MERGED = "hop_nhat", "Hợp nhất / sáp nhập"
    SPLIT = "chia_tach", "Chia tách"
    MOVED = "dieu_chuyen", "Điều chuyển trực thuộc"
    RENAMED = "doi_ten", "Đổi tên"
    DISSOLVED = "giai_the", "Giải thể"


class OrganizationEvent(models.Model):
    """Sự kiện tổ chức: a merge, split, move, rename or dissolution on a date, with its reason."""

    kind = models.CharField("loại", max_length=20, choices=EventKind.choices)
    date = models.DateField("ngày hiệu lực")
    sources = models.ManyToManyField(Organization, related_name="events_as_source", blank=True)
    targets = models.ManyToManyField(Organization, related_name="events_as_target", blank=True)
    decision = models.CharField("quyết định", max_length=100, blank=True, default="")
    reason = models.TextField("lý do", blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện tổ chức"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class CollectiveKind(models.TextChoices):
    EXECUTIVE = "bch", "Ban Chấp hành Đảng ủy"
    STANDING = "btv", "Ban Thường vụ Đảng ủy"
    CELL_COMMITTEE = "chi_uy", "Chi ủy"
    PEOPLES_COMMITTEE = "ubnd", "Lãnh đạo Ủy ban nhân dân"
    PEOPLES_COUNCIL = "hdnd", "Thường trực Hội đồng nhân dân"
    FRONT = "mttq", "Ban Thường trực Ủy ban MTTQ"
    MASS_ORG = "doan_the", "Ban Thường vụ đoàn thể"
    OTHER = "khac", "Tập thể lãnh đạo khác"


class LeadershipCollective(models.Model):
    """Tập thể lãnh đạo, quản lý (BCH, BTV Đảng ủy, chi ủy, lãnh đạo UBND, đoàn thể…)."""

    organization = models.ForeignKey(
        Organization, verbose_name="thuộc tổ chức đảng", on_delete=models.PROTECT, related_name="collectives"
    )
    kind = models.CharField("loại", max_length=20, choices=CollectiveKind.choices)
    name = models.CharField("tên", max_length=200)
    active_from = models.DateField("từ ngày", null=True, blank=True)
    active_to = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "tập thể lãnh đạo, quản lý"
        verbose_name_plural = "tập thể lãnh đạo, quản lý"
        ordering = ["organization", "kind", "name"]

    def __str__(self) -> str:
        return self.name
