from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.decisions.services import Choice, decide, publish_results
from kiemdiem.plans.models import RemediationItem
from kiemdiem.reviews.models import Review

from .conftest import subject_of

D = dt.date
ITEM = {
    "shortcoming": "Chưa tham gia đầy đủ sinh hoạt chi bộ",
    "action": "Tham gia đầy đủ các kỳ sinh hoạt",
    "owner": "Đồng chí Nguyễn Văn An",
    "due_date": "30/06/2021",
    "status": "chua_khac_phuc",
    "progress_note": "",
}


@pytest.fixture
def an(ward, live):  # type: ignore[no-untyped-def]
    subject = subject_of(live, ward.members["an"])
    Review.objects.filter(subject=subject).update(shortcomings="Có lúc chưa tham gia sinh hoạt đầy đủ")
    return subject


@pytest.fixture
def item(an):  # type: ignore[no-untyped-def]
    return RemediationItem.objects.create(
        subject=an,
        shortcoming=ITEM["shortcoming"],
        action=ITEM["action"],
        owner=ITEM["owner"],
        due_date=D(2021, 6, 30),
    )


def _subject_url(subject) -> str:  # type: ignore[no-untyped-def]
    return reverse("remediation_subject", args=[subject.pk])


def test_the_list_shows_subjects_with_shortcomings(ward, live, an, login):
    html = login("office").get(reverse("remediation_list", args=[live.pk])).content.decode()
    assert ward.members["an"].full_name in html
    assert ward.members["dung"].full_name not in html  # no shortcoming, no item
    everyone = login("office").get(reverse("remediation_list", args=[live.pk]) + "?tat_ca=1")
    assert ward.members["dung"].full_name in everyone.content.decode()


@pytest.mark.parametrize("role", ["office", "secretary"])
def test_the_office_and_the_cells_secretary_add_an_item(ward, an, login, role):
    response = login(role).post(_subject_url(an), ITEM)
    assert response.status_code == 302
    item = RemediationItem.objects.get(subject=an)
    assert item.due_date == D(2021, 6, 30) and item.owner == ITEM["owner"]


def test_an_item_needs_its_fields_in_vietnamese(an, login):
    response = login("office").post(_subject_url(an), {**ITEM, "action": "", "due_date": "2021-06-30"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Cần ghi biện pháp khắc phục." in html and "dd/mm/yyyy" in html
    assert not RemediationItem.objects.exists()


def test_the_secretary_edits_the_status_and_progress(item, login):
    client = login("secretary")
    form = client.get(reverse("remediation_edit", args=[item.pk])).context["form"]
    response = client.post(
        reverse("remediation_edit", args=[item.pk]),
        {
            **ITEM,
            "status": "da_khac_phuc",
            "progress_note": "Đã tham gia đủ 6 kỳ",
            "stamp": form.initial["stamp"],
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "da_khac_phuc" and item.progress_note == "Đã tham gia đủ 6 kỳ"


def test_a_save_over_someone_elses_newer_edit_is_refused(item, login):
    client = login("office")
    stamp = client.get(reverse("remediation_edit", args=[item.pk])).context["form"].initial["stamp"]
    first = client.post(
        reverse("remediation_edit", args=[item.pk]), {**ITEM, "owner": "Chi ủy", "stamp": stamp}
    )
    assert first.status_code == 302
    second = client.post(
        reverse("remediation_edit", args=[item.pk]), {**ITEM, "owner": "Bí thư", "stamp": stamp}
    )
    assert second.status_code == 400 and "vừa được người khác sửa" in second.content.decode()
    item.refresh_from_db()
    assert item.owner == "Chi ủy"


def test_done_needs_the_result(item, login):
    client = login("office")
    stamp = client.get(reverse("remediation_edit", args=[item.pk])).context["form"].initial["stamp"]
    response = client.post(
        reverse("remediation_edit", args=[item.pk]), {**ITEM, "status": "da_khac_phuc", "stamp": stamp}
    )
    assert response.status_code == 400 and "cần ghi kết quả khắc phục" in response.content.decode()


def test_the_secretary_of_another_cell_may_not_see_or_edit(ward, live, login):
    dung = subject_of(live, ward.members["dung"])  # cell B; the secretary is cell A's
    client = login("secretary")
    assert client.get(_subject_url(dung)).status_code == 403
    assert client.post(_subject_url(dung), ITEM).status_code == 403
    assert not RemediationItem.objects.exists()


def test_the_member_sees_own_items_read_only(ward, item, login):
    client = login("member")  # An
    html = client.get(_subject_url(item.subject)).content.decode()
    assert ITEM["shortcoming"] in html and "Chỉ xem" in html and 'name="shortcoming"' not in html
    assert client.post(_subject_url(item.subject), ITEM).status_code == 403
    assert client.get(reverse("remediation_edit", args=[item.pk])).status_code == 403
    assert client.post(reverse("remediation_delete", args=[item.pk])).status_code == 403
    assert RemediationItem.objects.count() == 1


def test_the_member_does_not_see_another_members_plan(ward, live, login):
    binh = subject_of(live, ward.members["binh"])
    assert login("member").get(_subject_url(binh)).status_code == 403


@pytest.mark.parametrize("role", ["standing", "higher"])
def test_standing_committee_and_higher_level_read_only(item, login, role):
    client = login(role)
    html = client.get(_subject_url(item.subject)).content.decode()
    assert ITEM["shortcoming"] in html and "Chỉ xem" in html
    assert client.post(_subject_url(item.subject), ITEM).status_code == 403


def test_the_residence_secretary_has_no_remediation_list(live, login):
    assert login("residence").get(reverse("remediation_list", args=[live.pk])).status_code == 403


def test_the_office_deletes_a_mistaken_item(item, login):
    response = login("office").post(reverse("remediation_delete", args=[item.pk]))
    assert response.status_code == 302 and not RemediationItem.objects.exists()


def test_my_results_show_the_published_level_and_own_tasks(ward, live, item, login):
    decision = live.decisions.create(number="15-QĐ/ĐU", date=D(2020, 12, 3))
    decide(decision, [Choice(item.subject, "HTTNV")], ward.users["standing"])
    client = login("member")
    before = client.get(reverse("my_results")).content.decode()
    assert "Chưa có kết quả nào được công bố" in before and ITEM["shortcoming"] in before
    publish_results(live, ward.users["standing"])
    after = client.get(reverse("my_results")).content.decode()
    assert "HTTNV" in after and "15-QĐ/ĐU" in after


def test_my_results_never_show_someone_elses(ward, live, login):
    decision = live.decisions.create(number="15-QĐ/ĐU", date=D(2020, 12, 3))
    binh = subject_of(live, ward.members["binh"])
    decide(decision, [Choice(binh, "HTTNV")], ward.users["standing"])
    publish_results(live, ward.users["standing"])
    assert DecisionEntry.objects.filter(published_at__isnull=False).count() == 1
    html = login("member").get(reverse("my_results")).content.decode()
    assert "15-QĐ/ĐU" not in html


def test_an_item_marked_done_needs_its_result(item, login):
    client = login("secretary")
    stamp = client.get(reverse("remediation_edit", args=[item.pk])).context["form"].initial["stamp"]
    response = client.post(
        reverse("remediation_edit", args=[item.pk]),
        {**ITEM, "status": "da_khac_phuc", "progress_note": " ", "stamp": stamp},
    )
    assert response.status_code == 400 and "Đã khắc phục: cần ghi kết quả khắc phục." in response.content.decode()
    item.refresh_from_db()
    assert item.status != "da_khac_phuc"
