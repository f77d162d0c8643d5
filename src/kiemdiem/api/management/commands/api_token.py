"""``kiemdiem api_token USERNAME [--name NAME]``: issue an API token and print it once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiemdiem.api.models import ApiToken


class Command(BaseCommand):
    help = "Tạo mã truy cập API cho một tài khoản và in ra (mã chỉ hiện một lần)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Tên đăng nhập của tài khoản.")
        parser.add_argument("--name", default="Dòng lệnh", help="Tên gợi nhớ của mã (mặc định: «Dòng lệnh»).")

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
        row, token = ApiToken.issue(user, name)
        self.stderr.write(f"Đã tạo mã «{row.name}» cho {user.username}. Hãy lưu lại: mã không hiện lại được.")
        self.stdout.write(token)
