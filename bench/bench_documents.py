"""Benchmark: every member's pre-filled self-review form for the seed ward (issue 5).

Loads the seed ward and its 2020 cycle (plan 07-KH/ĐU) into a fresh SQLite database in a temporary
data folder, then times, in the same process:

- **baseline**: rendering the same number of copies of a minimal DOCX template (one paragraph, one
  field) with docxtpl — the fixed cost of opening, rendering and saving a Word file;
- **batch DOCX**: ``catalog.build_batch`` writing every member's form into one ZIP (contexts from the
  database in a constant number of queries, one docxtpl render per form);
- **batch PDF** (``--pdf``): the same forms as one merged PDF (WeasyPrint, 20 forms per layout).

    .venv/bin/python bench/bench_documents.py            # the whole ward (~1,070 forms), DOCX
    .venv/bin/python bench/bench_documents.py --pdf      # also the merged PDF
    .venv/bin/python bench/bench_documents.py --smoke    # one cell (~45 forms), for CI
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one cell only (CI)")
    parser.add_argument("--pdf", action="store_true", help="also time the merged PDF")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="kd-bench-docs-")
    os.environ["KIEMDIEM_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiemdiem.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from docx import Document
    from docxtpl import DocxTemplate

    from kiemdiem.demo import scenario, seed
    from kiemdiem.documents import catalog
    from kiemdiem.organizations.models import Organization

    seed.load()
    plan = scenario.load_2020()
    cell = Organization.objects.get(code="TT-TDP01") if args.smoke else None
    subjects = catalog.batch_subjects(plan, cell)
    n = len(subjects)

    minimal = io.BytesIO()
    doc = Document()
    doc.add_paragraph("{{ name }}")
    doc.save(minimal)
    template = minimal.getvalue()
    started = time.perf_counter()
    for s in subjects:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.render({"name": s.name})
        tpl.save(io.BytesIO())
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    catalog.build_batch(plan, subjects, "docx", io.BytesIO())
    docx_seconds = time.perf_counter() - started
    results = {
        "forms": n,
        "baseline_seconds": round(baseline, 2),
        "baseline_per_second": round(n / baseline, 1),
        "docx_seconds": round(docx_seconds, 2),
        "docx_per_second": round(n / docx_seconds, 1),
        "docx_vs_baseline": round(docx_seconds / baseline, 2),
    }
    if args.pdf:
        started = time.perf_counter()
        catalog.build_batch(plan, subjects, "pdf", io.BytesIO())
        pdf_seconds = time.perf_counter() - started
        results.update({"pdf_seconds": round(pdf_seconds, 2), "pdf_per_second": round(n / pdf_seconds, 1)})
    if args.json:
        print(json.dumps(results))
    else:
        print(f"forms: {n} ({'one cell' if args.smoke else 'whole ward'})")
        print(f"baseline (minimal DOCX × {n}): {baseline:.2f} s, {n / baseline:.1f} documents/s")
        print(f"batch DOCX (ZIP):            {docx_seconds:.2f} s, {n / docx_seconds:.1f} documents/s "
              f"({docx_seconds / baseline:.1f}× baseline)")  # fmt: skip
        if args.pdf:
            print(
                f"batch PDF (merged):          {results['pdf_seconds']:.2f} s, {results['pdf_per_second']} documents/s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
