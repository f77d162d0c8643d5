"""Downloads from the "Văn bản, biểu mẫu" page, per role: who may download which document.

office and standing committee: everything; the cell secretary (binh, cell A): cell A's documents and
its members' forms; the member (an): the plan, blank forms, his own form and his published result
notice; the residence secretary, the higher level and another ward's office: no form, no notice.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kiemdiem.decisions.models import Decision, DecisionEntry, Reclassification
from kiemdiem.plans.models import SubjectKind
from kiemdiem.reviews.models import Meeting

from ..decisions.conftest import cycle, plan  # noqa: F401  (fixtures)
from .conftest import docx_texts, pdf_info, pdf_text

ROLES = ("office", "standing", "secretary", "member", "residence", "higher", "other_office")


@pytest.fixture
def docs(ward, cycle):  # type: ignore[no-untyped-def]  # noqa: F811
    """The cycle with a published decision: an HTTNV, binh re-classified to HTNV, cuong HTTNV."""
    decision = Decision.objects.create(plan=cycle, number="15-QĐ/ĐU", date=dt.date(2020, 12, 3))
    now = timezone.now()
    entries = {}
    for key in ("an", "binh", "cuong"):
        subject = cycle.subjects.get(member=ward.members[key])
        entries[key] = DecisionEntry.objects.create(
            decision=decision, subject=subject, proposed_level="HTTNV", level="HTTNV", published_at=now
        )
    Reclassification.objects.create(
        entry=entries["binh"], old_level="HTTNV", new_level="HTNV", reason="Phát hiện vi phạm sau khi xếp loại.",
        number="20-QĐ/ĐU", date=dt.date(2021, 3, 1),
    )  # fmt: skip
    subject = {k: cycle.subjects.get(member=m) for k, m in ward.members.items() if k != "xa"}
    return {
        "plan": cycle,
        "decision": decision,
        "subject": subject,
        "cell_a": cycle.subjects.get(kind=SubjectKind.CELL, organization=ward.cell_a),
        "cell_b": cycle.subjects.get(kind=SubjectKind.CELL, organization=ward.cell_b),
        "meeting_a": Meeting.objects.get(plan=cycle, organization=ward.cell_a),
        "meeting_b": Meeting.objects.get(plan=cycle, organization=ward.cell_b),
    }


def _urls(d, ward) -> dict[str, str]:  # type: ignore[no-untyped-def]
    p = d["plan"].pk
    return {
        "page": reverse("plan_documents", args=[p]),
        "plan": reverse("plan_document", args=[p, "ke-hoach", "docx"]),
        "blank": reverse("plan_document", args=[p, "mau-trang", "pdf"]) + "?loai=member",
        "feedback_all": reverse("plan_document", args=[p, "tong-hop-y-kien", "docx"]),
        "feedback_a": reverse("plan_document", args=[p, "tong-hop-y-kien", "docx"])
        + f"?chi_bo={ward.cell_a.pk}",
        "feedback_b": reverse("plan_document", args=[p, "tong-hop-y-kien", "docx"])
        + f"?chi_bo={ward.cell_b.pk}",
        "checklist_a": reverse("plan_document", args=[p, "danh-muc-ho-so", "docx"])
        + f"?chi_bo={ward.cell_a.pk}",
        "decision": reverse("decision_document", args=[d["decision"].pk, "docx"]),
        "minutes_a": reverse("meeting_document", args=[d["meeting_a"].pk, "docx"]),
        "minutes_b": reverse("meeting_document", args=[d["meeting_b"].pk, "docx"]),
        "report_a": reverse("subject_document", args=[d["cell_a"].pk, "ban-kiem-diem", "docx"]),
        "form_an": reverse("subject_document", args=[d["subject"]["an"].pk, "ban-kiem-diem", "docx"]),
        "form_cuong": reverse("subject_document", args=[d["subject"]["cuong"].pk, "ban-kiem-diem", "docx"]),
        "notice_an": reverse("subject_document", args=[d["subject"]["an"].pk, "thong-bao", "pdf"]),
        "notice_binh": reverse("subject_document", args=[d["subject"]["binh"].pk, "thong-bao", "pdf"]),
        "reclassify_binh": reverse(
            "subject_document", args=[d["subject"]["binh"].pk, "xep-loai-lai", "docx"]
        ),
    }


ALLOWED = {
    "office": "all",
    "standing": "all",
    # The secretary is binh: her own result notice too.
    "secretary": {
        "page",
        "plan",
        "blank",
        "feedback_a",
        "checklist_a",
        "minutes_a",
        "report_a",
        "form_an",
        "notice_binh",
    },
    "member": {"page", "plan", "blank", "form_an", "notice_an"},
    "residence": {"page", "plan", "blank"},
    "higher": {"page", "plan", "blank"},
    "other_office": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_downloads_only_within_its_scope(role, ward, docs, login) -> None:  # type: ignore[no-untyped-def]
    client = login(role)
    allowed = ALLOWED[role]
    for name, url in _urls(docs, ward).items():
        response = client.get(url)
        ok = allowed == "all" or name in allowed
        if ok:
            assert response.status_code == 200, (role, name, response.status_code)
        else:
            assert response.status_code in (403, 404), (role, name, response.status_code)


def test_anonymous_users_are_sent_to_login(client, docs, ward) -> None:  # type: ignore[no-untyped-def]
    for url in _urls(docs, ward).values():
        response = client.get(url)
        assert response.status_code == 302


def test_the_page_lists_only_what_the_secretary_may_download(ward, docs, login) -> None:  # type: ignore[no-untyped-def]
    page = login("secretary").get(reverse("plan_documents", args=[docs["plan"].pk])).content.decode()
    assert "Chi bộ Tổ dân phố số 1" in page and "Nguyễn Văn An" in page
    assert "Lê Văn Cường" not in page and "Chi bộ Cơ quan UBND phường" not in page
    assert reverse("decision_document", args=[docs["decision"].pk, "docx"]) not in page


def test_the_page_gives_the_member_his_form_and_notice(ward, docs, login) -> None:  # type: ignore[no-untyped-def]
    page = login("member").get(reverse("plan_documents", args=[docs["plan"].pk])).content.decode()
    assert reverse("subject_document", args=[docs["subject"]["an"].pk, "ban-kiem-diem", "docx"]) in page
    assert reverse("subject_document", args=[docs["subject"]["an"].pk, "thong-bao", "pdf"]) in page
    assert "Trần Thị Bình" not in page


def test_the_office_page_links_every_document(ward, docs, login) -> None:  # type: ignore[no-untyped-def]
    page = login("office").get(
        reverse("plan_documents", args=[docs["plan"].pk]) + f"?chi_bo={ward.cell_b.pk}"
    )
    html = page.content.decode()
    for name in (
        "plan",
        "feedback_all",
        "decision",
        "minutes_a",
        "minutes_b",
        "report_a",
        "form_cuong",
        "reclassify_binh",
    ):
        assert _urls(docs, ward)[name].replace("&", "&amp;") in html, name


def test_downloaded_files_carry_the_data(ward, docs, login) -> None:  # type: ignore[no-untyped-def]
    client = login("office")
    urls = _urls(docs, ward)
    response = client.get(urls["form_an"])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="ban-kiem-diem-nguyen-van-an-2020.docx"' in response["Content-Disposition"]
    paragraphs, _ = docx_texts(b"".join(response.streaming_content))
    assert "Họ và tên: Nguyễn Văn An        Ngày sinh: 17/05/1970" in paragraphs
    notice = b"".join(client.get(urls["notice_binh"]).streaming_content)
    text = " ".join(pdf_text(notice).split())
    assert "Trần Thị Bình" in text and "được xếp loại: Hoàn thành nhiệm vụ" in text
    assert "(A4)" in pdf_info(notice)["Page size"]
    paragraphs, _ = docx_texts(b"".join(client.get(urls["reclassify_binh"]).streaming_content))
    text = "\n".join(paragraphs)
    assert "từ mức “Hoàn thành tốt nhiệm vụ” thành mức “Hoàn thành nhiệm vụ”" in text
    blank = b"".join(client.get(urls["blank"]).streaming_content)
    assert "BẢN KIỂM ĐIỂM CÁ NHÂN" in pdf_text(blank)


def test_unknown_format_or_kind_is_not_found(ward, docs, login) -> None:  # type: ignore[no-untyped-def]
    client = login("office")
    p = docs["plan"].pk
    assert client.get(reverse("plan_document", args=[p, "ke-hoach", "odt"])).status_code == 404
    assert client.get(reverse("plan_document", args=[p, "khong-co", "pdf"])).status_code == 404
    assert client.get(reverse("plan_document", args=[p, "mau-trang", "pdf"]) + "?loai=x").status_code == 404
