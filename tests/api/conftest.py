"""Helpers for the API tests: clients authenticated by session or by token, for each ``ward`` user.

What each role may see is written out here (not computed from ``accounts/scope.py``, which would
test the scope against itself). The ``ward`` fixture: ``ward`` has cell_a (an, binh) and cell_b
(cuong, dung; cuong lives in cell_a's area); ``other_ward`` has other_cell (xa); ``city`` is above.
The secretary is binh (cell_a), the member is an, the residence secretary is cell_a's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kiemdiem.api.models import ApiToken

from ..factories import Ward

ROLES = ("office", "standing", "secretary", "member", "residence", "higher", "other_office")

MEMBERS_SEEN: dict[str, set[str]] = {
    "office": {"an", "binh", "cuong", "dung"},
    "standing": {"an", "binh", "cuong", "dung"},
    "secretary": {"an", "binh"},
    "member": {"an"},
    "residence": {"cuong"},
    "higher": {"an", "binh", "cuong", "dung", "xa"},
    "other_office": {"xa"},
}
# Whose date of birth, citizen ID and status reasons each role may read.
SENSITIVE_SEEN: dict[str, set[str]] = {
    "office": {"an", "binh", "cuong", "dung"},
    "standing": {"an", "binh", "cuong", "dung"},
    "secretary": {"an", "binh"},
    "member": {"an"},
    "residence": set(),
    "higher": set(),
    "other_office": {"xa"},
}
ORGS_SEEN: dict[str, set[str]] = {
    "office": {"ward", "cell_a", "cell_b"},
    "standing": {"ward", "cell_a", "cell_b"},
    "secretary": {"cell_a"},
    "member": {"cell_a"},
    "residence": {"cell_a"},
    "higher": {"city", "ward", "cell_a", "cell_b", "other_ward", "other_cell"},
    "other_office": {"other_ward", "other_cell"},
}
ORG_KEYS = ("city", "ward", "cell_a", "cell_b", "other_ward", "other_cell")
MEMBER_KEYS = ("an", "binh", "cuong", "dung", "xa")


class ApiClient:
    """A test client speaking JSON to /api/, authenticated one way or another."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers or {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, params or {}, headers=self.headers)

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str] | None) -> Any:
        send = getattr(self.client, method)
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return send(path, data, content_type="application/json", headers=self.headers | (headers or {}))

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self._send("post", path, {} if body is None else body, headers)

    def patch(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self._send("patch", path, body, headers)

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.delete(path, headers=self.headers | (headers or {}))


@pytest.fixture
def as_session(ward: Ward) -> Callable[[str], ApiClient]:
    """``as_session("office")``: a client logged in through the web session (CSRF not enforced)."""

    def make(username: str) -> ApiClient:
        client = Client()
        client.force_login(ward.users[username])
        return ApiClient(client)

    return make


@pytest.fixture
def as_token(ward: Ward) -> Callable[[str], ApiClient]:
    """``as_token("office")``: a client with a fresh bearer token and no session."""

    def make(username: str) -> ApiClient:
        _, token = ApiToken.issue(ward.users[username], "kiểm thử")
        return ApiClient(Client(), {"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture(params=["session", "token"])
def as_user(request: pytest.FixtureRequest, as_session, as_token) -> Callable[[str], ApiClient]:  # type: ignore[no-untyped-def]
    """Each test using this runs twice: once over a session, once with a token."""
    return as_session if request.param == "session" else as_token


def names(items: list[dict[str, Any]]) -> set[str]:
    return {item["full_name"] for item in items}


def member_names(ward: Ward, keys: set[str] | tuple[str, ...]) -> set[str]:
    return {ward.members[k].full_name for k in keys}


def org_ids(ward: Ward, keys: set[str] | tuple[str, ...]) -> set[int]:
    return {getattr(ward, k).pk for k in keys}
