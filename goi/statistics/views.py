"""The statistics page (/statistics), a CSV of each of its figures, and the compact figures of an area's or an
organization's page (template globals, so that neither domain imports this one)."""

import csv
import io
from dataclasses import dataclass

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from goi.challenges.dashboard import csv_cell
from goi.core import clock
from goi.core.policy import PUBLIC, route
from goi.data import regions
from goi.data.regions import Metro
from goi.orgs.models import Organization
from goi.site.page_cache import cached_value
from goi.statistics import figures as statistics
from goi.statistics.figures import Figure, Scope
from goi.statistics.svg import ColourClass, MapArea, bar_chart, choropleth, colour_classes

bp = Blueprint("statistics", __name__)


@bp.app_template_global()
def figure_chart(figure: Figure):
    """The figure's bar chart: one bar per row and series."""
    labels = [str(row[figure.label_field]) for row in figure.rows]
    headings = {column.field: column.heading for column in figure.columns}
    series = [(headings[name], [row[name] for row in figure.rows]) for name in figure.series]
    return bar_chart(f"chart-{figure.name}", figure.title, labels, series)


@dataclass(frozen=True, slots=True)
class ProvinceMap:
    """The map of challenges by province and its legend's classes."""

    svg: Markup
    classes: list[ColourClass]


@bp.app_template_global()
def province_map(figure: Figure) -> ProvinceMap:
    """The by-province figure as a map. A shape that stands for several of today's provinces (the boundary data
    predates their split) shows the sum of their challenges."""
    counts = {row["province_code"]: row["challenges"] for row in figure.rows}
    areas = []
    for shape in regions.province_shapes():
        number = sum(counts.get(code, 0) for code in shape.province_codes)
        names = ", ".join(regions.province(code).name for code in shape.province_codes)
        title = ngettext(
            "%(provinces)s: %(num)d challenge", "%(provinces)s: %(num)d challenges", number, provinces=names
        )
        areas.append(MapArea(" ".join(shape.province_codes), shape.polygons, title, number))
    classes = colour_classes(area.value for area in areas)
    return ProvinceMap(choropleth("map-provinces", _("Map of challenges by province"), areas, classes), classes)


@bp.app_template_global()
def area_statistics(metro: Metro) -> statistics.ScopedFigures:
    """A metropolitan area's figures (its page lists the sectors itself)."""
    return statistics.scoped_figures(Scope(metro=metro), clock.now(), sectors=False)


@bp.app_template_global()
def organization_statistics(organization: Organization) -> statistics.ScopedFigures:
    """The figures of the challenges an organization owns or co-owns."""
    return statistics.scoped_figures(Scope(organization_id=organization.id), clock.now())


@bp.app_template_global()
def platform_statistics() -> statistics.PlatformFigures:
    """The figures of /statistics, kept per content version like a page (the page, its CSV files, the API and the
    open data read them once between two changes)."""
    return cached_value("statistics", "platform", lambda: statistics.platform_figures(clock.now()))


@route(bp, "/statistics", PUBLIC)
def index():
    return render_template("statistics/index.html")


@route(bp, "/statistics/<figure>.csv", PUBLIC)
def figure_csv(figure: str):
    if figure not in statistics.FIGURE_NAMES:
        abort(404)
    chosen = platform_statistics().figures[figure]
    response = Response(csv_text(chosen), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="goi-statistics-{figure}.csv"'
    return response


def csv_text(figure: Figure) -> str:
    """One header row of field names, then a line per row; texts (codes too) quoted, so that a spreadsheet keeps
    them as text, numbers bare (UTF-8 without a byte order mark when encoded)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([column.field for column in figure.columns])
    for row in figure.rows:
        writer.writerow(
            [
                csv_cell(row[column.field]) if isinstance(row[column.field], str) else row[column.field]
                for column in figure.columns
            ]
        )
    return buffer.getvalue()
