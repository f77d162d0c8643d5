"""No lost, no duplicated writes: compare the client-side log of acknowledged writes with the database.

Run inside Django against the load test's database after the server has stopped::

    python bench/load/check.py --acks acks.jsonl --manifest manifest.json

Checks (each prints a line; the exit code is 1 if any fails):

- ballots: every acknowledged receipt code is in its box exactly once; no code was acknowledged twice;
  in every box, the ballots equal the roll entries flipped to "has voted" (no ballot without its roll
  entry, no roll entry without its ballot); ballots in the database are at least the acknowledged ones
  and at most the attempted ones (nothing appears from nowhere); no member is on a roll as voted who
  never tried.
- submissions: every acknowledged submission is a submitted review with exactly one ``review.submit``
  audit event; submitted member reviews are at least the acknowledged and at most the attempted ones.
- autosaves: for each review, no version was acknowledged twice (two writers both told "saved" on the
  same version means one write was lost); the database's version is at least the highest acknowledged
  one; when the last write to a review was acknowledged, the database holds exactly that text.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Result:
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def check(self, ok: bool, what: str) -> None:
        self.lines.append(f"{'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            self.failures.append(what)

    @property
    def ok(self) -> bool:
        return not self.failures


def read_log(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line:
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:  # a line cut by the stop: an attempt at most
                continue
    return rows


def check(acks: list[dict[str, Any]], manifest: dict[str, Any]) -> Result:
    from kiemdiem.audit.models import AuditEvent
    from kiemdiem.reviews.ballots import _receipt_hash
    from kiemdiem.reviews.models import Ballot, BallotBox, Review, ReviewStatus, VoterRollEntry

    res = Result()
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in acks:
        by_kind[row["t"]].append(row)
    res.counts = {k: len(v) for k, v in sorted(by_kind.items())}

    # --- ballots -------------------------------------------------------------------------------
    boxes = sorted({m["box"] for m in manifest["members"] if m["box"]})
    votes, tries = by_kind["vote"], Counter(r["box"] for r in by_kind["vote_try"])
    codes = Counter((r["box"], r["code"]) for r in votes)
    res.check(
        all(n == 1 for n in codes.values()),
        f"{len(votes)} acknowledged ballots, no receipt acknowledged twice",
    )
    hashes = Counter(Ballot.objects.filter(box_id__in=boxes).values_list("box_id", "receipt_hash"))
    missing = [(b, c) for b, c in codes if hashes.get((b, _receipt_hash(BallotBox(pk=b), c)), 0) != 1]
    res.check(
        not missing,
        f"every acknowledged ballot is in its box exactly once (missing or doubled: {len(missing)})",
    )
    res.check(all(n == 1 for n in hashes.values()), "no receipt hash appears twice in the database")
    cast = Counter(Ballot.objects.filter(box_id__in=boxes).values_list("box_id", flat=True))
    flipped = Counter(
        VoterRollEntry.objects.filter(box_id__in=boxes, has_voted=True).values_list("box_id", flat=True)
    )
    res.check(cast == flipped, f"ballots per box equal roll entries flipped ({sum(cast.values())} ballots)")
    acked = Counter(b for b, _ in codes)
    res.check(
        all(acked[b] <= cast[b] <= tries[b] for b in boxes),
        "per box: acknowledged ≤ ballots in the database ≤ attempted",
    )

    # --- submissions ----------------------------------------------------------------------------
    submits = {r["review"] for r in by_kind["submit"]}
    submit_tries = {r["review"] for r in by_kind["submit_try"]}
    submitted = set(
        Review.objects.filter(pk__in=submits, status=ReviewStatus.SUBMITTED).values_list("pk", flat=True)
    )
    res.check(submitted == submits, f"{len(submits)} acknowledged submissions are submitted in the database")
    events = Counter(
        int(x)
        for x in AuditEvent.objects.filter(
            action="review.submit", object_id__in=[str(p) for p in submits | submit_tries]
        ).values_list("object_id", flat=True)
    )
    res.check(
        all(events[p] == 1 for p in submits), "each acknowledged submission has exactly one audit event"
    )
    member_subjects = [m["subject"] for m in manifest["members"]]
    in_db = set(
        Review.objects.filter(subject_id__in=member_subjects, status=ReviewStatus.SUBMITTED).values_list(
            "pk", flat=True
        )
    )
    res.check(
        submits <= in_db <= submit_tries,
        f"acknowledged ≤ submitted in the database ({len(in_db)}) ≤ attempted",
    )

    # --- autosaves ------------------------------------------------------------------------------
    saves: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in by_kind["autosave"]:
        saves[r["review"]].append(r)
    doubled = [p for p, rows in saves.items() if len({r["version"] for r in rows}) != len(rows)]
    res.check(
        not doubled, f"{len(by_kind['autosave'])} acknowledged autosaves, no version acknowledged twice"
    )
    db = {r.pk: r for r in Review.objects.filter(pk__in=saves)}
    behind = [p for p, rows in saves.items() if db[p].version < max(r["version"] for r in rows)]
    res.check(not behind, "the database's version is at least the highest acknowledged one")
    last_write: dict[int, dict[str, Any]] = {}
    last_try: dict[int, float] = defaultdict(float)
    for r in by_kind["autosave"] + by_kind["submit"]:
        if r["review"] not in last_write or r["at"] > last_write[r["review"]]["at"]:
            last_write[r["review"]] = r
    for r in by_kind["autosave_try"] + by_kind["submit_try"]:
        last_try[r["review"]] = max(last_try[r["review"]], r["at"])
    settled = {p: r for p, r in last_write.items() if last_try[p] <= r["at"]}
    texts = dict(Review.objects.filter(pk__in=settled).values_list("pk", "strengths"))
    wrong = [p for p, r in settled.items() if texts.get(p) != r["text"]]
    res.check(not wrong, f"{len(settled)} reviews hold exactly their last acknowledged text")
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acks", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--json", type=Path, help="write the result here as JSON")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiemdiem.settings")
    import django

    django.setup()
    res = check(read_log(args.acks), json.loads(args.manifest.read_text(encoding="utf-8")))
    for line in res.lines:
        print(line)
    if args.json:
        args.json.write_text(json.dumps({"ok": res.ok, "failures": res.failures, "counts": res.counts}))
    return 0 if res.ok else 1


if __name__ == "__main__":
    sys.exit(main())
