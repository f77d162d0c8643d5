"""``kiemdiem demo``: migrate, load the seed ward, serve on http://127.0.0.1:8000."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from kiemdiem.demo import scenario, seed
from kiemdiem.lib.dates import parse_vn_date


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (phường Thượng Thanh) và chạy máy chủ web demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Xóa toàn bộ dữ liệu và tạo lại từ đầu.")
        parser.add_argument("--no-serve", action="store_true", help="Chỉ tạo dữ liệu, không chạy máy chủ.")
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="Địa chỉ máy chủ (mặc định 127.0.0.1:8000)."
        )
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument(
            "--ngay",
            default="26/11/2020",
            help="Ngày giả lập của bản demo (dd/mm/yyyy): hạn chót và tiến độ tính theo ngày này "
            "(mặc định 26/11/2020, giữa đợt kiểm điểm năm 2020); 'nay' để dùng ngày hôm nay.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if opts["reset"]:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("Đã xóa dữ liệu cũ.")
        if seed.is_loaded():
            self.stdout.write("Dữ liệu mẫu đã có sẵn (dùng --reset để tạo lại).")
        else:
            started = time.perf_counter()
            seed.load(int(opts["seed"]))
            scenario.load()
            self.stdout.write(f"Đã tạo dữ liệu mẫu trong {time.perf_counter() - started:.1f} giây.")
        db = settings.DATABASES["default"]
        self.stdout.write(f"Cơ sở dữ liệu: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME', '')}")
        self.stdout.write(f"\nĐịa chỉ: http://{opts['addr']}/")
        self.stdout.write(f"Tài khoản demo (mật khẩu chung: {seed.DEMO_PASSWORD}):")
        for label, username in seed.DEMO_LOGINS.items():
            self.stdout.write(f"  {label:<45} {username}")
        if opts["ngay"] != "nay":
            settings.KIEMDIEM_TODAY = parse_vn_date(opts["ngay"])
            self.stdout.write(
                f"Ngày giả lập: {settings.KIEMDIEM_TODAY:%d/%m/%Y} (hạn chót, tiến độ tính theo ngày này; "
                "dùng --ngay nay để lấy ngày hôm nay)."
            )
        if not opts["no_serve"]:
            self.stdout.write("\nNhấn Ctrl+C để dừng máy chủ.\n")
            call_command("runserver", str(opts["addr"]), use_reloader=False, use_threading=True)
