"""The batch of every member's form (ZIP of DOCX or one PDF): from the page, and from
``kiemdiem document``; as a background job: tests/lib/test_jobs.py (thread), test_queue.py (queue)."""

from __future__ import annotations

import io
import zipfile

from django.core.management import call_command
from django.urls import reverse

from ..decisions.conftest import cycle, plan  # noqa: F401  (fixtures)
from .conftest import docx_texts, pdf_info, pdf_text


def test_the_office_downloads_every_member_form_as_one_zip(ward, cycle, login) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = login("office")
    url = reverse("document_batch", args=[cycle.pk])
    assert client.post(url, {"dinh_dang": "docx"}).status_code == 302
    state = client.get(reverse("document_batch_progress", args=[cycle.pk])).json()
    assert state == {"status": "done", "stage": "Đang tạo bản kiểm điểm", "done": 4, "total": 4}
    page = client.get(reverse("plan_documents", args=[cycle.pk])).content.decode()
    assert "Đã tạo xong 4 bản kiểm điểm" in page
    response = client.get(reverse("document_batch_download", args=[cycle.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == 4 and names[0].startswith("chi-bo-to-dan-pho-so-1/")
    paragraphs, _ = docx_texts(archive.read(names[0]))
    assert any(p.startswith("Họ và tên: ") for p in paragraphs)


def test_the_secretary_batches_only_her_cell_as_one_pdf(ward, cycle, login) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = login("secretary")
    url = reverse("document_batch", args=[cycle.pk])
    assert client.post(url, {"dinh_dang": "pdf"}).status_code == 403  # the whole ward: not hers
    assert client.post(url, {"dinh_dang": "pdf", "chi_bo": ward.cell_b.pk}).status_code == 404
    assert client.post(url, {"dinh_dang": "pdf", "chi_bo": ward.cell_a.pk}).status_code == 302
    data = b"".join(client.get(reverse("document_batch_download", args=[cycle.pk])).streaming_content)
    text = pdf_text(data)
    assert "Nguyễn Văn An" in text and "Trần Thị Bình" in text and "Lê Văn Cường" not in text
    assert "(A4)" in pdf_info(data)["Page size"]
    # Another user cannot fetch her job.
    assert login("office").get(reverse("document_batch_download", args=[cycle.pk])).status_code == 404


def test_the_command_writes_documents_and_the_batch(ward, cycle, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    out = tmp_path / "ke-hoach.docx"
    call_command("document", "ke-hoach", "--plan", str(cycle.pk), "--output", str(out))
    paragraphs, tables = docx_texts(out)
    assert "Số 07-KH/ĐU" in tables[0][0][0]
    zip_path = tmp_path / "all.zip"
    call_command("document", "hang-loat", "--plan", str(cycle.pk), "--output", str(zip_path), "--no-progress")
    assert len(zipfile.ZipFile(zip_path).namelist()) == 4
    subject = cycle.subjects.get(member=ward.members["an"])
    pdf = tmp_path / "an.pdf"
    call_command(
        "document",
        "ban-kiem-diem",
        "--plan",
        str(cycle.pk),
        "--subject",
        str(subject.pk),
        "--output",
        str(pdf),
    )
    assert "Nguyễn Văn An" in pdf_text(pdf)
