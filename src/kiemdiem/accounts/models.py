"""Accounts and role assignments (vai trò) scoped by the organization tree."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from kiemdiem.members.models import Member
from kiemdiem.organizations.models import CELL_KINDS, Organization, OrgKind


class User(AbstractUser):
    """Tài khoản người dùng; a member's account is linked to his/her registry entry."""

    member = models.OneToOneField(
        Member,
        verbose_name="đảng viên",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    must_change_password = models.BooleanField("phải đổi mật khẩu", default=False)

    class Meta:
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"

    @property
    def display_name(self) -> str:
        if self.member is not None:  # no query without a member_id
            return self.member.full_name
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    OFFICE = "van_phong", "Văn phòng / Ban Tổ chức Đảng ủy"
    STANDING = "thuong_vu", "Ban Thường vụ Đảng ủy"
    CELL_SECRETARY = "bi_thu_chi_bo", "Bí thư chi bộ"
    RESIDENCE_SECRETARY = "bi_thu_noi_cu_tru", "Bí thư chi bộ nơi cư trú"
    HIGHER = "cap_tren", "Cấp trên (chỉ xem)"
    MEMBER = "dang_vien", "Đảng viên"


# Which kinds of organization each role may be attached to.
ROLE_ORG_KINDS: dict[str, tuple[str, ...]] = {
    Role.OFFICE: (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL),
    Role.STANDING: (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL),
    Role.CELL_SECRETARY: CELL_KINDS,
    Role.RESIDENCE_SECRETARY: CELL_KINDS,
    Role.HIGHER: (OrgKind.HIGHER, OrgKind.GRASSROOTS_COMMITTEE),
}


class RoleAssignment(models.Model):
    """Phân công vai trò: a role of a user over an organization (none for the member role)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name="tổ chức",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], name="role_assignment_unique")
        ]

    def __str__(self) -> str:
        where = f" — {self.organization}" if self.organization_id else ""
        return f"{self.get_role_display()}{where}"

    def clean(self) -> None:
        if self.role == Role.MEMBER:
            if self.organization_id:
                raise ValidationError("Vai trò đảng viên không gắn với tổ chức.")
            return
        if self.organization is None:  # no query without an organization_id
            raise ValidationError("Vai trò này cần gắn với một tổ chức.")
        if self.organization.kind not in ROLE_ORG_KINDS[self.role]:
            raise ValidationError("Loại tổ chức không phù hợp với vai trò.")
