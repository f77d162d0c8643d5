"""“Bệnh thành tích”, “nể nang, né tránh”: each cell's distribution next to its ward's, with warnings.

Pure functions over counts (no queries): a cell where everyone gets the same level, a share of HTXSNV
far above the ward's, the quota cap exactly filled this year, and — when earlier years exist — every
year. The appraisal page draws the same picture, with these functions, for the proposals of one plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from kiemdiem.organizations.models import Organization, OrgKind

from .statistics import LEVELS, Counts, History, Row, Statistics

MIN_SIZE = 3  # below this a distribution says nothing (and would single people out)


@dataclass(frozen=True)
class Segment:
    level: str
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class Flag:
    code: str  # same_level | share_high | over_cap | cap_filled | cap_filled_every_year
    message: str


@dataclass
class CellComparison:
    organization: Organization
    counts: Counts
    reference_name: str
    reference: Counts
    cap: int
    segments: list[Segment] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    years: list[tuple[int, int, int]] = field(default_factory=list)  # (year, HTXSNV, cap)

    @property
    def codes(self) -> set[str]:
        return {f.code for f in self.flags}


def segments(levels: Mapping[str, int]) -> list[Segment]:
    """Stacked-bar segments (x and width in percent of the classified) for the levels present."""
    total = sum(levels.get(lv, 0) for lv in LEVELS)
    out: list[Segment] = []
    x = 0.0
    for lv in LEVELS:
        n = levels.get(lv, 0)
        if n and total:
            width = 100 * n / total
            out.append(Segment(lv, n, round(x, 2), round(width, 2)))
            x += width
    return out


def flags(
    levels: Mapping[str, int],
    reference: Mapping[str, int],
    cap: int,
    earlier: Sequence[tuple[int, int, int]] = (),
    *,
    proposed: bool = False,
) -> list[Flag]:
    """The warnings for one cell, from its count per level and its ward's (``reference``).

    ``earlier`` lists (year, HTXSNV, cap) of the cell's previous years. ``proposed``: the levels are
    the cell's proposals (the appraisal page), not decided levels (the statistics), which only changes
    the wording.
    """
    out: list[Flag] = []
    n = sum(levels.get(lv, 0) for lv in LEVELS)
    if n < MIN_SIZE:
        return out
    who, rated = ("đối tượng", "cùng đề xuất") if proposed else ("đảng viên", "cùng được xếp loại")
    share, unit = ("Tỷ lệ đề xuất HTXSNV", "đơn vị") if proposed else ("Tỷ lệ HTXSNV", "chi bộ")
    present = [lv for lv in LEVELS if levels.get(lv, 0)]
    if len(present) == 1:
        out.append(Flag("same_level", f"Tất cả {n} {who} {rated} {present[0]}."))
    top, good = levels.get("HTXSNV", 0), levels.get("HTTNV", 0)
    ref_total = sum(reference.get(lv, 0) for lv in LEVELS)
    ref_share = reference.get("HTXSNV", 0) / ref_total if ref_total else 0.0
    if top >= 2 and ref_share < 1 and top / n >= 2 * ref_share and top / n > ref_share:
        out.append(
            Flag(
                "share_high",
                f"{share} {round(100 * top / n)}% — gấp đôi trở lên so với toàn đảng bộ "
                f"({round(100 * ref_share)}%).",
            )
        )
    if top > cap:
        out.append(
            Flag(
                "over_cap",
                f"{top} HTXSNV vượt tỷ lệ tính riêng trong {unit} (tối đa {cap} trên {good} HTTNV).",
            )
        )
    elif top and top == cap:
        lead = "Đề xuất HTXSNV" if proposed else "Số HTXSNV"
        out.append(Flag("cap_filled", f"{lead} vừa đúng mức trần tỷ lệ ({top} trên {good} HTTNV)."))
        if earlier and all(t and t == c for _, t, c in earlier):
            years = ", ".join(str(y) for y, _, _ in earlier)
            out.append(
                Flag(
                    "cap_filled_every_year",
                    f"Năm nào cũng vừa đúng trần tỷ lệ HTXSNV ({years} và năm nay).",
                )
            )
    return out


def _reference(row: Row, rows: list[Row], root: Row) -> Row:
    """The cell's ward: the nearest grassroots committee above it in the table, else the root."""
    best = root
    for r in rows:
        o = r.organization
        if (
            o.kind in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL)
            and row.organization.path.startswith(o.path)
            and len(o.path) > len(best.organization.path)
            and o.pk != row.organization.pk
        ):
            best = r
    return best


def compare_cells(
    stats: Statistics, cap: Callable[[int], int], past: History | None = None
) -> list[CellComparison]:
    """Each cell's decided distribution next to its ward's, with the warnings (only cells with data)."""
    out = []
    for row in stats.cells:
        if not row.members.classified:
            continue
        ref = _reference(row, stats.rows, stats.total)
        limit = cap(row.members.levels["HTTNV"])
        earlier: list[tuple[int, int, int]] = []
        if past is not None:
            for year, yc in sorted(past.cells.get(row.organization.pk, {}).items()):
                if year < stats.year and yc.counts.classified:
                    earlier.append((year, yc.counts.levels["HTXSNV"], yc.cap))
        out.append(
            CellComparison(
                organization=row.organization,
                counts=row.members,
                reference_name=ref.organization.name,
                reference=ref.members,
                cap=limit,
                segments=segments(row.members.levels),
                flags=flags(row.members.levels, ref.members.levels, limit, earlier),
                years=earlier,
            )
        )
    return out
