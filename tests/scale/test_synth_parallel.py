"""``kiemdiem synth`` in several processes: the same data set as in one, nothing lost, errors surface.

PostgreSQL only (the parallel path is COPY from forked processes, each with its own connection).
"""

from __future__ import annotations

import pytest
from django.db import connection

from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.members.models import Member
from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import PlanSubject
from kiemdiem.reviews.models import MeetingItem, Review
from kiemdiem.synth import generate
from kiemdiem.synth.load import load, reset

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MEMBERS = 3_500


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("song song chỉ trên PostgreSQL")


def _content() -> dict[str, object]:
    """The data set without its ids and card numbers (which depend on the number of workers)."""
    orgs = dict(Organization.objects.values_list("id", "code"))
    return {
        "organizations": sorted(
            (code, name, orgs.get(parent) or "")
            for code, name, parent in Organization.objects.values_list("code", "name", "parent_id")
        ),
        "members": sorted(
            (orgs[cell], name, str(born), status, address)
            for cell, name, born, status, address in Member.objects.values_list(
                "cell_id", "full_name", "date_of_birth", "activity_status", "residence_address"
            )
        ),
        "subjects": sorted(
            (orgs[org], kind, name)
            for org, kind, name in PlanSubject.objects.values_list("plan__organization_id", "kind", "name")
        ),
        "reviews": Review.objects.count(),
        "items": MeetingItem.objects.count(),
        "decided": sorted(
            (orgs[org], name, level)
            for org, name, level in DecisionEntry.objects.values_list(
                "decision__plan__organization_id", "subject__name", "level"
            )
        ),
    }


def test_two_workers_load_the_same_data_set_as_one() -> None:
    one = load(MEMBERS, 5, workers=1)
    content_one = _content()
    cards_one = set(Member.objects.values_list("card_number", flat=True))
    reset()
    reported: list[int] = []
    two = load(MEMBERS, 5, workers=2, progress=reported.append)
    content_two = _content()
    assert sum(reported) == MEMBERS  # the progress bar reaches the end

    assert two.members == one.members == MEMBERS
    assert (two.organizations, two.subjects, two.rows, two.decided) == (
        one.organizations,
        one.subjects,
        one.rows,
        one.decided,
    )
    assert len(generate.layout(MEMBERS, None, 5)[1]) > 2  # several committees to share out
    for key, value in content_one.items():
        assert content_two[key] == value, key
    # Card numbers stay unique and in the same range; the sequences are past the highest id.
    cards_two = list(Member.objects.values_list("card_number", flat=True))
    assert len(set(cards_two)) == len(cards_two) == MEMBERS
    assert min(cards_two) == min(cards_one)
    with connection.cursor() as cur:
        cur.execute("SELECT last_value FROM members_member_id_seq")
        assert cur.fetchone()[0] >= Member.objects.order_by("-id").values_list("id", flat=True)[0]


def test_a_failing_worker_stops_the_load_with_a_vietnamese_error(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    original = generate.Generator.grassroots

    def fail_on_the_third(self, spec, province):  # type: ignore[no-untyped-def]
        if spec.index == 2:
            raise ValueError("hỏng giữa chừng")
        return original(self, spec, province)

    monkeypatch.setattr(generate.Generator, "grassroots", fail_on_the_third)
    with pytest.raises(RuntimeError, match="(?s)Tiến trình sinh dữ liệu số . gặp lỗi:.*hỏng giữa chừng"):
        load(MEMBERS, 6, workers=2)
    # The parent's connection works again after the workers.
    assert Organization.objects.filter(code="S6-TW").exists()


def test_a_worker_killed_from_outside_stops_the_load(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    original = generate.Generator.grassroots

    def die_on_the_third(self, spec, province):  # type: ignore[no-untyped-def]
        if spec.index == 2:
            os._exit(3)  # as the kernel's OOM killer would: no message, no cleanup
        return original(self, spec, province)

    monkeypatch.setattr(generate.Generator, "grassroots", die_on_the_third)
    with pytest.raises(RuntimeError, match=r"Tiến trình sinh dữ liệu số . dừng đột ngột \(mã thoát 3\)"):
        load(MEMBERS, 8, workers=2)


def test_inside_a_transaction_the_load_runs_in_one_process() -> None:
    from django.db import transaction

    with transaction.atomic():
        result = load(MEMBERS, 9, workers=2)
        assert Member.objects.count() == result.members == MEMBERS  # the transaction is still usable
