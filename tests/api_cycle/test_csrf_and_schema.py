from __future__ import annotations

import json

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from kiemdiem.plans.models import Plan
from kiemdiem.reviews.models import Review

from .conftest import subject_of, write_review


def _csrf_client(user):  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _token(client: Client) -> str:
    """A CSRF token for the client's session, set as its cookie as a page would."""
    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    return token


def test_a_session_write_without_csrf_is_refused_and_changes_nothing(ward, live):
    review = write_review(subject_of(live, ward.members["an"]), ward.users["member"], submit=False)
    client = _csrf_client(ward.users["member"])
    body = json.dumps({"version": review.version, "strengths": "Không có CSRF"})
    response = client.patch(f"/api/reviews/{review.pk}", body, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert Review.objects.get(pk=review.pk).strengths != "Không có CSRF"
    token = _token(client)
    ok = client.patch(
        f"/api/reviews/{review.pk}", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert ok.status_code == 200, ok.content
    assert Review.objects.get(pk=review.pk).strengths == "Không có CSRF"


@pytest.mark.parametrize(
    "path", ["/api/plans", "/api/plans/{plan}/compute-subjects", "/api/plans/{plan}/publish"]
)
def test_plan_writes_over_the_session_need_csrf(ward, draft, path):
    client = _csrf_client(ward.users["office"])
    before = list(Plan.objects.values())
    response = client.post(
        path.format(plan=draft.pk),
        '{"number": "10-KH/ĐU", "issued_on": "2021-11-01", "year": 2021}',
        content_type="application/json",
    )
    assert response.status_code == 403
    assert list(Plan.objects.values()) == before


def test_reads_over_the_session_need_no_csrf(ward, live):
    client = _csrf_client(ward.users["secretary"])
    assert client.get(f"/api/plans/{live.pk}").status_code == 200


def test_anonymous_callers_get_401(ward, live):
    for path in (f"/api/plans/{live.pk}", "/api/feedback-requests", f"/api/plans/{live.pk}/appraisal"):
        response = Client().get(path)
        assert response.status_code == 401 and response.json()["detail"].startswith("Chưa xác thực")


def test_every_cycle_operation_is_described_in_vietnamese(ward):
    from kiemdiem.api.api import api

    schema = api.get_openapi_schema()
    cycle = {
        p: ops
        for p, ops in schema["paths"].items()
        if not p.startswith(("/api/me", "/api/tokens", "/api/organizations", "/api/members"))
    }
    assert len(cycle) >= 25
    vietnamese = set("ăâđêôơưáàảãạếềểễệốồổỗộớờởỡợứừửữựíìỉĩịúùủũụýỳỷỹỵ")
    for path, ops in cycle.items():
        for method, op in ops.items():
            text = (op.get("summary", "") + op.get("description", "")).lower()
            assert set(text) & vietnamese, f"{method.upper()} {path}: no Vietnamese summary or description"
