"""``kiemdiem import members FILE`` / ``kiemdiem import organizations FILE``: all-or-nothing import."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiemdiem.members.importing import import_members
from kiemdiem.members.organization_import import import_organizations

from ._progress import StageProgress

IMPORTERS = {"members": import_members, "organizations": import_organizations}


class Command(BaseCommand):
    help = (
        "Nhập đảng viên (members) hoặc tổ chức đảng (organizations) từ tệp .xlsx/.csv theo mẫu. "
        "Có lỗi thì không ghi gì và thoát với mã khác 0."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=sorted(IMPORTERS), help="members hoặc organizations")
        parser.add_argument("file", help="Đường dẫn tệp .xlsx hoặc .csv")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi vào cơ sở dữ liệu."
        )
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến độ.")

    def handle(self, *args: object, **opts: object) -> None:
        progress = StageProgress(stream=sys.stderr, disable=bool(opts["no_progress"]))
        importer = IMPORTERS[str(opts["what"])]
        try:
            # The CLI is run by whoever administers the server: the whole database is in scope.
            result = importer(
                str(opts["file"]), scope_orgs=None, dry_run=bool(opts["dry_run"]), progress=progress
            )
        finally:
            progress.close()
        if not result.ok:
            self.stderr.write(result.report())
            raise CommandError(
                f"Nhập dữ liệu không thành công: {len(result.errors)} lỗi; cơ sở dữ liệu không thay đổi."
            )
        self.stdout.write(result.report())
