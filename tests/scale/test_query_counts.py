"""The office's dashboard and appraisal page issue as many queries for a 2,000-member ward as for 200.

Both wards come from ``kiemdiem synth`` (small size, on the test database: bulk_create on SQLite,
COPY on PostgreSQL). Server time is printed (``pytest -s``) for the record in docs/performance.md.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kiemdiem.accounts.models import Role
from kiemdiem.organizations.models import Organization, OrgKind
from kiemdiem.plans.models import Plan
from kiemdiem.synth.load import load
from tests.factories import PASSWORD, make_user

SIZES = (200, 2_000)


def _measure(client, url: str) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    client.get(url)  # warm: templates, caches
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), elapsed


@pytest.mark.django_db(transaction=True)
def test_office_pages_issue_a_constant_number_of_queries(client) -> None:  # type: ignore[no-untyped-def]
    measured: dict[int, dict[str, tuple[int, float]]] = {}
    for seed, size in enumerate(SIZES, start=1):
        load(size, seed)
        ward = Organization.objects.get(code=f"S{seed}-G00000", kind=OrgKind.GRASSROOTS_COMMITTEE)
        assert ward.children.exists()
        plan = Plan.objects.get(organization=ward)
        make_user(f"office{seed}", Role.OFFICE, ward)
        client.logout()
        client.login(username=f"office{seed}", password=PASSWORD)
        assert client.session.get("_auth_user_id"), "login failed"
        measured[size] = {
            "dashboard": _measure(client, reverse("dashboard")),
            "appraisal": _measure(client, reverse("appraisal", args=[plan.pk])),
        }
    for page in ("dashboard", "appraisal"):
        small, large = (measured[s][page] for s in SIZES)
        print(
            f"\n{connection.vendor} {page}: {SIZES[0]} members {small[0]} queries {small[1] * 1000:.0f} ms; "
            f"{SIZES[1]} members {large[0]} queries {large[1] * 1000:.0f} ms"
        )
        assert small[0] == large[0], (page, measured)
