"""Where the time goes: aggregate py-spy "raw" (collapsed stack) files from the gunicorn workers.

    python bench/load/profile_report.py out/py-spy-*.txt

Prints the share of samples by category (Argon2, database round trips, template rendering, …), the
project functions with the most inclusive time, and the leaf frames with the most self time.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

# First match wins, looked for from the leaf of the stack upwards.
CATEGORIES = [
    ("argon2 (login)", ("argon2",)),
    ("waiting for a request (idle)", ("wait (gunicorn", "sleep (gunicorn", "select (selectors", "accept (")),
    ("database round trips (psycopg)", ("psycopg",)),
    ("template rendering", ("django/template",)),
    ("forms", ("django/forms",)),
    ("ORM / SQL compilation", ("django/db/models", "django/db/backends")),
    ("sessions, auth, middleware", ("django/contrib/sessions", "django/contrib/auth", "django/middleware")),
    ("URL resolving", ("django/urls",)),
]


def _frames(stack: str) -> list[str]:
    return [f for f in stack.split(";") if f]


def report(paths: list[Path], top: int = 15) -> str:
    stacks: Counter[str] = Counter()
    for path in paths:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                stacks[stack] += int(count)
    total = sum(stacks.values())
    if not total:
        return "py-spy: no samples"
    cats: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for stack, n in stacks.items():
        frames = _frames(stack)
        leaves[frames[-1]] += n
        for frame in set(frames):
            if "kiemdiem/" in frame:
                inclusive[frame] += n
        for frame in reversed(frames):
            hit = next((c for c, keys in CATEGORIES if any(k in frame for k in keys)), None)
            if hit:
                cats[hit] += n
                break
        else:
            cats["other Python"] += n
    busy = total - cats["waiting for a request (idle)"]
    lines = [f"\npy-spy: {total} samples over {len(paths)} workers; {busy} busy"]
    lines.append("by category (share of busy samples):")
    for cat, n in cats.most_common():
        if cat != "waiting for a request (idle)":
            lines.append(f"  {100 * n / max(busy, 1):5.1f}%  {cat}")
    lines.append("project functions, inclusive (share of busy samples):")
    for frame, n in inclusive.most_common(top):
        lines.append(f"  {100 * n / max(busy, 1):5.1f}%  {frame}")
    lines.append("leaf frames, self (share of all samples):")
    for frame, n in leaves.most_common(top):
        lines.append(f"  {100 * n / total:5.1f}%  {frame}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report([Path(p) for p in sys.argv[1:]]))
