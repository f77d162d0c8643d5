from __future__ import annotations

import pytest
from django.test import Client

from .factories import PASSWORD, Ward, make_ward


@pytest.fixture
def ward(db) -> Ward:  # type: ignore[no-untyped-def]
    return make_ward()


@pytest.fixture
def login(client: Client):  # type: ignore[no-untyped-def]
    """``login("office")`` logs the test client in as that user of the ``ward`` fixture."""

    def _login(username: str) -> Client:
        client.logout()
        assert client.login(username=username, password=PASSWORD)
        return client

    return _login
