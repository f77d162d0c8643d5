from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kiemdiem.members.models import ActivityStatus, Member
from kiemdiem.members.services import set_activity_status, transfer_member
from kiemdiem.members.validators import normalize_card_number, validate_card_number, validate_citizen_id

from ..factories import make_member


@pytest.mark.parametrize("value", ["01234567", "01.234567", " 01 234 567 "])
def test_card_numbers_with_dots_or_spaces_are_accepted_as_eight_digits(value):
    validate_card_number(value)
    assert normalize_card_number(value) == "01234567"


@pytest.mark.parametrize("value", ["1234567", "123456789", "0123456A", ""])
def test_malformed_card_numbers_are_refused(value):
    with pytest.raises(ValidationError, match="8 chữ số"):
        validate_card_number(value)


@pytest.mark.parametrize(
    "value,ok",
    [("001070012345", True), ("00107001234", False), ("097070012345", False), ("00107001234x", False)],
)
def test_citizen_id_is_twelve_digits_with_a_province_code(value, ok):
    if ok:
        validate_citizen_id(value)
    else:
        with pytest.raises(ValidationError):
            validate_citizen_id(value)


def test_official_date_must_follow_admission(ward):
    m = ward.members["an"]
    m.official_on = m.admitted_on
    with pytest.raises(ValidationError) as exc:
        m.full_clean()
    assert "official_on" in exc.value.message_dict


def test_admission_requires_age_eighteen(ward):
    m = ward.members["an"]
    m.admitted_on = m.date_of_birth.replace(year=m.date_of_birth.year + 17)
    m.official_on = None
    with pytest.raises(ValidationError):
        m.full_clean()


def test_probationary_member_has_no_official_date(ward):
    m = make_member(ward.cell_a, "Đỗ Thị Mới", admitted_on=dt.date(2026, 6, 1), official_on=None)
    assert not m.is_official and m.party_status_label == "Dự bị"
    assert Member.objects.filter(official_on__isnull=True).get() == m


def test_card_number_is_unique(ward):
    with pytest.raises(ValidationError):
        make_member(ward.cell_a, "Trùng Thẻ", card_number=ward.members["an"].card_number)


def test_status_change_keeps_history_and_requires_a_reason_for_exemption(ward):
    m = ward.members["an"]
    with pytest.raises(ValidationError):
        set_activity_status(m, ActivityStatus.EXEMPT, dt.date(2024, 1, 1), reason="")
    set_activity_status(m, ActivityStatus.EXEMPT, dt.date(2024, 1, 1), reason="Tuổi cao, sức yếu")
    m.refresh_from_db()
    assert m.activity_status == ActivityStatus.EXEMPT and m.activity_status_reason == "Tuổi cao, sức yếu"
    assert m.status_on(dt.date(2023, 12, 31)) == ActivityStatus.ACTIVE
    assert m.status_on(dt.date(2024, 1, 1)) == ActivityStatus.EXEMPT


def test_transfer_refuses_a_non_cell_and_the_same_cell(ward):
    m = ward.members["an"]
    with pytest.raises(ValidationError):
        transfer_member(m, ward.ward, dt.date(2024, 1, 1))
    with pytest.raises(ValidationError):
        transfer_member(m, ward.cell_a, dt.date(2024, 1, 1))


def test_active_elsewhere_means_residence_cell_differs(ward):
    assert ward.members["cuong"].active_elsewhere
    assert not ward.members["an"].active_elsewhere


def test_admission_on_the_exact_18th_birthday_is_allowed(ward):
    m = ward.members["an"]
    m.date_of_birth = dt.date(1982, 3, 2)
    m.admitted_on, m.official_on = dt.date(2000, 3, 2), None
    m.full_clean()
    m.admitted_on = dt.date(2000, 3, 1)
    with pytest.raises(ValidationError):
        m.full_clean()


def test_born_on_29_february_turns_18_on_1_march():
    from kiemdiem.members.models import eighteenth_birthday

    assert eighteenth_birthday(dt.date(2004, 2, 29)) == dt.date(2022, 3, 1)


def test_full_clean_accepts_a_card_number_printed_with_a_dot(ward):
    m = make_member(ward.cell_a, "Ngô Văn Chấm", card_number="35.012345")
    assert m.card_number == "35012345"


def test_duplicate_citizen_id_gets_a_vietnamese_message(ward):
    with pytest.raises(ValidationError) as exc:
        make_member(ward.cell_b, "Trùng Căn Cước", citizen_id=ward.members["an"].citizen_id)
    assert "Số CCCD này đã có" in str(exc.value)
