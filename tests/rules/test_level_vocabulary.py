"""One vocabulary of levels: the rules' codes, order and labels are what the database stores and shows."""

from __future__ import annotations

from kiemdiem.rules.levels import LEVEL_CODES, LEVEL_LABEL_BY_CODE, Level, level_rank


def test_codes_are_listed_highest_first_and_ranked_in_the_regulations_order():
    assert LEVEL_CODES == ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
    assert [level_rank(c) for c in LEVEL_CODES] == [3, 2, 1, 0]
    assert level_rank("") == -1 and level_rank("TOP") == -1
    assert all(level_rank(c) == int(Level[c]) for c in LEVEL_CODES)


def test_the_stored_choices_are_the_rules_codes_and_labels():
    from kiemdiem.reviews.models import Level as StoredLevel

    assert StoredLevel.choices == [(c, LEVEL_LABEL_BY_CODE[c]) for c in LEVEL_CODES]
    assert StoredLevel.HTTNV == "HTTNV" and StoredLevel("KHTNV").label == "Không hoàn thành nhiệm vụ"
