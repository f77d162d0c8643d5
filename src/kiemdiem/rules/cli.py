"""``kiemdiem rules …``: classify (the JSON contract), list, explain.

The top-level ``kiemdiem`` command calls ``main(sys.argv[2:])`` and exits with its return value:
0 on success, 2 on a malformed request or bad usage (with ``{"errors": [...]}`` on stdout for classify).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from .contract import RequestError, classify_request
from .explain import explain, list_frameworks
from .registry import FRAMEWORKS

EXIT_OK = 0
EXIT_BAD_REQUEST = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiemdiem rules",
        description="Khung quy định đánh giá, xếp loại chất lượng.",
        exit_on_error=False,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    classify = sub.add_parser("classify", help="Xếp loại theo hợp đồng JSON", exit_on_error=False)
    classify.add_argument("--input", default="-", help="Tệp JSON yêu cầu (mặc định: stdin)")
    classify.add_argument("--output", default="-", help="Tệp kết quả (mặc định: stdout)")
    classify.add_argument("--format", choices=("json", "table"), default="json")
    listing = sub.add_parser("list", help="Các khung và quy tắc kèm căn cứ", exit_on_error=False)
    listing.add_argument("--format", choices=("text", "json"), default="text")
    explain_cmd = sub.add_parser("explain", help="Tóm tắt một khung bằng tiếng Việt", exit_on_error=False)
    explain_cmd.add_argument("framework")
    return parser


def main(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run ``kiemdiem rules`` with ``argv`` (without the ``kiemdiem rules`` prefix); return the exit code."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or argparse's own usage error
        return int(exc.code or 0)
    except argparse.ArgumentError as exc:
        print(f"kiemdiem rules: {exc}", file=sys.stderr)
        return EXIT_BAD_REQUEST
    if args.command == "classify":
        return _classify(args, stdin, stdout)
    if args.command == "list":
        if args.format == "json":
            json.dump(_list_json(), stdout, ensure_ascii=False, indent=2)
            stdout.write("\n")
        else:
            stdout.write(list_frameworks(FRAMEWORKS))
        return EXIT_OK
    framework = FRAMEWORKS.get(args.framework)
    if framework is None:
        print(
            f"Khung quy định không tồn tại: {args.framework!r}; chọn một trong {', '.join(FRAMEWORKS)}.",
            file=sys.stderr,
        )
        return EXIT_BAD_REQUEST
    stdout.write(explain(framework))
    return EXIT_OK


def _errors(stdout: TextIO, errors: list[dict[str, str]]) -> int:
    json.dump({"errors": errors}, stdout, ensure_ascii=False, indent=2)
    stdout.write("\n")
    return EXIT_BAD_REQUEST


def _classify(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    try:
        if args.input == "-":
            text = stdin.read()
        else:
            with open(args.input, encoding="utf-8") as f:
                text = f.read()
    except OSError as exc:
        return _errors(stdout, [{"path": "$", "message": f"Không đọc được tệp yêu cầu: {exc.strerror}."}])
    try:
        request = json.loads(text)
    except json.JSONDecodeError as exc:
        return _errors(
            stdout,
            [{"path": "$", "message": f"JSON không hợp lệ ở dòng {exc.lineno}, cột {exc.colno}."}],
        )
    try:
        response = classify_request(request)
    except RequestError as exc:
        return _errors(stdout, exc.errors)
    rendered = (
        _table(response)
        if args.format == "table"
        else json.dumps(response, ensure_ascii=False, indent=2) + "\n"
    )
    if args.output == "-":
        stdout.write(rendered)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(rendered)
    return EXIT_OK


def _table(response: dict[str, Any]) -> str:
    rows = [("Mã", "Xếp loại", "Tối đa", "Cần quyết định", "Căn cứ")]
    for r in response["results"]:
        level = r["level"] if r["classified"] else f"không xếp loại ({r['not_classified_reason']})"
        rows.append(
            (
                r["id"],
                level,
                r["max_level"] or "",
                ", ".join(r["needs_decision"]),
                ", ".join(reason["rule"] for reason in r["reasons"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.append("")
    lines.append("Tỷ lệ HTXSNV theo nhóm:")
    for q in response["quota"]:
        status = (
            "đạt" if q["ok"] else f"vượt {q['excess']}; đề xuất hạ: {', '.join(q['suggested_demotions'])}"
        )
        cap = "không áp dụng" if q["cap"] is None else str(q["cap"])
        lines.append(f"  {q['group']}: HTXSNV {q['HTXSNV']}, HTTNV {q['HTTNV']}, tối đa {cap} — {status}")
    return "\n".join(lines) + "\n"


def _list_json() -> list[dict[str, Any]]:
    return [
        {
            "id": fw.id,
            "title": fw.title,
            "regulation": fw.regulation,
            "guidance": list(fw.guidance),
            "rules": [
                {"id": r.id, "title": r.title, "source": r.source, "url": r.url, "unconfirmed": r.unconfirmed}
                for r in fw.rules
            ],
        }
        for fw in FRAMEWORKS.values()
    ]
