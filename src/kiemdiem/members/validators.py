"""Validation of identifiers written on party documents."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_CARD = re.compile(r"^\d{8}$")
_CITIZEN_ID = re.compile(r"^\d{12}$")


def normalize_card_number(value: str) -> str:
    """Canonical party card number: 8 digits (spaces and dots people type are dropped).

    Party cards carry an 8-digit number (the first two digits identify the issuing province);
    registers often print it as "01.234567". We store the digits only.
    """
    return re.sub(r"[\s.]", "", str(value or ""))


def validate_card_number(value: str) -> None:
    if not _CARD.match(normalize_card_number(value)):
        raise ValidationError("Số thẻ đảng viên phải gồm đúng 8 chữ số.", code="card")


def validate_citizen_id(value: str) -> None:
    """Số CCCD: 12 digits; the first three are a province code (001–096)."""
    if not value:
        return
    if not _CITIZEN_ID.match(value):
        raise ValidationError("Số CCCD phải gồm đúng 12 chữ số.", code="citizen_id")
    if not 1 <= int(value[:3]) <= 96:
        raise ValidationError("Số CCCD có mã tỉnh (3 chữ số đầu) không hợp lệ.", code="citizen_id")
