"""Server time and queries per page of the load test, one request at a time (no concurrency).

    DATABASE_URL=postgres://…/kiemdiem_load_… python bench/load/pages.py --manifest manifest.json

Uses Django's test client in process (no network), on a database kept by ``run.py --keep-db``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="print the most repeated SQL per page")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiemdiem.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kiemdiem.accounts.models import User

    manifest: dict[str, Any] = json.loads(args.manifest.read_text(encoding="utf-8"))
    member = next(m for m in manifest["members"] if m["box"])
    sec = manifest["secretaries"][0]
    plan = manifest["plan"]
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
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(url)  # warm
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                resp = client.get(url)
                times.append(1000 * (time.perf_counter() - t))
        print(
            f"{name:<20} {resp.status_code} {statistics.median(times):7.1f} ms {len(ctx.captured_queries):5d} queries"
        )
        if args.sql:
            shapes = Counter(q["sql"][:160] for q in ctx.captured_queries)
            for sql, n in shapes.most_common(4):
                print(f"      {n:4d}× {sql}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
