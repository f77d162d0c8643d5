"""``kiemdiem document KIND --plan ID [--subject ID] [--format docx|pdf] --output FILE``.

KIND is one of ``catalog.KINDS``. The command runs with the rights of the committee office (it is an
administrator's tool on the server); ``hang-loat`` writes every member's form as one ZIP of DOCX or one
merged PDF and shows a tqdm progress bar.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.documents import catalog
from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import Plan, PlanSubject, SubjectKind
from kiemdiem.reviews.models import Meeting


class Command(BaseCommand):
    help = "Xuất một văn bản (kế hoạch, bản kiểm điểm, biên bản, quyết định…) ra tệp DOCX hoặc PDF."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=sorted(catalog.KINDS), help="loại văn bản")
        parser.add_argument("--plan", type=int, required=True, help="mã (id) kế hoạch")
        parser.add_argument(
            "--subject", type=int, help="mã đối tượng (bản kiểm điểm, thông báo, xếp loại lại)"
        )
        parser.add_argument("--cell", help="mã chi bộ (id hoặc mã như TT-TDP01) cho văn bản của một chi bộ")
        parser.add_argument("--meeting", type=int, help="mã hội nghị (biên bản)")
        parser.add_argument("--decision", type=int, help="mã quyết định (mặc định: quyết định đầu tiên)")
        parser.add_argument("--loai", default=SubjectKind.MEMBER, help="loại đối tượng của mẫu để trống")
        parser.add_argument("--format", choices=("docx", "pdf"), help="mặc định theo đuôi tệp")
        parser.add_argument("--output", required=True, help="tệp ghi ra")
        parser.add_argument("--no-progress", action="store_true", help="không vẽ thanh tiến độ")

    def handle(self, *args: Any, **o: Any) -> None:
        plan = Plan.objects.select_related("organization").filter(pk=o["plan"]).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch mã {o['plan']}.")
        output = Path(o["output"])
        fmt = o["format"] or ("pdf" if output.suffix.lower() == ".pdf" else "docx")
        kind = o["kind"]
        cell = self._cell(plan, o["cell"])
        if kind == "hang-loat":
            subjects = catalog.batch_subjects(plan, cell)
            bar = tqdm(total=len(subjects), unit=" bản", file=sys.stderr, disable=o["no_progress"])

            def progress(stage: str, done: int, total: int) -> None:
                bar.set_description(stage)
                bar.total = total
                bar.update(done - bar.n)

            with output.open("wb") as out:
                n = catalog.build_batch(plan, subjects, fmt, out, progress)
            bar.close()
            self.stdout.write(f"Đã ghi {n} bản kiểm điểm vào {output}")
            return
        doc = self._document(plan, kind, o, cell)
        output.write_bytes(doc.render(fmt))
        self.stdout.write(f"Đã ghi {output}")

    def _cell(self, plan: Plan, value: str | None) -> Organization | None:
        if not value:
            return None
        qs = Organization.objects.filter(
            pk__in=plan.subjects.filter(kind=SubjectKind.CELL).values("organization_id")
        )
        cell = qs.filter(pk=int(value)).first() if value.isdigit() else qs.filter(code=value).first()
        if cell is None:
            raise CommandError(f"Kế hoạch không có chi bộ “{value}”.")
        return cell

    def _subject(self, plan: Plan, subject_id: int | None) -> PlanSubject:
        if subject_id is None:
            raise CommandError("Cần --subject (mã đối tượng).")
        subject = plan.subjects.filter(pk=subject_id).first()
        if subject is None:
            raise CommandError(f"Kế hoạch không có đối tượng mã {subject_id}.")
        return subject

    def _document(
        self, plan: Plan, kind: str, o: dict[str, Any], cell: Organization | None
    ) -> catalog.Document:
        if kind == "ke-hoach":
            return catalog.plan_document(plan)
        if kind == "ban-kiem-diem":
            return catalog.subject_form(self._subject(plan, o["subject"]))
        if kind == "mau-trang":
            if o["loai"] not in SubjectKind.values:
                raise CommandError(f"Loại đối tượng không hợp lệ: {o['loai']}.")
            return catalog.blank_form(plan, o["loai"])
        if kind == "tong-hop-y-kien":
            return catalog.feedback(plan, cell)
        if kind == "danh-muc-ho-so":
            return catalog.checklist(plan, cell)
        if kind == "bien-ban":
            meetings = Meeting.objects.filter(plan=plan)
            if o["meeting"]:
                meetings = meetings.filter(pk=o["meeting"])
            elif o["subject"]:
                subject = self._subject(plan, o["subject"])
                meetings = meetings.filter(items__subject=subject)
            elif cell is not None:
                meetings = meetings.filter(organization=cell)
            meeting = meetings.order_by("date", "id").first()
            if meeting is None:
                raise CommandError("Không tìm thấy hội nghị (dùng --meeting, --subject hoặc --cell).")
            return catalog.minutes(meeting)
        if kind == "quyet-dinh":
            decisions = plan.decisions.order_by("date", "id")
            decision = decisions.filter(pk=o["decision"]).first() if o["decision"] else decisions.first()
            if decision is None:
                raise CommandError("Kế hoạch chưa có quyết định xếp loại.")
            return catalog.decision(decision)
        subject = self._subject(plan, o["subject"])
        entry = DecisionEntry.objects.filter(subject=subject).select_related("decision").first()
        if entry is None:
            raise CommandError("Đối tượng chưa có kết quả xếp loại.")
        if kind == "thong-bao":
            return catalog.notice(entry)
        rec = entry.reclassifications.order_by("-date", "-id").first()
        if rec is None:
            raise CommandError("Đối tượng chưa được xếp loại lại.")
        return catalog.reclassification(rec)
