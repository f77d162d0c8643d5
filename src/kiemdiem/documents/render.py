"""Rendering one context to DOCX (docxtpl) or PDF (Django HTML template + WeasyPrint).

The PDF uses Liberation Serif (metric-compatible with Times New Roman, covers Vietnamese) loaded from
Debian's fonts-liberation files by ``@font-face`` in ``templates/documents/pdf/style.css``; no other
font is in the family list, so a missing glyph would show as a box instead of silently dropping a
diacritic.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

DOCX_DIR = Path(__file__).resolve().parent / "templates" / "docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
ZIP_TYPE = "application/zip"
FORMATS = ("docx", "pdf")
CONTENT_TYPES = {"docx": DOCX_TYPE, "pdf": PDF_TYPE, "zip": ZIP_TYPE}


@cache
def _template_bytes(name: str, mtime: float) -> bytes:
    return (DOCX_DIR / f"{name}.docx").read_bytes()


def docx_template_path(name: str) -> Path:
    return DOCX_DIR / f"{name}.docx"


def render_docx(name: str, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    path = docx_template_path(name)
    tpl = DocxTemplate(io.BytesIO(_template_bytes(name, path.stat().st_mtime)))
    tpl.render(context, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


LANDSCAPE = frozenset({"tong-hop-y-kien"})


def render_html(name: str, contexts: Iterable[dict[str, Any]]) -> str:
    """The HTML of one or more documents of the same kind, each starting on a new page."""
    bodies = [render_to_string(f"documents/pdf/{name}.html", c) for c in contexts]
    return render_to_string(
        "documents/pdf/document.html", {"bodies": bodies, "landscape": name in LANDSCAPE, "name": name}
    )


@cache
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def pdf_document(html: str) -> Any:
    """A laid-out WeasyPrint document (pages can be combined before writing)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(Path(__file__).resolve().parent)).render(font_config=_font_config())


def render_pdf(name: str, context: dict[str, Any]) -> bytes:
    pdf: bytes = pdf_document(render_html(name, [context])).write_pdf()
    return pdf


def render(name: str, context: dict[str, Any], fmt: str) -> bytes:
    if fmt == "docx":
        return render_docx(name, context)
    if fmt == "pdf":
        return render_pdf(name, context)
    raise ValueError(fmt)


def merge_pdf(documents: list[Any]) -> bytes:
    """One PDF of the pages of several laid-out documents, in order."""
    first = documents[0]
    pages = [page for doc in documents for page in doc.pages]
    pdf: bytes = first.copy(pages).write_pdf()
    return pdf
