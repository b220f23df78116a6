"""Horizontal bar charts and a choropleth map drawn on the server as SVG: no script, no library.

A chart is an image (role="img") named by its <title>; the numbers are in the data table beside it, so the chart
repeats them only as labels at the end of the bars, and the map only in the tooltip (<title>) of each area.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 480
LABEL_WIDTH = 165
VALUE_WIDTH = 60
BAR_HEIGHT = 16
ROW_GAP = 8
LABEL_CHARACTERS = 21
# Labels: up to 21 characters at 12 px fit in the 165 units left of the bars.
# The site's colour first, then a colour that stays apart from it for readers who do not tell red from green.
COLOURS = ("#0b4f6c", "#e69f00")


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def bar_chart(chart_id: str, title: str, labels: list[str], series: list[tuple[str, list[int | float]]]) -> Markup:
    """An SVG of one group of bars per label, one bar per series (name, values), scaled to the largest value."""
    largest = max((value for _name, values in series for value in values), default=0) or 1
    bars_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    group_height = BAR_HEIGHT * len(series) + ROW_GAP
    legend_height = 20 if len(series) > 1 else 0
    height = legend_height + group_height * len(labels) + ROW_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="statistics-chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    if legend_height:
        x = 0
        for (name, _values), colour in zip(series, COLOURS, strict=False):
            parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{x + 16}" y="14" fill="#212529">{escape(name)}</text>')
            x += 24 + 7 * len(name)
    for row, label in enumerate(labels):
        top = legend_height + ROW_GAP + row * group_height
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{top + BAR_HEIGHT * len(series) / 2 + 4:.1f}" text-anchor="end" '
            f'fill="#212529">{escape(_short(label))}</text>'
        )
        for position, ((_name, values), colour) in enumerate(zip(series, COLOURS, strict=False)):
            value = values[row]
            length = round(bars_width * value / largest, 1)
            y = top + position * BAR_HEIGHT
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT - 2}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 4}" y="{y + BAR_HEIGHT - 4}" fill="#212529">{escape(value)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in it is escaped; the rest is numbers and constants)


MAP_WIDTH = 960
MAP_MARGIN = 4
# Lightest to darkest, ending in the site's colour; an area with nothing to count stays light grey.
MAP_COLOURS = ("#c4dde8", "#7db3cb", "#3b7f9e", "#0b4f6c")
ZERO_COLOUR = "#e9ecef"
# Longitude and latitude; a ring is a tuple of points, a polygon a tuple of rings (the outer edge first).
Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class ColourClass:
    """The values from low to high (both included) are drawn in colour."""

    low: int
    high: int
    colour: str


@dataclass(frozen=True, slots=True)
class MapArea:
    """An area of a map: its key (data-key), its polygons in longitude and latitude, its tooltip and its value."""

    key: str
    polygons: tuple[tuple[tuple[Point, ...], ...], ...]
    title: str
    value: int


def colour_classes(values: Iterable[int]) -> list[ColourClass]:
    """Zero, then up to four classes that split 1 to the largest value in equal steps (fewer when the values are
    few: 1 to 3 gives three classes of one value each)."""
    largest = max(values, default=0)
    classes = [ColourClass(0, 0, ZERO_COLOUR)]
    low, bounds = 1, []
    for step in range(1, len(MAP_COLOURS) + 1):
        high = math.ceil(largest * step / len(MAP_COLOURS))
        if high >= low:
            bounds.append((low, high))
            low = high + 1
    colours = MAP_COLOURS[len(MAP_COLOURS) - len(bounds) :]
    return classes + [ColourClass(first, last, colour) for (first, last), colour in zip(bounds, colours, strict=True)]


def class_colour(value: int, classes: list[ColourClass]) -> str:
    return next(item.colour for item in classes if item.low <= value <= item.high)


def choropleth(chart_id: str, title: str, areas: list[MapArea], classes: list[ColourClass]) -> Markup:
    """An SVG of the areas in an equirectangular projection, each filled with the colour of its value's class."""
    points = [point for area in areas for polygon in area.polygons for ring in polygon for point in ring]
    west, east = min(x for x, _y in points), max(x for x, _y in points)
    south, north = min(y for _x, y in points), max(y for _x, y in points)
    scale = (MAP_WIDTH - 2 * MAP_MARGIN) / (east - west)
    height = round((north - south) * scale + 2 * MAP_MARGIN)

    def path(polygons) -> str:
        return "".join(
            "M"
            + " ".join(
                f"{(x - west) * scale + MAP_MARGIN:.1f},{(north - y) * scale + MAP_MARGIN:.1f}" for x, y in ring[:-1]
            )
            + "Z"
            for polygon in polygons
            for ring in polygon
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="statistics-map" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {MAP_WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        '<g stroke="#ffffff" stroke-width="0.8" stroke-linejoin="round" fill-rule="evenodd">',
    ]
    for area in areas:
        parts.append(
            f'<path data-key="{escape(area.key)}" data-value="{area.value}" fill="{class_colour(area.value, classes)}" '
            f'd="{path(area.polygons)}"><title>{escape(area.title)}</title></path>'
        )
    parts.append("</g></svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in it is escaped; the rest is numbers and constants)
