"""Small builders for rules tests: requests in the contract's vocabulary."""

from __future__ import annotations

from typing import Any

from kiemdiem.rules import classify_request


def member(sid: str = "m1", **facts: Any) -> dict[str, Any]:
    return {"id": sid, "kind": "member", **facts}


def tasks(total: int, done: int | None = None, on_time: int | None = None, exceeded: int = 0, late: int = 0):
    done = total if done is None else done
    on_time = done - late if on_time is None else on_time
    return {"total": total, "done": done, "on_time": on_time, "exceeded": exceeded, "late": late}


def score(total: float, general: float = 30) -> dict[str, float]:
    """A 366 score with the given total (group I capped at 30)."""
    general = min(general, total)
    return {"general": general, "tasks": round(total - general, 10)}


def run(framework: str, subjects: list[dict[str, Any]], review_date: str = "2025-12-15", groups=None):
    request: dict[str, Any] = {"framework": framework, "review_date": review_date, "subjects": subjects}
    if groups is not None:
        request["groups"] = groups
    return classify_request(request)


def result(response: dict[str, Any], sid: str = "m1") -> dict[str, Any]:
    return next(r for r in response["results"] if r["id"] == sid)


def rules_of(r: dict[str, Any]) -> list[str]:
    return [reason["rule"] for reason in r["reasons"]]


def one(framework: str, review_date: str = "2025-12-15", **facts: Any) -> dict[str, Any]:
    """Classify one subject (kind member unless given) and return its result."""
    facts.setdefault("kind", "member")
    return result(run(framework, [{"id": "m1", **facts}], review_date))


def quota(response: dict[str, Any], group: str) -> dict[str, Any]:
    return next(q for q in response["quota"] if q["group"] == group)
