"""The annual cycle in the browser: a cell secretary runs the cell's review, a member writes the
self-review on a phone, the office and the secretary enter a paper tally twice.

The screenshots (test-artifacts/screenshots/cycle-*.png) are the ones used in docs/huong-dan.md.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from kiemdiem.plans.services import compute_subjects, create_plan, publish_plan
from kiemdiem.reviews.models import MeetingItem, Review, ReviewStatus

from .conftest import PHONE

pytestmark = pytest.mark.browser
D = dt.date


@pytest.fixture
def plan(ward):  # type: ignore[no-untyped-def]
    """This year's plan (QĐ 366, 100-point scale), published, deadlines still ahead."""
    today = dt.date.today()
    year = today.year if today.month < 12 or today.day < 20 else today.year + 1
    p = create_plan(ward.ward, number="15-KH/ĐU", issued_on=min(today, D(year, 11, 10)), year=year)
    compute_subjects(p)
    p.launch_date = p.issued_on
    p.save()
    p.steps.exclude(code__in=["tham_dinh", "quyet_dinh", "cong_bo"]).update(due_cells=D(year, 12, 20))
    p.steps.update(due_committee=D(year, 12, 28))
    publish_plan(p)
    return p


def _fill_review(page, level: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("textarea[name=section_1]").fill("Giữ vững lập trường chính trị, gương mẫu ở nơi cư trú.")
    page.locator("textarea[name=strengths]").fill("Hoàn thành các nhiệm vụ chi bộ giao.")
    page.locator("textarea[name=evidence_text]").fill("Tham gia 12/12 buổi sinh hoạt chi bộ.")
    page.locator("input[name=score_general]").fill("27")
    page.locator("input[name=score_tasks]").fill("60")
    page.locator("select[name=self_level]").select_option(level)


def test_cell_secretary_reports_first_then_a_member_writes_on_a_phone(ward, plan, page_as, screenshot):
    # The cell secretary: plan → the cell's page → the cell's report (collective first).
    page = page_as("secretary")
    page.goto(f"/ke-hoach/{plan.pk}/")
    page.get_by_role("link", name=re.compile("Kiểm điểm Chi bộ Tổ dân phố số 1")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chi bộ Tổ dân phố số 1")
    screenshot(page, "cycle-secretary-cell")
    page.get_by_role("link", name=re.compile("báo cáo của chi bộ")).click()
    _fill_review(page, "HTTNV")
    page.get_by_role("button", name="Nộp bản kiểm điểm").click()
    expect(page.locator("body")).to_contain_text("Đã nộp")
    screenshot(page, "cycle-secretary-cell-report")
    report = Review.objects.get(subject__plan=plan, subject__organization=ward.cell_a)
    assert report.status == ReviewStatus.SUBMITTED and report.score_general == 27

    # A member on a 360-px phone: my tasks → the self-review → submit.
    phone = page_as("member", viewport=PHONE)
    phone.goto("/viec-cua-toi/")
    screenshot(phone, "cycle-member-tasks")
    phone.get_by_role("link", name="Viết bản kiểm điểm").click()
    _fill_review(phone, "HTTNV")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.get_by_role("button", name="Nộp bản kiểm điểm").click()
    expect(phone.locator("body")).to_contain_text("Đã nộp")
    screenshot(phone, "cycle-member-review")
    review = Review.objects.get(subject__plan=plan, subject__member=ward.members["an"])
    assert review.status == ReviewStatus.SUBMITTED and not review.entered_on_behalf
    assert review.collective_review == report


def test_meeting_with_a_paper_tally_entered_twice(ward, plan, page_as, screenshot):
    page = page_as("secretary")
    page.goto(f"/ke-hoach/{plan.pk}/hoi-nghi/mo/?chi_bo={ward.cell_a.pk}")
    page.locator("input[name=date]").fill(dt.date.today().strftime("%d/%m/%Y"))
    for checkbox in page.locator("input[name=attendees]").all():
        checkbox.check()
    page.locator("input[name=total]").fill("2")
    page.get_by_role("button", name="Mở hội nghị").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hội nghị kiểm điểm")
    item = MeetingItem.objects.get(meeting__plan=plan, subject__member=ward.members["an"])
    section = page.locator(f"#muc-{item.pk}")
    section.get_by_text("Ghi góp ý", exact=True).first.click()  # opens the <details>
    section.locator("textarea[name=what]").fill("Đồng chí cần tích cực phát biểu hơn trong sinh hoạt.")
    section.get_by_role("button", name="Ghi góp ý").click()
    section = page.locator(f"#muc-{item.pk}")
    section.locator("input[name=HTTNV]").fill("2")
    section.get_by_role("button", name="Ghi kết quả kiểm phiếu").click()
    expect(page.locator("body")).to_contain_text("chờ lần nhập thứ hai")
    screenshot(page, "cycle-meeting")

    office = page_as("office")
    office.goto(f"/hoi-nghi/{item.meeting_id}/")
    section = office.locator(f"#muc-{item.pk}")
    section.locator("input[name=HTTNV]").fill("2")
    section.get_by_role("button", name="Ghi kết quả kiểm phiếu").click()
    expect(office.locator(f"#muc-{item.pk}")).to_contain_text("Kết quả biểu quyết")
    screenshot(office, "cycle-meeting-result")
    item.refresh_from_db()
    assert item.proposed_level == "HTTNV" and item.criticism


def test_office_and_standing_committee_pages(ward, plan, page_as, screenshot):
    office = page_as("office")
    office.goto(f"/ke-hoach/{plan.pk}/")
    screenshot(office, "cycle-plan")
    office.goto(f"/ke-hoach/{plan.pk}/tien-do/")
    expect(office.get_by_role("heading", level=1)).to_contain_text("Tiến độ")
    screenshot(office, "cycle-progress")
    office.goto(f"/ke-hoach/{plan.pk}/tham-dinh/")
    expect(office.get_by_role("heading", level=1)).to_contain_text("Thẩm định")
    screenshot(office, "cycle-appraisal")
    standing = page_as("standing")
    standing.goto(f"/ke-hoach/{plan.pk}/quyet-dinh/")
    expect(standing.get_by_role("heading", level=1)).to_contain_text("Quyết định")
    screenshot(standing, "cycle-decisions")
    residence = page_as("residence", viewport=PHONE)
    residence.goto("/y-kien/")
    screenshot(residence, "cycle-residence")
