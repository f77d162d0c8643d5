"""``kiemdiem api_token USERNAME [--name NAME] [--days N]``: issue an API token and print it once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kiemdiem.api.models import DEFAULT_DAYS, MAX_DAYS, ApiToken


class Command(BaseCommand):
    help = "Tạo mã truy cập API cho một tài khoản và in ra (mã chỉ hiện một lần)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Tên đăng nhập của tài khoản.")
        parser.add_argument("--name", default="Dòng lệnh", help="Tên gợi nhớ của mã (mặc định: «Dòng lệnh»).")
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"số ngày mã còn hiệu lực (1–{MAX_DAYS}, mặc định {DEFAULT_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"Không có tài khoản «{options['username']}».") from exc
        if not user.is_active:
            raise CommandError(f"Tài khoản «{user.username}» đã bị khóa.")
        name = options["name"].strip()
        if not name or len(name) > 100:
            raise CommandError("Tên gợi nhớ của mã cần từ 1 đến 100 ký tự.")
        try:
            row, token = ApiToken.issue(user, name, options["days"])
        except ValueError as exc:  # the term out of range
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            f"Đã tạo mã «{row.name}» cho {user.username}, hết hạn lúc {timezone.localtime(row.expires_at):%H:%M %d/%m/%Y}. "
            "Hãy lưu lại: mã không hiện lại được."
        )
        self.stdout.write(token)
