"""The /du-lieu/ pages: office only, check then import, progress, downloads within the scope."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kiemdiem.lib.spreadsheets import GUIDE_SHEET
from kiemdiem.members.importing import MEMBER_COLUMNS
from kiemdiem.members.models import Member
from kiemdiem.members.organization_import import ORG_COLUMNS
from kiemdiem.organizations.models import Organization

from .helpers import member_row, org_row, snapshot, xlsx

URL_NAMES = ("import_export", "import_check", "import_commit", "import_progress", "member_export",
             "member_template", "organization_template")  # fmt: skip


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path


def _upload(client, rows, kind: str = "members", header=MEMBER_COLUMNS, name: str = "dang_vien.xlsx"):  # type: ignore[no-untyped-def]
    f = SimpleUploadedFile(name, xlsx(rows, header=header).getvalue())
    return client.post(reverse("import_check"), {"loai": kind, "tep": f})


@pytest.mark.parametrize("username", ["standing", "secretary", "member", "residence", "higher"])
@pytest.mark.parametrize("name", URL_NAMES)
def test_roles_other_than_the_office_get_403(ward, login, username, name):
    client = login(username)
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_users_are_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_offers_templates_upload_and_export(ward, login):
    body = login("office").get(reverse("import_export")).content.decode()
    for text in ("Mẫu nhập đảng viên", "Mẫu nhập tổ chức đảng", "Kiểm tra", "Xuất", "data.js"):
        assert text in body
    assert "Chi bộ Tổ dân phố số 1 Giang Biên" not in body


def test_check_then_import(ward, login):
    client = login("office")
    before = snapshot()
    response = _upload(client, [member_row(), ward_member_row(ward)])
    assert response.status_code == 302
    body = client.get(reverse("import_export")).content.decode()
    assert "Không có lỗi trong 2 dòng" in body and "Thêm mới" in body and "Chuyển sinh hoạt" in body
    assert "Nhập dữ liệu" in body
    assert snapshot() == before  # the check writes nothing

    response = client.post(reverse("import_commit"), {"nhap": "1"})
    assert response.status_code == 302
    body = client.get(reverse("import_export")).content.decode()
    assert "Đã nhập xong 2 dòng" in body
    assert Member.objects.get(card_number="01234567").cell == ward.cell_a
    assert Member.objects.get(pk=ward.members["an"].pk).cell == ward.cell_b
    # Nothing left to import twice.
    assert "Nhập dữ liệu</button>" not in body
    response = client.post(reverse("import_commit"), {"nhap": "1"})
    assert "chưa qua bước kiểm tra" in response.content.decode()


def ward_member_row(ward) -> list[object]:  # type: ignore[no-untyped-def]
    from kiemdiem.members.exporting import member_values

    values = member_values(ward.members["an"])
    values[MEMBER_COLUMNS.index("Mã chi bộ")] = "TT-UBND"
    return values


def test_errors_are_listed_by_row_and_column_and_cannot_be_imported(ward, login):
    client = login("office")
    before = snapshot()
    _upload(client, [member_row(), member_row(**{"Số thẻ đảng viên": "12", "Ngày sinh": "", "Số CCCD": ""})])
    body = client.get(reverse("import_export")).content.decode()
    assert "Có 2 lỗi" in body and "Số thẻ đảng viên" in body and "Ngày sinh" in body
    assert "Nhập dữ liệu</button>" not in body
    response = client.post(reverse("import_commit"), {"nhap": "1"})
    assert "còn lỗi" in response.content.decode()
    assert snapshot() == before


def test_the_other_wards_office_cannot_import_into_this_wards_cells(ward, login):
    client = login("other_office")
    _upload(client, [member_row()])
    body = client.get(reverse("import_export")).content.decode()
    assert "ngoài phạm vi quản lý" in body
    assert not Member.objects.filter(card_number="01234567").exists()


def test_cancel_discards_the_checked_file(ward, login):
    client = login("office")
    _upload(client, [member_row()])
    client.post(reverse("import_commit"), {"huy": "1"})
    assert not Member.objects.filter(card_number="01234567").exists()
    assert "Nhập dữ liệu</button>" not in client.get(reverse("import_export")).content.decode()


def test_organizations_are_imported_from_the_page(ward, login):
    client = login("office")
    _upload(client, [org_row()], kind="organizations", header=ORG_COLUMNS)
    client.post(reverse("import_commit"), {"nhap": "1"})
    assert Organization.objects.get(code="TT-TDP30").parent == ward.ward


def test_files_other_than_xlsx_or_csv_are_refused(ward, login):
    client = login("office")
    f = SimpleUploadedFile("dang_vien.xls", b"\xd0\xcf\x11\xe0 old excel")
    body = client.post(reverse("import_check"), {"loai": "members", "tep": f}).content.decode()
    assert "Chỉ nhận tệp Excel .xlsx hoặc tệp .csv" in body


def test_files_over_the_limit_are_refused(ward, login, monkeypatch, settings):
    from kiemdiem.lib import spreadsheets as importing

    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 1000)
    client = login("office")
    f = SimpleUploadedFile("dang_vien.csv", b"x" * 1001)
    body = client.post(reverse("import_check"), {"loai": "members", "tep": f}).content.decode()
    assert "Tệp quá lớn" in body
    assert not list(settings.DATA_DIR.glob("imports/*.csv"))


def test_the_20_mb_limit_is_the_default():
    from kiemdiem.lib.spreadsheets import MAX_FILE_BYTES, FileRejected, check_upload

    assert MAX_FILE_BYTES == 20 * 1024 * 1024
    with pytest.raises(FileRejected, match="20 MB"):
        check_upload("a.xlsx", 20 * 1024 * 1024 + 1)
    check_upload("a.xlsx", 20 * 1024 * 1024)


def test_templates_download_with_a_guide_sheet(ward, login):
    client = login("office")
    for name, header in (("member_template", MEMBER_COLUMNS), ("organization_template", ORG_COLUMNS)):
        response = client.get(reverse(name))
        assert response.status_code == 200
        wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert tuple(next(wb.worksheets[0].iter_rows(values_only=True))) == header
        assert GUIDE_SHEET in wb.sheetnames


def _exported_names(response) -> set[str]:  # type: ignore[no-untyped-def]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return {r[1] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)}


def test_export_stays_within_the_scope_and_filters_by_cell(ward, login):
    client = login("office")
    assert _exported_names(client.get(reverse("member_export"))) == {
        "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung",
    }  # fmt: skip
    response = client.get(reverse("member_export"), {"chi_bo": ward.cell_b.pk})
    assert _exported_names(response) == {"Lê Văn Cường", "Phạm Thị Dung"}
    assert client.get(reverse("member_export"), {"chi_bo": ward.other_cell.pk}).status_code == 404
    csv = b"".join(client.get(reverse("member_export"), {"dinh_dang": "csv"}).streaming_content).decode(
        "utf-8-sig"
    )
    assert "Nguyễn Văn An" in csv and "Hoàng Văn Xa" not in csv


@pytest.mark.django_db(transaction=True)
def test_large_files_run_in_the_background_with_progress(login, monkeypatch, settings):
    from kiemdiem.web import views_data

    from ..factories import make_ward

    make_ward()
    monkeypatch.setattr(views_data, "BACKGROUND_BYTES", 0)
    client = login("office")
    rows = [member_row(**{"Số thẻ đảng viên": f"0{1234567 + i:07d}", "Số CCCD": ""}) for i in range(300)]
    _upload(client, rows)
    seen = []
    for _ in range(200):
        state = client.get(reverse("import_progress")).json()
        seen.append(state)
        if state["status"] == "done":
            break
        time.sleep(0.05)
    assert seen[-1]["status"] == "done" and seen[-1]["total"] == 300, seen[-1]
    assert "Không có lỗi trong 300 dòng" in client.get(reverse("import_export")).content.decode()
    client.post(reverse("import_commit"), {"nhap": "1"})
    for _ in range(400):
        if client.get(reverse("import_progress")).json()["status"] == "done":
            break
        time.sleep(0.05)
    assert Member.objects.filter(card_number__startswith="01").count() == 300
