"""The API's public reads of the directory (organizations, metropolitan areas, offers), of the published results and
of the platform's figures."""

from goi.api import directory_reads, result_reads, statistics_reads
from goi.api.directory_reads import (
    MetroListSchema,
    MetroSchema,
    OfferListArgsSchema,
    OfferPageSchema,
    OfferSchema,
    OrganizationListArgsSchema,
    OrganizationPageSchema,
    OrganizationSchema,
)
from goi.api.operations import operation
from goi.api.result_reads import ResultListArgsSchema, SolutionPageSchema
from goi.api.statistics_reads import StatisticsSchema
from goi.api.views import bp
from goi.core.policy import PUBLIC


@operation(
    bp,
    "/organizations",
    PUBLIC,
    summary="List organizations",
    tag="organizations",
    query=OrganizationListArgsSchema,
    response=OrganizationPageSchema,
)
def organizations(args: dict):
    """The organizations on the platform by name, with the filters of the site's list; the `Link` header gives the
    other pages."""
    return directory_reads.organization_page(args)


@operation(
    bp, "/organizations/<slug>", PUBLIC, summary="An organization", tag="organizations", response=OrganizationSchema
)
def organization(slug: str):
    """An organization's public profile: what it does and seeks, and its latest public challenges (never drafts)."""
    return directory_reads.organization_profile(directory_reads.organization_by_slug(slug))


@operation(bp, "/metros", PUBLIC, summary="List metropolitan areas", tag="metros", response=MetroListSchema)
def metros():
    """Every metropolitan area with its core city, members and provinces, and its governments and challenges."""
    return directory_reads.metro_list()


@operation(bp, "/metros/<code>", PUBLIC, summary="A metropolitan area", tag="metros", response=MetroSchema)
def metro(code: str):
    """A metropolitan area with the figures of each member and of each sector."""
    return directory_reads.metro_detail(directory_reads.metro_by_code(code))


@operation(
    bp,
    "/results",
    PUBLIC,
    summary="List published solutions",
    tag="results",
    query=ResultListArgsSchema,
    response=SolutionPageSchema,
)
def results(args: dict):
    """The winning proposals of the challenges whose results are published, the latest results first: what the
    site's showcase shows everyone, nothing the results keep confidential."""
    return result_reads.solution_page(args)


@operation(
    bp,
    "/offers",
    PUBLIC,
    summary="List offers and requests",
    tag="offers",
    query=OfferListArgsSchema,
    response=OfferPageSchema,
)
def offers(args: dict):
    """The marketplace's live offers and requests (public, not expired), newest first, with its filters."""
    return directory_reads.offer_page(args)


@operation(bp, "/offers/<int:offer_id>", PUBLIC, summary="An offer or request", tag="offers", response=OfferSchema)
def offer(offer_id: int):
    """A live offer or request; a hidden or expired one is a 404."""
    return directory_reads.offer_item(directory_reads.live_offer(offer_id))


@operation(bp, "/statistics", PUBLIC, summary="The platform's figures", tag="statistics", response=StatisticsSchema)
def statistics():
    """The figures of the site's statistics page: challenges by sector, province, area and state, the budget on
    offer, proposals per challenge, the solver mix, the consortium share, the time to results and month by month."""
    return statistics_reads.platform_statistics()
