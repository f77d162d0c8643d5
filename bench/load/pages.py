"""Server time and queries per page of the load test, one request at a time (no concurrency).

    DATABASE_URL=postgres://…/kiemdiem_load_… python bench/load/pages.py --manifest manifest.json

Uses Django's test client in process (no network), on a database kept by ``run.py --keep-db``: the
pages the rush reads (median of ``--repeat`` requests after a warm-up) and its writes (autosave of one
review ``--repeat`` times; submit and vote once each by ``--repeat`` members who had not written yet).
``--sql`` prints the most repeated SQL per page, ``--all-sql`` every statement of the last request with
the project's code that issued it.
Set ``REDIS_URL`` to measure with the deployed cache and sessions (counts then leave out the session
read that a cached session no longer needs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

_RECEIPT = re.compile(r'<p class="receipt">([0-9A-F]+)</p>')
_COLUMNS = re.compile(r"^SELECT (DISTINCT )?.*? FROM ")


_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """CPU seconds a process has used (user + system), from /proc (10 ms resolution: use means)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def _short(sql: str) -> str:
    return _COLUMNS.sub(lambda m: f"SELECT {m.group(1) or ''}… FROM ", sql)[:400]


def _origin() -> str:
    """The innermost frames of the project (and its templates) that led to a query."""
    frames = [
        f"{f.filename.rpartition('/kiemdiem/')[2]}:{f.lineno} {f.name}"
        for f in traceback.extract_stack()
        if "/kiemdiem/" in f.filename and "bench/load" not in f.filename
    ]
    return " < ".join(reversed(frames[-3:]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="print the most repeated SQL per page")
    parser.add_argument("--all-sql", action="store_true", help="print every SQL statement per page")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiemdiem.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kiemdiem.accounts.models import User
    from kiemdiem.reviews.models import Review, ReviewPlace, VoterRollEntry

    manifest: dict[str, Any] = json.loads(args.manifest.read_text(encoding="utf-8"))
    written = set(Review.objects.values_list("subject_id", flat=True))
    voted = set(
        VoterRollEntry.objects.filter(has_voted=True).values_list("member__user__username", flat=True)
    )
    fresh = [
        m
        for m in manifest["members"]
        if m["box"] and m["subject"] not in written and m["username"] not in voted
    ]
    member, writers = fresh[0], fresh[1 : 1 + args.repeat]
    sec = manifest["secretaries"][0]
    plan = manifest["plan"]

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    issued: list[tuple[str, str, float]] = []  # (SQL, origin, ms) of the statements of the last request

    def where(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        origin, t = _origin(), time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            issued.append((sql, origin, 1000 * (time.perf_counter() - t)))

    if args.all_sql:  # finding the origin of each query costs CPU: only when asked
        wrapper = connection.execute_wrapper(where)  # kept referenced: collected, it would unwrap
        wrapper.__enter__()
    connection.settings_dict["CONN_MAX_AGE"] = None  # one backend for the whole run (its CPU is read)
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid

    def timed(request: Callable[[], Any]) -> tuple[Any, float, float, float, list[dict[str, str]]]:
        """One request: response, wall ms, this process's CPU ms, the PostgreSQL backend's CPU ms, queries."""
        issued.clear()
        pg = _proc_cpu(backend)
        with CaptureQueriesContext(connection) as ctx:
            t, cpu = time.perf_counter(), time.process_time()
            resp = request()
            wall, cpu = 1000 * (time.perf_counter() - t), 1000 * (time.process_time() - cpu)
        return resp, wall, cpu, 1000 * (_proc_cpu(backend) - pg), ctx.captured_queries

    print(f"{'page':<20} {'status':>6} {'wall':>8} {'app CPU':>8} {'PG CPU':>8} {'queries':>8}")
    print("(ms per request: median wall time; mean CPU of this process and of its PostgreSQL backend)")

    def measure(name: str, requests: list[Callable[[], Any]]) -> Any:
        runs = [timed(r) for r in requests]
        resp, queries = runs[-1][0], runs[-1][4]
        wall = statistics.median(r[1] for r in runs)
        cpu = statistics.fmean(r[2] for r in runs)
        pg = statistics.fmean(r[3] for r in runs)
        print(f"{name:<20} {resp.status_code:>6} {wall:>8.1f} {cpu:>8.1f} {pg:>8.1f} {len(queries):>8}")
        if args.all_sql:
            for sql, origin, ms in issued:
                print(f"      {ms:6.2f} ms  {_short(sql)}\n          ← {origin}")
        elif args.sql:
            for sql, n in Counter(q["sql"][:160] for q in queries).most_common(4):
                print(f"      {n:4d}× {sql}")
        return resp

    pages = [
        (member["username"], "my tasks", "/viec-cua-toi/"),
        (member["username"], "review form", f"/kiem-diem/{member['subject']}/"),
        (member["username"], "ballot page", f"/phieu/{member['box']}/"),
        (member["username"], "dashboard (member)", "/"),
        (sec["username"], "dashboard", "/"),
        (sec["username"], "cell reviews", f"/ke-hoach/{plan}/chi-bo/{sec['cell']}/"),
        (manifest["office"], "plan progress", f"/ke-hoach/{plan}/tien-do/"),
    ]
    for username, name, url in pages:
        client = client_for(username)
        client.get(url)  # warm (the review form creates the member's review)
        measure(name, [lambda c=client, u=url: c.get(u)] * args.repeat)

    # Writes: the same member autosaves; other members submit and vote once each.
    client = client_for(member["username"])
    review = Review.objects.get(subject_id=member["subject"], place=ReviewPlace.CELL)

    def form_data(review: Review, n: int, action: str = "") -> dict[str, str]:
        data = {
            "version": str(review.version),
            "strengths": f"Đo từng trang, lần {n}: hoàn thành nhiệm vụ được giao.",
            "shortcomings": "Đôi khi chưa chủ động.",
            "remedies": "Tích cực học tập.",
            "self_level": "HTTNV",
            "score_general": "25",
            "score_tasks": "60",
            "tasks_total": "10",
            "tasks_done": "10",
        }
        data.update({f"section_{k}": f"Nội dung {k} ({n})." for k in review.sections})
        if action:
            data["action"] = action
        return data

    def autosave(n: int) -> Any:
        resp = client.post(f"/kiem-diem/ban/{review.pk}/luu-nhap/", form_data(review, n))
        review.version = resp.json().get("version", review.version)  # what autosave.js keeps
        return resp

    resp = measure("autosave", [lambda n=n: autosave(n) for n in range(args.repeat)])
    assert resp.json().get("ok"), resp.content

    def submit(m: dict[str, Any]) -> Callable[[], Any]:
        writer = client_for(m["username"])
        writer.get(f"/kiem-diem/{m['subject']}/")
        data = form_data(Review.objects.get(subject_id=m["subject"], place=ReviewPlace.CELL), 0, "submit")
        return lambda: writer.post(f"/kiem-diem/{m['subject']}/", data)

    resp = measure("submit", [submit(m) for m in writers])
    assert resp.status_code == 302, resp.status_code

    def vote(m: dict[str, Any]) -> Callable[[], Any]:
        voter = client_for(m["username"])
        return lambda: voter.post(f"/phieu/{m['box']}/", {"level": "HTTNV"})

    resp = measure("vote", [vote(m) for m in writers])
    assert resp.status_code == 200 and _RECEIPT.search(resp.content.decode()), resp.status_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
