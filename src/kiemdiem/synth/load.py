"""Load the synthetic data set: reset, set indexes aside, stream the rows, rebuild, move sequences."""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections, transaction

from . import generate, schema
from .sink import CopySink, copy_params, make_sink, max_ids


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
                model._default_manager.all().delete()
        for t in reversed(generate.ALL_TABLES):
            t.model._default_manager.all().delete()


def move_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for n in tables():
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{n}\"', 'id'), "
                f'GREATEST((SELECT COALESCE(MAX(id), 0) FROM "{n}"), 1))'
            )


def default_workers(members: int) -> int:
    """Processes generating rows: one per core (at most 8) on PostgreSQL for N ≥ 50,000, else 1."""
    if connection.vendor != "postgresql" or members < 50_000:
        return 1
    return max(1, min(8, len(os.sched_getaffinity(0))))


def load(
    members: int,
    seed: int,
    years: int = 1,
    provinces: int | None = None,
    set_indexes_aside: bool | None = None,
    progress: Callable[[int], object] | None = None,  # (what it returns is not used)
    on_index: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> Result:
    """Generate and load; indexes are set aside on PostgreSQL when the tables are empty and N ≥ 50,000.

    ``workers`` processes generate the committees in parallel (PostgreSQL only; default
    ``default_workers``): each streams its own rows through its own COPY connection.
    """
    ids = max_ids(generate.MODELS)
    empty = not any(ids.values())
    if set_indexes_aside is None:
        set_indexes_aside = empty and members >= 50_000
    set_indexes_aside = bool(set_indexes_aside and connection.vendor == "postgresql")
    if workers is None:
        workers = default_workers(members)
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # Forking closes this process's connections: inside a transaction that would end it.
        workers = 1
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(card_number), '') FROM {generate.T_MEMBER.name}")
        last = cur.fetchone()[0]
    card_base = int(last) if last.isdigit() else 10_000_000
    aside: list[schema.SetAside] = []
    if set_indexes_aside:
        aside = schema.set_aside(tables())
    t0 = time.perf_counter()
    try:
        if workers > 1:
            counter = _parallel(members, seed, years, provinces, card_base, ids, workers, progress)
        else:
            counter = generate.run(
                make_sink(), generate.Ids(ids), members, seed, years, provinces, card_base, progress=progress
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
        rows=counter.rows,
        seconds_rows=t1 - t0,
        seconds_indexes=t3 - t1,
        decided=counter.decided,
    )


def _parallel(
    members: int,
    seed: int,
    years: int,
    provinces: int | None,
    card_base: int,
    ids: dict[str, int],
    workers: int,
    progress: Callable[[int], object] | None,  # (what it returns is not used)
) -> generate.Counter:
    """The provinces here, then the committees in ``workers`` forked processes (see ``generate``)."""
    count, specs = generate.layout(members, provinces, seed)
    params = copy_params()
    sink = CopySink(params)
    gen = generate.Generator(sink, generate.Ids(ids), seed, years, card_base)
    provs = gen.provinces(count)
    sink.close()  # committed: the workers' rows refer to the provinces
    total = gen.counter
    total.rows = sink.rows
    start = dict(gen.ids.last)
    # No connection may cross the fork: the children open their own, the parent reconnects after.
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    messages: Any = ctx.Queue()
    procs = [
        ctx.Process(
            target=_worker,
            args=(k, workers, part, provs, start, seed, years, card_base, params, messages),
            daemon=True,
        )
        for k, part in enumerate(generate.share(specs, workers))
    ]
    finished: set[int] = set()
    dead_since: dict[int, float] = {}
    try:
        for p in procs:
            p.start()
        while len(finished) < workers:
            try:
                msg = messages.get(timeout=0.5)
            except queue.Empty:
                msg = None
            # A worker gone without its "done" (killed, out of memory): its last messages may still be
            # queued behind the others', so it is declared lost only once the queue has run dry.
            now = time.monotonic()
            for k, p in enumerate(procs):
                if k in finished or p.exitcode is None:
                    continue
                if msg is None and now - dead_since.setdefault(k, now) > 2.0:
                    raise RuntimeError(
                        f"Tiến trình sinh dữ liệu số {k + 1} dừng đột ngột (mã thoát {p.exitcode})."
                    )
            if msg is None:
                continue
            kind = msg[0]
            if kind == "progress":
                if progress is not None:
                    progress(msg[1])
            elif kind == "done":
                _, k, counter = msg
                finished.add(k)
                total.members += counter.members
                total.organizations += counter.organizations
                total.subjects += counter.subjects
                total.rows += counter.rows
                for level, n in counter.decided.items():
                    total.decided[level] += n
            else:
                _, k, trace = msg
                raise RuntimeError(f"Tiến trình sinh dữ liệu số {k + 1} gặp lỗi:\n{trace}")
    finally:
        for p in procs:
            if p.pid is None:  # never started
                continue
            if p.is_alive() and len(finished) < workers:
                p.terminate()
            p.join()
    return total


def _worker(
    k: int,
    workers: int,
    specs: list[generate.GrassrootsSpec],
    provs: list[tuple[int, str]],
    start: dict[str, int],
    seed: int,
    years: int,
    card_base: int,
    params: dict[str, Any],
    messages: Any,
) -> None:
    """Worker ``k`` of ``workers``: its committees, its share of the ids, its own COPY connection."""
    try:
        gen = generate.Generator(CopySink(params), generate.Ids(start, k, workers), seed, years, card_base)
        pending = 0

        def report(n: int) -> None:
            nonlocal pending
            pending += n
            if pending >= 5_000:
                messages.put(("progress", pending))
                pending = 0

        generate.committees(gen, specs, provs, progress=report)
        if pending:
            messages.put(("progress", pending))
        messages.put(("done", k, gen.counter))
    except BaseException:
        messages.put(("error", k, traceback.format_exc()))
