"""Secondary indexes and foreign keys set aside during a large PostgreSQL load, then rebuilt.

Maintaining a dozen B-tree indexes row by row and checking every foreign key row by row cost more than
building each index once by sorting and validating each foreign key with one join (measured in
docs/performance.md). Only used when the tables are empty (``--reset``); the definitions are read
from the catalog, so what is rebuilt is exactly what was there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection


@dataclass
class SetAside:
    table: str
    name: str
    kind: str  # "index" | "constraint"
    definition: str


def set_aside(tables: list[str]) -> list[SetAside]:
    """Drop the foreign keys, unique constraints and non-primary indexes of ``tables``; return them."""
    out: list[SetAside] = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype "
            "FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('f', 'u') "
            "ORDER BY c.contype DESC",  # unique before foreign keys when rebuilding is reversed below
            [tables],
        )
        cons = cur.fetchall()
        cur.execute(
            "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
            "AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
            [tables],
        )
        idx = cur.fetchall()
        # Foreign keys first (they may depend on unique indexes of other tables), then the rest.
        for table, name, definition, _contype in sorted(cons, key=lambda r: r[3] != "f"):
            out.append(SetAside(table, name, "constraint", definition))
            cur.execute(f'ALTER TABLE "{table.strip(chr(34))}" DROP CONSTRAINT "{name}"')
        for table, name, definition in idx:
            out.append(SetAside(table, name, "index", definition))
            cur.execute(f'DROP INDEX "{name}"')
    return out


def restore(items: list[SetAside], progress: Callable[[SetAside], object] | None = None) -> None:
    """Rebuild in the reverse order: indexes and unique constraints first, then foreign keys."""
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        ordered = [i for i in items if i.kind == "index"]
        ordered += [i for i in items if i.kind == "constraint" and not i.definition.startswith("FOREIGN")]
        ordered += [i for i in items if i.definition.startswith("FOREIGN")]
        for item in ordered:
            if item.kind == "index":
                cur.execute(item.definition)
            else:
                cur.execute(
                    f'ALTER TABLE "{item.table.strip(chr(34))}" ADD CONSTRAINT "{item.name}" {item.definition}'
                )
            if progress is not None:
                progress(item)
