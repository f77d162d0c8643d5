"""``kiemdiem synth --members N --seed S [--years 1] [--reset]``: the synthetic national data set."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from kiemdiem.synth.load import load, reset


class Command(BaseCommand):
    help = "Sinh dữ liệu tổng hợp quy mô lớn (tỉnh → đảng bộ cơ sở → chi bộ → đảng viên, một năm kiểm điểm)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, required=True, help="số đảng viên cần sinh")
        parser.add_argument(
            "--seed", type=int, default=1, help="hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu)"
        )
        parser.add_argument("--years", type=int, default=1, help="số năm kiểm điểm (mặc định 1: năm 2025)")
        parser.add_argument("--provinces", type=int, default=None, help="số tỉnh (mặc định theo quy mô)")
        parser.add_argument("--reset", action="store_true", help="xóa dữ liệu hiện có trước khi sinh")
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="giữ nguyên chỉ mục và khóa ngoại khi nạp (mặc định: tạm bỏ rồi dựng lại khi bảng trống)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="số tiến trình sinh dữ liệu song song (PostgreSQL; mặc định: số lõi CPU khi từ 50.000 đảng viên)",
        )
        parser.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")

    def handle(self, *args: Any, **opts: Any) -> None:
        n = opts["members"]
        if n < 1:
            raise CommandError("Số đảng viên phải lớn hơn 0.")
        if opts["workers"] is not None and not 1 <= opts["workers"] <= 32:
            raise CommandError("Số tiến trình phải từ 1 đến 32.")
        if opts["reset"]:
            self.stdout.write("Xóa dữ liệu cũ…")
            reset()
        from tqdm import tqdm

        bar = tqdm(
            total=n, unit=" đảng viên", unit_scale=True, disable=opts["no_progress"], desc="Sinh dữ liệu"
        )
        result = load(
            n,
            opts["seed"],
            years=opts["years"],
            provinces=opts["provinces"],
            set_indexes_aside=False if opts["keep_indexes"] else None,
            progress=bar.update,
            on_index=lambda name: bar.set_postfix_str(f"dựng lại {name}"),
            workers=opts["workers"],
        )
        bar.close()
        levels = ", ".join(f"{lv} {k:,}" for lv, k in result.decided.items())
        self.stdout.write(
            f"Cơ sở dữ liệu: {connection.vendor}. Đã sinh {result.members:,} đảng viên, "
            f"{result.organizations:,} tổ chức, {result.subjects:,} đối tượng kiểm điểm, "
            f"{result.rows:,} dòng; nạp {result.seconds_rows:.1f} s, dựng chỉ mục {result.seconds_indexes:.1f} s, "
            f"tổng {result.seconds:.1f} s ({result.members / max(result.seconds, 1e-9):,.0f} đảng viên/s)."
        )
        self.stdout.write(f"Kết quả xếp loại: {levels}.")
