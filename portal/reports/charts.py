"""Bar charts drawn on the server as SVG, readable without JavaScript and under the portal's
content security policy (presentation attributes such as ``fill=``, never a ``style``
attribute), for the dashboard and the board's PDF alike.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by a ``<desc>``
that reads out every bar, and the pages put a table of the same numbers beside it. Colours are
from the GOV.UK palette: bars in GOV.UK blue, text in GOV.UK black on white (contrast above
4.5:1). Labels sit above their bars, so a long label needs no measuring.
"""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BLUE = "#1d70b8"  # GOV.UK blue
BLACK = "#0b0c0c"  # GOV.UK text colour
MID_GREY = "#b1b4b6"  # GOV.UK mid-grey: the axis
FONT = "Arial, Helvetica, sans-serif"

WIDTH = 640
TOP = 8
LABEL_HEIGHT = 20
BAR_HEIGHT = 20
ROW_GAP = 12
VALUE_ROOM = 72  # room right of the longest bar for its number
LEFT = 1  # bars start right of the axis; labels a little further in
LABEL_LEFT = 6


def _row_height() -> int:
    return LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP


def bar_chart(*, chart_id: str, title: str, description: str,
              rows: Sequence[tuple[str, int]], empty_text: str) -> Markup:
    """A horizontal bar chart of ``rows`` (label, number). ``chart_id`` must be unique on the
    page; ``description`` introduces the numbers, which the ``<desc>`` then lists;
    ``empty_text`` is drawn when there is nothing to chart."""
    chart_id = "".join(ch for ch in chart_id if ch.isalnum() or ch in "-_") or "chart"
    largest = max((value for _label, value in rows), default=0)
    span = WIDTH - VALUE_ROOM - LEFT
    height = TOP * 2 + max(len(rows), 1) * _row_height()
    listed = "; ".join(f"{label}: {value}" for label, value in rows)
    desc = f"{description} {listed}." if rows else f"{description} {empty_text}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart" role="img" '
        f'width="100%" viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    if not rows:
        parts.append(f'<text x="{LABEL_LEFT}" y="{TOP + LABEL_HEIGHT}" font-family="{FONT}" '
                     f'font-size="16" fill="{BLACK}">{escape(empty_text)}</text>')
    for index, (label, value) in enumerate(rows):
        y = TOP + index * _row_height()
        length = round(span * value / largest) if largest else 0
        bar_y = y + LABEL_HEIGHT
        parts.append(f'<text x="{LABEL_LEFT}" y="{y + 15}" font-family="{FONT}" '
                     f'font-size="15" fill="{BLACK}">{escape(label)}</text>')
        if length:
            parts.append(f'<rect x="{LEFT}" y="{bar_y}" width="{length}" '
                         f'height="{BAR_HEIGHT}" fill="{BLUE}"/>')
        parts.append(f'<text x="{LEFT + length + 6}" y="{bar_y + 15}" font-family="{FONT}" '
                     f'font-size="15" font-weight="bold" fill="{BLACK}">{value}</text>')
    parts.append(f'<line x1="0.5" y1="{TOP}" x2="0.5" y2="{height - TOP}" stroke="{MID_GREY}" '
                 f'stroke-width="1"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
