"""Where generated rows go: PostgreSQL COPY in streaming batches, or bulk_create elsewhere.

Rows are plain tuples in the column order of a ``Table``: the generator never builds model instances
on PostgreSQL. Ids are assigned by the generator (from the table's current maximum), so parents and
children are written without a round trip; the sequences are moved past them at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

# One fixed time for every auto_now / auto_now_add column: the data set is deterministic for a seed.
STAMP = dt.datetime(2025, 12, 31, 17, 0, tzinfo=dt.UTC)


class Table:
    """The columns the generator supplies, followed by constants for every other column."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        self.name = model._meta.db_table
        self.columns = list(columns)
        # (A concrete field always has its column.)
        fields = {f.column: f for f in model._meta.concrete_fields if f.column is not None}
        unknown = set(self.columns) - set(fields)
        assert not unknown, (self.name, unknown)
        self.json_columns = {c for c in fields if isinstance(fields[c], models.JSONField)}
        tail_cols: list[str] = []
        tail: list[Any] = []
        for column, f in fields.items():
            if column in self.columns:
                continue
            tail_cols.append(column)
            tail.append(self._constant(f))
        self.all_columns = self.columns + tail_cols
        self.tail = tuple(tail)
        self.attnames = [fields[c].attname for c in self.all_columns]

    @staticmethod
    def _constant(f: models.Field[Any, Any]) -> Any:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return STAMP
        if isinstance(f, models.JSONField):
            return json.dumps(f.get_default())
        if f.has_default():
            value = f.get_default()
            if isinstance(value, dt.datetime):
                return STAMP
            return value
        if f.null:
            return None
        if f.empty_strings_allowed and f.blank:
            return ""
        raise ValueError(f"{f.model.__name__}.{f.name}: cần giá trị cho cột bắt buộc {f.column}")


class Sink:
    """Collects rows per table; flushes a table when its batch is full; commits at checkpoints."""

    def __init__(self, batch: int = 20_000) -> None:
        self.batch = batch
        self.buffers: dict[str, list[tuple[Any, ...]]] = {}
        self.tables: dict[str, Table] = {}
        self.order: list[str] = []
        self.rows = 0

    def add(self, table: Table, row: tuple[Any, ...]) -> None:
        buf = self.buffers.get(table.name)
        if buf is None:
            buf = self.buffers[table.name] = []
            self.tables[table.name] = table
            self.order.append(table.name)
        buf.append(row + table.tail)
        if len(buf) >= self.batch:
            self._full(table.name)

    def _full(self, name: str) -> None:
        self._flush(name)

    def checkpoint(self) -> None:
        """Write every pending row (parents first) and commit."""
        for name in self.order:
            if self.buffers[name]:
                self._flush(name)
        self._commit()

    def close(self) -> None:
        self.checkpoint()

    def _flush(self, name: str) -> None:
        rows, self.buffers[name] = self.buffers[name], []
        self.rows += len(rows)
        self._write(self.tables[name], rows)

    def _write(self, table: Table, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def _commit(self) -> None:
        pass


class BulkCreateSink(Sink):
    """SQLite and other databases: ``bulk_create`` of model instances, batch by batch."""

    def __init__(self, batch: int = 2_000) -> None:
        super().__init__(batch)

    def _full(self, name: str) -> None:
        # Foreign keys are checked at each commit here: write every table, parents first, together.
        with transaction.atomic():
            for n in self.order:
                if self.buffers[n]:
                    self._flush(n)

    def checkpoint(self) -> None:
        self._full("")

    def _write(self, table: Table, rows: list[tuple[Any, ...]]) -> None:
        objs = []
        js = [i for i, c in enumerate(table.all_columns) if c in table.json_columns]
        for row in rows:
            values = list(row)
            for i in js:
                values[i] = json.loads(values[i])
            obj = table.model(**dict(zip(table.attnames, values, strict=True)))
            objs.append(obj)
        # auto_now fields take the time of the load here (pre_save), not the fixed stamp: nothing
        # reading the data depends on them.
        table.model._default_manager.bulk_create(objs, batch_size=500)


class CopySink(Sink):
    """PostgreSQL: one ``COPY … FROM STDIN`` per batch, sent by a background thread.

    The thread owns its own connection: while PostgreSQL parses and stores one batch (server time,
    the other core), Python generates the next one. At most ``depth`` batches wait in the queue, so
    memory stays bounded whatever the size.
    """

    def __init__(self, dsn: dict[str, Any], batch: int = 20_000, depth: int = 4) -> None:
        super().__init__(batch)
        import psycopg

        self.conn = psycopg.connect(**dsn)
        self.queue: queue.Queue[tuple[str, Table | None, list[tuple[Any, ...]]]] = queue.Queue(depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while True:
                op, table, rows = self.queue.get()
                if op == "stop":
                    return
                if op == "commit":
                    self.conn.commit()
                    continue
                assert table is not None
                cols = ", ".join(f'"{c}"' for c in table.all_columns)
                with self.conn.cursor() as cur, cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as cp:
                    for row in rows:
                        cp.write_row(row)
        except BaseException as exc:  # surfaced in the main thread at the next put
            self.error = exc
            while True:  # drain so the producer never blocks forever
                op, _, _ = self.queue.get()
                if op == "stop":
                    return

    def _put(self, item: tuple[str, Table | None, list[tuple[Any, ...]]]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def _write(self, table: Table, rows: list[tuple[Any, ...]]) -> None:
        self._put(("copy", table, rows))

    def _commit(self) -> None:
        self._put(("commit", None, []))

    def close(self) -> None:
        self.checkpoint()
        self.queue.put(("stop", None, []))
        self.thread.join()
        self.conn.close()
        if self.error is not None:
            raise self.error


def copy_params() -> dict[str, Any]:
    """psycopg.connect() arguments for a COPY connection of its own to Django's database."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("server_side_binding", None)
    return params


def make_sink() -> Sink:
    if connection.vendor == "postgresql":
        return CopySink(copy_params())
    return BulkCreateSink()


def now() -> dt.datetime:
    return timezone.now()


def max_ids(models_: Iterable[type[models.Model]]) -> dict[str, int]:
    out = {}
    with connection.cursor() as cur:
        for m in models_:
            cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{m._meta.db_table}"')
            out[m._meta.db_table] = cur.fetchone()[0]
    return out
