"""Charts drawn on the server as inline SVG: geometry here, markup in ``reports/_chart_*.html``.

No JavaScript and no inline style (CSP): colours are SVG presentation attributes, sizes come from the
viewBox so a chart scales to the width of a phone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .statistics import LEVELS, Counts

COLOURS = {"HTXSNV": "#43a047", "HTTNV": "#64b5f6", "HTNV": "#ffca28", "KHTNV": "#e53935"}
WIDTH = 880
LABEL_W = 300  # the label column, right-aligned at LABEL_W - 8
BAR_W = 400
ROW_H = 26
BAR_H = 16


def _short(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Rect:
    x: float
    width: float
    fill: str
    title: str
    label: str = ""  # printed inside the segment when it is wide enough

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass
class Bar:
    label: str
    y: float
    rects: list[Rect]
    note: str = ""  # after the bar (e.g. "45 đảng viên")
    emphasis: bool = False  # the ward's row
    flagged: bool = False

    @property
    def text_y(self) -> float:
        return self.y + BAR_H - 3

    @property
    def frame_y(self) -> float:
        return self.y - 4


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_x: int = LABEL_W - 8
    bar_x: int = LABEL_W
    bar_w: int = BAR_W
    bar_h: int = BAR_H
    note_x: int = LABEL_W + BAR_W + 8
    markers: list[dict[str, Any]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)

    @property
    def frame_w(self) -> int:
        return self.width


def stacked(title: str, rows: list[tuple[str, Counts, bool, bool]]) -> Chart:
    """100% stacked bars of the decided levels: one bar per (label, counts, is_reference, flagged)."""
    bars = []
    for i, (label, counts, reference, flagged) in enumerate(rows):
        total = counts.classified
        rects = []
        x = float(LABEL_W)
        for lv in LEVELS:
            n = counts.levels[lv]
            if not n or not total:
                continue
            w = BAR_W * n / total
            pct = round(100 * n / total)
            rects.append(
                Rect(
                    round(x, 2),
                    round(w, 2),
                    COLOURS[lv],
                    f"{lv}: {n} ({pct}%)",
                    f"{pct}%" if w >= 34 else "",
                )
            )
            x += w
        note = f"{total} đảng viên" if total else "chưa có quyết định"
        bars.append(Bar(_short(label), 10 + i * ROW_H, rects, note, reference, flagged))
    legend = [(COLOURS[lv], lv) for lv in LEVELS]
    return Chart(title, bars, 10 + len(rows) * ROW_H + 4, legend=legend)


@dataclass
class StepBar:
    label: str
    y: float
    done_w: float
    text: str
    state: str  # done | late | open
    fill: str

    @property
    def text_y(self) -> float:
        return self.y + BAR_H - 3


STEP_X = 160  # the step chart: short labels, a long note after the bar
STEP_W = 300
STATE_FILL = {"done": "#2e7d32", "late": "#c62828", "open": "#f9a825"}
STATE_LABEL = {"done": "đã xong", "late": "quá hạn", "open": "đang làm"}


def progress_chart(rows: list[dict[str, Any]], today: dt.date) -> Chart:
    """Tiến độ: per step, the done share over all cells, coloured by the state against its deadline."""
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        for step in row["steps"]:
            t = totals.setdefault(
                step["code"], {"label": step["label"], "done": 0, "total": 0, "due": step["due"], "late": 0}
            )
            t["done"] += step["done"]
            t["total"] += step["total"]
            t["late"] += step["state"] == "late"
    bars: list[Any] = []
    for i, t in enumerate(totals.values()):
        share = t["done"] / t["total"] if t["total"] else 1.0
        complete = t["done"] >= t["total"]
        state = "done" if complete else ("late" if t["due"] and today > t["due"] else "open")
        due = f"hạn {t['due']:%d/%m/%Y}" if t["due"] else "chưa đặt hạn"
        text = f"{t['done']}/{t['total']} ({round(100 * share)}%) · {due}"
        if t["late"]:
            text += f" · {t['late']} chi bộ quá hạn"
        bars.append(
            StepBar(t["label"], 10 + i * ROW_H, round(STEP_W * share, 2), text, state, STATE_FILL[state])
        )
    chart = Chart(
        "Tiến độ theo bước",
        bars,
        10 + len(bars) * ROW_H + 4,
        label_x=STEP_X - 8,
        bar_x=STEP_X,
        bar_w=STEP_W,
        note_x=STEP_X + STEP_W + 8,
    )
    chart.legend = [(STATE_FILL[s], STATE_LABEL[s]) for s in ("done", "open", "late")]
    return chart
