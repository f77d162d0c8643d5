"""Văn bản, biểu mẫu: the plan, self-review forms, reports, minutes, opinion summaries, decisions and
notices as DOCX (docxtpl templates in ``templates/docx/``) and PDF (HTML templates + WeasyPrint)."""
