from __future__ import annotations

import re

from django.test import Client

ENDPOINTS = {
    "/api/me": {"get"},
    "/api/tokens": {"get", "post"},
    "/api/tokens/{token_id}": {"delete"},
    "/api/organizations": {"get"},
    "/api/organizations/{org_id}": {"get"},
    "/api/organizations/{org_id}/members": {"get"},
    "/api/members": {"get", "post"},
    "/api/members/{member_id}": {"get", "patch"},
    # the annual cycle
    "/api/plans": {"get", "post"},
    "/api/plans/{plan_id}": {"get", "patch"},
    "/api/plans/{plan_id}/compute-subjects": {"post"},
    "/api/plans/{plan_id}/publish": {"post"},
    "/api/plans/{plan_id}/acknowledge": {"post"},
    "/api/plans/{plan_id}/subjects": {"get"},
    "/api/plans/{plan_id}/progress": {"get"},
    "/api/subjects/{subject_id}/review": {"get", "post"},
    "/api/reviews/{review_id}": {"get", "patch"},
    "/api/reviews/{review_id}/submit": {"post"},
    "/api/reviews/{review_id}/reopen": {"post"},
    "/api/plans/{plan_id}/feedback-requests": {"post"},
    "/api/feedback-requests": {"get"},
    "/api/feedback-requests/{request_id}/responses": {"post"},
    "/api/plans/{plan_id}/feedback-summary": {"get"},
    "/api/plans/{plan_id}/meetings": {"get", "post"},
    "/api/meetings/{meeting_id}": {"get"},
    "/api/meetings/{meeting_id}/close": {"post"},
    "/api/meeting-items/{item_id}/criticism": {"post"},
    "/api/meeting-items/{item_id}/tally": {"post"},
    "/api/meeting-items/{item_id}/ballot": {"post"},
    "/api/meeting-items/{item_id}/ballot/close": {"post"},
    "/api/meeting-items/{item_id}/ballot/cancel": {"post"},
    "/api/ballots/{box_id}": {"get"},
    "/api/ballots/{box_id}/vote": {"post"},
    "/api/ballots/{box_id}/receipt": {"post"},
    "/api/plans/{plan_id}/appraisal": {"get"},
    "/api/plans/{plan_id}/decisions": {"get", "post"},
    "/api/decisions/{decision_id}": {"get"},
    "/api/decisions/{decision_id}/entries": {"post"},
    "/api/decision-entries/{entry_id}/reclassify": {"post"},
    "/api/plans/{plan_id}/publish-results": {"post"},
}


def test_the_openapi_schema_lists_every_endpoint_in_vietnamese(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Kiểm điểm — API"
    assert "phạm vi truy cập" in schema["info"]["description"]
    assert {path: set(ops) for path, ops in schema["paths"].items()} == ENDPOINTS
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            assert re.search(r"[ạ-ỹđĐàáâãèéêìíòóôõùúýăơư]", op["summary"]), (method, path, op["summary"])
            assert op["tags"], (method, path)
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_schema_documents_dates_and_sensitive_fields(db):
    components = Client().get("/api/openapi.json").json()["components"]["schemas"]
    detail = components["MemberDetail"]["properties"]
    assert "nhạy cảm" in detail["citizen_id"]["description"]
    assert detail["admitted_on"]["format"] == "date"


def test_the_docs_page_loads_its_files_from_this_server(db):
    client = Client()
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower()
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(sources) == 4
    for url in sources:
        assert url.startswith("/api/docs/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert int(asset["Content-Length"]) > 100
    assert "/api/openapi.json" in html


def test_a_wrong_method_gets_a_vietnamese_405(ward, login):
    client = login("office")
    for method, url in (("put", "/api/members"), ("post", "/api/me"), ("post", "/api/docs/swagger-ui.css")):
        response = getattr(client, method)(url)
        assert response.status_code == 405, url
        assert response.json() == {"detail": "Phương thức này không dùng được ở đường dẫn này."}
    assert set(client.put("/api/members")["Allow"].split(", ")) == {"GET", "POST"}
