"""``kiemdiem export members FILE.xlsx`` (or ``.csv``): the member template's columns."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiemdiem.members.exporting import write_members
from kiemdiem.members.models import Member
from kiemdiem.organizations.models import Organization

from ._progress import StageProgress


class Command(BaseCommand):
    help = "Xuất danh sách đảng viên ra tệp .xlsx hoặc .csv với đúng các cột của mẫu nhập."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["members"], help="members")
        parser.add_argument("file", help="Tệp kết quả, đuôi .xlsx hoặc .csv")
        parser.add_argument("--cell", help="Chỉ xuất đảng viên của chi bộ có mã này.")
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến độ.")

    def handle(self, *args: object, **opts: object) -> None:
        path = Path(str(opts["file"]))
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError("Tên tệp phải có đuôi .xlsx hoặc .csv.")
        members = Member.objects.all()
        if opts["cell"]:
            cell = Organization.objects.filter(code__iexact=str(opts["cell"])).first()
            if cell is None:
                raise CommandError(f"Không có chi bộ mã “{opts['cell']}”.")
            members = members.filter(cell=cell)
        progress = StageProgress(stream=sys.stderr, disable=bool(opts["no_progress"]))
        try:
            with path.open("wb") as out:
                n = write_members(members, out, fmt, progress)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {path}: {exc.strerror or exc}.") from exc
        finally:
            progress.close()
        self.stdout.write(f"Đã xuất {n} đảng viên ra {path}.")
