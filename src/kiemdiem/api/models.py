"""API access tokens (mã truy cập API).

Only a SHA-256 hash of each token is stored: the token itself is shown once, when it is issued.
Every token expires (``DEFAULT_DAYS`` after it is issued unless asked otherwise, at most
``MAX_DAYS``): a forgotten token on some server stops working by itself.
A fast hash is enough here because tokens are 256-bit random strings, not passwords a person chose;
it also lets a request find its token with one indexed lookup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "kd_"
# last_used_at is written at most this often per token, so busy clients do not write on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
DEFAULT_DAYS = 90
MAX_DAYS = 365


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """Mã truy cập API của một tài khoản (Authorization: Bearer …)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("tên gợi nhớ", max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, so that its owner can tell tokens apart in a list.
    hint = models.CharField("đầu mã", max_length=12, editable=False)
    created_at = models.DateTimeField("tạo lúc", default=timezone.now, editable=False)
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    expires_at = models.DateTimeField("hết hạn lúc", editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @classmethod
    def issue(cls, user: object, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
        """Create a token for ``user`` valid ``days`` days; returns the row and the token (never stored)."""
        if not 1 <= days <= MAX_DAYS:
            raise ValueError(f"Thời hạn của mã phải từ 1 đến {MAX_DAYS} ngày.")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        row = cls.objects.create(
            user=user,
            name=name.strip(),
            token_hash=hash_token(token),
            hint=token[:10],
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        return row, token

    @classmethod
    def find_active(cls, token: str) -> ApiToken | None:
        """The unrevoked, unexpired token of an active user matching ``token``, marking it as used."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        row = cls.objects.active().select_related("user").filter(token_hash=hash_token(token)).first()
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            cls.objects.filter(pk=row.pk).update(last_used_at=now)
            row.last_used_at = now
        return row

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
