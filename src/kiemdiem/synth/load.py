"""Load the synthetic data set: reset, set indexes aside, stream the rows, rebuild, move sequences."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from . import generate, schema
from .sink import make_sink, max_ids


@dataclass
class Result:
    members: int
    organizations: int
    subjects: int
    rows: int
    seconds_rows: float
    seconds_indexes: float
    decided: dict[str, int]

    @property
    def seconds(self) -> float:
        return self.seconds_rows + self.seconds_indexes


def tables() -> list[str]:
    return [t.name for t in generate.ALL_TABLES]


def reset() -> None:
    """Empty every table the data set writes to, and the tables that refer to them."""
    names = tables()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE")
        return
    from django.apps import apps

    # SQLite: delete children first (reverse dependency order), including tables pointing at these.
    with transaction.atomic():
        for model in reversed(apps.get_models()):
            if model._meta.db_table not in names and model._meta.app_label in (
                "reviews", "decisions", "plans", "audit", "api", "accounts", "members", "organizations",
            ):  # fmt: skip
                model.objects.all().delete()
        for t in reversed(generate.ALL_TABLES):
            t.model.objects.all().delete()


def move_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for n in tables():
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{n}\"', 'id'), "
                f'GREATEST((SELECT COALESCE(MAX(id), 0) FROM "{n}"), 1))'
            )


def load(
    members: int,
    seed: int,
    years: int = 1,
    provinces: int | None = None,
    set_indexes_aside: bool | None = None,
    progress: Callable[[int], None] | None = None,
    on_index: Callable[[str], None] | None = None,
) -> Result:
    """Generate and load; indexes are set aside on PostgreSQL when the tables are empty and N ≥ 50,000."""
    ids = max_ids(generate.MODELS)
    empty = not any(ids.values())
    if set_indexes_aside is None:
        set_indexes_aside = empty and members >= 50_000
    set_indexes_aside = bool(set_indexes_aside and connection.vendor == "postgresql")
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(card_number), '') FROM {generate.T_MEMBER.name}")
        last = cur.fetchone()[0]
    card_base = int(last) if last.isdigit() else 10_000_000
    aside: list[schema.SetAside] = []
    if set_indexes_aside:
        aside = schema.set_aside(tables())
    t0 = time.perf_counter()
    try:
        sink = make_sink()
        counter = generate.run(
            sink, generate.Ids(ids), members, seed, years, provinces, card_base, progress=progress
        )
        t1 = time.perf_counter()
    finally:
        if aside:
            schema.restore(aside, (lambda item: on_index(item.name)) if on_index else None)
    move_sequences()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    t3 = time.perf_counter()
    return Result(
        members=counter.members,
        organizations=counter.organizations,
        subjects=counter.subjects,
        rows=sink.rows,
        seconds_rows=t1 - t0,
        seconds_indexes=t3 - t1,
        decided=counter.decided,
    )
