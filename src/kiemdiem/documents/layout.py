"""The parts every Party document shares (Hướng dẫn 36-HD/VPTW): header block, date line, signature.

These functions only *name* things (which body issues, which symbol, who signs); how they are laid out
is in the DOCX and HTML templates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from kiemdiem.lib import dates
from kiemdiem.members.models import Position
from kiemdiem.organizations.models import CELL_KINDS, Organization, OrgKind
from kiemdiem.rules.levels import LEVEL_CODES

LEVELS = LEVEL_CODES
DOTS = "…………"


def paragraphs(text: str | None) -> list[str]:
    """Text as a list of non-empty paragraphs (one per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def upper(text: str) -> str:
    return text.upper()


def is_cell(org: Organization) -> bool:
    return org.kind in CELL_KINDS


def issuing_body(org: Organization) -> str:
    """The committee that issues in the name of an organization: "Đảng bộ phường X" → "Đảng ủy phường X"."""
    name = org.name
    if not is_cell(org) and name.startswith("Đảng bộ"):
        return "Đảng ủy" + name[len("Đảng bộ") :]
    return name


def symbol(org: Organization) -> str:
    """The issuing body's part of a number: ĐU for a committee, CB for a cell (Hướng dẫn 36)."""
    return "CB" if is_cell(org) else "ĐU"


def authority(org: Organization, standing: bool = False) -> str:
    if is_cell(org):
        return "T/M CHI BỘ"
    return "T/M BAN THƯỜNG VỤ" if standing else "T/M ĐẢNG ỦY"


def place_name(org: Organization) -> str:
    """The place on the date line: the organization's own, else the nearest ancestor's."""
    if org.place_name:
        return org.place_name
    for anc in reversed(org.ancestors()):
        if anc.place_name:
            return anc.place_name
    return ""


def vn_date(day: dt.date | None) -> str:
    """ "ngày 18 tháng 11 năm 2020"; day below 10 and month below 3 with a leading zero (Hướng dẫn 36)."""
    if day is None:
        return f"ngày {DOTS} tháng {DOTS} năm {DOTS}"
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


def date_line(org: Organization, day: dt.date | None, year: int | None = None) -> str:
    place = place_name(org)
    if day is None and year is not None:
        text = f"ngày {DOTS} tháng {DOTS} năm {year}"
    else:
        text = vn_date(day)
    return f"{place}, {text}" if place else text.capitalize()


def header(
    org: Organization,
    number: str = "",
    day: dt.date | None = None,
    *,
    year: int | None = None,
    kind: str = "",
) -> dict[str, str]:
    """Header block: superior body (the parent on the document's date: organizations move and merge),
    issuing body, number (``kind`` like "BC" when there is no number yet), and the place and date."""
    parent = superior(org, day or (dt.date(year, 12, 31) if year else None))
    if number:
        number_line = f"Số {number}"
    elif kind:
        number_line = f"Số {DOTS}-{kind}/{symbol(org)}"
    else:
        number_line = ""
    return {
        "superior": upper(parent.name) if parent else "",
        "issuer": upper(issuing_body(org)),
        "number": number_line,
        "party": "ĐẢNG CỘNG SẢN VIỆT NAM",
        "date_line": date_line(org, day, year),
    }


def superior(org: Organization, day: dt.date | None) -> Organization | None:
    """The directly superior organization on ``day`` (from the parent periods), else the current parent."""
    if day is not None:
        parent = org.parent_on(day)
        if parent is not None:
            return parent
    return org.parent


def _active(day: dt.date) -> Q:
    return (Q(start__isnull=True) | Q(start__lte=day)) & (Q(end__isnull=True) | Q(end__gte=day))


def signer(org: Organization, day: dt.date | None, *, standing: bool = False) -> dict[str, str]:
    """Signature block: authority line, title (BÍ THƯ, or PHÓ BÍ THƯ signing for) and full name."""
    day = day or dates.today()
    positions = Position.objects.filter(_active(day), organization=org).select_related("member")
    head = positions.filter(is_head=True).first() or positions.filter(title__istartswith="Bí thư").first()
    title = "BÍ THƯ"
    if head is None:
        head = positions.filter(title__istartswith="Phó Bí thư").order_by("id").first()
        title = "PHÓ BÍ THƯ"
    return {
        "authority": authority(org, standing),
        "title": title,
        "name": head.member.full_name if head else "",
    }


def office_name(org: Organization) -> str:
    """Who keeps the file ("Lưu Văn phòng Đảng ủy" / "Lưu Chi bộ")."""
    return "Chi bộ" if is_cell(org) else "Văn phòng Đảng ủy"


def grassroots(org: Organization) -> Organization:
    if org.kind in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL):
        return org
    return org.grassroots() or org


def common(org: Organization, day: dt.date | None = None) -> dict[str, Any]:
    """Names used in the templates' fixed wording (recipients, bases, responsibilities)."""
    parent = superior(org, day)
    return {
        "org_name": org.name,
        "issuer_name": issuing_body(org),
        "superior_name": parent.name if parent else "",
        "keeper": office_name(org),
        "is_cell": is_cell(org),
    }
