"""Builds the DOCX templates in ``src/kiemdiem/documents/templates/docx/`` with python-docx.

A tool of the repository, not of the installed package: ``python tools/docx_templates.py`` (from a
checkout, with the project's virtualenv) writes the nine files; ``--output DIR`` writes them elsewhere.
tests/documents/test_template_builder.py checks that the committed files are what this tool builds.

The generated files are committed: a committee may open one in Word or LibreOffice, change the wording
around the ``{{ … }}`` fields, and save it back; docxtpl renders whatever is there. Re-running this
script restores the original wording. Layout follows Hướng dẫn 36-HD/VPTW: A4, margins 20/20/30/15 mm,
Times New Roman 14, header block in two columns, signature block, recipients in size 12.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "src" / "kiemdiem" / "documents" / "templates" / "docx"
FONT = "Times New Roman"
J = WD_ALIGN_PARAGRAPH.JUSTIFY
C = WD_ALIGN_PARAGRAPH.CENTER
L = WD_ALIGN_PARAGRAPH.LEFT
R = WD_ALIGN_PARAGRAPH.RIGHT

Doc = Any


def _fonts(element: Any) -> None:
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def new_document(*, landscape: bool = False) -> Doc:
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _fonts(normal.element)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(4)
    fmt.line_spacing = 1.1
    return doc


def text_width(doc: Doc) -> int:
    s = doc.sections[0]
    return int(s.page_width - s.left_margin - s.right_margin)


def para(
    box: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
    align: Any = J,
    indent: bool = False,
    after: float | None = None,
    before: float | None = None,
) -> Any:
    p = box.add_paragraph()
    p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    if before is not None:
        p.paragraph_format.space_before = Pt(before)
    if text:
        run(p, text, bold=bold, italic=italic, underline=underline, size=size)
    return p


def run(
    p: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
) -> Any:
    r = p.add_run(text)
    r.bold, r.italic, r.underline = bold or None, italic or None, underline or None
    if size:
        r.font.size = Pt(size)
    return r


def mixed(
    box: Any,
    parts: Sequence[tuple[str, str]],
    *,
    align: Any = J,
    indent: bool = False,
    size: float | None = None,
) -> Any:
    """A paragraph of runs: ``("b", text)`` bold, ``("i", text)`` italic, ``("", text)`` plain."""
    p = para(box, align=align, indent=indent)
    for style, text in parts:
        run(p, text, bold="b" in style, italic="i" in style, size=size)
    return p


def tag(box: Any, text: str) -> None:
    """A paragraph holding only a docxtpl tag (``{%p … %}``): it disappears when rendered."""
    box.add_paragraph(text)


def loop(box: Any, head: str, body: Callable[[], None]) -> None:
    tag(box, "{%p " + head + " %}")
    body()
    tag(box, "{%p " + ("endfor" if head.startswith("for") else "endif") + " %}")


def text_list(box: Any, expr: str, *, indent: bool = True, blank_lines: int = 2) -> None:
    """Paragraphs of a list of strings; dotted lines for writing by hand when the list is empty."""
    tag(box, "{%p for t in " + expr + " %}")
    para(box, "{{ t }}", indent=indent)
    tag(box, "{%p endfor %}")
    tag(box, "{%p if not " + expr + " %}")
    for _ in range(blank_lines):
        para(box, "…" * 70, align=L)
    tag(box, "{%p endif %}")


def keep_row(row: Any) -> None:
    """A table row that Word and LibreOffice must not split across pages (signature blocks)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def _cell_paragraph(cell: Any, first: list[bool]) -> Any:
    if first[0]:
        first[0] = False
        return cell.paragraphs[0]
    return cell.add_paragraph()


def cell_para(cell: Any, text: str, first: list[bool], **kw: Any) -> Any:
    p = _cell_paragraph(cell, first)
    p.alignment = kw.pop("align", C)
    p.paragraph_format.space_after = Pt(kw.pop("after", 0))
    if text:
        run(p, text, **kw)
    return p


def header_block(doc: Doc, *, form: str = "") -> None:
    """Two columns: superior / issuer / * / number — party name / place and date (Hướng dẫn 36)."""
    if form:
        para(doc, form, italic=True, size=12, align=R, after=0)
    width = text_width(doc)
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = int(width * 0.45), int(width * 0.55)
    f = [True]
    cell_para(left, "{{ header.superior }}", f, size=14)
    cell_para(left, "{{ header.issuer }}", f, size=14, bold=True)
    cell_para(left, "*", f, size=14)
    cell_para(left, "{{ header.number }}", f, size=14)
    f = [True]
    cell_para(right, "{{ header.party }}", f, size=15, bold=True, underline=True)
    cell_para(right, "", f)
    cell_para(right, "{{ header.date_line }}", f, size=14, italic=True)
    para(doc, "", after=6)


def title(doc: Doc, kind: str, *lines: str) -> None:
    para(doc, kind, bold=True, size=16, align=C, after=0, before=6)
    for line in lines:
        para(doc, line, bold=True, size=14, align=C, after=0)
    para(doc, "-----", align=C, after=6)


def heading(doc: Doc, text: str) -> None:
    para(doc, text, bold=True, align=J, before=6)


def signature(doc: Doc, *, recipients: Sequence[str] | None = None, recipients_loop: str = "") -> None:
    """Recipients at the bottom left (size 12), the signature block at the right."""
    width = text_width(doc)
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    keep_row(table.rows[0])
    left, right = table.rows[0].cells
    left.width, right.width = int(width * 0.5), int(width * 0.5)
    f = [True]
    cell_para(left, "", f)
    p = cell_para(left, "", f, align=L)
    run(p, "Nơi nhận:", bold=True, italic=True, underline=True, size=12)
    for r in recipients or ():
        cell_para(left, r, f, size=12, align=L)
    if recipients_loop:
        left.add_paragraph("{%p for r in " + recipients_loop + " %}")
        cell_para(left, "- {{ r }}", f, size=12, align=L)
        left.add_paragraph("{%p endfor %}")
    f = [True]
    cell_para(right, "", f)
    cell_para(right, "{{ sign.authority }}", f, bold=True)
    cell_para(right, "{{ sign.title }}", f, bold=True)
    for _ in range(3):
        cell_para(right, "", f)
    cell_para(right, "{{ sign.name }}", f, bold=True)


def grid(
    doc: Doc,
    headers: Sequence[str],
    cells: Sequence[str],
    widths: Sequence[float],
    *,
    each: str,
    size: float = 13,
    aligns: Sequence[Any] | None = None,
    footer: Sequence[str] | None = None,
) -> Any:
    """A bordered table: a header row, then one row per item of ``each`` ("r in rows")."""
    total = sum(widths)
    width = text_width(doc)
    rows = 4 + (1 if footer else 0)
    table = doc.add_table(rows=rows, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    aligns = aligns or [C] * len(headers)

    def fill(row: Any, texts: Sequence[str], bold: bool = False, align: Sequence[Any] | None = None) -> None:
        for i, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            cell.width = int(width * widths[i] / total)
            p = cell.paragraphs[0]
            p.alignment = (align or [C] * len(texts))[i]
            p.paragraph_format.space_after = Pt(0)
            if text:
                run(p, text, bold=bold, size=size)

    fill(table.rows[0], headers, bold=True)
    fill(table.rows[1], ["{%tr for " + each + " %}", *[""] * (len(headers) - 1)])
    fill(table.rows[2], cells, align=aligns)
    fill(table.rows[3], ["{%tr endfor %}", *[""] * (len(headers) - 1)])
    if footer:
        fill(table.rows[4], footer, bold=True, align=aligns)
    return table


def page_break(doc: Doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# --- the documents -------------------------------------------------------------------------------


def plan_template() -> Doc:
    doc = new_document()
    header_block(doc)
    title(doc, "{{ type }}", "{{ summary }}")
    tag(doc, "{%p for b in bases %}")
    para(doc, "- Căn cứ {{ b }};", italic=True, indent=True)
    tag(doc, "{%p endfor %}")
    para(
        doc,
        "{{ issuer_name }} xây dựng kế hoạch kiểm điểm, đánh giá, xếp loại chất lượng năm {{ year }} như sau:",
        indent=True,
    )

    heading(doc, "I. MỤC ĐÍCH, YÊU CẦU")
    text_list(doc, "purpose")
    para(doc, "Việc kiểm điểm, đánh giá, xếp loại thực hiện theo {{ framework_title }}.", indent=True)
    loop(doc, "if framework_reason", lambda: para(doc, "Lý do áp dụng: {{ framework_reason }}", indent=True))

    heading(doc, "II. ĐỐI TƯỢNG, NƠI KIỂM ĐIỂM, NỘI DUNG KIỂM ĐIỂM")
    heading(doc, "1. Đối tượng")
    para(
        doc,
        "Danh sách đối tượng chốt tại ngày {{ reference_date }}: {{ organizations }} tổ chức đảng, {{ individuals }} đảng viên; gồm:",
        indent=True,
    )
    loop(doc, "for s in subjects", lambda: para(doc, "- {{ s.label }}: {{ s.count }};", indent=True))
    loop(
        doc,
        "if not_reviewed",
        lambda: (
            para(doc, "Không kiểm điểm, xếp loại:", indent=True),
            loop(
                doc,
                "for s in not_reviewed",
                lambda: para(doc, "- {{ s.label }}: {{ s.count }} đồng chí;", indent=True),
            ),
        ),
    )
    loop(
        doc,
        "if residence",
        lambda: para(
            doc, "Có {{ residence }} đảng viên cần nhận xét của chi ủy, chi bộ nơi cư trú.", indent=True
        ),
    )
    heading(doc, "2. Nơi kiểm điểm")
    loop(doc, "for p in places", lambda: para(doc, "- {{ p.kinds }}: kiểm điểm {{ p.places }}.", indent=True))
    heading(doc, "3. Nội dung kiểm điểm")
    tag(doc, "{%p for c in content %}")
    para(doc, "Đối với {{ c.kinds }}:", italic=True, indent=True)
    loop(doc, "for it in c['items']", lambda: para(doc, "- {{ it }};", indent=True))
    tag(doc, "{%p endfor %}")

    heading(doc, "III. CÁC BƯỚC TIẾN HÀNH")
    tag(doc, "{%p for s in steps %}")
    mixed(doc, [("b", "Bước {{ s.order }}. {{ s.name }}. "), ("", "{{ s.description }}")], indent=True)
    tag(doc, "{%p endfor %}")

    heading(doc, "IV. ĐÁNH GIÁ, XẾP LOẠI")
    heading(doc, "1. Tiêu chuẩn các mức chất lượng")
    tag(doc, "{%p for st in standards %}")
    mixed(doc, [("b", "- {{ st.label }}"), ("", "{% if st.band %} ({{ st.band }}){% endif %}:")], indent=True)
    loop(
        doc,
        "for c in st.conditions",
        lambda: para(doc, "+ {% if c.who %}{{ c.who }}: {% endif %}{{ c.text }};", indent=True),
    )
    tag(doc, "{%p endfor %}")
    heading(doc, "2. Khung tiêu chí đánh giá")
    tag(doc, "{%p for cr in criteria %}")
    para(
        doc,
        "Đối với {{ cr.kinds }}{% if cr.annex %} ({{ cr.annex }}, tổng {{ cr.total }} điểm){% endif %}:",
        italic=True,
        indent=True,
    )
    loop(
        doc,
        "for it in cr['items']",
        lambda: para(
            doc,
            "- Tiêu chí {{ it.id }}: {{ it.title }}{% if it.key %} ({{ it.key }}){% endif %};",
            indent=True,
        ),
    )
    tag(doc, "{%p for g in cr.groups %}")
    para(doc, "- Nhóm {{ g.id }}. {{ g.title }}: {{ g.max }} điểm", bold=True, indent=True)
    loop(
        doc,
        "for s in g.subs",
        lambda: para(doc, "+ {{ s.id }}. {{ s.title }}: {{ s.max }} điểm;", indent=True),
    )
    tag(doc, "{%p endfor %}")
    loop(doc, "if cr.note", lambda: para(doc, "{{ cr.note }}", italic=True, size=13, indent=True))
    tag(doc, "{%p endfor %}")
    loop(
        doc,
        "if criteria_reason",
        lambda: para(doc, "Cụ thể hóa tiêu chí: {{ criteria_reason }}", indent=True),
    )
    heading(doc, "3. Tỷ lệ xếp loại")
    para(
        doc,
        "Số lượng “Hoàn thành xuất sắc nhiệm vụ” không vượt quá {{ quota.percent }}% số được xếp loại “Hoàn thành tốt nhiệm vụ”{% if quota.outstanding %} ({{ quota.outstanding }}% đối với đơn vị có thành tích nổi bật){% endif %}. {{ quota.grouping }}",
        indent=True,
    )

    heading(doc, "V. THỜI GIAN THỰC HIỆN")
    para(
        doc, "- Các chi bộ hoàn thành kiểm điểm, đánh giá, xếp loại trước ngày {{ due_cells }}.", indent=True
    )
    para(
        doc,
        "- Đảng ủy hoàn thành kiểm điểm tập thể lãnh đạo, cá nhân cán bộ lãnh đạo, quản lý và xếp loại trước ngày {{ due_committee }}.",
        indent=True,
    )
    para(doc, "Thời hạn từng bước:", indent=True)
    grid(
        doc,
        ["TT", "Bước", "Hạn đối với chi bộ", "Hạn đối với Đảng ủy"],
        ["{{ s.order }}", "{{ s.name }}", "{{ s.due_cells }}", "{{ s.due_committee }}"],
        [1, 7, 3, 3],
        each="s in steps",
        aligns=[C, L, C, C],
    )

    heading(doc, "VI. TỔ CHỨC THỰC HIỆN")
    para(
        doc,
        "1. Hội nghị triển khai kế hoạch: ngày {{ launch.date }}{% if launch.place %} tại {{ launch.place }}{% endif %}{% if launch.chair %}; chủ trì: đồng chí {{ launch.chair }}{% endif %}.",
        indent=True,
    )
    loop(doc, "if launch.attendees", lambda: para(doc, "Thành phần: {{ launch.attendees }}", indent=True))
    para(
        doc,
        "2. {{ keeper }} giúp Ban Thường vụ Đảng ủy hướng dẫn, đôn đốc, theo dõi tiến độ; tổng hợp, thẩm định kết quả, đề xuất xếp loại; báo cáo cấp trên theo quy định.",
        indent=True,
    )
    para(
        doc,
        "3. Các chi bộ xây dựng kế hoạch, tổ chức kiểm điểm, đánh giá, xếp loại đúng thời gian; gửi hồ sơ về Đảng ủy (qua {{ keeper }}) đúng hạn.",
        indent=True,
    )
    para(
        doc,
        "4. Các đồng chí Ủy viên Ban Chấp hành Đảng bộ được phân công phụ trách chi bộ dự, chỉ đạo hội nghị kiểm điểm của chi bộ.",
        indent=True,
    )
    signature(
        doc,
        recipients=[
            "- {{ superior_name }} (để báo cáo);",
            "- Các đồng chí Ủy viên BCH Đảng bộ;",
            "- Các chi bộ trực thuộc (để thực hiện);",
            "- Lưu {{ keeper }}.",
        ],
    )
    return doc


def _criteria_section(doc: Doc) -> None:
    """B. Tự đánh giá: a grade table (QĐ 132/124) or a score table (QĐ 366), then the proposed level."""
    loop(
        doc,
        "if not criteria.scored",
        lambda: grid(
            doc,
            ["Tiêu chí", "Xuất sắc", "Tốt", "Trung bình", "Kém"],
            [
                "{{ c.id }}. {{ c.title }}",
                "{{ c.marks.xuat_sac }}",
                "{{ c.marks.tot }}",
                "{{ c.marks.trung_binh }}",
                "{{ c.marks.kem }}",
            ],
            [8, 1.6, 1.6, 1.8, 1.4],
            each="c in criteria['items']",
            aligns=[L, C, C, C, C],
        ),
    )
    loop(
        doc,
        "if criteria.scored",
        lambda: (
            para(doc, "Chấm điểm theo {{ criteria.annex }}:", italic=True),
            grid(
                doc,
                ["Nhóm tiêu chí", "Điểm tối đa", "Tự chấm"],
                ["{{ g.id }}. {{ g.title }}", "{{ g.max }}", "{{ g.score }}"],
                [9, 2.5, 2.5],
                each="g in criteria.groups",
                aligns=[L, C, C],
                footer=["Tổng cộng", "{{ criteria.total }}", "{{ criteria.score_total }}"],
            ),
        ),
    )
    para(doc, "Tự nhận mức xếp loại chất lượng:", bold=True, before=6)
    grid(
        doc,
        ["Mức xếp loại", "Tự nhận (đánh dấu X)"],
        ["{{ lv.label }}", "{{ lv.mark }}"],
        [9, 4],
        each="lv in levels",
        aligns=[L, C],
    )


def _review_sections(doc: Doc, *, individual: bool) -> None:
    heading(doc, "A. KIỂM ĐIỂM")
    heading(doc, "I. ƯU ĐIỂM, KẾT QUẢ ĐẠT ĐƯỢC")
    tag(doc, "{%p for it in items %}")
    para(doc, "{{ it.no }}. {{ it.title }}", italic=True, indent=True)
    text_list(doc, "it.text")
    tag(doc, "{%p endfor %}")
    loop(
        doc,
        "if strengths",
        lambda: (para(doc, "Ưu điểm nổi bật:", italic=True, indent=True), text_list(doc, "strengths")),
    )
    heading(doc, "II. HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN")
    para(doc, "1. Hạn chế, khuyết điểm", italic=True, indent=True)
    text_list(doc, "shortcomings")
    para(doc, "2. Nguyên nhân", italic=True, indent=True)
    text_list(doc, "causes")
    heading(
        doc,
        "III. KẾT QUẢ KHẮC PHỤC NHỮNG HẠN CHẾ, KHUYẾT ĐIỂM ĐÃ ĐƯỢC CẤP CÓ THẨM QUYỀN KẾT LUẬN HOẶC ĐƯỢC CHỈ RA Ở CÁC KỲ KIỂM ĐIỂM TRƯỚC",
    )
    text_list(doc, "prior_results")
    heading(doc, "IV. GIẢI TRÌNH CÁC VẤN ĐỀ ĐƯỢC GỢI Ý KIỂM ĐIỂM (nếu có)")
    text_list(doc, "[]", blank_lines=1)
    if individual:
        heading(
            doc, "V. LÀM RÕ TRÁCH NHIỆM CỦA CÁ NHÂN ĐỐI VỚI NHỮNG HẠN CHẾ, KHUYẾT ĐIỂM CỦA TẬP THỂ (nếu có)"
        )
    else:
        heading(doc, "V. LÀM RÕ TRÁCH NHIỆM CỦA TẬP THỂ VÀ CÁ NHÂN ĐỐI VỚI NHỮNG HẠN CHẾ, KHUYẾT ĐIỂM")
    text_list(doc, "responsibility", blank_lines=1)
    heading(doc, "VI. PHƯƠNG HƯỚNG, BIỆN PHÁP KHẮC PHỤC HẠN CHẾ, KHUYẾT ĐIỂM")
    text_list(doc, "remedies")
    heading(doc, "B. TỰ ĐÁNH GIÁ, XẾP LOẠI")
    _criteria_section(doc)


def individual_form_template() -> Doc:
    doc = new_document()
    header_block(doc, form="{{ form.code }}")
    title(doc, "BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm {{ year }}")
    mixed(
        doc,
        [
            ("", "Họ và tên: "),
            ("b", "{{ person.name or '" + "…" * 30 + "' }}"),
            ("", "        Ngày sinh: {{ person.birth or '" + "…" * 12 + "' }}"),
        ],
    )
    para(doc, "Chức vụ đảng, chính quyền, đoàn thể: {{ person.posts or '" + "…" * 30 + "' }}")
    para(doc, "Đơn vị công tác: {{ person.workplace or '" + "…" * 40 + "' }}")
    para(doc, "Chi bộ: {{ person.cell or '" + "…" * 40 + "' }}")
    para(doc, "Đối tượng: {{ kind_label }} ({{ form.title }})", italic=True, size=13)
    _review_sections(doc, individual=True)
    loop(
        doc,
        "if appendix",
        lambda: (
            heading(doc, "PHỤ LỤC: KẾT QUẢ THỰC HIỆN NHIỆM VỤ"),
            grid(
                doc,
                ["Tổng số nhiệm vụ, chỉ tiêu", "Hoàn thành", "Đúng hạn", "Vượt mức", "Chậm tiến độ"],
                [
                    "{{ tasks.total }}",
                    "{{ tasks.done }}",
                    "{{ tasks.on_time }}",
                    "{{ tasks.exceeded }}",
                    "{{ tasks.late }}",
                ],
                [3, 2, 2, 2, 2],
                each="_ in [1]",
            ),
        ),
    )
    para(doc, "Sản phẩm cụ thể, kết quả thực hiện nhiệm vụ:", italic=True, before=6)
    text_list(doc, "evidence", blank_lines=1)
    loop(
        doc,
        "if on_behalf",
        lambda: para(doc, "(Bí thư chi bộ nhập thay theo lời đảng viên)", italic=True, size=12),
    )
    width = text_width(doc)
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    keep_row(table.rows[0])
    left, right = table.rows[0].cells
    left.width = right.width = width // 2
    f = [True]
    cell_para(left, "", f)
    cell_para(left, "NHẬN XÉT, ĐÁNH GIÁ CỦA CHI BỘ", f, bold=True, size=13)
    cell_para(left, "Chi bộ đề xuất: {{ proposed or '" + "…" * 20 + "' }}", f, size=13)
    cell_para(left, "Cấp có thẩm quyền xếp loại: {{ decided or '" + "…" * 16 + "' }}", f, size=13)
    cell_para(left, "{% if decision %}(Quyết định số {{ decision }}){% endif %}", f, size=12, italic=True)
    f = [True]
    cell_para(right, "{{ header.date_line }}", f, italic=True)
    cell_para(right, "NGƯỜI TỰ KIỂM ĐIỂM", f, bold=True)
    cell_para(right, "(Ký, ghi rõ họ tên)", f, italic=True, size=12)
    for _ in range(3):
        cell_para(right, "", f)
    cell_para(right, "{{ person.name }}", f, bold=True)
    return doc


def collective_report_template() -> Doc:
    doc = new_document()
    header_block(doc, form="{{ form.code }}")
    title(doc, "BÁO CÁO", "kiểm điểm, tự đánh giá, xếp loại chất lượng năm {{ year }}", "của {{ name }}")
    _review_sections(doc, individual=False)
    signature(doc, recipients=["- {{ superior_name }} (để báo cáo);", "- Lưu {{ keeper }}."])
    return doc


def minutes_template() -> Doc:
    doc = new_document()
    header_block(doc)
    title(
        doc, "BIÊN BẢN", "hội nghị kiểm điểm, đánh giá, xếp loại chất lượng năm {{ year }}", "của {{ where }}"
    )
    para(
        doc,
        "Hôm nay, {{ date }}{% if place %}, tại {{ place }}{% endif %}, {{ where }} tổ chức hội nghị kiểm điểm, đánh giá, xếp loại chất lượng năm {{ year }}.",
        indent=True,
    )
    heading(doc, "I. THÀNH PHẦN")
    para(
        doc,
        "- Chủ trì: đồng chí {{ chair or '"
        + "…" * 20
        + "' }}; thư ký: đồng chí {{ secretary or '"
        + "…" * 20
        + "' }}.",
        indent=True,
    )
    para(
        doc,
        "- Tổng số đảng viên được triệu tập: {{ total }}; có mặt: {{ present }}; vắng có lý do: {{ excused }}; vắng không có lý do: {{ absent }}.",
        indent=True,
    )
    heading(doc, "II. DIỄN BIẾN HỘI NGHỊ")
    text_list(doc, "minutes")
    tag(doc, "{%p for it in items %}")
    para(doc, "{{ it.no }}. {{ it.name }} ({{ it.kind_label }})", bold=True, indent=True)
    para(
        doc,
        "{% if it.presented %}Đã trình bày báo cáo, bản kiểm điểm.{% else %}Chưa ghi nhận việc trình bày bản kiểm điểm.{% endif %}{% if it.self_level %} Tự nhận mức: {{ it.self_level }}.{% endif %}",
        indent=True,
    )
    loop(
        doc,
        "if it.criticism",
        lambda: (
            para(doc, "Ý kiến góp ý, phê bình:", italic=True, indent=True),
            loop(
                doc,
                "for c in it.criticism",
                lambda: para(
                    doc, "- {% if c.who %}Đồng chí {{ c.who }}: {% endif %}{{ c.what }}", indent=True
                ),
            ),
        ),
    )
    loop(
        doc,
        "if it.response",
        lambda: (para(doc, "Tiếp thu, giải trình:", italic=True, indent=True), text_list(doc, "it.response")),
    )
    loop(
        doc,
        "if it.voted",
        lambda: para(
            doc,
            "Kết quả biểu quyết ({{ it.mode }}): {% for v in it.votes %}{{ v.label }}: {{ v.count }}; {% endfor %}phiếu không hợp lệ: {{ it.invalid }}; tổng số người biểu quyết: {{ it.voters }}.",
            indent=True,
        ),
    )
    para(doc, "Hội nghị đề xuất mức: {{ it.proposed or 'chưa biểu quyết' }}.", bold=True, indent=True)
    tag(doc, "{%p endfor %}")
    heading(doc, "III. TỔNG HỢP KẾT QUẢ BIỂU QUYẾT")
    grid(
        doc,
        ["TT", "Họ và tên / tập thể", "HTXSNV", "HTTNV", "HTNV", "KHTNV", "Đề xuất"],
        [
            "{{ it.no }}",
            "{{ it.name }}",
            "{{ it.counts[0] }}",
            "{{ it.counts[1] }}",
            "{{ it.counts[2] }}",
            "{{ it.counts[3] }}",
            "{{ it.proposed }}",
        ],
        [0.8, 5, 1.3, 1.3, 1.3, 1.3, 4],
        each="it in items",
        size=12,
        aligns=[C, L, C, C, C, C, L],
    )
    para(
        doc, "Hội nghị kết thúc cùng ngày. Biên bản đã được thông qua trước hội nghị.", indent=True, before=6
    )
    width = text_width(doc)
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    keep_row(table.rows[0])
    left, right = table.rows[0].cells
    left.width = right.width = width // 2
    for cell, role, name in ((left, "THƯ KÝ", "secretary"), (right, "CHỦ TRÌ HỘI NGHỊ", "chair")):
        f = [True]
        cell_para(cell, "", f)
        cell_para(cell, role, f, bold=True)
        for _ in range(3):
            cell_para(cell, "", f)
        cell_para(cell, "{{ " + name + " }}", f, bold=True)
    return doc


def feedback_template() -> Doc:
    doc = new_document(landscape=True)
    header_block(doc)
    title(
        doc,
        "BẢNG TỔNG HỢP",
        "ý kiến nhận xét đối với đảng viên năm {{ year }}",
        "({{ scope_name }}; theo Kế hoạch số {{ plan_number }} ngày {{ plan_date }})",
    )
    # One column per source requested: the three middle cells are a column loop ({%tc %}), the first
    # and last of them disappear when rendered.
    table = doc.add_table(rows=4, cols=8)
    table.style = "Table Grid"
    table.autofit = False
    widths = [8, 38, 32, 0.1, 60, 0.1, 20, 22]  # mm
    heads = [
        "TT",
        "Họ và tên",
        "Chi bộ",
        "{%tc for s in sources %}",
        "{{ s }}",
        "{%tc endfor %}",
        "Tự nhận",
        "Chi bộ đề xuất",
    ]
    body = [
        "{{ r.no }}",
        "{{ r.name }}",
        "{{ r.cell }}",
        "{%tc for c in r.sources %}",
        "{{ c.text|join('; ') }}",
        "{%tc endfor %}",
        "{{ r.self_level }}",
        "{{ r.proposed }}",
    ]
    blank = [""] * 7
    for row_i, texts in enumerate(
        [heads, ["{%tr for r in rows %}", *blank], body, ["{%tr endfor %}", *blank]]
    ):
        for i, cell in enumerate(table.rows[row_i].cells):
            cell.width = Mm(widths[i])
            p = cell.paragraphs[0]
            p.alignment = L if row_i == 2 and i in (1, 2, 4) else C
            p.paragraph_format.space_after = Pt(0)
            if texts[i]:
                run(p, texts[i], bold=row_i == 0, size=11)
    para(
        doc,
        "Ghi chú: {% for lv in legend %}{{ lv.code }} — {{ lv.label }}; {% endfor %}“—”: không thuộc diện lấy ý kiến nguồn này.",
        italic=True,
        size=11,
        before=6,
    )
    signature(doc, recipients=["- Lưu {{ keeper }}."])
    return doc


def decision_template() -> Doc:
    doc = new_document()
    header_block(doc)
    title(doc, "QUYẾT ĐỊNH", "về việc xếp loại chất lượng tổ chức đảng, đảng viên năm {{ year }}")
    para(doc, "{{ body }}", bold=True, align=C, after=6)
    para(doc, "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;", italic=True, indent=True)
    loop(doc, "for b in bases", lambda: para(doc, "- Căn cứ {{ b }};", italic=True, indent=True))
    para(
        doc,
        "- Căn cứ Kế hoạch số {{ plan_number }} ngày {{ plan_date }} của {{ issuer_name }};",
        italic=True,
        indent=True,
    )
    para(doc, "- Xét đề nghị của các chi bộ và {{ keeper }},", italic=True, indent=True)
    para(doc, "QUYẾT ĐỊNH:", bold=True, align=C, before=6)
    mixed(
        doc,
        [
            ("b", "Điều 1. "),
            (
                "",
                "Xếp loại chất lượng năm {{ year }} đối với {{ totals.organizations }} tổ chức đảng, tập thể và {{ totals.members }} đảng viên như sau (có danh sách kèm theo):",
            ),
        ],
        indent=True,
    )
    loop(
        doc,
        "for lv in totals.levels",
        lambda: para(
            doc,
            "- {{ lv.label }}: {{ lv.organizations }} tổ chức, tập thể; {{ lv.members }} đảng viên.",
            indent=True,
        ),
    )
    mixed(
        doc,
        [
            ("b", "Điều 2. "),
            (
                "",
                "Các tổ chức đảng, đảng viên có hạn chế, khuyết điểm xây dựng kế hoạch khắc phục, báo cáo kết quả trong kỳ kiểm điểm sau.",
            ),
        ],
        indent=True,
    )
    mixed(
        doc,
        [
            ("b", "Điều 3. "),
            (
                "",
                "{{ keeper }}, các chi bộ trực thuộc và các đồng chí có tên trong danh sách chịu trách nhiệm thi hành Quyết định này.",
            ),
        ],
        indent=True,
    )
    signature(doc, recipients=["- {{ superior_name }} (để báo cáo);", "- Như Điều 3;", "- Lưu {{ keeper }}."])
    page_break(doc)
    para(doc, "DANH SÁCH", bold=True, size=15, align=C, after=0)
    para(doc, "xếp loại chất lượng tổ chức đảng, đảng viên năm {{ year }}", bold=True, align=C, after=0)
    para(
        doc,
        "(Kèm theo Quyết định số {{ number }} ngày {{ date }} của Ban Thường vụ {{ issuer_name }})",
        italic=True,
        align=C,
        after=6,
    )
    tag(doc, "{%p for g in annex %}")
    para(doc, "{{ g.no }}. {{ g.label_upper }} ({{ g.count }})", bold=True, before=6)
    loop(
        doc,
        "if g.organizations",
        lambda: (
            para(doc, "a) Tổ chức đảng, tập thể lãnh đạo", italic=True),
            grid(
                doc,
                ["TT", "Tên tổ chức, tập thể", "Loại", "Ghi chú"],
                ["{{ o.no }}", "{{ o.name }}", "{{ o.kind }}", "{{ o.note }}"],
                [1, 7, 4, 4],
                each="o in g.organizations",
                aligns=[C, L, L, L],
            ),
        ),
    )
    loop(
        doc,
        "if g.members",
        lambda: (
            para(doc, "b) Đảng viên", italic=True),
            grid(
                doc,
                ["TT", "Họ và tên", "Chi bộ", "Ghi chú"],
                ["{{ m.no }}", "{{ m.name }}", "{{ m.cell }}", "{{ m.note }}"],
                [1, 5, 6, 4],
                each="m in g.members",
                aligns=[C, L, L, L],
            ),
        ),
    )
    loop(doc, "if not g.count", lambda: para(doc, "Không có.", italic=True, indent=True))
    tag(doc, "{%p endfor %}")
    return doc


def reclassification_template() -> Doc:
    doc = new_document()
    header_block(doc, form="{{ form }}")
    title(
        doc,
        "QUYẾT ĐỊNH",
        "về việc đánh giá, xếp loại lại chất lượng {% if subject.individual %}đảng viên{% else %}tổ chức đảng{% endif %} năm {{ year }}",
    )
    para(doc, "{{ body }}", bold=True, align=C, after=6)
    para(doc, "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;", italic=True, indent=True)
    loop(doc, "for b in bases", lambda: para(doc, "- Căn cứ {{ b }};", italic=True, indent=True))
    para(
        doc,
        "- Căn cứ Quyết định số {{ decision_number }} ngày {{ decision_date }} về việc xếp loại chất lượng năm {{ year }};",
        italic=True,
        indent=True,
    )
    para(doc, "- Xét đề nghị của {{ keeper }},", italic=True, indent=True)
    para(doc, "QUYẾT ĐỊNH:", bold=True, align=C, before=6)
    mixed(
        doc,
        [
            ("b", "Điều 1. "),
            (
                "",
                "Đánh giá, xếp loại lại chất lượng năm {{ year }} đối với {% if subject.individual %}đồng chí {% endif %}",
            ),
            ("b", "{{ subject.name }}"),
            (
                "",
                "{% if subject.cell %}, {{ subject.cell }}{% endif %}: từ mức “{{ old_level }}” thành mức “{{ new_level }}”.",
            ),
        ],
        indent=True,
    )
    para(doc, "Lý do:", indent=True)
    text_list(doc, "reason")
    mixed(
        doc,
        [
            ("b", "Điều 2. "),
            (
                "",
                "Quyết định này thay thế kết quả xếp loại đối với {{ subject.name }} tại Quyết định số {{ decision_number }} ngày {{ decision_date }}.",
            ),
        ],
        indent=True,
    )
    mixed(
        doc,
        [
            ("b", "Điều 3. "),
            (
                "",
                "{{ keeper }}, chi bộ có liên quan và {% if subject.individual %}đồng chí {% endif %}{{ subject.name }} thi hành Quyết định này.",
            ),
        ],
        indent=True,
    )
    signature(
        doc,
        recipients=[
            "- {{ superior_name }} (để báo cáo);",
            "- Như Điều 3;",
            "- Lưu {{ keeper }}, hồ sơ đảng viên.",
        ],
    )
    return doc


def checklist_template() -> Doc:
    doc = new_document()
    header_block(doc, form="{{ form }}")
    title(doc, "DANH MỤC HỒ SƠ", "đánh giá, xếp loại chất lượng năm {{ year }}", "của {{ scope_name }}")
    grid(
        doc,
        ["TT", "Tên tài liệu", "Số lượng", "Số cần có", "Ghi chú"],
        ["{{ r.no }}", "{{ r.title }}", "{{ r.count }}", "{{ r.expected }}", "{{ r.note }}"],
        [0.8, 7, 1.8, 1.8, 4],
        each="r in rows",
        aligns=[C, L, C, C, L],
    )
    loop(
        doc,
        "if limit",
        lambda: para(doc, "Hồ sơ gửi cấp trên chậm nhất ngày {{ limit }}.", italic=True, before=6),
    )
    signature(doc, recipients=["- {{ superior_name }};", "- Lưu {{ keeper }}."])
    return doc


def notice_template() -> Doc:
    doc = new_document()
    header_block(doc)
    title(doc, "THÔNG BÁO", "kết quả xếp loại chất lượng năm {{ year }}")
    para(
        doc,
        "Căn cứ Quyết định số {{ decision_number }} ngày {{ decision_date }} của Ban Thường vụ {{ issuer_name }} về việc xếp loại chất lượng tổ chức đảng, đảng viên năm {{ year }},",
        indent=True,
    )
    para(doc, "Ban Thường vụ {{ issuer_name }} thông báo:", indent=True)
    mixed(
        doc,
        [
            ("", "{% if individual %}Đồng chí {% endif %}"),
            ("b", "{{ name }}"),
            ("", "{% if cell %}, {{ cell }}{% endif %}, được xếp loại: "),
            ("b", "{{ level }}"),
            ("", "."),
        ],
        indent=True,
    )
    loop(
        doc,
        "if reclassifications",
        lambda: loop(
            doc,
            "for r in reclassifications",
            lambda: para(
                doc,
                "(Xếp loại lại theo Quyết định số {{ r.number }} ngày {{ r.date }}: từ “{{ r.old }}” thành “{{ r.new }}”; lý do: {{ r.reason }})",
                italic=True,
                indent=True,
            ),
        ),
    )
    loop(
        doc,
        "if remediation",
        lambda: (
            para(doc, "Những hạn chế, khuyết điểm cần khắc phục:", indent=True),
            grid(
                doc,
                ["Hạn chế, khuyết điểm", "Biện pháp khắc phục", "Thời hạn"],
                ["{{ r.shortcoming }}", "{{ r.action }}", "{{ r.due }}"],
                [6, 6, 2.5],
                each="r in remediation",
                aligns=[L, L, C],
            ),
        ),
    )
    signature(doc, recipients=["- {% if individual %}Đồng chí {% endif %}{{ name }};", "- Lưu {{ keeper }}."])
    return doc


TEMPLATES: dict[str, Callable[[], Doc]] = {
    "ke-hoach": plan_template,
    "ban-kiem-diem-ca-nhan": individual_form_template,
    "bao-cao-tap-the": collective_report_template,
    "bien-ban": minutes_template,
    "tong-hop-y-kien": feedback_template,
    "quyet-dinh": decision_template,
    "xep-loai-lai": reclassification_template,
    "danh-muc-ho-so": checklist_template,
    "thong-bao": notice_template,
}


def build_all(target: Path = TEMPLATES_DIR) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in TEMPLATES.items():
        path = target / f"{name}.docx"
        doc = build()
        doc.core_properties.author = "Kiểm điểm"
        doc.core_properties.title = name
        doc.save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Tạo lại các mẫu DOCX (ghi đè lời văn đã sửa trong các tệp mẫu).")
    parser.add_argument("--output", type=Path, default=TEMPLATES_DIR, help="thư mục ghi các tệp mẫu")
    for path in build_all(parser.parse_args().output):
        print(path)
