"""The demo as each role finds it on 26/11/2020, mid-campaign: everyone can still do his/her part."""

from __future__ import annotations

import datetime as dt

import pytest

from kiemdiem.accounts.models import User
from kiemdiem.demo import scenario, seed
from kiemdiem.plans.models import Plan
from kiemdiem.reviews.models import Review, ReviewStatus


@pytest.fixture
def demo(db, settings):
    seed.load()
    scenario.load()
    settings.KIEMDIEM_TODAY = dt.date(2020, 11, 26)
    return Plan.objects.get(number="07-KH/ĐU")


def _client(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_the_member_writes_and_submits_the_self_review(demo, client):
    c = _client(client, "dangvien")
    tasks = c.get("/viec-cua-toi/").content.decode()
    assert "Viết bản kiểm điểm" in tasks and "27/11/2020" in tasks
    subject = demo.subjects.get(member=User.objects.get(username="dangvien").member)
    page = c.get(f"/kiem-diem/{subject.pk}/")
    assert page.status_code == 200
    review = Review.objects.get(subject=subject)
    data = {
        "version": review.version,
        "strengths": "Tham gia đầy đủ sinh hoạt chi bộ.",
        "self_level": "HTTNV",
        "section_1": "Giữ vững lập trường.",
        "action": "submit",
    }
    for c_ in demo.framework().criteria[subject.kind].criteria:
        data[f"grade_{c_.id}"] = "tot"
    c.post(f"/kiem-diem/{subject.pk}/", data)
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_the_roles_find_their_work(demo, client):
    assert (
        "Mở hội nghị kiểm điểm"
        in _client(client, "bithu.tdp1")
        .get(
            f"/ke-hoach/{demo.pk}/chi-bo/{User.objects.get(username='bithu.tdp1').roles.get(role='bi_thu_chi_bo').organization_id}/"
        )
        .content.decode()
    )
    assert "Chi ủy, chi bộ nơi cư trú" in _client(client, "cutru.tdp2").get("/y-kien/").content.decode()
    progress = _client(client, "vanphong").get(f"/ke-hoach/{demo.pk}/tien-do/").content.decode()
    assert "26/11/2020" in progress or "Tiến độ" in progress
    assert _client(client, "thuongvu").get(f"/ke-hoach/{demo.pk}/quyet-dinh/").status_code == 200
    assert _client(client, "captren").get(f"/ke-hoach/{demo.pk}/tien-do/").status_code == 200


def test_mid_campaign_some_cells_finished_some_late_some_in_progress(demo):
    from kiemdiem.reports.progress import progress

    rows = {r["cell"].code: {s["code"]: s["state"] for s in r["steps"]} for r in progress(demo)}
    assert rows["TT-TDP03"]["hoi_nghi"] == "done"  # finished
    assert rows["TT-TDP01"]["bao_cao_tap_the"] == "done" and rows["TT-TDP01"]["ban_kiem_diem"] == "open"
    assert rows["TT-TDP11"]["bao_cao_tap_the"] == "late"  # the report was due 24/11/2020
