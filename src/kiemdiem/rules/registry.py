"""The frameworks by id and by review year."""

from __future__ import annotations

from . import qd124, qd132, qd366
from .framework import Framework

FRAMEWORKS: dict[str, Framework] = {
    qd132.FRAMEWORK.id: qd132.FRAMEWORK,
    qd124.FRAMEWORK.id: qd124.FRAMEWORK,
    qd366.FRAMEWORK.id: qd366.FRAMEWORK,
}


def get_framework(framework_id: str) -> Framework:
    """The framework with this id (``qd132-2020``, ``qd124-2023``, ``qd366-2025``); ``KeyError`` otherwise."""
    try:
        return FRAMEWORKS[framework_id]
    except KeyError:
        raise KeyError(f"Khung quy định không tồn tại: {framework_id!r}") from None


def framework_for_year(year: int) -> Framework:
    """The framework in force for a review year: 2019–2022 → qd132-2020, 2023–2024 → qd124-2023, 2025+ → qd366-2025."""
    if year >= 2025:
        return qd366.FRAMEWORK
    if year >= 2023:
        return qd124.FRAMEWORK
    if year >= 2019:
        return qd132.FRAMEWORK
    raise ValueError(f"Không có khung quy định cho năm {year} (hỗ trợ từ năm 2019).")
