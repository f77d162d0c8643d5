"""``kiemdiem report statistics --plan ID | --year Y [--scope CODE] --output FILE.xlsx``.

The command line works on the whole database (no user scope): it is for the server's operator.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, Never, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from kiemdiem.lib import dates
from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import Plan
from kiemdiem.reports import xlsx
from kiemdiem.reports.summary import report


class Command(BaseCommand):
    help = "Xuất biểu tổng hợp kết quả xếp loại (XLSX) của một kế hoạch hoặc một năm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["statistics"], help="statistics: biểu tổng hợp kết quả")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--plan", type=int, help="mã số (id) kế hoạch")
        which.add_argument("--year", type=int, help="năm kiểm điểm (mọi kế hoạch của năm)")
        parser.add_argument(
            "--scope", help="mã tổ chức gốc của phạm vi (mặc định: tổ chức ban hành kế hoạch)"
        )
        parser.add_argument("--output", required=True, help="tệp .xlsx cần ghi")
        parser.add_argument("--number", default="", help="số văn bản, ví dụ 20-BC/ĐU")
        parser.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến trình")

    def handle(self, *args: Any, **opts: Any) -> None:
        output = Path(opts["output"])
        if output.suffix.lower() != ".xlsx":
            raise CommandError("Tệp kết quả phải có đuôi .xlsx.")
        if opts["plan"] is not None:
            plan = Plan.objects.select_related("organization").filter(pk=opts["plan"]).first()
            if plan is None:
                raise CommandError(f"Không có kế hoạch mã số {opts['plan']}.")
            plans, year = [plan], plan.year
        else:
            year = opts["year"]
            plans = list(Plan.objects.filter(year=year).select_related("organization"))
            if not plans:
                raise CommandError(f"Không có kế hoạch nào của năm {year}.")
        if opts["scope"]:
            root = Organization.objects.filter(code=opts["scope"]).first()
            if root is None:
                raise CommandError(f"Không có tổ chức mã “{opts['scope']}”.")
        else:
            root = plans[0].organization if len(plans) == 1 else _common_root(plans)
        plans = [
            p
            for p in plans
            if root.path.startswith(p.organization.path) or p.organization.path.startswith(root.path)
        ]
        if not plans:
            raise CommandError("Phạm vi đã chọn không thuộc kế hoạch nào.")
        earlier = [
            p
            for p in Plan.objects.filter(year__lte=year).select_related("organization").order_by("-year")
            if root.path.startswith(p.organization.path) or p.organization.path.startswith(root.path)
        ]
        bars: dict[str, tqdm[Never]] = {}
        # The command's own stream under its OutputWrapper (which would add a newline to each write).
        stream = cast(IO[str], self.stderr._out)

        def progress(stage: str, done: int, total: int) -> None:
            """One bar per stage; the previous stage's bar is closed when the next one starts."""
            bar = bars.get(stage)
            if bar is None:
                for old in bars.values():
                    old.close()
                bar = bars[stage] = tqdm(
                    total=total, desc=stage, unit=" dòng", file=stream, disable=opts["no_progress"]
                )
            bar.update(done - bar.n)

        progress("Tính số liệu", 0, 1)
        data = report(None, root, plans, year, earlier)
        progress("Tính số liệu", 1, 1)
        issuer = plans[0].organization if root.path.startswith(plans[0].organization.path) else root
        header = xlsx.header_for(issuer, dates.today(), opts["number"])
        content = xlsx.statistics_workbook(data["stats"], header, data["history"], data["repeats"], progress)
        for bar in bars.values():
            bar.close()
        output.write_bytes(content)
        total = data["stats"].total.members
        self.stdout.write(
            f"Đã ghi {output}: {len(data['stats'].rows)} tổ chức, {total.total} đảng viên, "
            f"{total.classified} được xếp loại."
        )


def _common_root(plans: list[Plan]) -> Organization:
    parts = [p.organization.path.strip("/").split("/") for p in plans]
    common = []
    for segs in zip(*parts, strict=False):
        if len(set(segs)) != 1:
            break
        common.append(segs[0])
    if not common:
        raise CommandError("Các kế hoạch của năm không có tổ chức chung; chọn --scope.")
    return Organization.objects.get(pk=int(common[-1]))
