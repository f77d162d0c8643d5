"""The documents of a plan: which template, which context, which file name; and the batch of forms.

Used by the web views and by ``kiemdiem document``; both check permissions with ``access.py`` first.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from kiemdiem.decisions.models import Decision, DecisionEntry, Reclassification
from kiemdiem.lib.jobs import FileJob, Progress
from kiemdiem.lib.vietnamese import fold
from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import COLLECTIVE_KINDS, INDIVIDUAL_KINDS, Plan, PlanSubject
from kiemdiem.reviews.models import Meeting

from . import content, render

# Document kinds (the ``KIND`` of the command line and of the URLs) with their Vietnamese names.
KINDS: dict[str, str] = {
    "ke-hoach": "Kế hoạch kiểm điểm",
    "ban-kiem-diem": "Bản kiểm điểm cá nhân / báo cáo kiểm điểm tập thể (Mẫu 01)",
    "mau-trang": "Mẫu bản kiểm điểm để trống (in ra viết tay)",
    "bien-ban": "Biên bản hội nghị kiểm điểm",
    "tong-hop-y-kien": "Bảng tổng hợp ý kiến nhận xét",
    "quyet-dinh": "Quyết định xếp loại kèm danh sách",
    "xep-loai-lai": "Quyết định xếp loại lại (Mẫu 03)",
    "danh-muc-ho-so": "Danh mục hồ sơ (Mẫu 04)",
    "thong-bao": "Thông báo kết quả xếp loại",
    "hang-loat": "Bản kiểm điểm của mọi đảng viên (một tệp)",
}
FORM_TEMPLATE = "ban-kiem-diem-ca-nhan"
REPORT_TEMPLATE = "bao-cao-tap-the"
# PDF pages are laid out this many forms at a time in a batch: one HTML per chunk keeps memory bounded
# and gives the progress bar something to move.
PDF_CHUNK = 20


def slug(text: str) -> str:
    return slugify(fold(text).replace("/", "-")) or "van-ban"


@dataclass
class Document:
    template: str
    context: dict[str, Any]
    name: str  # file name without extension

    def render(self, fmt: str) -> bytes:
        return render.render(self.template, self.context, fmt)

    def filename(self, fmt: str) -> str:
        return f"{self.name}.{fmt}"


def plan_document(plan: Plan) -> Document:
    return Document("ke-hoach", content.plan_context(plan), f"ke-hoach-{slug(plan.number)}")


def subject_form(subject: PlanSubject) -> Document:
    ctx = content.subject_form_context(subject)
    if subject.kind in COLLECTIVE_KINDS:
        return Document(REPORT_TEMPLATE, ctx, f"bao-cao-kiem-diem-{slug(subject.name)}-{subject.plan.year}")
    return Document(FORM_TEMPLATE, ctx, f"ban-kiem-diem-{slug(subject.name)}-{subject.plan.year}")


def blank_form(plan: Plan, kind: str) -> Document:
    ctx = content.blank_form_context(plan, kind)
    template = REPORT_TEMPLATE if kind in COLLECTIVE_KINDS else FORM_TEMPLATE
    return Document(template, ctx, f"mau-trang-{slug(ctx['form']['code'] or kind)}-{plan.year}")


def minutes(meeting: Meeting) -> Document:
    ctx = content.minutes_context(meeting)
    return Document("bien-ban", ctx, f"bien-ban-{slug(ctx['where'])}-{meeting.date:%Y%m%d}")


def feedback(plan: Plan, cell: Organization | None = None) -> Document:
    where = slug(cell.name) if cell else slug(plan.organization.name)
    return Document(
        "tong-hop-y-kien", content.feedback_context(plan, cell), f"tong-hop-y-kien-{where}-{plan.year}"
    )


def decision(dec: Decision) -> Document:
    return Document("quyet-dinh", content.decision_context(dec), f"quyet-dinh-{slug(dec.number)}")


def reclassification(rec: Reclassification) -> Document:
    ctx = content.reclassification_context(rec)
    return Document("xep-loai-lai", ctx, f"xep-loai-lai-{slug(rec.entry.subject.name)}-{rec.date:%Y%m%d}")


def checklist(plan: Plan, cell: Organization | None = None) -> Document:
    where = slug(cell.name) if cell else slug(plan.organization.name)
    return Document(
        "danh-muc-ho-so", content.checklist_context(plan, cell), f"danh-muc-ho-so-{where}-{plan.year}"
    )


def notice(entry: DecisionEntry) -> Document:
    ctx = content.notice_context(entry)
    return Document(
        "thong-bao", ctx, f"thong-bao-ket-qua-{slug(entry.subject.name)}-{entry.subject.plan.year}"
    )


# --- the batch of every member's form ------------------------------------------------------------


def batch_subjects(plan: Plan, cell: Organization | None = None) -> list[PlanSubject]:
    qs = plan.subjects.filter(reviewed=True, kind__in=INDIVIDUAL_KINDS)
    if cell is not None:
        qs = qs.filter(cell=cell)
    return list(qs.select_related("member", "cell").order_by("cell__path", "member__sort_key", "id"))


def batch_name(plan: Plan, cell: Organization | None, fmt: str) -> str:
    where = slug(cell.name) if cell else slug(plan.organization.name)
    return f"ban-kiem-diem-{where}-{plan.year}.{'zip' if fmt == 'docx' else 'pdf'}"


STAGE = "Đang tạo bản kiểm điểm"
STAGE_PDF = "Đang ghép tệp PDF"


def build_batch(
    plan: Plan,
    subjects: list[PlanSubject],
    fmt: str,
    out: Path | io.BufferedIOBase | Any,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Every subject's pre-filled form: one ZIP of DOCX (a folder per cell) or one merged PDF."""
    report = progress or (lambda stage, done, total: None)
    total = len(subjects)
    report(STAGE, 0, total)
    contexts = content.batch_form_contexts(plan, subjects)
    if fmt == "docx":
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for i, (subject, ctx) in enumerate(contexts, 1):
                folder = slug(subject.cell.name) if subject.cell else "khac"
                archive.writestr(
                    f"{folder}/{i:04d}-{slug(subject.name)}.docx", render.render_docx(FORM_TEMPLATE, ctx)
                )
                report(STAGE, i, total)
        return total
    if fmt != "pdf":
        raise ValueError(fmt)
    documents = []
    chunk: list[dict[str, Any]] = []
    done = 0
    for _, ctx in contexts:
        chunk.append(ctx)
        if len(chunk) == PDF_CHUNK:
            documents.append(render.pdf_document(render.render_html(FORM_TEMPLATE, chunk)))
            done += len(chunk)
            chunk = []
            report(STAGE, done, total)
    if chunk or not documents:
        documents.append(render.pdf_document(render.render_html(FORM_TEMPLATE, chunk)))
        done += len(chunk)
        report(STAGE, done, total)
    report(STAGE_PDF, 0, 1)
    data = render.merge_pdf(documents)
    if isinstance(out, Path):
        out.write_bytes(data)
    else:
        out.write(data)
    report(STAGE_PDF, 1, 1)
    return total


def batch_task(
    job: FileJob, progress: Progress, plan_id: int, subject_ids: list[int], fmt: str, suffix: str
) -> int:
    """The batch as a job task: reads the plan and its subjects again (in a thread, or in the worker
    process of the queue), writes ``job.path(suffix)``, returns the number of forms."""
    plan = Plan.objects.get(pk=plan_id)
    order = {pk: i for i, pk in enumerate(subject_ids)}
    subjects = sorted(
        PlanSubject.objects.filter(pk__in=subject_ids).select_related("member", "cell"),
        key=lambda s: order[s.pk],
    )
    with job.path(suffix).open("wb") as out:
        return build_batch(plan, subjects, fmt, out, progress)
