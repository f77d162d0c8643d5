"""The appraisal's reads switch PostgreSQL's hash joins off for themselves only (SET LOCAL, restored)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from kiemdiem.decisions.facts import index_joins

pytestmark = pytest.mark.django_db


def _hashjoin() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_hashjoin")
        return cursor.fetchone()[0]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL planner setting")


def test_hash_joins_are_off_inside_and_restored_after_even_in_an_outer_transaction() -> None:
    with transaction.atomic():
        assert _hashjoin() == "on"
        with index_joins():
            assert _hashjoin() == "off"
        assert _hashjoin() == "on"  # not left for the rest of the outer transaction


def test_an_error_inside_rolls_the_setting_back_with_the_block() -> None:
    with transaction.atomic():
        with pytest.raises(ZeroDivisionError), index_joins():
            assert _hashjoin() == "off"
            _ = 1 / 0
        assert _hashjoin() == "on"
