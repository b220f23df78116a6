"""Metropolitan area pages: the list of areas and one area's members, governments, challenges and figures."""

from dataclasses import dataclass

from flask import Blueprint, abort, render_template

from goi.challenges.display import sector_label
from goi.core import clock
from goi.core.money import group_thousands
from goi.core.policy import PUBLIC, route
from goi.data import regions
from goi.data.regions import Metro, Regency
from goi.metros import queries
from goi.orgs.models import Organization

bp = Blueprint("metros", __name__)
bp.add_app_template_global(queries.metro_for)
# The table of sectors names the currency once, in its heading, so that its amounts fit a phone on one line.
bp.add_app_template_filter(group_thousands, "thousands")

# An area page shows its first challenges of each part; the challenge list shows them all (?metro=).
CHALLENGES_SHOWN = 10


@dataclass(slots=True)
class Member:
    """A member regency or city with its governments on the platform and its public and open challenges."""

    regency: Regency
    is_core: bool
    governments: list[Organization]
    government_count: int = 0
    challenges: int = 0
    open: int = 0


def _members(metro: Metro) -> list[Member]:
    """The members in the reference data's order, the core city first."""
    codes = sorted(metro.member_codes, key=lambda code: code != metro.core_code)
    return [Member(regions.regency(code), code == metro.core_code, []) for code in codes]


def _province_names(metro: Metro) -> list[str]:
    codes = dict.fromkeys(code.split(".", 1)[0] for code in metro.member_codes)
    return [regions.province(code).name for code in codes]


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
    members = _members(metro)
    by_code = {member.regency.code: member for member in members}
    governments, government_counts = queries.member_governments(metro)
    for organization in governments:
        by_code[organization.regency_code].governments.append(organization)
    for regency_code, number in government_counts.items():
        by_code[regency_code].government_count = number
    for regency_code, (number, open_number) in queries.counts_by_member(metro, now).items():
        by_code[regency_code].challenges, by_code[regency_code].open = number, open_number
    # The busiest sector first; sectors as busy by their names in the reader's language.
    sectors = sorted(queries.figures_by_sector(metro, now), key=lambda f: (-f.challenges, sector_label(f.sector)))
    total = sum(figures.challenges for figures in sectors)
    joint_total = sum(figures.joint for figures in sectors)
    return render_template(
        "metros/show.html",
        metro=metro,
        core=by_code[metro.core_code].regency,
        provinces=_province_names(metro),
        members=members,
        government_total=sum(government_counts.values()),
        sectors=sectors,
        total=total,
        open_total=sum(figures.open for figures in sectors),
        budget_on_offer=sum(figures.budget_on_offer for figures in sectors),
        joint=queries.area_challenges(metro, True, joint_total, now, CHALLENGES_SHOWN),
        others=queries.area_challenges(metro, False, total - joint_total, now, CHALLENGES_SHOWN),
    )
