"""Read replica routing: reads of the reports app go to the ``replica`` alias when one is configured.

Statistics, roll-ups and exports are read-only and heavy; a streaming replica of PostgreSQL serves
them without loading the primary. Everything else (and every write, and every read inside a
transaction that writes) stays on ``default``. Without ``DATABASE_REPLICA_URL`` there is no
``replica`` alias and this router sends everything to ``default``.

Settings (see docs/deployment.md)::

    if os.environ.get("DATABASE_REPLICA_URL"):
        DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["kiemdiem.lib.dbrouter.ReplicaRouter"]

What is routed is decided per request: ``reading_reports()`` marks the reports' read-only code paths
(views, exports, the report command), so that a model read by a report (PlanSubject, DecisionEntry…)
goes to the replica there and to the primary everywhere else, where a page may read its own writes.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model

REPLICA = "replica"
# Apps whose reads go to the replica wherever they happen: nothing but reports read them.
REPORT_APPS: frozenset[str] = frozenset({"reports"})
_reporting: contextvars.ContextVar[bool] = contextvars.ContextVar("kiemdiem_reporting", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_reports() -> Iterator[None]:
    """Within this block, reads of any model go to the replica (a report's read-only work)."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def _in_write_transaction() -> bool:
    # A read inside an atomic block on the primary must see that block's own writes.
    return connections["default"].in_atomic_block


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not replica_configured() or _in_write_transaction():
            return "default"
        if _reporting.get() or model._meta.app_label in REPORT_APPS:
            return REPLICA
        return "default"

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # Both aliases hold the same data (the replica is a copy of the primary).
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"


def replica_lag_seconds() -> float | None:
    """Replication lag as the replica sees it (PostgreSQL), for a health check; None without one."""
    if not replica_configured():
        return None
    with connections[REPLICA].cursor() as cur:
        cur.execute("SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")
        row = cur.fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0
