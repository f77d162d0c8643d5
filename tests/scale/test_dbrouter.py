"""The replica router: report reads go to ``replica`` when configured, everything else to ``default``."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connections, transaction

from kiemdiem.lib.dbrouter import ReplicaRouter, reading_reports
from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import Plan, PlanSubject

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def replica_alias(settings):  # type: ignore[no-untyped-def]
    """A ``replica`` alias pointing at the test database (as TEST MIRROR would), and the router."""
    # The live settings of the test database (its test NAME), under a second alias.
    default = dict(connections["default"].settings_dict)
    connections.databases["replica"] = {**default, "TEST": {"MIRROR": "default"}}
    settings.DATABASES = {**settings.DATABASES, "replica": connections.databases["replica"]}
    settings.DATABASE_ROUTERS = ["kiemdiem.lib.dbrouter.ReplicaRouter"]
    from django.db import router

    router.routers = [ReplicaRouter()]
    yield "replica"
    router.routers = []
    connections["replica"].close()
    del connections.databases["replica"]
    del connections["replica"]


def test_without_replica_everything_reads_from_default(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATABASES = {"default": settings.DATABASES["default"]}
    assert ReplicaRouter().db_for_read(Organization) == "default"
    with reading_reports():
        assert ReplicaRouter().db_for_read(Organization) == "default"


def test_statistics_read_from_the_replica_and_writes_stay_on_default(settings) -> None:  # type: ignore[no-untyped-def]
    from kiemdiem.synth.load import load

    load(50, 7)
    with replica_alias(settings) as replica:
        _check(replica)


def _check(replica: str) -> None:
    router = ReplicaRouter()
    assert router.db_for_write(Organization) == "default"
    assert router.db_for_read(Organization) == "default"  # a page outside reports
    with reading_reports():
        assert router.db_for_read(Organization) == replica
        with transaction.atomic():  # a read inside a write transaction sees its own writes
            assert router.db_for_read(Organization) == "default"
    assert router.allow_migrate(replica, "members") is False

    # Querysets built in a report block are bound to the replica (checked without opening a second
    # connection: pytest-django forbids aliases added after the test database is set up).
    with reading_reports():
        assert Plan.objects.all().db == replica
        assert PlanSubject.objects.filter(reviewed=True).db == replica
    assert PlanSubject.objects.all().db == "default"
