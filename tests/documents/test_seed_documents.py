"""The seed's documents (plan 07-KH/ĐU, decision 15-QĐ/ĐU, a cell's minutes and opinion summary, a
member's form) opened and checked: DOCX paragraphs and tables with python-docx, PDF text with
pdftotext, page size with pdfinfo, LibreOffice opening the DOCX, PNG pages kept as test artifacts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from .conftest import ARTIFACTS, SeedDocs, docx_texts, pdf_info, pdf_text

# The database must be set up for the module-scoped ``seed_docs``; each test only reads its files.
pytestmark = pytest.mark.django_db

LABELS = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}


def test_plan_docx_has_the_header_block_number_date_and_every_section(seed_docs: SeedDocs) -> None:
    paragraphs, tables = docx_texts(seed_docs.files["plan.docx"])
    left, right = tables[0][0]
    # In 2020 the ward was under the Long Biên district committee (it moved to the city in 2025).
    assert left.splitlines() == ["ĐẢNG BỘ QUẬN LONG BIÊN", "ĐẢNG ỦY PHƯỜNG THƯỢNG THANH", "*", "Số 07-KH/ĐU"]
    assert right.splitlines() == ["ĐẢNG CỘNG SẢN VIỆT NAM", "", "Thượng Thanh, ngày 18 tháng 11 năm 2020"]
    text = "\n".join(paragraphs)
    assert "KẾ HOẠCH" in paragraphs
    for heading in (
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. ĐỐI TƯỢNG, NƠI KIỂM ĐIỂM, NỘI DUNG KIỂM ĐIỂM",
        "2. Nơi kiểm điểm",
        "3. Nội dung kiểm điểm",
        "III. CÁC BƯỚC TIẾN HÀNH",
        "IV. ĐÁNH GIÁ, XẾP LOẠI",
        "2. Khung tiêu chí đánh giá",
        "V. THỜI GIAN THỰC HIỆN",
        "VI. TỔ CHỨC THỰC HIỆN",
    ):
        assert heading in paragraphs
    assert "Các chi bộ hoàn thành kiểm điểm, đánh giá, xếp loại trước ngày 28/11/2020." in text
    assert "trước ngày 05/12/2020" in text
    assert "Hội nghị triển khai kế hoạch: ngày 19/11/2020 tại Hội trường UBND phường Thượng Thanh" in text
    assert "Căn cứ Quy định 132-QĐ/TW ngày 08/3/2018 của Bộ Chính trị;" in text
    steps = tables[1]
    assert steps[0] == ["TT", "Bước", "Hạn đối với chi bộ", "Hạn đối với Đảng ủy"]
    assert ["5", "Hội nghị kiểm điểm, biểu quyết đề xuất mức xếp loại", "28/11/2020", "05/12/2020"] in steps
    recipients, sign = tables[-1][0]
    assert "Nơi nhận:" in recipients and "- Lưu Văn phòng Đảng ủy." in recipients
    assert sign.split("\n")[1:3] == ["T/M ĐẢNG ỦY", "BÍ THƯ"]
    assert sign.strip().endswith(seed_docs.facts["secretary"]) and seed_docs.facts["secretary"]


def test_plan_pdf_is_a4_with_vietnamese_text_intact(seed_docs: SeedDocs) -> None:
    info = pdf_info(seed_docs.files["plan.pdf"])
    assert "(A4)" in info["Page size"]
    text = pdf_text(seed_docs.files["plan.pdf"])
    for phrase in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG ỦY PHƯỜNG THƯỢNG",
        "Số 07-KH/ĐU",
        "Thượng Thanh, ngày 18 tháng 11 năm 2020",
        "MỤC ĐÍCH, YÊU CẦU",
        "Hoàn thành xuất sắc nhiệm vụ",
        "Nơi nhận:",
        "T/M ĐẢNG ỦY",
    ):
        assert phrase in text, phrase
    fonts = subprocess.run(
        ["pdffonts", str(seed_docs.files["plan.pdf"])], capture_output=True, text=True
    ).stdout
    assert "Serif" in fonts and "DejaVu" not in fonts


def test_decision_docx_lists_every_decided_subject_under_its_level(seed_docs: SeedDocs) -> None:
    paragraphs, tables = docx_texts(seed_docs.files["decision.docx"])
    assert tables[0][0][0].splitlines()[-1] == "Số 15-QĐ/ĐU"
    assert tables[0][0][1].splitlines()[-1] == "Thượng Thanh, ngày 26 tháng 11 năm 2020"
    text = "\n".join(paragraphs)
    assert "BAN THƯỜNG VỤ ĐẢNG ỦY PHƯỜNG THƯỢNG THANH" in paragraphs
    assert (
        "(Kèm theo Quyết định số 15-QĐ/ĐU ngày 26/11/2020 của Ban Thường vụ Đảng ủy phường Thượng Thanh)"
        in text
    )
    levels = seed_docs.facts["levels"]
    for i, code in enumerate(LABELS, 1):
        assert f"{i}. {LABELS[code].upper()} ({levels[code]})" in paragraphs
    # Member tables of the annex: name column of every table whose header is "Họ và tên".
    member_tables = [t for t in tables if t and t[0][:2] == ["TT", "Họ và tên"]]
    listed = [sorted(row[1] for row in t[1:]) for t in member_tables]
    expected = [names for names in seed_docs.facts["members_by_level"].values() if names]
    assert listed == expected
    sign = tables[1][0][1]
    assert "T/M BAN THƯỜNG VỤ" in sign and "BÍ THƯ" in sign


def test_decision_pdf_is_a4_and_reads_in_vietnamese(seed_docs: SeedDocs) -> None:
    assert "(A4)" in pdf_info(seed_docs.files["decision.pdf"])["Page size"]
    text = pdf_text(seed_docs.files["decision.pdf"])
    assert "QUYẾT ĐỊNH" in text and "Số 15-QĐ/ĐU" in text
    assert "HOÀN THÀNH TỐT NHIỆM VỤ" in text and "DANH SÁCH" in text
    some = seed_docs.facts["members_by_level"]["HTXSNV"][0]
    assert some in text


def test_minutes_record_attendance_votes_and_proposed_levels(seed_docs: SeedDocs) -> None:
    paragraphs, tables = docx_texts(seed_docs.files["minutes.docx"])
    m = seed_docs.facts["meeting"]
    text = "\n".join(paragraphs)
    assert "BIÊN BẢN" in paragraphs
    absent = m["total"] - m["present"] - m["excused"]
    assert (
        f"Tổng số đảng viên được triệu tập: {m['total']}; có mặt: {m['present']}; "
        f"vắng có lý do: {m['excused']}; vắng không có lý do: {absent}." in text
    )
    summary = next(t for t in tables if t[0][:2] == ["TT", "Họ và tên / tập thể"])
    assert len(summary) == len(m["items"]) + 1
    for row, (name, result, proposed) in zip(summary[1:], m["items"], strict=True):
        assert row[1] == name
        assert row[2:6] == [str(result.get(lv, 0)) for lv in LABELS]
        assert row[6] == (LABELS[proposed] if proposed else "")


def test_opinion_summary_has_one_row_per_member_and_one_column_per_source(seed_docs: SeedDocs) -> None:
    _, tables = docx_texts(seed_docs.files["feedback.docx"])
    table = next(t for t in tables if t[0][0] == "TT")
    assert table[0][3:5] == ["Chi ủy", "Chi ủy, chi bộ nơi cư trú"]
    assert table[0][-2:] == ["Tự nhận", "Chi bộ đề xuất"]
    assert len(table) - 1 == seed_docs.facts["feedback_rows"]
    assert all(len(row) == len(table[0]) for row in table)


def test_member_form_is_prefilled_from_the_review(seed_docs: SeedDocs) -> None:
    paragraphs, tables = docx_texts(seed_docs.files["form.docx"])
    fact = seed_docs.facts["member"]
    text = "\n".join(paragraphs)
    assert "Mẫu 02-HD KĐ.ĐG 2019" in paragraphs[0]
    assert "BẢN KIỂM ĐIỂM CÁ NHÂN" in paragraphs
    assert f"Họ và tên: {fact['name']}" in text and f"Chi bộ: {fact['cell']}" in text
    assert fact["strengths"] in text
    levels = next(t for t in tables if t[0][0] == "Mức xếp loại")
    assert [row[0] for row in levels[1:] if row[1] == "X"] == [LABELS[fact["self_level"]]]
    assert "ĐẢNG BỘ PHƯỜNG THƯỢNG THANH" in tables[0][0][0]
    assert "(A4)" in pdf_info(seed_docs.files["form.pdf"])["Page size"]
    assert fact["name"] in pdf_text(seed_docs.files["form.pdf"])


def test_plan_and_decision_pages_are_rendered_to_png_artifacts(seed_docs: SeedDocs) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name in ("plan", "decision"):
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", str(seed_docs.files[f"{name}.pdf"]), str(ARTIFACTS / name)],
            check=True,
        )
        shutil.copy(seed_docs.files[f"{name}.pdf"], ARTIFACTS / f"{name}.pdf")
    pages = sorted(ARTIFACTS.glob("plan-*.png")) + sorted(ARTIFACTS.glob("decision-*.png"))
    assert len(pages) >= 3 and all(p.stat().st_size > 10_000 for p in pages)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.browser  # required in CI (KIEMDIEM_REQUIRE_BROWSER=1), like the browser tests
@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
)
def test_libreoffice_opens_the_plan_forms_minutes_decision_and_statistics(  # type: ignore[no-untyped-def]
    seed_docs: SeedDocs, tmp_path
) -> None:
    statistics = seed_docs.files["statistics.xlsx"]
    profile = tmp_path / "profile"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(seed_docs.files["plan.docx"]),
            str(seed_docs.files["decision.docx"]),
            str(seed_docs.files["form.docx"]),
            str(seed_docs.files["minutes.docx"]),
            str(statistics),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    plan_text = " ".join(pdf_text(tmp_path / "plan.pdf").split())
    assert "Số 07-KH/ĐU" in plan_text and "Thượng Thanh, ngày 18 tháng 11 năm 2020" in plan_text
    assert "(A4)" in pdf_info(tmp_path / "plan.pdf")["Page size"]
    decision_text = " ".join(pdf_text(tmp_path / "decision.pdf").split())
    assert "Số 15-QĐ/ĐU" in decision_text and "HOÀN THÀNH TỐT NHIỆM VỤ" in decision_text
    form_text = " ".join(pdf_text(tmp_path / "form.pdf").split())
    assert seed_docs.facts["member"]["name"] in form_text and "BẢN KIỂM ĐIỂM" in form_text
    minutes_text = " ".join(pdf_text(tmp_path / "minutes.pdf").split())
    assert "BIÊN BẢN" in minutes_text
    statistics_text = " ".join(pdf_text(tmp_path / "statistics.pdf").split())
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in statistics_text and "Đảng bộ phường Thượng Thanh" in statistics_text


def _letters(text: str) -> str:
    """The text without spacing, line breaks, bullets and fill lines (dots, dashes): what a reader reads."""
    return re.sub(r"[\s…]+|\.{2,}", "", re.sub(r"(?<!\S)-+|-+(?!\S)", " ", text))


@pytest.mark.parametrize("name", ["plan", "decision", "form"])
def test_the_docx_and_the_pdf_of_a_document_say_the_same_words(seed_docs: SeedDocs, name: str) -> None:
    """The DOCX template and the PDF's HTML template are two sources of one wording: every paragraph
    of the DOCX reads the same in the PDF (tables aside, where columns interleave in the PDF's text)."""
    paragraphs, _ = docx_texts(seed_docs.files[f"{name}.docx"])
    pdf = _letters(pdf_text(seed_docs.files[f"{name}.pdf"]))
    missing = [p for p in paragraphs if _letters(p) and _letters(p) not in pdf]
    assert not missing, f"{name}: in the DOCX, not in the PDF: {missing[:5]}"
