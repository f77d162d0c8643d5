"""The pages of the deadline rush (bench/load): same behaviour, and a number of queries that does not
grow with the cell (no query per review) and stays within the budget measured after issue 6 item 3.

The budgets are the counts on the test database with database sessions (one query for the session;
with REDIS_URL it comes from Redis). A new query on these pages shows up here: raise the budget only
knowing that it costs every member of the rush one round trip more.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kiemdiem.plans.models import PlanSubject, SubjectKind
from kiemdiem.reviews.ballots import open_ballot
from kiemdiem.reviews.models import Review
from kiemdiem.reviews.services import get_or_create_review, save_review

from ..factories import make_member
from .conftest import subject_of, submit_cell_report
from .test_review_form import _form_data

# Queries per request (see the module's docstring).
BUDGET = {
    "my tasks": 11,
    "review form": 10,
    "autosave": 10,
    "submit": 18,
    "ballot page": 7,
    "vote": 12,
}


def _queries(client, method: str, url: str, data=None):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data) if method == "POST" else client.get(url)
    return response, len(ctx.captured_queries)


def _drafts(ward, live, how_many: int) -> None:  # type: ignore[no-untyped-def]
    """``how_many`` more members in cell A with a draft review each."""
    for i in range(how_many):
        m = make_member(ward.cell_a, f"Đỗ Văn Nháp {PlanSubject.objects.count()}-{i}")
        s = PlanSubject.objects.create(
            plan=live, kind=SubjectKind.MEMBER, member=m, cell=ward.cell_a, name=m.full_name
        )
        review = get_or_create_review(s)
        save_review(review, {"strengths": "Đang viết"}, ward.users["secretary"], version=review.version)


def test_the_cell_page_costs_the_same_with_more_drafts_and_shows_their_state(ward, live, login):
    url = f"/ke-hoach/{live.pk}/chi-bo/{ward.cell_a.pk}/"
    _drafts(ward, live, 1)
    client = login("secretary")
    first, one_draft = _queries(client, "GET", url)
    assert first.status_code == 200
    _drafts(ward, live, 4)
    page, five_drafts = _queries(client, "GET", url)
    body = page.content.decode()
    assert five_drafts == one_draft, "a query per draft review"
    assert body.count("Bản nháp") >= 5 and "Quá hạn, đã khóa" not in body
    # Past the cells' deadline the same drafts are shown locked (the plan's steps are still read).
    live.steps.update(due_cells=timezone.localdate() - dt.timedelta(days=1))
    body = client.get(url).content.decode()
    assert body.count("Quá hạn, đã khóa") >= 5


def test_the_members_pages_of_the_rush_stay_within_their_query_budget(ward, live, meeting, login):
    submit_cell_report(live, ward.cell_a, ward.users["secretary"])
    subject = subject_of(live, ward.members["an"])
    item = meeting.items.get(subject__member=ward.members["binh"])
    box = open_ballot(item, ward.users["secretary"])
    client = login("member")
    counts = {}
    response, counts["my tasks"] = _queries(client, "GET", "/viec-cua-toi/")
    assert response.status_code == 200 and f"/phieu/{box.pk}/" in response.content.decode()
    client.get(f"/kiem-diem/{subject.pk}/")  # creates the review
    response, counts["review form"] = _queries(client, "GET", f"/kiem-diem/{subject.pk}/")
    assert response.status_code == 200
    review = Review.objects.get(subject=subject)
    response, counts["autosave"] = _queries(
        client, "POST", f"/kiem-diem/ban/{review.pk}/luu-nhap/", _form_data(review, strengths="Tự lưu")
    )
    assert response.json()["ok"] is True
    review.refresh_from_db()
    response, counts["submit"] = _queries(
        client, "POST", f"/kiem-diem/{subject.pk}/", _form_data(review, action="submit")
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "da_nop" and review.strengths == "Hoàn thành tốt nhiệm vụ được giao"
    response, counts["ballot page"] = _queries(client, "GET", f"/phieu/{box.pk}/")
    assert response.status_code == 200
    response, counts["vote"] = _queries(client, "POST", f"/phieu/{box.pk}/", {"level": "HTTNV"})
    assert response.status_code == 200 and "Mã biên nhận" in response.content.decode()
    over = {page: (n, BUDGET[page]) for page, n in counts.items() if n > BUDGET[page]}
    assert not over, f"queries over budget (counted, budget): {over}"


def test_the_dashboard_counts_the_cells_members_for_a_secretary_only(ward, login):
    make_member(ward.cell_a, "Lý Thị Dự Bị", official_on=None)
    body = login("secretary").get("/").content.decode()
    # Cell A: An, Bình and the probationary member; one of them probationary.
    assert '<div class="n">3</div><div class="l">Đảng viên trong phạm vi</div>' in body
    assert '<div class="n">1</div><div class="l">Đảng viên dự bị</div>' in body
    assert '<td class="num" data-label="Đảng viên">3</td><td class="num" data-label="Dự bị">1</td>' in body
    client = login("member")
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/").content.decode()
    assert "Nguyễn Văn An" in body and "Đảng viên trong phạm vi" not in body
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"]], "member figures nobody sees"


def test_the_menu_knows_without_a_query_whether_a_user_sees_organizations(ward):
    from kiemdiem.access.scope import Scope
    from kiemdiem.accounts.models import User

    from ..factories import make_user

    make_user("nobody")
    users = list(User.objects.all())
    assert len(users) >= 8
    for user in users:
        scope = Scope.for_user(user)
        with CaptureQueriesContext(connection) as ctx:
            sees = scope.sees_organizations
        assert not ctx.captured_queries
        assert sees == scope.organizations().exists(), user.username
    assert not Scope.for_user(User.objects.get(username="nobody")).sees_organizations
