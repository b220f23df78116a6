"""Horizontal bar charts drawn on the server as SVG: no script, no library.

A chart is an image (role="img") named by its <title>; the numbers are in the data table beside it, so the chart
repeats them only as labels at the end of the bars.
"""

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
