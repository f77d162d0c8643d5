from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kiemdiem.reviews.models import Evidence
from kiemdiem.reviews.services import get_or_create_review
from kiemdiem.web.forms_reviews import MAX_EVIDENCE_BYTES

from .conftest import subject_of

PDF = b"%PDF-1.4\n% minh chung\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, review, name="bao-cao.pdf", content=PDF, description="Báo cáo kết quả công tác"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/kiem-diem/ban/{review.pk}/minh-chung/",
        {"file": SimpleUploadedFile(name, content), "description": description},
        follow=True,
    )


def test_member_uploads_and_downloads_evidence_through_the_scoped_view(ward, live, login):
    review = get_or_create_review(subject_of(live, ward.members["an"]))
    client = login("member")
    body = _upload(client, review).content.decode()
    assert "Đã tải lên minh chứng." in body
    evidence = Evidence.objects.get(review=review)
    assert evidence.file.name.startswith(f"minh-chung/{live.pk}/{review.pk}/")
    response = client.get(f"/minh-chung/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="bao-cao.pdf"' in response["Content-Disposition"]
    # the secretary of the cell and the office may download it too
    assert login("secretary").get(f"/minh-chung/{evidence.pk}/").status_code == 200
    assert login("office").get(f"/minh-chung/{evidence.pk}/").status_code == 200


def test_evidence_download_is_denied_outside_the_scope(ward, live, login):
    review = get_or_create_review(subject_of(live, ward.members["an"]))
    _upload(login("member"), review)
    evidence = Evidence.objects.get()
    review_dung = get_or_create_review(subject_of(live, ward.members["dung"]))
    assert review_dung.pk  # another member of another cell
    for user in ("residence", "other_office"):
        assert login(user).get(f"/minh-chung/{evidence.pk}/").status_code == 404
    from ..factories import make_user

    make_user("dung", member=ward.members["dung"])
    assert login("dung").get(f"/minh-chung/{evidence.pk}/").status_code == 404
    assert login("dung").post(f"/minh-chung/{evidence.pk}/xoa/").status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG."),
        ("gia-mao.pdf", b"MZ\x90\x00 not a pdf", "Nội dung tệp không đúng định dạng"),
        ("lon.pdf", PDF + b"0" * MAX_EVIDENCE_BYTES, "Tệp vượt quá 10 MB."),
    ],
)
def test_bad_files_are_refused_with_vietnamese_messages(ward, live, login, name, content, message):
    review = get_or_create_review(subject_of(live, ward.members["an"]))
    body = _upload(login("member"), review, name=name, content=content).content.decode()
    assert message in body
    assert not Evidence.objects.exists()


def test_only_editors_upload_and_delete(ward, live, login):
    review = get_or_create_review(subject_of(live, ward.members["an"]))
    assert _upload(login("standing"), review).status_code == 403
    _upload(login("member"), review)
    evidence = Evidence.objects.get()
    assert login("standing").post(f"/minh-chung/{evidence.pk}/xoa/").status_code == 403
    login("member").post(f"/minh-chung/{evidence.pk}/xoa/")
    assert not Evidence.objects.exists()
