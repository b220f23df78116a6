"""Metropolitan area pages: the list of areas and one area's members, governments, challenges and figures."""

from flask import Blueprint, abort, render_template

from goi.core import clock
from goi.core.money import group_thousands
from goi.core.policy import PUBLIC, route
from goi.data import regions
from goi.data.regions import Metro
from goi.metros import queries

bp = Blueprint("metros", __name__)
bp.add_app_template_global(queries.metro_for)
# The table of sectors names the currency once, in its heading, so that its amounts fit a phone on one line.
bp.add_app_template_filter(group_thousands, "thousands")

# An area page shows its first challenges of each part; the challenge list shows them all (?metro=).
CHALLENGES_SHOWN = 10


def _province_names(metro: Metro) -> list[str]:
    return [regions.province(code).name for code in queries.province_codes(metro)]


@route(bp, "/metros", PUBLIC)
def index():
    return render_template(
        "metros/index.html",
        metros=regions.metros(),
        counts=queries.counts_by_area(clock.now()),
        core=lambda metro: regions.regency(metro.core_code),
        provinces=_province_names,
    )


@route(bp, "/metros/<code>", PUBLIC)
def show(code: str):
    metro = regions.metro(code)
    if metro is None:
        abort(404)
    now = clock.now()
    members = queries.area_members(metro, now)
    sectors = queries.sector_figures(metro, now)
    total = sum(figures.challenges for figures in sectors)
    joint_total = sum(figures.joint for figures in sectors)
    return render_template(
        "metros/show.html",
        metro=metro,
        core=regions.regency(metro.core_code),
        provinces=_province_names(metro),
        members=members,
        government_total=sum(member.government_count for member in members),
        sectors=sectors,
        total=total,
        open_total=sum(figures.open for figures in sectors),
        budget_on_offer=sum(figures.budget_on_offer for figures in sectors),
        joint=queries.area_challenges(metro, True, joint_total, now, CHALLENGES_SHOWN),
        others=queries.area_challenges(metro, False, total - joint_total, now, CHALLENGES_SHOWN),
    )
