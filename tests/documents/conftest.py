"""Fixtures for the document tests.

``seed_docs`` loads the seed's 2020 scenario once per module (plan 07-KH/ĐU of 18/11/2020, decision
15-QĐ/ĐU), renders its big documents once, records the facts the tests compare them with, and rolls
the database back: every test of the module reads the same files.
"""

from __future__ import annotations

import io
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"


@dataclass
class SeedDocs:
    dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def pdf_text(path: Path | bytes) -> str:
    if isinstance(path, bytes):
        return subprocess.run(
            ["pdftotext", "-", "-"], input=path, capture_output=True, check=True
        ).stdout.decode()
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()


def pdf_info(path: Path | bytes) -> dict[str, str]:
    args = ["pdfinfo", "-"] if isinstance(path, bytes) else ["pdfinfo", str(path)]
    data = path if isinstance(path, bytes) else None
    out = subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def docx_texts(data: bytes | Path) -> tuple[list[str], list[list[list[str]]]]:
    """Paragraph texts and, per table, rows of cell texts."""
    import docx

    doc = docx.Document(io.BytesIO(data) if isinstance(data, bytes) else str(data))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return paragraphs, tables


@pytest.fixture(scope="module")
def seed_docs(django_db_setup, django_db_blocker, tmp_path_factory) -> SeedDocs:  # type: ignore[no-untyped-def]
    from kiemdiem.decisions.models import DecisionEntry
    from kiemdiem.demo import scenario, seed
    from kiemdiem.documents import catalog
    from kiemdiem.plans.models import Plan
    from kiemdiem.reviews.models import Meeting

    out = SeedDocs(tmp_path_factory.mktemp("seed-docs"))
    with django_db_blocker.unblock(), transaction.atomic():
        seed.load()
        scenario.load_2020()
        plan = Plan.objects.get(number="07-KH/ĐU")
        decision = plan.decisions.get(number="15-QĐ/ĐU")
        meeting = Meeting.objects.filter(plan=plan, organization__code="TT-UBND").get()
        member = (
            plan.subjects.filter(cell__code="TT-TDP03", kind="member_outside", reviews__status="da_nop")
            .select_related("member")
            .first()
        )
        docs = {
            "plan": catalog.plan_document(plan),
            "decision": catalog.decision(decision),
            "minutes": catalog.minutes(meeting),
            "feedback": catalog.feedback(plan, meeting.organization),
            "form": catalog.subject_form(member),
        }
        for name, doc in docs.items():
            for fmt in ("docx", "pdf"):
                if fmt == "pdf" and name not in ("plan", "decision", "form"):
                    continue
                path = out.dir / f"{name}.{fmt}"
                path.write_bytes(doc.render(fmt))
                out.files[f"{name}.{fmt}"] = path
        from django.core.management import call_command

        statistics = out.dir / "statistics.xlsx"
        call_command(
            "report", "statistics", "--plan", str(plan.pk), "--output", str(statistics), "--no-progress"
        )
        out.files["statistics.xlsx"] = statistics
        entries = DecisionEntry.objects.filter(decision=decision).select_related("subject")
        out.facts = {
            "plan_pk": plan.pk,
            "levels": Counter(e.level for e in entries),
            "members_by_level": {
                lv: sorted(e.subject.name for e in entries if e.level == lv and e.subject.member_id)
                for lv in ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
            },
            "meeting": {
                "total": meeting.total,
                "present": meeting.present,
                "excused": meeting.excused,
                "items": [
                    (i.subject.name, i.result, i.proposed_level)
                    for i in meeting.items.select_related("subject")
                ],
            },
            "member": {
                "name": member.name,
                "cell": member.cell.name,
                "strengths": member.reviews.get().strengths,
                "self_level": member.reviews.get().self_level,
            },
            "feedback_rows": plan.subjects.filter(
                cell=meeting.organization, reviewed=True, member__isnull=False
            ).count(),
            "secretary": docs["plan"].context["sign"]["name"],
        }
        transaction.set_rollback(True)
    return out
