from __future__ import annotations

import time

import pytest
from django.core.management import call_command

from kiemdiem.accounts.models import User
from kiemdiem.demo import seed
from kiemdiem.members.models import ActivityStatus, Member, Position
from kiemdiem.organizations.models import Organization, OrgKind


@pytest.fixture
def loaded(db):
    started = time.perf_counter()
    logins = seed.load()
    return logins, time.perf_counter() - started


def test_seed_ward_is_realistic_and_fast(loaded):
    logins, seconds = loaded
    assert seconds < 10
    ward = Organization.objects.get(code=seed.WARD_CODE)
    assert ward.kind == OrgKind.GRASSROOTS_COMMITTEE and ward.name == "Đảng bộ phường Thượng Thanh"
    assert ward.parent_on(seed.MERGE_DAY.replace(year=2020)).name == "Đảng bộ quận Long Biên"
    cells = Organization.objects.filter(parent=ward, active_to__isnull=True)
    assert 23 <= cells.count() <= 27
    assert set(cells.values_list("category", flat=True)) >= {
        "khu_dan_cu",
        "truong_hoc",
        "co_quan",
        "luc_luong_vu_trang",
        "doanh_nghiep",
    }
    members = Member.objects.all()
    assert 1100 <= members.count() <= 1300
    assert members.filter(official_on__isnull=True).count() > 10
    exempt = members.filter(activity_status=ActivityStatus.EXEMPT)
    assert exempt.count() > 10 and not exempt.filter(activity_status_reason="").exists()
    assert members.filter(activity_status=ActivityStatus.SUSPENDED).count() == 1
    assert members.filter(gender="nu").count() > 400
    titles = set(Position.objects.values_list("title", flat=True))
    assert {
        "Bí thư Đảng ủy",
        "Phó Bí thư Thường trực Đảng ủy",
        "Chủ tịch HĐND phường",
        "Chủ tịch UBND phường",
    } <= titles
    assert set(logins.values()) == set(seed.DEMO_LOGINS.values())
    assert User.objects.filter(username__in=logins.values()).count() == len(logins)


def test_seed_is_deterministic(transactional_db):
    seed.load(7)
    first = list(
        Member.objects.order_by("card_number").values_list("card_number", "full_name", "date_of_birth")[:50]
    )
    call_command("flush", interactive=False, verbosity=0)
    seed.load(7)
    again = list(
        Member.objects.order_by("card_number").values_list("card_number", "full_name", "date_of_birth")[:50]
    )
    assert first == again


def test_seed_keeps_the_2025_merge_history(loaded):
    old = Organization.objects.get(code="TT-TDP20")
    assert old.active_to is not None
    assert Member.objects.in_cell_on(old, seed.MERGE_DAY.replace(year=2020)).exists()
    assert not Member.objects.in_cell_on(old, seed.MERGE_DAY).exists()


def test_demo_command_is_idempotent_and_reset_starts_over(transactional_db, capsys):
    call_command("demo", "--no-serve")
    count = Member.objects.count()
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "đã có sẵn" in out and Member.objects.count() == count
    assert "vanphong" in out and "http://127.0.0.1:8000/" in out
    call_command("demo", "--no-serve", "--reset")
    assert Member.objects.count() == count


@pytest.mark.parametrize("username", list(seed.DEMO_LOGINS.values()))
def test_every_demo_login_reaches_the_dashboard_and_member_list(loaded, client, username):
    assert client.login(username=username, password=seed.DEMO_PASSWORD)
    assert client.get("/").status_code == 200
    body = client.get("/dang-vien/").content.decode()
    assert "đảng viên" in body
