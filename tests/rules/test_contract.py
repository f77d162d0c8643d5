"""The `kiemdiem rules classify` contract: example, error bodies, exit codes, CLI subcommands."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiemdiem.rules import RequestError, classify_request, parse_request
from kiemdiem.rules.cli import main

EXAMPLE_REQUEST = {
    "framework": "qd366-2025",
    "review_date": "2025-12-15",
    "groups": {"ward-members": {"outstanding_unit": False}},
    "subjects": [
        {
            "id": "m1",
            "kind": "member",
            "group": "ward-members",
            "score": {"general": 28, "tasks": 64},
            "tasks": {"total": 10, "done": 10, "on_time": 10, "exceeded": 3, "late": 0},
            "prior_shortcomings": {"total": 1, "remedied": 1},
        }
    ]
    + [
        {
            "id": f"t{i}",
            "kind": "member",
            "group": "ward-members",
            "score": {"general": 26, "tasks": 56},
            "tasks": {"total": 8, "done": 8, "on_time": 8},
        }
        for i in range(40)
    ],
}


def run_cli(argv: list[str], stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def test_contract_example_answers_as_documented():
    response = classify_request(EXAMPLE_REQUEST)
    assert response["framework"] == "qd366-2025"
    m1 = response["results"][0]
    assert set(m1) == {"id", "classified", "max_level", "level", "needs_decision", "reasons"}
    assert m1["id"] == "m1" and m1["classified"] is True
    assert (m1["max_level"], m1["level"], m1["needs_decision"]) == ("HTXSNV", "HTXSNV", [])
    assert m1["reasons"] == [
        {
            "rule": "C-LV-01",
            "source": "QĐ 366-QĐ/TW, Điều 11 khoản 1",
            "effect": m1["reasons"][0]["effect"],
        }
    ]
    assert "90 điểm" in m1["reasons"][0]["effect"]
    [q] = response["quota"]
    assert {k: q[k] for k in ("group", "HTXSNV", "HTTNV", "cap", "ok", "excess", "suggested_demotions")} == {
        "group": "ward-members",
        "HTXSNV": 1,
        "HTTNV": 40,
        "cap": 8,
        "ok": True,
        "excess": 0,
        "suggested_demotions": [],
    }


def test_every_result_has_at_least_one_reason():
    for r in classify_request(EXAMPLE_REQUEST)["results"]:
        assert r["reasons"]


def test_cli_classify_reads_stdin_and_writes_json():
    code, out = run_cli(["classify"], json.dumps(EXAMPLE_REQUEST))
    assert code == 0
    assert json.loads(out) == classify_request(EXAMPLE_REQUEST)


def test_cli_classify_files_and_table(tmp_path: Path):
    request = tmp_path / "req.json"
    request.write_text(json.dumps(EXAMPLE_REQUEST), encoding="utf-8")
    output = tmp_path / "out.json"
    assert run_cli(["classify", "--input", str(request), "--output", str(output)]) == (0, "")
    assert json.loads(output.read_text(encoding="utf-8"))["results"][0]["level"] == "HTXSNV"
    code, table = run_cli(["classify", "--input", str(request), "--format", "table"])
    assert code == 0 and "m1" in table and "ward-members" in table and "HTXSNV" in table


def test_python_dash_m_kiemdiem_rules_runs_the_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "kiemdiem.rules", "classify"],
        input=json.dumps(EXAMPLE_REQUEST),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["framework"] == "qd366-2025"
    bad = subprocess.run(
        [sys.executable, "-m", "kiemdiem.rules", "classify"],
        input="{}",
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert json.loads(bad.stdout)["errors"]


def test_cli_list_and_explain():
    code, out = run_cli(["list"])
    assert code == 0 and "C-LV-01" in out and "A-HEAD-01" in out and "HD 43-HD/BTCTW" in out
    code, out = run_cli(["list", "--format", "json"])
    assert code == 0 and {f["id"] for f in json.loads(out)} == {"qd132-2020", "qd124-2023", "qd366-2025"}
    code, out = run_cli(["explain", "qd124-2023"])
    assert code == 0 and "Mẫu 02A" in out
    assert run_cli(["explain", "qd000"])[0] == 2
    assert run_cli(["frobnicate"])[0] == 2


def _errors(request) -> list[dict[str, str]]:
    code, out = run_cli(["classify"], json.dumps(request))
    assert code == 2
    body = json.loads(out)
    assert set(body) == {"errors"}
    with pytest.raises(RequestError):
        classify_request(request)
    return body["errors"]


def _paths(request) -> set[str]:
    return {e["path"] for e in _errors(request)}


def base(**subject):
    return {
        "framework": "qd366-2025",
        "review_date": "2025-12-15",
        "subjects": [{"id": "m1", "kind": "member", **subject}],
    }


def test_malformed_unknown_framework():
    request = base()
    request["framework"] = "qd999"
    [error] = _errors(request)
    assert error["path"] == "framework" and "qd366-2025" in error["message"]


def test_malformed_unknown_kind():
    assert _paths(base(kind="secretary")) == {"subjects[0].kind"}


def test_malformed_score_out_of_range():
    assert _paths(base(score={"general": 31, "tasks": 70})) == {"subjects[0].score.general"}
    assert _paths(base(score={"general": 30, "tasks": -1})) == {"subjects[0].score.tasks"}
    assert _paths(base(score={"general": 30})) == {"subjects[0].score.tasks"}


def test_malformed_score_under_a_graded_framework_and_grades_under_366():
    request = base(score={"general": 20, "tasks": 50})
    request["framework"] = "qd124-2023"
    request["review_date"] = "2024-12-15"
    assert _paths(request) == {"subjects[0].score"}
    assert _paths(base(grades={"key": "tot", "other": "tot"})) == {"subjects[0].grades"}


def test_malformed_tasks_done_greater_than_total():
    [error] = _errors(base(tasks={"total": 5, "done": 6}))
    assert error["path"] == "subjects[0].tasks.done"
    assert "lớn hơn tổng số" in error["message"]
    assert _paths(base(tasks={"total": 5, "done": 5, "exceeded": 6})) == {"subjects[0].tasks.exceeded"}
    assert _paths(base(tasks={"total": 5, "done": 5, "on_time": 4, "late": 2})) == {"subjects[0].tasks.late"}


def test_malformed_dates_after_the_review_date():
    assert _paths(base(admitted_on="2026-01-01")) == {"subjects[0].admitted_on"}
    discipline = [{"form": "khien_trach", "decided_on": "2025-12-20", "violation_on": "2025-12-16"}]
    assert _paths(base(discipline=discipline)) == {
        "subjects[0].discipline[0].decided_on",
        "subjects[0].discipline[0].violation_on",
    }


def test_malformed_duplicate_ids():
    request = base()
    request["subjects"].append({"id": "m1", "kind": "leader"})
    [error] = _errors(request)
    assert error["path"] == "subjects[1].id" and "m1" in error["message"]


def test_malformed_wrong_types():
    paths = _paths(
        base(
            score={"general": "28", "tasks": True},
            tasks={"total": 10.5, "done": 10},
            degradation_concluded="yes",
            low_confidence_ratio=2,
            proposed_level="Xuất sắc",
            discipline={"form": "khien_trach"},
        )
    )
    assert paths == {
        "subjects[0].score.general",
        "subjects[0].score.tasks",
        "subjects[0].tasks.total",
        "subjects[0].degradation_concluded",
        "subjects[0].low_confidence_ratio",
        "subjects[0].proposed_level",
        "subjects[0].discipline",
    }


def test_malformed_request_reports_every_problem_at_once():
    request = {
        "framework": "qd999",
        "review_date": "15/12/2025",
        "groups": {"g": {"outstanding_unit": "yes"}},
        "subjects": [{"kind": "member"}, {"id": "a", "kind": "x", "colour": "red"}, 5],
        "extra": 1,
    }
    assert _paths(request) == {
        "framework",
        "review_date",
        "groups.g.outstanding_unit",
        "subjects[0].id",
        "subjects[1].kind",
        "subjects[1].colour",
        "subjects[2]",
        "extra",
    }
    for error in _errors(request):
        assert error["message"] and error["message"][0].isupper()


def test_malformed_not_an_object_or_not_json():
    assert _paths([1, 2]) == {"$"}
    code, out = run_cli(["classify"], "{not json")
    assert code == 2 and json.loads(out)["errors"][0]["path"] == "$"
    code, out = run_cli(["classify", "--input", "/nonexistent/req.json"])
    assert code == 2 and json.loads(out)["errors"][0]["path"] == "$"


def test_malformed_request_writes_no_output_file(tmp_path: Path):
    output = tmp_path / "out.json"
    code, out = run_cli(["classify", "--output", str(output)], json.dumps(base(kind="nope")))
    assert code == 2 and not output.exists()


def test_parse_fills_derived_task_counts():
    parsed = parse_request(base(tasks={"total": 10, "done": 9, "late": 2}))
    s = parsed.subjects[0]
    assert (s.tasks_total, s.tasks_done, s.tasks_on_time, s.tasks_late, s.tasks_exceeded) == (10, 9, 7, 2, 0)
