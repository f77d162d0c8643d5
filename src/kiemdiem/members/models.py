"""Member registry (đảng viên).

History is kept in periods so that "which cell was this member in on date D" and "which members did
this cell have on date D" are plain queries (``Membership``), and so is the activity status on a date
(``StatusPeriod``). The current cell and status are also kept on the member row for fast lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from kiemdiem.lib.vietnamese import fold, name_sort_key
from kiemdiem.organizations.models import LeadershipCollective, Organization

from .validators import normalize_card_number, validate_card_number, validate_citizen_id


class Gender(models.TextChoices):
    MALE = "nam", "Nam"
    FEMALE = "nu", "Nữ"


class ActivityStatus(models.TextChoices):
    ACTIVE = "dang_sinh_hoat", "Đang sinh hoạt"
    EXEMPT = "mien_sinh_hoat", "Miễn sinh hoạt"
    SUSPENDED = "dinh_chi", "Đình chỉ sinh hoạt"
    TRANSFERRED_OUT = "da_chuyen_di", "Đã chuyển đi"
    DECEASED = "tu_tran", "Từ trần"
    REMOVED = "ra_khoi_dang", "Đã ra khỏi Đảng"


# Statuses under which the member still belongs to the cell's roll.
ON_ROLL = (ActivityStatus.ACTIVE, ActivityStatus.EXEMPT, ActivityStatus.SUSPENDED)


def eighteenth_birthday(born: dt.date) -> dt.date:
    """The day a person turns 18 (born 29/02: 01/03 in a common year)."""
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return dt.date(born.year + 18, 3, 1)


def period_q(day: dt.date, start: str = "start", end: str = "end") -> Q:
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
    )


class MemberQuerySet(models.QuerySet["Member"]):
    def search(self, text: str) -> MemberQuerySet:
        """Diacritic- and case-insensitive search on name and card number."""
        needle = fold(text)
        if not needle:
            return self
        digits = normalize_card_number(text)
        q = Q(search_name__contains=needle)
        if digits.isdigit():
            q |= Q(card_number__startswith=digits)
        return self.filter(q)

    def in_cell_on(self, cell: Organization, day: dt.date) -> MemberQuerySet:
        return self.filter(
            pk__in=Membership.objects.filter(period_q(day), organization=cell).values("member_id")
        )

    def on_roll(self) -> MemberQuerySet:
        return self.filter(activity_status__in=ON_ROLL)


class Employment(models.TextChoices):
    CIVIL_SERVANT = "cbccvc", "Cán bộ, công chức, viên chức"
    ARMED_FORCES = "llvt", "Lực lượng vũ trang"
    OUTSIDE = "ngoai_he_thong", "Ngoài hệ thống chính trị (hưu trí, học sinh, sinh viên, doanh nghiệp…)"


class Member(models.Model):
    """Đảng viên."""

    card_number = models.CharField(
        "số thẻ đảng viên",
        max_length=8,
        unique=True,
        validators=[validate_card_number],
        error_messages={"unique": "Số thẻ đảng viên này đã có trong danh sách."},
    )
    full_name = models.CharField("họ và tên", max_length=120)
    gender = models.CharField("giới tính", max_length=3, choices=Gender.choices)
    date_of_birth = models.DateField("ngày sinh")
    admitted_on = models.DateField("ngày vào Đảng")
    official_on = models.DateField("ngày chính thức", null=True, blank=True)
    cell = models.ForeignKey(
        Organization, verbose_name="chi bộ", on_delete=models.PROTECT, related_name="members"
    )
    activity_status = models.CharField(
        "tình trạng", max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.ACTIVE
    )
    activity_status_since = models.DateField("tình trạng từ ngày", null=True, blank=True)
    activity_status_reason = models.CharField("lý do", max_length=255, blank=True, default="")
    residence_address = models.CharField("nơi cư trú", max_length=255, blank=True, default="")
    residence_cell = models.ForeignKey(
        Organization,
        verbose_name="chi bộ nơi cư trú",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    workplace = models.CharField("nơi làm việc", max_length=255, blank=True, default="")
    employment = models.CharField(
        "đối tượng công tác",
        max_length=20,
        choices=Employment.choices,
        blank=True,
        default="",
        help_text="Để trống: suy ra từ loại hình chi bộ (chi bộ khu dân cư: ngoài hệ thống chính trị).",
    )
    citizen_id = models.CharField(
        "số CCCD", max_length=12, blank=True, default="", validators=[validate_citizen_id]
    )
    search_name = models.CharField(max_length=120, db_index=True, editable=False, default="")
    sort_key = models.CharField(max_length=400, db_index=True, editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        ordering = ["sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=~Q(citizen_id=""),
                name="member_citizen_id_unique",
                violation_error_message="Số CCCD này đã có trong danh sách đảng viên.",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.card_number = normalize_card_number(self.card_number)
        self.search_name = fold(self.full_name)
        self.sort_key = name_sort_key(self.full_name)
        super().save(*args, **kwargs)

    @property
    def is_official(self) -> bool:
        return self.official_on is not None

    @property
    def party_status_label(self) -> str:
        return "Chính thức" if self.is_official else "Dự bị"

    @property
    def works_in_political_system(self) -> bool:
        """In the political system (cán bộ, công chức, viên chức, armed forces) — decides Mẫu 2B vs 2C.

        When the registry does not say, a member of a residential cell is taken as outside the
        political system (retired, self-employed…) and any other member as inside it.
        """
        if self.employment:
            return self.employment != Employment.OUTSIDE
        return self.cell.category != "khu_dan_cu"

    @property
    def active_elsewhere(self) -> bool:
        """Lives in a residence cell other than the cell where he/she is active (QĐ 213)."""
        return self.residence_cell_id is not None and self.residence_cell_id != self.cell_id

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # "01.234567" is how registers print a card number: normalise before the length check.
        self.card_number = normalize_card_number(self.card_number)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        self.card_number = normalize_card_number(self.card_number)
        errors: dict[str, str] = {}
        if (
            self.date_of_birth
            and self.admitted_on
            and self.admitted_on < eighteenth_birthday(self.date_of_birth)
        ):
            errors["admitted_on"] = "Ngày vào Đảng phải khi đã đủ 18 tuổi."
        if self.official_on and self.admitted_on and self.official_on <= self.admitted_on:
            errors["official_on"] = "Ngày chính thức phải sau ngày vào Đảng."
        if self.cell_id and not self.cell.is_cell:
            errors["cell"] = "Đảng viên phải sinh hoạt tại một chi bộ."
        if errors:
            raise ValidationError(errors)

    def cell_on(self, day: dt.date) -> Organization | None:
        m = self.memberships.filter(period_q(day)).select_related("organization").first()
        return m.organization if m else None

    def status_on(self, day: dt.date) -> str | None:
        p = self.status_periods.filter(period_q(day)).order_by("-start").first()
        return p.status if p else None


class Membership(models.Model):
    """Sinh hoạt tại chi bộ trong một giai đoạn (transfers close one period and open another)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    start = models.DateField("từ ngày", null=True, blank=True)
    end = models.DateField("đến ngày", null=True, blank=True)
    reason = models.CharField("lý do", max_length=255, blank=True, default="")

    class Meta:
        verbose_name = "giai đoạn sinh hoạt"
        ordering = ["member", "start"]
        indexes = [models.Index(fields=["organization", "start", "end"])]

    def __str__(self) -> str:
        return f"{self.member} — {self.organization}"


class StatusPeriod(models.Model):
    """Tình trạng sinh hoạt theo thời gian (miễn sinh hoạt, đình chỉ…), with date and reason."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_periods")
    status = models.CharField("tình trạng", max_length=20, choices=ActivityStatus.choices)
    start = models.DateField("từ ngày", null=True, blank=True)
    end = models.DateField("đến ngày", null=True, blank=True)
    reason = models.CharField("lý do", max_length=255, blank=True, default="")

    class Meta:
        verbose_name = "giai đoạn tình trạng"
        ordering = ["member", "start"]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_status_display()}"


class Position(models.Model):
    """Chức vụ lãnh đạo, quản lý (Bí thư, Chủ tịch UBND…), in a body, for a period."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField("chức vụ", max_length=150)
    organization = models.ForeignKey(
        Organization,
        verbose_name="tổ chức đảng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    collective = models.ForeignKey(
        LeadershipCollective,
        verbose_name="tập thể lãnh đạo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    body = models.CharField("cơ quan, đơn vị", max_length=200, blank=True, default="")
    is_head = models.BooleanField("người đứng đầu", default=False)
    start = models.DateField("từ ngày", null=True, blank=True)
    end = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ"
        ordering = ["member", "-start"]

    def __str__(self) -> str:
        return f"{self.title} — {self.body or self.organization or self.collective}"


class DisciplineForm(models.TextChoices):
    REPRIMAND = "khien_trach", "Khiển trách"
    WARNING = "canh_cao", "Cảnh cáo"
    DISMISSAL = "cach_chuc", "Cách chức"
    EXPULSION = "khai_tru", "Khai trừ"


class Discipline(models.Model):
    """Kỷ luật đảng: the facts the regulation reads (form, dates, duty-related, self-detected and remedied)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="disciplines")
    form = models.CharField("hình thức", max_length=20, choices=DisciplineForm.choices)
    decided_on = models.DateField("ngày quyết định kỷ luật")
    violation_on = models.DateField("ngày vi phạm", null=True, blank=True)
    duty_related = models.BooleanField("vi phạm liên quan thực thi công vụ", default=False)
    self_detected_and_remedied = models.BooleanField("tự phát hiện, chủ động khắc phục", default=False)
    decision = models.CharField("số quyết định", max_length=60, blank=True, default="")
    note = models.TextField("ghi chú", blank=True, default="")

    class Meta:
        verbose_name = "kỷ luật"
        verbose_name_plural = "kỷ luật"
        ordering = ["member", "-decided_on"]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_form_display()} ({self.decided_on:%d/%m/%Y})"


class StateRating(models.Model):
    """Xếp loại cán bộ, công chức, viên chức của năm (đánh giá phía chính quyền), nền tảng của xếp loại đảng viên."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="state_ratings")
    year = models.PositiveSmallIntegerField("năm")
    level = models.CharField(
        "mức xếp loại",
        max_length=6,
        choices=[
            ("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ"),
            ("HTTNV", "Hoàn thành tốt nhiệm vụ"),
            ("HTNV", "Hoàn thành nhiệm vụ"),
            ("KHTNV", "Không hoàn thành nhiệm vụ"),
        ],
    )
    rated_on = models.DateField("ngày xếp loại", null=True, blank=True)

    class Meta:
        verbose_name = "xếp loại công chức, viên chức"
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="state_rating_unique")]

    def __str__(self) -> str:
        return f"{self.member} {self.year}: {self.level}"
