"""What a cell secretary and a member do first, in a real browser (desktop and a 360-px phone)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

from .conftest import PHONE

pytestmark = pytest.mark.browser


def log_in(page, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def member_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("#member-table tbody td[data-label='Họ và tên']").all_inner_texts()


def test_a_cell_secretary_finds_own_members_without_typing_diacritics(page_as, ward, screenshot):
    page = page_as(None)
    log_in(page, "secretary")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tổng quan — Chi bộ Tổ dân phố số 1")
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_contain_text("Trần Thị Bình")
    screenshot(page, "secretary-dashboard")

    page.get_by_role("link", name="Đảng viên", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Danh sách đảng viên")
    assert sorted(member_names(page)) == ["Nguyễn Văn An", "Trần Thị Bình"]
    screenshot(page, "secretary-member-list")

    page.get_by_label("Tìm theo tên hoặc số thẻ").fill("nguyen van")
    page.get_by_label("Tìm theo tên hoặc số thẻ").press("Enter")
    expect(page).to_have_url(re.compile(r"q=nguyen\+van"))
    # "Nguyễn Văn Bảo" (another cell of the ward) and "Nguyễn Văn Cảnh" (another ward) also match.
    assert member_names(page) == ["Nguyễn Văn An"]
    expect(page.locator("main")).not_to_contain_text("Bảo")
    expect(page.locator("main")).not_to_contain_text("Cảnh")
    screenshot(page, "secretary-search-nguyen-van")

    page.get_by_role("link", name="Nguyễn Văn An").click()
    expect(page).to_have_url(re.compile(rf"/dang-vien/{ward.members['an'].pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Văn An")
    fields = page.locator("dl.fields")
    expect(fields).to_contain_text("Chi bộ Tổ dân phố số 1")
    expect(fields).to_contain_text("001070012345")  # own cell: the secretary sees the citizen ID
    screenshot(page, "secretary-member-detail")

    for key in ("cuong", "bao", "canh"):
        response = page.goto(f"/dang-vien/{ward.members[key].pk}/")
        assert response is not None and response.status == 404, key
        expect(page.locator("body")).not_to_contain_text(ward.members[key].full_name)


def test_a_member_sees_own_record_and_no_one_else(page_as, ward, screenshot):
    page = page_as(None)
    log_in(page, "member")
    card = page.get_by_role("region", name="Thông tin của tôi")
    expect(card).to_contain_text("Nguyễn Văn An")
    expect(card).to_contain_text("Chi bộ Tổ dân phố số 1")
    expect(card).to_contain_text(ward.members["an"].card_number)
    screenshot(page, "member-dashboard")

    card.get_by_role("link", name="Xem hồ sơ của tôi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Văn An")
    screenshot(page, "member-own-detail")

    page.get_by_role("link", name="Đảng viên", exact=True).click()
    assert member_names(page) == ["Nguyễn Văn An"]

    response = page.goto(f"/dang-vien/{ward.members['binh'].pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("Trần Thị Bình")
    screenshot(page, "member-other-member-404")


def test_a_member_on_a_phone_uses_the_menu_and_the_list_fits(page_as, ward, screenshot):
    page = page_as("member", viewport=PHONE)
    page.goto("/")
    menu = page.get_by_role("navigation", name="Điều hướng chính")
    expect(menu).to_be_hidden()
    screenshot(page, "phone-member-dashboard")

    page.get_by_role("button", name="☰ Menu").click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Đảng viên", exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Đăng xuất")).to_be_visible()
    screenshot(page, "phone-menu-open")

    menu.get_by_role("link", name="Đảng viên", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Danh sách đảng viên")
    assert member_names(page) == ["Nguyễn Văn An"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the member list is {width}px wide on a {PHONE['width']}px screen"
    screenshot(page, "phone-member-list")

    page.get_by_role("link", name="Nguyễn Văn An").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Văn An")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "phone-member-detail")


def test_a_wrong_password_shows_a_vietnamese_error(page_as, ward, screenshot):
    page = page_as(None)
    log_in(page, "secretary", "sai-mat-khau")
    expect(page).to_have_url(re.compile(r"/dang-nhap/$"))
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    screenshot(page, "login-wrong-password")


def test_logging_out_ends_the_session(page_as, ward, screenshot):
    page = page_as("secretary")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tổng quan")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    screenshot(page, "after-logout")

    page.goto("/dang-vien/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/dang-vien/$"))
    expect(page.locator("body")).not_to_contain_text("Nguyễn Văn An")
